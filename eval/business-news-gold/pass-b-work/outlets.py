import sys,re
sys.path.insert(0,'/work/dev/gold/tools'); import goldlib
W="SlashGear Gizmodo MacRumors TechCrunch Reuters Bloomberg CNN CNBC BBC Forbes Barron Verge Engadget Kotaku Polygon IGN Eurogamer ZDNet CNET Wired WIRED Times Journal WSJ Herald Tribune Post Chronicle Guardian Telegraph Independent Mirror Sun Daily Express Yahoo MSN AOL Axios Vox Recode Billboard Variety Deadline Reporter Rolling Mashable Insider Fortune Quartz Slate Politico Hill Atlantic Newsweek TIME Time Gannett McClatchy ESPN Sky Fox NBC ABC CBS PBS NPR AP Sports Digital MSPowerUser Wccftech BGR 9to5 Moneycontrol Space.com SpaceNews Jazeera Deccan Spokesman NJ.com Facebook Instagram Twitter YouTube TikTok Snapchat Reddit LinkedIn Pinterest Tumblr WhatsApp Weibo WeChat Google Apple Amazon Microsoft Netflix Disney Sony Samsung Intel Nvidia IBM Oracle Uber Lyft Tesla".split()
for d in goldlib.read_gold(sys.argv[1]):
    t=goldlib.get_text(d['dataset'],d['page_id'])
    cov=[(m['start'],m['end']) for c in d['companies'] for m in c['mentions']]+[(m['start'],m['end']) for m in d['non_company']]
    out=[]
    for w in W:
        for m in re.finditer(r"(?<![\w@/.])"+re.escape(w)+r"(?!\w)",t):
            if not any(x<m.end() and m.start()<y for x,y in cov):
                out.append("%s@%d:%s"%(w,m.start(),t[max(0,m.start()-25):m.end()+15].replace("\n"," ")))
    if out: print(d['dataset'],d['page_id'][:12]); [print("   ",o) for o in out]
