import sys,re
sys.path.insert(0,'/work/dev/gold/tools')
import goldlib
rows=goldlib.read_selection()
a,b=int(sys.argv[1]),int(sys.argv[2])
for i,r in enumerate(rows[a:b],a):
    t=goldlib.get_text(r['dataset'],r['page_id'])
    print("\n##### [%d] %s %s (%d words)"%(i,r['dataset'],r['page_id'][:16],len(t.split())))
    print(re.sub(r'[ \t]*\n[\s]*','\n',t.strip()))
