#!/usr/bin/env python3
"""Keyword prefilter used to pick the tune set (reads the article texts only, nothing from newspipe).

usage: prefilter.py [--min-words 150] [--top N] [--lines K]
Prints, for every article of the four extraction truth files that is not in the gold selection
(../business-news-gold/selection.tsv), non-empty and mostly English, one row per article:
  score  dataset/page_id  words  business-term hits  legal-form names  first K non-empty lines
sorted by score = business-term hits per 100 words (terms below, case-insensitive whole words,
plus exchange:ticker / "(NYSE: X)" patterns counted 3 times).  "legal-form names" counts
capitalised names followed by Inc/Corp/Ltd/LLC/plc/Co./Company/Group/Holdings/AG/SA/N.V. (a second
hint for company-heavy pages with few business words).  The selection was then made by reading
the listed first lines and, for candidates, the text (see ../README.md).
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "business-news-gold", "tools"))
import goldlib  # noqa: E402

DATASETS = ("scrapinghub", "readability", "cleanportaleval", "cleaneval")
TERMS = ("shares", "share price", "stock", "stocks", "investor", "investors", "shareholders",
         "revenue", "revenues", "profit", "profits", "earnings", "quarter", "quarterly",
         "analyst", "analysts", "acquisition", "acquire", "acquired", "merger", "billion",
         "million", "CEO", "chief executive", "company", "companies", "market", "markets",
         "Inc", "Corp", "Ltd", "plc", "NYSE", "Nasdaq", "IPO", "valuation", "sales", "startup",
         "deal", "customers", "brand", "firm", "dividend", "Wall Street", "industry", "executive")
TERM_RE = re.compile(r"(?<![^\W_])(?:%s)(?![^\W_])" % "|".join(re.escape(t) for t in TERMS), re.I)
TICKER_RE = re.compile(r"\((?:NYSE|NASDAQ|Nasdaq|AMEX|OTC)\s*:\s*[A-Z.]{1,6}\)|"
                       r"(?:NYSE|NASDAQ|Nasdaq|AMEX)\s*:\s*[A-Z]{1,5}\b")
SUFFIX_RE = re.compile(r"\b[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*)*,? (?:Inc\b|Corp\b|Corporation\b|Ltd\b|"
                       r"LLC\b|plc\b|PLC\b|Co\.|Company\b|Group\b|Holdings\b|AG\b|SA\b|N\.V\.)")
EN_RE = re.compile(r"(?<![^\W_])(?:the|and|of|to|in|is|that|for)(?![^\W_])", re.I)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-words", type=int, default=150)
    ap.add_argument("--top", type=int, default=0, help="only the N best (0 = all)")
    ap.add_argument("--lines", type=int, default=2)
    ap.add_argument("--exclude", action="append", default=[], metavar="SELECTION_TSV",
                    help="also leave out the articles of this selection (e.g. ../selection.tsv, "
                         "used for the second batch); repeatable")
    ap.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated subset")
    a = ap.parse_args()
    gold = {(r["dataset"], r["page_id"]) for r in goldlib.read_selection()}
    for path in a.exclude:
        gold |= {(r["dataset"], r["page_id"]) for r in goldlib.read_selection(path)}
    rows = []
    for ds in a.datasets.split(","):
        for pid, text in goldlib.load_texts(ds).items():
            if (ds, pid) in gold:
                continue
            words = len(text.split())
            if words < max(1, a.min_words):
                continue
            if len(EN_RE.findall(text)) / words < 0.08:   # not (mostly) English
                continue
            hits = len(TERM_RE.findall(text)) + 3 * len(TICKER_RE.findall(text))
            score = 100.0 * hits / words
            first = [ln.strip() for ln in text.split("\n") if ln.strip()][:a.lines]
            legal = len(SUFFIX_RE.findall(text))
            rows.append((score, ds, pid, words, hits, legal, " | ".join(first)[:220]))
    rows.sort(key=lambda r: (-r[0], r[1], r[2]))
    if a.top:
        rows = rows[:a.top]
    for r in rows:
        print("%5.2f  %s/%s  %d  %d  %d  %s" % r)


if __name__ == "__main__":
    main()
