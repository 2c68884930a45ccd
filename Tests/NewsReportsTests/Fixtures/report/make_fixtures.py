#!/usr/bin/env python3
"""Writes the report fixture corpus (input/*.jsonl): invented articles, mirror clusters and mentions.

Dev tooling only: rerun after editing, then refresh the goldens with
`NEWSPIPE_UPDATE_GOLDENS=1 swift test --filter ReportGoldenTests`.
Offsets are Python str indexes, i.e. Unicode scalars, as EntityMention requires.
"""
import hashlib, json, os, re

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "input")

def hid(text):
    return hashlib.sha256(text.encode()).hexdigest()

# (key, site, published, title, text, [(surface, entity_id, canonical, type, ticker, tone, cue, value)])
DOCS = [
    ("d1", "wire.example", "2026-04-13T08:30:00Z", "Alphabet lifts cloud forecast as AI demand grows",
     "Alphabet raised its cloud revenue forecast on Monday, citing strong demand for AI services. "
     "Shares of $GOOGL jumped 4% in early trading. "
     "Chief executive Sundar Pichai said the company would spend $12 billion on new data centres near Mountain View.",
     [("Alphabet", "org:alphabet", "Alphabet", "ORG", "GOOGL", "bullish", "raised its cloud revenue forecast", None),
      ("$GOOGL", "ticker:GOOGL", "GOOGL", "TICKER", "GOOGL", "bullish", "jumped", None),
      ("4%", "percent:0.04", "4%", "PERCENT", None, "neutral", None, "0.04"),
      ("Sundar Pichai", "per:sundar-pichai", "Sundar Pichai", "PER", None, "neutral", None, None),
      ("$12 billion", "money:12000000000-usd", "$12 billion", "MONEY", None, "neutral", None, "12000000000 USD"),
      ("Mountain View", "loc:mountain-view", "Mountain View", "LOC", None, "neutral", None, None)]),
    ("d2", "markets.example", "2026-04-13T15:10:00+02:00", "Nvidia shares slip after new export curbs",
     "Nvidia shares fell 3% after Washington widened export curbs on advanced chips. "
     "The Commerce Department said the rules take effect in May. "
     "Analysts cut their targets for $NVDA, while Jensen Huang said demand outside the affected markets remained firm.",
     [("Nvidia", "org:nvidia", "Nvidia", "ORG", "NVDA", "bearish", "fell", None),
      ("3%", "percent:0.03", "3%", "PERCENT", None, "neutral", None, "0.03"),
      ("Washington", "loc:washington", "Washington", "LOC", None, "neutral", None, None),
      ("Commerce Department", "org:us-commerce-department", "U.S. Commerce Department", "ORG", None, "neutral", None, None),
      ("$NVDA", "ticker:NVDA", "NVDA", "TICKER", "NVDA", "bearish", "cut their targets", None),
      ("Jensen Huang", "per:jensen-huang", "Jensen Huang", "PER", None, "neutral", None, None)]),
    ("d3", "dailyledger.example", "2026-04-14", "Tesla recalls 40,000 vehicles over steering fault",
     "Tesla is recalling about 40,000 vehicles because of a steering fault, the NHTSA said. "
     "$TSLA slid 2% on the news. "
     "Elon Musk called the fix a software update, and Société Générale analysts kept their rating unchanged.",
     [("Tesla", "org:tesla", "Tesla", "ORG", "TSLA", "bearish", "recalling", None),
      ("NHTSA", "org:nhtsa", "NHTSA", "ORG", None, "neutral", None, None),
      ("$TSLA", "ticker:TSLA", "TSLA", "TICKER", "TSLA", "bearish", "slid", None),
      ("Elon Musk", "per:elon-musk", "Elon Musk", "PER", None, "neutral", None, None),
      ("Société Générale", "org:societe-generale", "Société Générale", "ORG", None, "neutral", None, None)]),
    ("d4", "techbeat.example", "2026-04-14T11:00:00Z", "Chipmakers rally as Nvidia and AMD beat estimates",
     "Chipmakers rallied on Tuesday after Nvidia and AMD both beat quarterly estimates. "
     "$NVDA rose 5% and $AMD gained 6%. "
     "Lisa Su said AMD would double output of its accelerators, and Nvidia guided higher.",
     [("Nvidia", "org:nvidia", "Nvidia", "ORG", "NVDA", "bullish", "beat", None),
      ("AMD", "org:amd", "AMD", "ORG", "AMD", "bullish", "beat", None),
      ("$NVDA", "ticker:NVDA", "NVDA", "TICKER", "NVDA", "bullish", "rose", None),
      ("$AMD", "ticker:AMD", "AMD", "TICKER", "AMD", "bullish", "gained", None),
      ("Lisa Su", "per:lisa-su", "Lisa Su", "PER", None, "neutral", None, None),
      ("AMD", "org:amd", "AMD", "ORG", "AMD", "neutral", None, None),
      ("Nvidia", "org:nvidia", "Nvidia", "ORG", "NVDA", "bullish", "guided higher", None)]),
    ("d5", "wire.example", "2026-04-15T09:00:00Z", "Alphabet and Nvidia deepen AI chip partnership",
     "Alphabet and Nvidia expanded their partnership on AI chips on Wednesday. "
     "Sundar Pichai and Jensen Huang announced the deal in Mountain View. "
     "$GOOGL edged up while $NVDA was little changed.",
     [("Alphabet", "org:alphabet", "Alphabet", "ORG", "GOOGL", "bullish", "expanded", None),
      ("Nvidia", "org:nvidia", "Nvidia", "ORG", "NVDA", "bullish", "expanded", None),
      ("Sundar Pichai", "per:sundar-pichai", "Sundar Pichai", "PER", None, "neutral", None, None),
      ("Jensen Huang", "per:jensen-huang", "Jensen Huang", "PER", None, "neutral", None, None),
      ("Mountain View", "loc:mountain-view", "Mountain View", "LOC", None, "neutral", None, None),
      ("$GOOGL", "ticker:GOOGL", "GOOGL", "TICKER", "GOOGL", "bullish", "edged up", None),
      ("$NVDA", "ticker:NVDA", "NVDA", "TICKER", "NVDA", "neutral", None, None)]),
    ("d6", "regionalpost.example", "2026-04-15T18:30:00-05:00", "Utility plans solar farm near Austin",
     "A Texas utility plans a 300-megawatt solar farm near Austin. "
     "The project would be the largest in central Texas, the company said.",
     [("Texas", "loc:texas", "Texas", "LOC", None, "neutral", None, None),
      ("Austin", "loc:austin", "Austin", "LOC", None, "neutral", None, None),
      ("Texas", "loc:texas", "Texas", "LOC", None, "neutral", None, None)]),
    ("d7", "markets.example", "2026-04-14T23:30:00-04:00", "Tesla shares rebound on delivery hopes",
     "Tesla shares rebounded late on Tuesday as analysts raised delivery estimates. "
     "$TSLA recovered most of the week's losses.",
     [("Tesla", "org:tesla", "Tesla", "ORG", "TSLA", "bullish", "rebounded", None),
      ("$TSLA", "ticker:TSLA", "TSLA", "TICKER", "TSLA", "bullish", "recovered", None)]),
    ("d8", "dailyledger.example", None, "Market wrap: stocks mixed, S&P 500 flat",
     "The S&P 500 ended flat. $GOOGL and $TSLA traded in narrow ranges. "
     "Treasury yields held steady.",
     [("S&P 500", "misc:s-and-p-500", "S&P 500", "MISC", None, "neutral", None, None),
      ("$GOOGL", "ticker:GOOGL", "GOOGL", "TICKER", "GOOGL", "neutral", None, None),
      ("$TSLA", "ticker:TSLA", "TSLA", "TICKER", "TSLA", "neutral", None, None)]),
]

# Authors and languages as strip gives them (most pages name no author; one has no language).
AUTHORS = {"d1": ["Jane Roe", "John Doe"], "d4": ["Ana Lima"], "d7": ["=Formula Writer"]}
LANGUAGE = {"d8": None}
# d5's mentions carry what a newer entities stage adds: the sentence offsets, the link evidence
# and the company's name at the story's date.
ENRICHED = {"d5"}

# cluster key -> canonical key, [(mirror key, site, similarity, containment, reason)]
CLUSTERS = [
    ("d1", [("m1", "markets.example", 0.97, 0.99, "near-duplicate"),
            ("m2", "dailyledger.example", 0.91, 0.95, "near-duplicate"),
            ("m3", "regionalpost.example", 1.0, 1.0, "exact-duplicate")]),
    ("d4", [("m4", "wire.example", 0.88, 0.93, "near-duplicate")]),
    ("d2", [("m5", "techbeat.example", 1.0, 1.0, "exact-duplicate"),
            ("m6", None, 0.95, 0.98, "near-duplicate")]),
]

def sentence_of(text, start):
    return len(re.findall(r"[.!?] ", text[:start]))

def build(keys):
    docs, mentions, ids = [], [], {}
    for key, site, published, title, text, spans in DOCS:
        if key not in keys:
            continue
        doc_id = hid("page:" + key)
        ids[key] = doc_id
        url = f"https://{site}/news/{key}-{re.sub('[^a-z0-9]+', '-', title.lower()).strip('-')}"
        docs.append({"id": doc_id, "source": url, "url": url, "site": site, "site_name": site.split(".")[0].title(),
                     "title": title, "authors": AUTHORS.get(key, []), "published": published,
                     "language": LANGUAGE.get(key, "en"), "text": text,
                     "words": len(text.split()), "confidence": 0.9, "provenance": {"title": "og:title"}})
        cursor = {}
        for surface, eid, canonical, etype, ticker, tone, cue, value in spans:
            start = text.index(surface, cursor.get(surface, 0))
            cursor[surface] = start + len(surface)
            m = {"document_id": doc_id, "entity_id": eid, "canonical_name": canonical, "surface": surface,
                 "type": etype, "start": start, "end": start + len(surface), "sentence": sentence_of(text, start),
                 "confidence": 0.9, "tone": tone}
            if ticker: m["ticker"] = ticker
            if value: m["value"] = value
            if cue: m["cue"] = cue
            if key in ENRICHED:
                bounds = [0] + [x.end() for x in re.finditer(r"[.!?] ", text)] + [len(text) + 1]
                k = sentence_of(text, start)
                m["sentence_start"], m["sentence_end"] = bounds[k], bounds[k + 1] - 1
                if etype == "TICKER": m["evidence"] = "cashtag"
                elif ticker: m["evidence"] = "unambiguous-name"
                if surface == "Alphabet": m["name_at_date"] = "Google"
            mentions.append(m)
    return docs, mentions, ids

def dump(name, rows):
    with open(os.path.join(HERE, name), "w") as f:
        for row in rows:
            f.write(json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n")

os.makedirs(HERE, exist_ok=True)
docs, mentions, ids = build({d[0] for d in DOCS})
dump("documents.jsonl", docs)
dump("mentions.jsonl", mentions)
site_of = {d[0]: d[1] for d in DOCS}
pub_of = {d[0]: d[2] for d in DOCS}
clusters, removed = [], []
for canonical, mirrors in CLUSTERS:
    cid = "c-" + ids[canonical][:12]
    cdoc = next(d for d in docs if d["id"] == ids[canonical])
    members = [{"id": cdoc["id"], "source": cdoc["source"], "url": cdoc["url"], "site": cdoc["site"],
                "published": cdoc["published"], "similarity": 1.0, "containment": 1.0}]
    rows = []
    for key, site, sim, cont, reason in mirrors:
        mid = hid("page:" + key)
        url = f"https://{site}/story/{key}" if site else f"file:///corpus/{key}.html"
        rows.append({"id": mid, "source": url, "url": url, "site": site, "published": pub_of[canonical],
                     "similarity": sim, "containment": cont})
        removed.append({"id": mid, "source": url, "url": url, "site": site, "canonical_id": cdoc["id"],
                        "cluster_id": cid, "reason": reason, "similarity": sim, "containment": cont})
    members += sorted(rows, key=lambda r: r["id"])
    clusters.append({"cluster_id": cid, "canonical_id": cdoc["id"], "members": members})
dump("clusters.jsonl", clusters)
dump("removed.jsonl", removed)
# The previous run saw only the first two days' first three stories.
pdocs, pmentions, _ = build({"d1", "d2", "d3"})
dump("previous-documents.jsonl", pdocs)
dump("previous-mentions.jsonl", pmentions)
print(len(docs), "documents,", len(mentions), "mentions,", len(clusters), "clusters,", len(removed), "removed")
