import sys,re,json
sys.path.insert(0,'/work/dev/gold/tools')
import goldlib
for line in open(sys.argv[1]):
    d=json.loads(line)
    t=goldlib.get_text(d['dataset'],d['page_id'])
    print("\n=== %s/%s"%(d['dataset'],d['page_id'][:14]))
    covered=[(m['start'],m['end']) for c in d['companies'] for m in c['mentions']]+[(m['start'],m['end']) for m in d['non_company']]
    surfs=set()
    for c in d['companies']:
        print("C %s [%s] %s: %d mentions"%(c['name'],c['ticker'],c['tone'],len(c['mentions'])))
        for m in c['mentions']:
            surfs.add(m['surface'])
            if '-v' in sys.argv: print("    %s"%goldlib.context(t,m['start'],m['end'],30))
    for m in d['non_company']:
        surfs.add(m['surface'])
        print("N %s"%goldlib.context(t,m['start'],m['end'],30))
    for s in surfs:
        for mm in re.finditer(r'(?<![^\W_])'+re.escape(s)+r'(?![^\W_])',t,re.I):
            if not any(a<=mm.start()<b for a,b in covered):
                print("  ?unannotated %r: %s"%(s,goldlib.context(t,mm.start(),mm.end(),30)))
