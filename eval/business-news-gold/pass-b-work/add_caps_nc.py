#!/usr/bin/env python3
"""add_caps_nc.py IN.jsonl OUT.jsonl: add a non_company span for every ALL-CAPS token that is a
ticker in the SEC file and is not covered by any pass-B span (generic abbreviations, headline words,
US state codes). Second step after tools/build_from_spec.py."""
import sys,re,json
sys.path.insert(0,'/work/dev/gold/tools'); import goldlib
bt,_=goldlib.load_sec()
out=[]
for d in goldlib.read_gold(sys.argv[1]):
    d.pop('_line',None)
    t=goldlib.get_text(d['dataset'],d['page_id'])
    cov=[(m['start'],m['end']) for c in d['companies'] for m in c['mentions']]+[(m['start'],m['end']) for m in d['non_company']]
    for m in re.finditer(r"(?<![\w$])[A-Z][A-Z&.\-]*[A-Z](?![\w])",t):
        w=m.group(0)
        if w.upper() in bt and not any(x<m.end() and m.start()<y for x,y in cov):
            d['non_company'].append({"start":m.start(),"end":m.end(),"surface":w,
              "note":"generic abbreviation / all-caps word, not the ticker %s (%s)"%(w.upper(),bt[w.upper()][2])})
    d['non_company'].sort(key=lambda x:x['start'])
    out.append(d)
with open(sys.argv[2],"w",encoding="utf-8") as f:
    for d in out: f.write(json.dumps(d,ensure_ascii=False)+"\n")
print("wrote",len(out))
