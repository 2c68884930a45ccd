#!/usr/bin/env python3
"""Write the newspipe input for the gold set: one line per selected article,
{"doc": "<dataset>/<page_id>", "text": plaintext}.

usage: make_input.py [--selection selection.tsv] [--out docs.jsonl] [--dates-from pass-a.jsonl]
Then:  newspipe ner --input docs.jsonl --output PRED.jsonl
"""
import argparse
import json
import os

import goldlib


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--selection", default=os.path.join(goldlib.GOLD_DIR, "selection.tsv"))
    ap.add_argument("--out", default="docs.jsonl")
    ap.add_argument("--dates-from", metavar="GOLD", default=None,
                    help="add \"published\": date from this gold file where the date is known")
    a = ap.parse_args()
    rows = goldlib.read_selection(a.selection)
    dates = {}
    if a.dates_from:
        dates = {goldlib.doc_key(d): d.get("date") for d in goldlib.read_gold(a.dates_from)}
    with open(a.out, "w", encoding="utf-8") as f:
        for r in rows:
            text = goldlib.get_text(r["dataset"], r["page_id"])
            key = "%s/%s" % (r["dataset"], r["page_id"])
            line = {"doc": key, "text": text}
            if dates.get(key):
                line["published"] = dates[key]
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    print("wrote %d documents to %s" % (len(rows), a.out))


if __name__ == "__main__":
    main()
