#!/usr/bin/env python3
"""Validate a gold annotation file (pass-a.jsonl / pass-b.jsonl format).

usage: gold_check.py FILE [--selection selection.tsv] [--sec SEC.csv]
Checks: JSON shape, every span's surface == plaintext[start:end], no overlapping spans within a
document (company mentions and non_company spans together), ticker exists in the SEC file and
belongs to the given CIK, cik null iff ticker null, tone in {positive,negative,neutral}, one
entry per (dataset, page_id), a company listed at most once per document (by CIK for listed
companies, by name otherwise), every selected article present. Exit status 1 on any error.
"""
import argparse
import collections
import re
import sys

import goldlib

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--selection", default=None)
    ap.add_argument("--sec", default=goldlib.SEC_CSV)
    a = ap.parse_args()
    by_ticker, by_cik = goldlib.load_sec(a.sec)
    errors = []
    warns = []

    def err(d, msg):
        errors.append("%s line %s: %s" % (d.get("page_id", "?")[:16], d.get("_line"), msg))

    docs = goldlib.read_gold(a.file)
    seen = set()
    n_comp = n_ment = n_tick = n_tmen = n_nc = 0
    tones = collections.Counter()
    tones_t = collections.Counter()
    ciks_all = set()
    for d in docs:
        for k in ("dataset", "page_id", "companies"):
            if k not in d:
                err(d, "missing key %s" % k)
        if "companies" not in d:
            continue
        key = goldlib.doc_key(d)
        if key in seen:
            err(d, "duplicate document %s" % key)
        seen.add(key)
        try:
            text = goldlib.get_text(d["dataset"], d["page_id"])
        except (KeyError, OSError):
            err(d, "unknown article %s" % key)
            continue
        date = d.get("date")
        if date is not None and not DATE_RE.match(str(date)):
            err(d, "bad date %r" % date)
        spans = []
        comp_keys = set()
        for c in d["companies"]:
            n_comp += 1
            name = c.get("name")
            if not name:
                err(d, "company without name")
            t, cik = c.get("ticker"), goldlib.norm_cik(c.get("cik"))
            if (t is None) != (cik is None):
                err(d, "%s: ticker and cik must both be null or both set" % name)
            if t is not None:
                row = by_ticker.get(str(t).upper())
                if row is None:
                    err(d, "%s: ticker %s not in SEC file" % (name, t))
                elif row[0] != cik:
                    err(d, "%s: ticker %s has CIK %s, not %s" % (name, t, row[0], cik))
                n_tick += 1
                ciks_all.add(cik)
            ck = cik or ("name:" + str(name).lower())
            if ck in comp_keys:
                err(d, "company listed twice: %s" % name)
            comp_keys.add(ck)
            tone = c.get("tone")
            if tone not in goldlib.TONES:
                err(d, "%s: bad tone %r" % (name, tone))
            tones[tone] += 1
            if t is not None:
                tones_t[tone] += 1
            ms = c.get("mentions") or []
            if not ms:
                err(d, "%s: no mentions" % name)
            for m in ms:
                n_ment += 1
                if t is not None:
                    n_tmen += 1
                spans.append((m.get("start"), m.get("end"), m.get("surface"), name))
        for m in d.get("non_company") or []:
            n_nc += 1
            if not m.get("note"):
                warns.append("%s: non_company %r without note" % (key[:40], m.get("surface")))
            spans.append((m.get("start"), m.get("end"), m.get("surface"), "non_company"))
        for s, e, surf, who in spans:
            if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
                err(d, "%s: bad offsets %r-%r" % (who, s, e))
                continue
            if text[s:e] != surf:
                err(d, "%s: surface %r != text[%d:%d] %r" % (who, surf, s, e, text[s:e]))
            if surf != surf.strip():
                err(d, "%s: surface %r has outer whitespace" % (who, surf))
        ok = sorted((s, e, surf, who) for s, e, surf, who in spans
                    if isinstance(s, int) and isinstance(e, int))
        for x, y in zip(ok, ok[1:]):
            if y[0] < x[1]:
                err(d, "overlap: %r(%d-%d, %s) and %r(%d-%d, %s)"
                    % (x[2], x[0], x[1], x[3], y[2], y[0], y[1], y[3]))
    if a.selection:
        sel = {"%s/%s" % (r["dataset"], r["page_id"]) for r in goldlib.read_selection(a.selection)}
        for k in sorted(sel - seen):
            errors.append("selected article not annotated: %s" % k)
        for k in sorted(seen - sel):
            warns.append("annotated article not in selection: %s" % k)
    print("documents: %d" % len(docs))
    print("companies (doc-level): %d, of which with ticker: %d (distinct CIKs: %d)"
          % (n_comp, n_tick, len(ciks_all)))
    print("company mentions: %d, of which with ticker: %d" % (n_ment, n_tmen))
    print("non_company spans: %d" % n_nc)
    print("tone (all companies): %s" % dict(tones))
    print("tone (listed companies): %s" % dict(tones_t))
    for w in warns:
        print("WARNING: " + w)
    for e in errors:
        print("ERROR: " + e)
    print("%s: %d error(s)" % ("OK" if not errors else "FAILED", len(errors)))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
