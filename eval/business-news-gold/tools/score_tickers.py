#!/usr/bin/env python3
"""Score a system's ticker links and company tone against the gold set.

usage: score_tickers.py --gold pass-a.jsonl --pred PRED.jsonl [--json] [--errors N]

PRED is what `newspipe ner --input docs.jsonl --output PRED.jsonl` writes: one line per document,
{"doc": "<dataset>/<page_id>", "spans": [{"char_start", "char_end", "label", "ticker"?,
"entity_id", "canonical", "tone"? ("bullish"/"bearish")}, ...]}.  Offsets are code-point offsets
into the plaintext, end exclusive (same convention as the gold).

Metrics (issuers are compared by CIK, via the SEC ticker file, so GOOG and GOOGL both mean
Alphabet):
  ticker mention precision  a predicted span with a ticker is correct iff it overlaps a gold
                            company mention whose gold CIK equals the CIK of the predicted ticker.
                            Spans on non-company words, on companies with ticker null, or on
                            another issuer are errors.  A ticker not in the SEC file is an error.
  doc-level ticker recall   gold pairs (doc, CIK) of companies with a ticker, found iff the
                            system predicts any span with a ticker of that CIK in that document.
  company tone accuracy     per gold (doc, company): when the prediction line carries
                            "companies" (newspipe's per-document company tone: entity_id,
                            ticker, tone), the predicted tone is the company tone of the
                            system's entities that have a span on the company's gold mentions
                            (or, for listed companies, a ticker of the same CIK), majority if
                            several; otherwise the majority over the system's spans that overlap
                            the company's gold mentions (and, for listed companies, any span in
                            the document with a ticker of the same CIK).  bullish=positive,
                            bearish=negative, no tone=neutral, ties and missing companies =
                            neutral.  Compared with the everything-neutral baseline on the same
                            items.
Only documents present in the gold file are scored (others are reported and ignored); a gold
document absent from PRED counts as a document with no predicted spans.
"""
import argparse
import collections
import json
import sys

import goldlib

TONE_MAP = {"bullish": "positive", "bearish": "negative", "positive": "positive",
            "negative": "negative", "neutral": "neutral"}


def overlaps(a0, a1, b0, b1):
    return a0 < b1 and b0 < a1


def load_pred(path):
    """{doc: spans} and {doc: {entity_id: company tone}} (the second only when given)."""
    pred, company_tone = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                pred[d["doc"]] = d.get("spans") or []
                if d.get("companies") is not None:
                    company_tone[d["doc"]] = {c["entity_id"]: c.get("tone") or "neutral"
                                              for c in d["companies"]}
    return pred, company_tone


def majority(tones):
    c = collections.Counter(tones)
    if not c:
        return "neutral"
    best = c.most_common()
    if len(best) > 1 and best[0][1] == best[1][1]:
        return "neutral"
    return best[0][0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", required=True)
    ap.add_argument("--pred", required=True)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    ap.add_argument("--errors", type=int, default=1000, help="max error lines per section")
    a = ap.parse_args()
    by_ticker, _ = goldlib.load_sec()
    gold = goldlib.read_gold(a.gold)
    pred, company_tone = load_pred(a.pred)
    gold_keys = {goldlib.doc_key(d) for d in gold}
    ignored = sorted(set(pred) - gold_keys)

    tp = fp = 0
    fp_list = []      # (ticker, surface, doc, reason, context)
    tp_by_t = collections.Counter()
    fp_by_t = collections.Counter()
    gold_pairs, pred_pairs = set(), set()
    gold_pair_info = {}
    tone_rows = []    # (doc, name, listed, gold, predicted)
    for d in gold:
        key = goldlib.doc_key(d)
        text = goldlib.get_text(d["dataset"], d["page_id"])
        spans = pred.get(key, [])
        gm = []  # (start, end, cik, name)
        for c in d["companies"]:
            cik = goldlib.norm_cik(c.get("cik"))
            for m in c["mentions"]:
                gm.append((m["start"], m["end"], cik, c["name"]))
            if cik:
                gold_pairs.add((key, cik))
                gold_pair_info[(key, cik)] = (c["name"], c.get("ticker"),
                                              sorted({m["surface"] for m in c["mentions"]}))
        nc = [(m["start"], m["end"], m.get("note", "")) for m in d.get("non_company") or []]
        for s in spans:
            t = (s.get("ticker") or "").strip().upper()
            if not t:
                continue
            s0, s1 = s["char_start"], s["char_end"]
            row = by_ticker.get(t)
            pcik = row[0] if row else None
            if pcik:
                pred_pairs.add((key, pcik))
            hits = [g for g in gm if overlaps(s0, s1, g[0], g[1])]
            ok = pcik is not None and any(g[2] == pcik for g in hits)
            if ok:
                tp += 1
                tp_by_t[t] += 1
                continue
            fp += 1
            fp_by_t[t] += 1
            if pcik is None:
                reason = "ticker not in SEC file"
            elif hits:
                reason = "gold: " + "; ".join("%s [%s]" % (g[3], g[2] or "no ticker")
                                              for g in hits)
            else:
                ncs = [n for n in nc if overlaps(s0, s1, n[0], n[1])]
                reason = ("gold non_company: " + ncs[0][2]) if ncs else "no gold company here"
            fp_list.append((t, text[s0:s1], key, reason, goldlib.context(text, s0, s1, 50)))
        # tone
        for c in d["companies"]:
            cik = goldlib.norm_cik(c.get("cik"))
            tones = []
            entities = set()
            for s in spans:
                s0, s1 = s["char_start"], s["char_end"]
                t = (s.get("ticker") or "").strip().upper()
                same_issuer = cik is not None and t and by_ticker.get(t, (None,))[0] == cik
                on_mention = any(overlaps(s0, s1, m["start"], m["end"]) for m in c["mentions"])
                if same_issuer or on_mention:
                    tones.append(TONE_MAP.get((s.get("tone") or "").lower(), "neutral"))
                    if s.get("entity_id"):
                        entities.add(s["entity_id"])
            if key in company_tone:
                doc_tones = company_tone[key]
                tones = [TONE_MAP.get(doc_tones[e].lower(), "neutral") for e in sorted(entities) if e in doc_tones]
            tone_rows.append((key, c["name"], cik is not None, c["tone"], majority(tones)))

    prec = tp / (tp + fp) if tp + fp else None
    found = gold_pairs & pred_pairs
    rec = len(found) / len(gold_pairs) if gold_pairs else None
    doc_prec = len(found) / len(pred_pairs) if pred_pairs else None
    fn_list = sorted(gold_pairs - pred_pairs)

    def tone_stats(rows):
        n = len(rows)
        if not n:
            return {"n": 0}
        acc = sum(1 for r in rows if r[3] == r[4]) / n
        base = sum(1 for r in rows if r[3] == "neutral") / n
        conf = collections.Counter((r[3], r[4]) for r in rows)
        return {"n": n, "accuracy": acc, "neutral_baseline": base,
                "confusion_gold_pred": {"%s->%s" % k: v for k, v in sorted(conf.items())}}

    res = {
        "documents": len(gold), "pred_documents_ignored": ignored,
        "ticker_mentions_predicted": tp + fp, "ticker_mentions_correct": tp,
        "ticker_mention_precision": prec,
        "doc_ticker_pairs_gold": len(gold_pairs), "doc_ticker_pairs_pred": len(pred_pairs),
        "doc_ticker_pairs_found": len(found),
        "doc_ticker_recall": rec, "doc_ticker_precision": doc_prec,
        "tone_all_companies": tone_stats(tone_rows),
        "tone_listed_companies": tone_stats([r for r in tone_rows if r[2]]),
        "false_positives": [dict(zip(("ticker", "surface", "doc", "reason", "context"), x))
                            for x in fp_list],
        "missed": [{"doc": k, "cik": c, "name": gold_pair_info[(k, c)][0],
                    "ticker": gold_pair_info[(k, c)][1], "surfaces": gold_pair_info[(k, c)][2]}
                   for k, c in fn_list],
        "per_ticker": {t: {"correct": tp_by_t[t], "wrong": fp_by_t[t]}
                       for t in sorted(set(tp_by_t) | set(fp_by_t))},
    }
    if a.json:
        json.dump(res, sys.stdout, indent=1, ensure_ascii=False)
        print()
        return

    def f(x):
        return "n/a" if x is None else "%.3f" % x
    print("documents scored: %d (pred docs not in gold, ignored: %d)" % (len(gold), len(ignored)))
    print("ticker mention precision: %s  (%d/%d)   floor 0.95"
          % (f(prec), tp, tp + fp))
    print("doc-level ticker recall:  %s  (%d/%d)   floor 0.85"
          % (f(rec), len(found), len(gold_pairs)))
    print("doc-level ticker precision: %s  (%d/%d)" % (f(doc_prec), len(found), len(pred_pairs)))
    for lab, st in (("all companies", res["tone_all_companies"]),
                    ("listed companies", res["tone_listed_companies"])):
        if st["n"]:
            print("company tone accuracy (%s): %s vs all-neutral baseline %s  (n=%d)"
                  % (lab, f(st["accuracy"]), f(st["neutral_baseline"]), st["n"]))
            print("   gold->pred: " + ", ".join("%s %d" % kv
                                                for kv in st["confusion_gold_pred"].items()))
    print("\n== per-ticker (wrong/correct), worst first")
    for t, v in sorted(res["per_ticker"].items(), key=lambda kv: (-kv[1]["wrong"], kv[0])):
        if v["wrong"]:
            print("  %-8s wrong %3d  correct %3d" % (t, v["wrong"], v["correct"]))
    print("\n== false ticker links (ticker | surface | doc | why | context)")
    for x in sorted(fp_list)[:a.errors]:
        print("  %s | %r | %s | %s\n      %s" % (x[0], x[1], x[2][:40], x[3], x[4]))
    print("\n== missed (doc, issuer) pairs")
    for m in res["missed"][:a.errors]:
        print("  %s | %s [%s] | surfaces: %s" % (m["doc"][:40], m["name"], m["ticker"],
                                                 ", ".join(m["surfaces"][:5])))


if __name__ == "__main__":
    main()
