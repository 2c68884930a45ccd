"""Near-duplicate clustering by datasketch MinHash LSH on the synthetic corpus newspipe wrote.

usage: dedup_peer.py --docs dedup-N.jsonl [--perms 128] [--threshold 0.5] [--json FILE]
As the reference set it up: lower-case word tokens, word 5-grams, 128 permutations, LSH at 0.5;
candidates are checked by estimated Jaccard before taking connected components.
"""
import argparse
import json
import re

from common import cpu, peak_mb, write_json

WORD = re.compile(r"\w+")


def shingles(text, size=5):
    words = WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words).encode()}
    return {" ".join(words[i:i + size]).encode() for i in range(len(words) - size + 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", required=True)
    ap.add_argument("--perms", type=int, default=128)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--json")
    a = ap.parse_args()
    from datasketch import MinHash, MinHashLSH

    docs = []
    with open(a.docs, encoding="utf-8") as f:
        for line in f:
            docs.append(json.loads(line))
    n = len(docs)

    start = cpu()
    signatures = []
    for doc in docs:
        m = MinHash(num_perm=a.perms)
        m.update_batch(shingles(doc["text"]))
        signatures.append(m)
    sign_s = cpu() - start

    start = cpu()
    lsh = MinHashLSH(threshold=a.threshold, num_perm=a.perms)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    candidates = 0
    for i, m in enumerate(signatures):
        for j in lsh.query(m):
            candidates += 1
            if m.jaccard(signatures[j]) >= a.threshold:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[ri] = rj
        lsh.insert(i, m)
    lsh_s = cpu() - start

    groups = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    stories = [d["story"] for d in docs]
    per_story = {}
    for s in stories:
        per_story[s] = per_story.get(s, 0) + 1
    true_pairs = sum(c * (c - 1) // 2 for c in per_story.values())
    found = wrong = 0
    for members in groups.values():
        if len(members) < 2:
            continue
        counts = {}
        for i in members:
            counts[stories[i]] = counts.get(stories[i], 0) + 1
        same = sum(c * (c - 1) // 2 for c in counts.values())
        found += same
        wrong += len(members) * (len(members) - 1) // 2 - same
    precision = found / (found + wrong) if found + wrong else 1.0
    recall = found / true_pairs if true_pairs else 1.0
    write_json(a.json, {
        "tool": "datasketch", "docs": n, "sign_cpu_s": sign_s, "lsh_cpu_s": lsh_s,
        "sign_docs_per_s_core": n / sign_s, "lsh_docs_per_s_core": n / lsh_s, "docs_per_s_core": n / (sign_s + lsh_s),
        "us_per_doc": (sign_s + lsh_s) / n * 1e6, "candidates": candidates,
        "pair_precision": precision, "pair_recall": recall, "peak_rss_mb": peak_mb(),
    })


if __name__ == "__main__":
    main()
