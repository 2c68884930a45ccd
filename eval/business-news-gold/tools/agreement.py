#!/usr/bin/env python3
"""Inter-annotator agreement between two annotation passes of the gold set.

usage: agreement.py A.jsonl B.jsonl [--json] [--diff N]

Computed over the documents present in both files (documents in only one are listed):
  mention span F1, exact      (doc, start, end) of company mentions; F1 = 2|A&B| / (|A|+|B|)
  mention span F1, overlap    P = share of A spans overlapping some B span, R = share of B spans
                              overlapping some A span, F1 = harmonic mean
  ticker agreement            over mention pairs matched by overlap (best overlap first, one to
                              one): share with the same CIK (null == null agrees); plus F1 of the
                              document-level sets of (doc, CIK) for listed companies
  tone agreement              over company pairs matched within a document (same CIK for listed
                              companies, otherwise overlapping mentions): accuracy and Cohen's
                              kappa on positive/negative/neutral
  diff listing                spans only in A / only in B, ticker and tone disagreements, to
                              adjudicate
"""
import argparse
import collections
import json
import sys

import goldlib

TONES = ("positive", "negative", "neutral")


def overlap(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def kappa(pairs):
    n = len(pairs)
    if not n:
        return None
    po = sum(1 for x, y in pairs if x == y) / n
    ca = collections.Counter(x for x, _ in pairs)
    cb = collections.Counter(y for _, y in pairs)
    pe = sum(ca[t] * cb[t] for t in TONES) / (n * n)
    if pe == 1:
        return 1.0 if po == 1 else 0.0
    return (po - pe) / (1 - pe)


def mentions(d):
    out = []
    for ci, c in enumerate(d["companies"]):
        for m in c["mentions"]:
            out.append((m["start"], m["end"], goldlib.norm_cik(c.get("cik")), ci, m["surface"]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--diff", type=int, default=100000, help="max diff lines per section")
    args = ap.parse_args()
    A = {goldlib.doc_key(d): d for d in goldlib.read_gold(args.a)}
    B = {goldlib.doc_key(d): d for d in goldlib.read_gold(args.b)}
    common = sorted(set(A) & set(B))
    only = {"only_in_A": sorted(set(A) - set(B)), "only_in_B": sorted(set(B) - set(A))}

    nA = nB = exact = ovA = ovB = 0
    tick_same = tick_n = 0
    pairsA, pairsB = set(), set()
    tone_pairs = []
    diff = collections.defaultdict(list)
    for key in common:
        da, db = A[key], B[key]
        text = goldlib.get_text(da["dataset"], da["page_id"])
        ma, mb = mentions(da), mentions(db)
        nA += len(ma)
        nB += len(mb)
        sa = {(m[0], m[1]) for m in ma}
        sb = {(m[0], m[1]) for m in mb}
        exact += len(sa & sb)
        ovA += sum(1 for m in ma if any(overlap(m, x) for x in mb))
        ovB += sum(1 for m in mb if any(overlap(m, x) for x in ma))
        for m in ma:
            if not any(overlap(m, x) for x in mb):
                diff["span only in A"].append("%s | %r | %s" % (key[:40], m[4],
                                              goldlib.context(text, m[0], m[1], 40)))
        for m in mb:
            if not any(overlap(m, x) for x in ma):
                diff["span only in B"].append("%s | %r | %s" % (key[:40], m[4],
                                              goldlib.context(text, m[0], m[1], 40)))
        # one-to-one matching by overlap for ticker agreement
        cand = sorted(((overlap(x, y), i, j) for i, x in enumerate(ma) for j, y in enumerate(mb)
                       if overlap(x, y)), reverse=True)
        usedA, usedB = set(), set()
        for _, i, j in cand:
            if i in usedA or j in usedB:
                continue
            usedA.add(i)
            usedB.add(j)
            tick_n += 1
            if ma[i][2] == mb[j][2]:
                tick_same += 1
            else:
                ca = da["companies"][ma[i][3]]
                cb = db["companies"][mb[j][3]]
                diff["ticker differs"].append("%s | %r | A: %s [%s] | B: %s [%s]" % (
                    key[:40], ma[i][4], ca["name"], ca.get("ticker"), cb["name"], cb.get("ticker")))
        for c in da["companies"]:
            if c.get("cik"):
                pairsA.add((key, goldlib.norm_cik(c["cik"])))
        for c in db["companies"]:
            if c.get("cik"):
                pairsB.add((key, goldlib.norm_cik(c["cik"])))
        # company matching for tone
        usedB = set()
        for ca in da["companies"]:
            cika = goldlib.norm_cik(ca.get("cik"))
            match = None
            for j, cb in enumerate(db["companies"]):
                if j in usedB:
                    continue
                cikb = goldlib.norm_cik(cb.get("cik"))
                if cika and cika == cikb:
                    match = j
                    break
            if match is None:
                spansA = [(m["start"], m["end"]) for m in ca["mentions"]]
                best = 0
                for j, cb in enumerate(db["companies"]):
                    if j in usedB:
                        continue
                    o = sum(overlap(x, (m["start"], m["end"])) for x in spansA
                            for m in cb["mentions"])
                    if o > best:
                        best, match = o, j
            if match is None:
                continue
            usedB.add(match)
            cb = db["companies"][match]
            tone_pairs.append((ca["tone"], cb["tone"]))
            if ca["tone"] != cb["tone"]:
                diff["tone differs"].append("%s | A: %s = %s | B: %s = %s" % (
                    key[:40], ca["name"], ca["tone"], cb["name"], cb["tone"]))

    def f1(p, r):
        return 2 * p * r / (p + r) if p + r else 0.0
    exact_f1 = 2 * exact / (nA + nB) if nA + nB else None
    P = ovA / nA if nA else 0.0
    R = ovB / nB if nB else 0.0
    both = pairsA & pairsB
    pa = len(both) / len(pairsA) if pairsA else 0.0
    pb = len(both) / len(pairsB) if pairsB else 0.0
    for k, c in sorted(pairsA - pairsB):
        diff["(doc, issuer) only in A"].append("%s | %s" % (k[:40], c))
    for k, c in sorted(pairsB - pairsA):
        diff["(doc, issuer) only in B"].append("%s | %s" % (k[:40], c))
    res = {
        "documents_compared": len(common), **only,
        "mentions_A": nA, "mentions_B": nB,
        "span_f1_exact": exact_f1,
        "span_overlap_precision_A_vs_B": P, "span_overlap_recall_A_vs_B": R,
        "span_f1_overlap": f1(P, R),
        "ticker_agreement_on_matched_mentions": tick_same / tick_n if tick_n else None,
        "matched_mentions": tick_n,
        "doc_issuer_pairs_A": len(pairsA), "doc_issuer_pairs_B": len(pairsB),
        "doc_issuer_f1": f1(pa, pb),
        "tone_pairs": len(tone_pairs),
        "tone_accuracy": (sum(1 for x, y in tone_pairs if x == y) / len(tone_pairs)
                          if tone_pairs else None),
        "tone_kappa": kappa(tone_pairs),
        "diff": {k: v for k, v in diff.items()},
    }
    if args.json:
        json.dump(res, sys.stdout, indent=1, ensure_ascii=False)
        print()
        return

    def f(x):
        return "n/a" if x is None else "%.3f" % x
    print("documents compared: %d (only in A: %d, only in B: %d)"
          % (len(common), len(only["only_in_A"]), len(only["only_in_B"])))
    print("company mentions: A %d, B %d" % (nA, nB))
    print("span F1 exact:   %s" % f(exact_f1))
    print("span F1 overlap: %s  (A-in-B %s, B-in-A %s)" % (f(res["span_f1_overlap"]), f(P), f(R)))
    print("ticker agreement on %d matched mentions: %s"
          % (tick_n, f(res["ticker_agreement_on_matched_mentions"])))
    print("(doc, issuer) F1: %s  (A %d, B %d pairs)" % (f(res["doc_issuer_f1"]), len(pairsA),
                                                        len(pairsB)))
    print("tone on %d matched companies: accuracy %s, Cohen's kappa %s"
          % (len(tone_pairs), f(res["tone_accuracy"]), f(res["tone_kappa"])))
    for sec in ("span only in A", "span only in B", "ticker differs", "(doc, issuer) only in A",
                "(doc, issuer) only in B", "tone differs"):
        if diff.get(sec):
            print("\n== %s (%d)" % (sec, len(diff[sec])))
            for line in diff[sec][:args.diff]:
                print("  " + line)


if __name__ == "__main__":
    main()
