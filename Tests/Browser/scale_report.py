#!/usr/bin/env python3
"""Makes a larger report.html from a real one, to probe the page at a size no run here produced:
not a test, the tool behind the README's "50,000 documents" browser figures.

    .venv/bin/python Tests/Browser/scale_report.py REPORT_DIR OUT_DIR --factor 50
    .venv/bin/python Tests/Browser/measure_report.py OUT_DIR

Every document becomes FACTOR documents (same day, site and title; ids and URLs made unique),
entity and ticker counts grow FACTOR times, and the mentions are embedded the way the report
stage embeds them (ReportPageData): newest documents first, undated last, up to --mentions-max
(the stage's bound, 1,000,000), `mentions_complete` false when the bound cuts. Copy k of a
sentence has its letters rotated by k (a-z, A-Z), so the copies do not gzip into each other
(offsets stay right: one character for one). The program, styles and static report are the
original page's; only the data blocks change.

A run FACTOR times larger also names many more entities than the run it copies, most of them
once: --entity-factor K adds K - 1 copies of every entity (id and name made unique) mentioned
once, in one document, the long tail of a real large night (no extra mention rows; the names'
sort ranks are computed again over them all, as the report stage computes them). The first
data block then holds the most mentioned entities and the entity block the rest, split as the
report stage splits them (ReportPageData.entitiesFirstMax, entitiesFirstMinMentions).

    .venv/bin/python Tests/Browser/scale_report.py REPORT_DIR OUT_DIR --factor 50 --entity-factor 12
"""
import argparse
import base64
import gzip
import json
import os
import re
import string
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from conftest import (ENTITY_COLUMNS, Report, sentences_json, split_entities, text_ranks, write_documents,  # noqa: E402
                      write_mentions)

# ReportPageData.entitiesFirstMax and entitiesFirstMinMentions.
ENTITIES_FIRST_MAX = 5000
ENTITIES_FIRST_MIN_MENTIONS = 2


def rotate(k):
    lower, upper = string.ascii_lowercase, string.ascii_uppercase
    k %= 26
    return str.maketrans(lower + upper, lower[k:] + lower[:k] + upper[k:] + upper[:k])


def escape(text):
    for a, b in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(a, b)
    return text


def scale(report, factor, mentions_max):
    data, sentences = report.data, report.sentences
    D, M, G = data["documents"], data["mentions"], data["groups"]
    n = len(D["id"])
    # Documents: copy k of document i is i * factor + k (publication order kept).
    docs = {key: [] for key in D}
    for i in range(n):
        for k in range(factor):
            for key, column in D.items():
                value = column[i]
                if key == "id":
                    value = f"{value}-{k:04d}"
                elif key == "url" and value:
                    value = value + ("&" if "?" in value else "?") + f"copy={k}"
                docs[key].append(value)
    # Mentions per original document, and which copies the bound embeds (ReportPageData.init).
    per_doc = [0] * n
    for d in M["doc"]:
        per_doc[d] += 1
    order = list(range(n * factor))
    dated = [x for x in order if D["day"][x // factor] is not None]
    undated = [x for x in order if D["day"][x // factor] is None]
    embedded, budget, from_day = set(), mentions_max, None
    complete = sum(per_doc) * factor <= mentions_max
    for x in (order if complete else list(reversed(dated)) + undated):
        if per_doc[x // factor] > budget:
            break
        budget -= per_doc[x // factor]
        embedded.add(x)
        if D["day"][x // factor] is not None:
            from_day = D["day"][x // factor]
    # Sentences: each embedded copy stores its original's sentences, letters rotated by k.
    first, total = [], 0
    for count in D["sentences"]:
        first.append(total)
        total += count
    out_sentences = []
    for x in range(n * factor):
        i, k = divmod(x, factor)
        if x in embedded:
            table = rotate(k)
            block = sentences[first[i]:first[i] + D["sentences"][i]]
            out_sentences += [s.translate(table) if s is not None else None for s in block]
        else:
            docs["sentences"][x] = 0
    # Mentions: by group, then document (copies in order), then the original order.
    mentions = {key: [] for key in M}
    groups = {key: [] for key in G}
    bounds = G["first"] + [len(M["doc"])]
    for g in range(len(G["first"])):
        members = range(bounds[g], bounds[g + 1])
        by_doc = {}
        for m in members:
            by_doc.setdefault(M["doc"][m], []).append(m)
        start = len(mentions["doc"])
        for i in sorted(by_doc):
            for k in range(factor):
                x = i * factor + k
                if x not in embedded:
                    continue
                for m in by_doc[i]:
                    for key in M:
                        mentions[key].append(x if key == "doc" else M[key][m])
        if len(mentions["doc"]) > start:
            for key in G:
                groups[key].append(start if key == "first" else G[key][g])
    mentions["tone"] = "".join(mentions["tone"]) if isinstance(M["tone"], str) else mentions["tone"]
    for table in ("entities", "tickers"):
        for key in ("mentions", "documents", "sites", "bullish", "bearish", "neutral"):
            if key in data[table]:
                data[table][key] = [v * factor for v in data[table][key]]
    run = data["run"]
    run["groups"] = len(groups["first"])
    run["documents"] *= factor
    run["mentions"] *= factor
    run["undated"] = run.get("undated", 0) * factor
    run["mentions_embedded"] = len(mentions["doc"])
    run["mentions_complete"] = complete
    run["mentions_from_day"] = None if complete else from_day
    data["documents"], data["mentions"], data["groups"] = docs, mentions, groups
    return data, out_sentences


def add_long_tail(data, copies):
    """`copies` more entities per entity, each mentioned once (appended: the list stays most
    mentioned first as long as the original entities have more than one mention), and every
    entity's `name_rank` among them all (the report stage's order, conftest.text_ranks)."""
    E = data["entities"]
    n = len(E["id"])
    for k in range(1, copies + 1):
        for i in range(n):
            for key in ENTITY_COLUMNS:
                value = E[key][i]
                if key == "id":
                    value = f"{value}~{k}"
                elif key == "name":
                    value = f"{value} {k}"
                elif key == "ticker":
                    value = -1
                elif key in ("mentions", "documents", "sites", "neutral"):
                    value = 1
                elif key in ("bullish", "bearish"):
                    value = 0
                E[key].append(value)
    E["name_rank"] = text_ranks(E["name"])
    data["run"]["entities"] = len(E["id"])


def first_entities(E):
    """How many entities the report stage puts in the first block."""
    often = 0
    while often < len(E["mentions"]) and E["mentions"][often] >= ENTITIES_FIRST_MIN_MENTIONS:
        often += 1
    return min(often, ENTITIES_FIRST_MAX)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report")
    parser.add_argument("out")
    parser.add_argument("--factor", type=int, default=50)
    parser.add_argument("--mentions-max", type=int, default=1_000_000)
    parser.add_argument("--entity-factor", type=int, default=1,
                        help="every entity K times: K - 1 copies mentioned once (the long tail)")
    args = parser.parse_args()
    report = Report(os.path.abspath(args.report))
    data, sentences = scale(report, args.factor, args.mentions_max)
    if args.entity_factor > 1:
        add_long_tail(data, args.entity_factor - 1)
    html = report.html
    mentions, documents, groups = data.pop("mentions"), data.pop("documents"), data.pop("groups")
    data["entities"], entity_block = split_entities(data["entities"], first_entities(data["entities"]))
    data_json = escape(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    match = re.search(r'(<script type="application/json" id="data">)(.*?)(</script>)', html, re.S)
    html = html[:match.start(2)] + data_json + html[match.end(2):]
    for element_id, text in (("data-entities", entity_block), ("data-documents", write_documents(documents)),
                             ("data-mentions", write_mentions(groups, mentions))):
        match = re.search(r'(<script type="application/octet-stream" id="' + element_id + r'"[^>]*>)(.*?)(</script>)', html, re.S)
        html = html[:match.start(2)] + text + html[match.end(2):]
    block = base64.b64encode(gzip.compress(sentences_json(sentences).encode("utf-8"), compresslevel=6, mtime=0)).decode("ascii")
    match = re.search(r'(<script type="application/octet-stream" id="data-sentences" data-encoding=")([^"]*)(">)(.*?)(</script>)', html, re.S)
    html = html[:match.start(2)] + "gzip+base64" + html[match.end(2):match.start(4)] + block + html[match.end(4):]
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "report.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    print(f"{path}: {os.path.getsize(path) / 1e6:.1f} MB, {len(documents['id']):,} documents, "
          f"{data['run']['entities']:,} entities ({len(data['entities']['id']):,} in the first block), "
          f"{data['run']['mentions_embedded']:,} of {data['run']['mentions']:,} mentions embedded, "
          f"{len(sentences):,} sentences")


if __name__ == "__main__":
    sys.exit(main())
