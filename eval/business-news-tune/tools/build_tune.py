#!/usr/bin/env python3
"""Build tune.jsonl from the compact annotation spec (work/tune.spec) and check it.

usage: build_tune.py [--spec ../work/tune.spec] [--out ../tune.jsonl] [--review]

Spec format (one article block per selected article, '#' starts a comment line):
  === DATASET PAGE_ID            (PAGE_ID may be a unique prefix)
  L Name | TICKER | SURFACE      listed company: issuer ticker (any ticker of the CIK; the first
                                 row of that CIK in the SEC file is written) and one surface
  U Name | SURFACE               company without a ticker (goes to "not_listed")
SURFACE is the k-th whole-word, case-sensitive occurrence when written SURFACE#k (default 1),
or explicit offsets when written =START-END.  Checks: every selected article has a block, the
ticker is in the SEC file, no CIK twice in one article, surface == plaintext[start:end].
--review prints each example with 60 characters of context.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TUNE_DIR = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TUNE_DIR, "..", "business-news-gold", "tools"))
import goldlib  # noqa: E402


def find(text, surface, doc, lineno):
    m = re.fullmatch(r"=(\d+)-(\d+)", surface)
    if m:
        s, e = int(m.group(1)), int(m.group(2))
        return text[s:e], s, e
    k = 1
    m = re.fullmatch(r"(.*)#(\d+)", surface, re.S)
    if m:
        surface, k = m.group(1), int(m.group(2))
    surface = surface.replace("\\n", "\n")
    pat = r"(?<![^\W_])" + re.escape(surface) + r"(?![^\W_])"
    hits = list(re.finditer(pat, text))
    if len(hits) < k:
        sys.exit("line %d (%s): %r occurs %d times, #%d wanted" % (lineno, doc, surface, len(hits), k))
    h = hits[k - 1]
    return h.group(0), h.start(), h.end()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default=os.path.join(TUNE_DIR, "work", "tune.spec"))
    ap.add_argument("--out", default=os.path.join(TUNE_DIR, "tune.jsonl"))
    ap.add_argument("--selection", default=os.path.join(TUNE_DIR, "selection.tsv"))
    ap.add_argument("--review", action="store_true")
    ap.add_argument("--partial", action="store_true", help="allow articles without a block (work in progress)")
    a = ap.parse_args()
    by_ticker, by_cik = goldlib.load_sec()
    docs, cur = [], None
    with open(a.spec, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("=== "):
                ds, pid = line[4:].split()[:2]
                texts = goldlib.load_texts(ds)
                ids = [p for p in texts if p == pid] or [p for p in texts if p.startswith(pid)]
                if len(ids) != 1:
                    sys.exit("line %d: page id %r matches %d pages" % (n, pid, len(ids)))
                cur = {"dataset": ds, "page_id": ids[0], "companies": [], "not_listed": [],
                       "_text": texts[ids[0]]}
                docs.append(cur)
                continue
            kind, rest = line[0], line[1:].strip()
            parts = [p.strip() for p in rest.split("|")]
            doc = "%s/%s" % (cur["dataset"], cur["page_id"][:12])
            if kind == "L":
                name, ticker, surface = parts
                row = by_ticker.get(ticker.upper())
                if not row:
                    sys.exit("line %d: ticker %r not in the SEC file" % (n, ticker))
                cik = row[0]
                if any(c["cik"] == cik for c in cur["companies"]):
                    sys.exit("line %d: CIK %s twice in %s" % (n, cik, doc))
                s, st, en = find(cur["_text"], surface, doc, n)
                cur["companies"].append({"name": name, "ticker": by_cik[cik][0], "cik": cik,
                                         "example": s, "start": st, "end": en})
            elif kind == "U":
                name, surface = parts
                s, st, en = find(cur["_text"], surface, doc, n)
                cur["not_listed"].append({"name": name, "example": s, "start": st, "end": en})
            else:
                sys.exit("line %d: unknown line kind %r" % (n, kind))
    sel = goldlib.read_selection(a.selection)
    want = {(r["dataset"], r["page_id"]) for r in sel}
    have = [(d["dataset"], d["page_id"]) for d in docs]
    if len(set(have)) != len(have):
        sys.exit("an article has two blocks")
    if set(have) - want or (want - set(have) and not a.partial):
        sys.exit("spec vs selection: missing %s, extra %s" % (sorted(want - set(have)),
                                                              sorted(set(have) - want)))
    order = {(r["dataset"], r["page_id"]): i for i, r in enumerate(sel)}
    docs.sort(key=lambda d: order[(d["dataset"], d["page_id"])])
    with open(a.out, "w", encoding="utf-8") as f:
        for d in docs:
            text = d.pop("_text")
            for c in d["companies"] + d["not_listed"]:
                assert text[c["start"]:c["end"]] == c["example"]
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
            if a.review:
                print("== %s/%s" % (d["dataset"], d["page_id"][:16]))
                for c in d["companies"]:
                    print("  L %-6s %-34s %s" % (c["ticker"], c["name"][:34],
                                                 goldlib.context(text, c["start"], c["end"], 60)))
                for c in d["not_listed"]:
                    print("  U %-6s %-34s %s" % ("-", c["name"][:34],
                                                 goldlib.context(text, c["start"], c["end"], 60)))
    nl = sum(len(d["companies"]) for d in docs)
    nu = sum(len(d["not_listed"]) for d in docs)
    print("wrote %d articles, %d listed (doc, issuer) items (%d distinct CIKs), %d not-listed "
          "companies to %s" % (len(docs), nl, len({c["cik"] for d in docs for c in d["companies"]}),
                               nu, a.out))


if __name__ == "__main__":
    main()
