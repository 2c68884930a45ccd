#!/usr/bin/env python3
"""caps.py DATASET PAGEPREFIX -> all-caps tokens (2+ letters) in the text that are SEC tickers, with counts"""
import sys,re,collections
sys.path.insert(0,'/work/dev/gold/tools')
import goldlib
bt,_=goldlib.load_sec()
texts=goldlib.load_texts(sys.argv[1])
ids=[p for p in texts if p==sys.argv[2]] or [p for p in texts if p.startswith(sys.argv[2])]
t=texts[ids[0]]
c=collections.Counter(m.group(0) for m in re.finditer(r"(?<![\w$])[A-Z][A-Z&.\-]*[A-Z](?![\w])",t))
for w,n in sorted(c.items()):
    if w.upper() in bt: print(w,n,bt[w.upper()][2])
