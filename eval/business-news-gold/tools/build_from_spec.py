#!/usr/bin/env python3
"""Build an annotation jsonl from a compact annotator spec (optional convenience).

usage: build_from_spec.py SPEC OUT.jsonl [--review]

SPEC format (UTF-8, one directive per line, '#' starts a comment line):
  === DATASET PAGE_ID_OR_PREFIX [date=YYYY-MM-DD]
  C Company name | TICKER or - | positive/negative/neutral | surf1 ; surf2@1,3 ; surf3!2
  N surface[@k,...] ; surface2 ... | note
Each surface selects every whole-word, case-sensitive occurrence of that string in the article;
'@1,3' keeps only those occurrences (1-based, counted over all whole-word occurrences of the
string), '!2' drops occurrence 2; '=START-END' gives explicit offsets.  A span strictly contained in a longer span of the same
document is dropped.  The CIK is filled in from the SEC file (ticker -> CIK).
--review prints every resolved span with context so the annotator can check it.
"""
import json
import re
import sys

import goldlib


def parse_surface(tok):
    m = re.match(r"^(.*?)(?:([@!])([0-9,]+))?$", tok.strip())
    s, mode, nums = m.group(1), m.group(2), m.group(3)
    idx = [int(x) for x in nums.split(",")] if nums else []
    return s, mode, idx


def occurrences(text, s):
    pat = r"(?<![^\W_])" + re.escape(s) + r"(?![^\W_])"
    return [(m.start(), m.end()) for m in re.finditer(pat, text)]


def select(text, tok, where):
    raw = re.match(r"^\s*=(\d+)-(\d+)\s*$", tok)
    if raw:  # explicit offsets, for names glued to other text by extraction artefacts
        a, b = int(raw.group(1)), int(raw.group(2))
        return [(a, b, text[a:b])]
    s, mode, idx = parse_surface(tok)
    occ = occurrences(text, s)
    if not occ:
        raise SystemExit("%s: surface %r not found" % (where, s))
    if mode == "@":
        bad = [i for i in idx if i < 1 or i > len(occ)]
        if bad:
            raise SystemExit("%s: %r has only %d occurrences" % (where, s, len(occ)))
        occ = [occ[i - 1] for i in idx]
    elif mode == "!":
        occ = [o for k, o in enumerate(occ, 1) if k not in idx]
    return [(a, b, text[a:b]) for a, b in occ]


def drop_contained(d):
    """A span strictly inside a longer span of the same document is dropped (so a spec may say
    'SoftBank Group Corp ; SoftBank' without counting the inner 'SoftBank' twice)."""
    allspans = [(m["start"], m["end"]) for c in d["companies"] for m in c["mentions"]]
    allspans += [(m["start"], m["end"]) for m in d["non_company"]]

    def inside(m):
        return any(a <= m["start"] and m["end"] <= b and (a, b) != (m["start"], m["end"])
                   for a, b in allspans)
    for c in d["companies"]:
        c["mentions"] = [m for m in c["mentions"] if not inside(m)]
    d["non_company"] = [m for m in d["non_company"] if not inside(m)]


def main():
    spec, out = sys.argv[1], sys.argv[2]
    review = "--review" in sys.argv
    by_ticker, _ = goldlib.load_sec()
    docs = []
    cur = None
    text = None
    for n, line in enumerate(open(spec, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = "%s:%d" % (spec, n)
        if line.startswith("==="):
            parts = line[3:].split()
            ds, pid = parts[0], parts[1]
            date = None
            for p in parts[2:]:
                if p.startswith("date="):
                    date = p[5:]
                    date = None if date in ("null", "-") else date
            texts = goldlib.load_texts(ds)
            ids = [p for p in texts if p == pid] or [p for p in texts if p.startswith(pid)]
            if len(ids) != 1:
                raise SystemExit("%s: page %r matches %d" % (where, pid, len(ids)))
            text = texts[ids[0]]
            cur = {"dataset": ds, "page_id": ids[0], "date": date, "companies": [],
                   "non_company": []}
            docs.append(cur)
            if review:
                print("\n=== %s/%s" % (ds, ids[0][:16]))
        elif line.startswith("C "):
            f = [x.strip() for x in line[2:].split("|")]
            if len(f) != 4:
                raise SystemExit("%s: need 4 fields" % where)
            name, t, tone, surfs = f
            t = None if t in ("-", "") else t
            cik = None
            if t:
                if t.upper() not in by_ticker:
                    raise SystemExit("%s: ticker %s not in SEC file" % (where, t))
                cik = by_ticker[t.upper()][0]
            ms = []
            for tok in surfs.split(";"):
                if tok.strip():
                    ms += select(text, tok, where)
            ms.sort()
            cur["companies"].append({"name": name, "ticker": t, "cik": cik, "tone": tone,
                                     "mentions": [{"start": a, "end": b, "surface": s}
                                                  for a, b, s in ms]})
            if review:
                print("C %s [%s] %s" % (name, t, tone))
                for a, b, s in ms:
                    print("    %d-%d %s" % (a, b, goldlib.context(text, a, b, 35)))
        elif line.startswith("N "):
            f = [x.strip() for x in line[2:].split("|", 1)]
            note = f[1] if len(f) > 1 else ""
            for tok in f[0].split(";"):
                if not tok.strip():
                    continue
                for a, b, s in select(text, tok, where):
                    cur["non_company"].append({"start": a, "end": b, "surface": s, "note": note})
                    if review:
                        print("N %d-%d %s  (%s)" % (a, b, goldlib.context(text, a, b, 35), note))
        else:
            raise SystemExit("%s: cannot parse %r" % (where, line))
    for d in docs:
        drop_contained(d)
    with open(out, "w", encoding="utf-8") as f:
        for d in docs:
            d["non_company"].sort(key=lambda m: m["start"])
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print("wrote %d documents to %s" % (len(docs), out), file=sys.stderr)


if __name__ == "__main__":
    main()
