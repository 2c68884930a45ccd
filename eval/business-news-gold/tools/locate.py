#!/usr/bin/env python3
"""Print every occurrence of given surface strings in one article, with offsets.

usage: locate.py DATASET PAGE_ID SURFACE [SURFACE ...] [-i] [-w] [-c N]
       locate.py DATASET PAGE_ID --show        (print the text with line offsets)
  -i   case-insensitive       -w  whole words only (no letter/digit on either side)
  -c N context characters (default 40)
PAGE_ID may be a unique prefix. Offsets are Python str indices (code points), end exclusive.
"""
import argparse
import re
import sys

import goldlib


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("page_id")
    ap.add_argument("surfaces", nargs="*")
    ap.add_argument("-i", action="store_true")
    ap.add_argument("-w", action="store_true")
    ap.add_argument("-c", type=int, default=40)
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()
    texts = goldlib.load_texts(a.dataset)
    ids = [p for p in texts if p == a.page_id] or [p for p in texts if p.startswith(a.page_id)]
    if len(ids) != 1:
        sys.exit("page id %r matches %d pages" % (a.page_id, len(ids)))
    pid = ids[0]
    text = texts[pid]
    print("# %s/%s  (%d chars)" % (a.dataset, pid, len(text)))
    if a.show:
        pos = 0
        for line in text.split("\n"):
            if line.strip():
                print("%6d  %s" % (pos, line))
            pos += len(line) + 1
        return
    for s in a.surfaces:
        pat = re.escape(s)
        if a.w:
            pat = r"(?<![^\W_])" + pat + r"(?![^\W_])"
        hits = list(re.finditer(pat, text, re.I if a.i else 0))
        print("== %r: %d occurrence(s)" % (s, len(hits)))
        for k, m in enumerate(hits, 1):
            print("  #%d %d-%d %r  %s" % (k, m.start(), m.end(), m.group(0),
                                          goldlib.context(text, m.start(), m.end(), a.c)))


if __name__ == "__main__":
    main()
