#!/usr/bin/env python3
"""Agreement between pass A and pass B without the items that GUIDELINES.md decided for these
very articles (pass B had to follow them, so agreement on them is not independent).

usage: cd /work/dev/gold && python3 adjudication/agreement_excl.py [--level s6|all]

  s6   drop company entries covered by a row of GUIDELINES §6 ("Hard cases decided in pass A"):
       matched by mention surface (list S6 below), plus the §6 tone rows restricted to their
       documents (retailers in deal posts, Alphabet in Stadia pieces, press-release issuers).
  all  additionally drop every entry whose surface (or a word-bounded part of it) is named
       anywhere in GUIDELINES §2-§6 (the examples there are taken from these articles too), and
       the entries of the two §4.3 tone examples (Disney+ launch, Boeing/Emirates).
An entry flagged in either pass removes, in both passes, every mention overlapping its mentions;
entries left without mentions are dropped. tools/agreement.py is then run on the filtered files.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(GOLD, "tools"))
import goldlib  # noqa: E402

S6 = ["Reuters", "AP", "Fox News", "Google News", "ZDNet", "CNET", "Eurogamer", "CNBC", "MSNBC",
      "E! News", "NBC", "NBC News", "NBC 5", "Sky Sports", "BBC", "BBC News", "Washington Post",
      "Post", "washingtonpost.com", "Times", "Argus Leader", "USA Today", "Twitter", "Tumblr",
      "tumblr", "Yahoo", "Remain Co.", "Yahoo Japan", "WeWork", "We Company", "SpaceX",
      "Tyvak*", "Intuitive Machines", "Firefly*", "Chime", "SoFi", "GoBank", "Essar Steel",
      "Kellogg’s", "Kellogg's", "Arrowhead", "Lexus Philippines", "Nissan North America Inc.",
      "Dräger*", "Ascom*", "Google Belgium", "Manchester United*", "Moneycontrol.com",
      "Edmunds.com", "AutoIndustriya.com", "Hipcricket", "Augme Technologies", "Frost & Sullivan",
      "Ernst & Young", "Getty", "Shutterstock", "my6sense"]
DEAL_POSTS = ("ad826691", "e7d77f18", "5fbc7ccb")       # "tone of retailers in deal posts"
RETAILERS = ("Amazon", "Rakuten", "Walmart")
STADIA = ("042bb7b5", "8267acac", "aade2ec8", "e100c961")  # "Stadia performance" tone row
TONE_EX = {"098bb3e9": ("Disney",), "374ac9a5": ("Boeing", "Emirates", "Airbus")}  # §4.3 examples


def norm(s):
    return re.sub(r"\s+", " ", s)


def s6_flag(pid, c):
    surfs = {norm(m["surface"]) for m in c["mentions"]}
    for p in S6:
        if p.endswith("*"):
            if any(s.startswith(p[:-1]) for s in surfs):
                return True
        elif p in surfs:
            return True
    if pid.startswith(DEAL_POSTS) and any(any(s.startswith(r) for r in RETAILERS) for s in surfs):
        return True
    if pid.startswith(STADIA) and c.get("ticker") == "GOOGL":
        return True
    return False


def guideline_words():
    g = open(os.path.join(GOLD, "GUIDELINES.md"), encoding="utf-8").read()
    a = g.index("## 2.")
    b = g.index("## 7.")
    return g[a:b]


def all_flag(pid, c, gtext):
    if s6_flag(pid, c):
        return True
    for s in {norm(m["surface"]) for m in c["mentions"]}:
        if re.search(r"(?<![\w])" + re.escape(s) + r"(?![\w])", gtext):
            return True
    for k, names in TONE_EX.items():
        if pid.startswith(k) and any(any(norm(m["surface"]).startswith(n) for m in c["mentions"])
                                     for n in names):
            return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--level", choices=("s6", "all"), default="s6")
    ap.add_argument("--show", action="store_true", help="list the excluded entries")
    a = ap.parse_args()
    gtext = guideline_words()
    A = {goldlib.doc_key(d): d for d in goldlib.read_gold(os.path.join(GOLD, "pass-a.jsonl"))}
    B = {goldlib.doc_key(d): d for d in goldlib.read_gold(os.path.join(GOLD, "pass-b.jsonl"))}
    n_excl = 0
    for key in A:
        ex = []
        for X in (A, B):
            for c in X[key]["companies"]:
                f = s6_flag(X[key]["page_id"], c) if a.level == "s6" else \
                    all_flag(X[key]["page_id"], c, gtext)
                if f:
                    ex += [(m["start"], m["end"]) for m in c["mentions"]]
                    if a.show and X is A:
                        print("excluded: %s | %s" % (key[:30], c["name"]))
        for X in (A, B):
            keep = []
            for c in X[key]["companies"]:
                c["mentions"] = [m for m in c["mentions"]
                                 if not any(s < m["end"] and m["start"] < e for s, e in ex)]
                if c["mentions"]:
                    keep.append(c)
                elif X is A:
                    n_excl += 1
            X[key]["companies"] = keep
    tmp = tempfile.mkdtemp()
    for name, X in (("a.jsonl", A), ("b.jsonl", B)):
        with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
            for d in X.values():
                d.pop("_line", None)
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print("level %s: %d pass-A company entries removed" % (a.level, n_excl))
    sys.stdout.flush()
    subprocess.run([sys.executable, os.path.join(GOLD, "tools", "agreement.py"),
                    os.path.join(tmp, "a.jsonl"), os.path.join(tmp, "b.jsonl"), "--diff", "0"])


if __name__ == "__main__":
    main()
