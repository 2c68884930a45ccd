import sys,re,collections
sys.path.insert(0,'/work/dev/gold/tools'); import goldlib
bt,_=goldlib.load_sec()
for d in goldlib.read_gold(sys.argv[1]):
    t=goldlib.get_text(d['dataset'],d['page_id'])
    cov=[(m['start'],m['end']) for c in d['companies'] for m in c['mentions']]+[(m['start'],m['end']) for m in d['non_company']]
    c=collections.Counter()
    for m in re.finditer(r"(?<![\w$])[A-Z][A-Z&.\-]*[A-Z](?![\w])",t):
        w=m.group(0)
        if w.upper() in bt and not any(x<m.end() and m.start()<y for x,y in cov): c[w]+=1
    if c: print(d['dataset'],d['page_id'][:12],dict(c))
