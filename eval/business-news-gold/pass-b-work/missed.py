#!/usr/bin/env python3
"""Find SEC-name / legal-suffix candidates in each article not covered by a pass-B span."""
import sys,re,json,csv,collections
sys.path.insert(0,'/work/dev/gold/tools'); import goldlib
docs=goldlib.read_gold(sys.argv[1])
SUF=r"(,? (inc|corp|corporation|co|company|ltd|limited|plc|llc|lp|l\.p|group|holdings?|sa|s\.a|ag|se|nv|n\.v|trust|bancorp|/\w+/?|/adr|.*acquisition.*))+\.?$"
names=collections.defaultdict(set)
for r in csv.DictReader(open(goldlib.SEC_CSV)):
    n=r['name'].strip(); n=re.sub(r"\s*/[A-Z]{2,3}/?$","",n)
    core=re.sub(SUF,"",n,flags=re.I).strip(" ,.")
    if len(core)<4: continue
    names[core.lower()].add(r['ticker'])
# index by first word
first=collections.defaultdict(list)
for c in names: first[c.split()[0]].append(c)
legal=re.compile(r"\b[A-Z][\w&'’.-]*(?: [A-Z][\w&'’.-]*)* (?:Inc|Corp|Co|LLC|Ltd|plc|Group|Holdings|Partners|Capital|Media|Bank|Securities|Systems|Technologies|Labs?|Studios|Entertainment|Airlines?|Motors?)\b\.?")
for d in docs:
    t=goldlib.get_text(d['dataset'],d['page_id'])
    cov=[(m['start'],m['end']) for c in d['companies'] for m in c['mentions']]+[(m['start'],m['end']) for m in d['non_company']]
    def covered(a,b): return any(x<b and a<y for x,y in cov)
    out=set()
    tl=t.lower()
    for m in re.finditer(r"[A-Za-z][\w&.'-]*",t):
        w=m.group(0).lower().rstrip(".")
        if w not in first: continue
        if not m.group(0)[0].isupper(): continue
        for c in first[w]:
            if tl.startswith(c,m.start()):
                e=m.start()+len(c)
                if e<len(t) and (t[e].isalnum()): continue
                if not covered(m.start(),e): out.add((t[m.start():e]," ".join(sorted(names[c]))[:30]))
    for m in legal.finditer(t):
        if not covered(m.start(),m.end()): out.add((m.group(0),"LEGAL"))
    if out: print(d['dataset'],d['page_id'][:12],sorted(out))
