#!/usr/bin/env python3
"""sec.py REGEX...  -> rows of SEC file whose name or ticker matches (case-insens), marking first ticker per CIK"""
import csv,re,sys
S="/work/shared/data/gazetteer/sec_company_tickers_exchange.edgartools-5.62.1.csv"
rows=list(csv.DictReader(open(S)))
first={}
for r in rows: first.setdefault(r['cik'],r['ticker'])
for pat in sys.argv[1:]:
    rx=re.compile(pat,re.I)
    for r in rows:
        if rx.search(r['name']) or rx.fullmatch(r['ticker']):
            print(("*" if first[r['cik']]==r['ticker'] else " "), r['cik'],r['ticker'],r['exchange'],r['name'])
