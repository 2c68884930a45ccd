#!/usr/bin/env python3
"""Document-level ticker scores of `newspipe ner tag` output against the tune set (tune.jsonl).

usage: score_doc.py [--gold tune.jsonl] --pred PRED.jsonl [--errors] [--json] [--batch 1|2|all]

PRED is what `newspipe ner tag --input docs.jsonl --output PRED.jsonl` writes (docs.jsonl from
../business-news-gold/tools/make_input.py --selection selection.tsv); it is read with the gold
set's scorer (score_tickers.load_pred) and tickers are mapped to issuers the same way: through the
SEC file, by CIK, so GOOG and GOOGL both mean Alphabet and a ticker missing from the SEC file
is an issuer of its own that is never in the gold list.

  doc-level ticker recall     gold (doc, CIK) items -- the listed companies of tune.jsonl -- that
                              the system links at least once in that document (any span with a
                              ticker of that CIK, wherever it is in the document)
  doc-level ticker precision  predicted (doc, CIK) pairs (any span with a ticker) that are in the
                              gold list of that document

Only the tune set's listed companies carry tickers; "not_listed" companies are used to explain
false pairs.  Unlike score_tickers.py there is no mention-level score: tune.jsonl gives one
example mention per company, not every mention.

--errors lists every missed (doc, issuer) with the gold example surface and 80 characters of
context either side, and every predicted (doc, ticker) pair not in the gold list with its
surfaces, a hint (the span lies on a not-listed company's example / on another gold issuer's
example / on neither) and the context of its first span.
"""
import argparse
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "business-news-gold", "tools"))
import goldlib  # noqa: E402
from score_tickers import load_pred, overlaps  # noqa: E402

WIDTH = 80


def context(text, start, end, width=WIDTH):
    return goldlib.context(text, start, end, width)


def batch_keys(selection_path, batch):
    """doc keys of one batch of the selection: batch 2 rows have a reason starting with "[batch2]"."""
    keys = set()
    for r in goldlib.read_selection(selection_path):
        is2 = r.get("reason", "").startswith("[batch2]")
        if batch == "all" or (batch == "2") == is2:
            keys.add("%s/%s" % (r["dataset"], r["page_id"]))
    return keys


def score(gold_path, pred_path, keep=None):
    by_ticker, _ = goldlib.load_sec()
    gold = goldlib.read_gold(gold_path)
    if keep is not None:
        gold = [d for d in gold if goldlib.doc_key(d) in keep]
    pred, _ = load_pred(pred_path)
    gold_keys = {goldlib.doc_key(d) for d in gold}
    gold_pairs, pred_pairs = {}, {}
    for d in gold:
        key = goldlib.doc_key(d)
        text = goldlib.get_text(d["dataset"], d["page_id"])
        for c in d["companies"]:
            gold_pairs[(key, goldlib.norm_cik(c["cik"]))] = c
        for s in pred.get(key, []):
            t = (s.get("ticker") or "").strip().upper()
            if not t:
                continue
            row = by_ticker.get(t)
            cik = row[0] if row else "?" + t          # a ticker missing from the SEC file
            p = pred_pairs.setdefault((key, cik), {"tickers": set(), "spans": []})
            p["tickers"].add(t)
            p["spans"].append((s["char_start"], s["char_end"], text[s["char_start"]:s["char_end"]]))
    found = set(gold_pairs) & set(pred_pairs)
    missed = sorted(set(gold_pairs) - set(pred_pairs))
    false = sorted(set(pred_pairs) - set(gold_pairs))
    return gold, gold_keys, pred, gold_pairs, pred_pairs, found, missed, false


def hint(doc, spans):
    """Why a predicted pair may be false: what the gold says at its spans (example mentions only)."""
    notes = []
    for s0, s1, _ in spans:
        for c in doc["companies"]:
            if overlaps(s0, s1, c["start"], c["end"]):
                notes.append("on gold example of %s [%s]" % (c["name"], c["ticker"]))
        for c in doc.get("not_listed") or []:
            if overlaps(s0, s1, c["start"], c["end"]):
                notes.append("on not-listed company %s" % c["name"])
    if notes:
        return "; ".join(sorted(set(notes)))
    surfaces = {x[2] for x in spans}
    names = [c["name"] for c in doc.get("not_listed") or []
             if any(c["example"] == s or s in c["name"] for s in surfaces)]
    if names:
        return "surface of not-listed company " + ", ".join(sorted(set(names)))
    return "no gold company at the example offsets"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default=os.path.join(HERE, "tune.jsonl"))
    ap.add_argument("--pred", required=True)
    ap.add_argument("--errors", action="store_true", help="list every miss and every false pair")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    ap.add_argument("--batch", choices=("1", "2", "all"), default="all",
                    help="score only batch 1 (the first 60 articles), batch 2 (selection rows whose "
                         "reason starts with [batch2]) or all (default)")
    ap.add_argument("--selection", default=os.path.join(HERE, "selection.tsv"))
    a = ap.parse_args()
    keep = None if a.batch == "all" else batch_keys(a.selection, a.batch)
    gold, gold_keys, pred, gold_pairs, pred_pairs, found, missed, false = score(a.gold, a.pred, keep)
    by_key = {goldlib.doc_key(d): d for d in gold}
    ignored = sorted(set(pred) - gold_keys)
    rec = len(found) / len(gold_pairs) if gold_pairs else None
    prec = len(found) / len(pred_pairs) if pred_pairs else None
    miss_rows, false_rows = [], []
    for key, cik in missed:
        c = gold_pairs[(key, cik)]
        text = goldlib.get_text(*key.split("/", 1))
        miss_rows.append({"doc": key, "cik": cik, "ticker": c["ticker"], "name": c["name"],
                          "example": c["example"],
                          "context": context(text, c["start"], c["end"])})
    for key, cik in false:
        p = pred_pairs[(key, cik)]
        text = goldlib.get_text(*key.split("/", 1))
        s0, s1, _ = p["spans"][0]
        false_rows.append({"doc": key, "cik": cik, "tickers": sorted(p["tickers"]),
                           "surfaces": dict(collections.Counter(x[2] for x in p["spans"])),
                           "hint": hint(by_key[key], p["spans"]),
                           "context": context(text, s0, s1)})
    if a.json:
        json.dump({"documents": len(gold), "batch": a.batch, "pred_documents_ignored": ignored,
                   "doc_ticker_pairs_gold": len(gold_pairs), "doc_ticker_pairs_pred": len(pred_pairs),
                   "doc_ticker_pairs_found": len(found), "doc_ticker_recall": rec,
                   "doc_ticker_precision": prec, "missed": miss_rows, "false_pairs": false_rows},
                  sys.stdout, indent=1, ensure_ascii=False)
        print()
        return

    def f(x):
        return "n/a" if x is None else "%.3f" % x
    print("documents scored: %d, batch %s (pred docs not scored, ignored: %d)" % (len(gold), a.batch, len(ignored)))
    print("doc-level ticker recall:    %s  (%d/%d)" % (f(rec), len(found), len(gold_pairs)))
    print("doc-level ticker precision: %s  (%d/%d)" % (f(prec), len(found), len(pred_pairs)))
    print("missed (doc, issuer): %d   predicted (doc, ticker) not in gold: %d" % (len(missed), len(false)))
    if not a.errors:
        return
    print("\n== missed (doc, issuer): doc | issuer [ticker] | gold example\n      context")
    for m in miss_rows:
        print("  %s | %s [%s] | %r\n      %s" % (m["doc"][:40], m["name"], m["ticker"], m["example"],
                                                m["context"]))
    print("\n== predicted (doc, ticker) not in gold: doc | ticker(s) | surfaces | hint\n      context")
    for x in false_rows:
        print("  %s | %s | %s | %s\n      %s" % (
            x["doc"][:40], ",".join(x["tickers"]),
            ", ".join("%r x%d" % kv if kv[1] > 1 else repr(kv[0]) for kv in sorted(x["surfaces"].items())),
            x["hint"], x["context"]))


if __name__ == "__main__":
    main()
