#!/usr/bin/env python3
"""Leave-one-dataset-out study of the extractor's thresholds (scripts/eval-extraction --lodo).

Every candidate value of every threshold in the grid (StripTuning, `newspipe extract --tuning
name=value`) is first run alone on the four development sets, the others at the reference values.
Then, for each set held out, a setting is chosen on the OTHER three sets by greedy forward
selection: starting from the reference, the single change (among those that gained at least
MARGIN alone on those sets) that most raises their mean ROUGE-LSum F1, really run combined with
the changes taken so far, is taken while it gains at least MARGIN; the chosen setting is scored
on the held-out set. The in-sample column chooses the same way on all four sets. Every figure
comes from a real run of that combined setting (thresholds interact: changes that each gain
alone can lose together).

Per-page scores are cached by (set, page, text hash) in WORK/scores.json, so a setting costs one
extraction run plus scoring of the pages whose text changed.

usage: extraction_lodo.py --bin NEWSPIPE --eval-dir EVAL/extraction --work DIR [--json OUT]
                          [--reference name=value,...] [--grid name=v1|v2,...] [--margin 0.001]
"""
import argparse
import hashlib
import importlib.util
import json
import os
import statistics
import subprocess
import sys

DATASETS = ["scrapinghub", "readability", "cleanportaleval", "cleaneval"]

# Candidate values per threshold (the reference value first).
GRID = {
    "sibling-score-share": [0.2, 0.15, 0.3],
    "prose-climb-gain": [200, 0, 400],
    "prose-guard-characters": [0, 500, 1000],
    "clean-link-density": [0.2, 0.3],
    "retry-below-characters": [250, 500],
    "teaser-sibling-test": [0, 1],
    "third-pass": [0, 1],
    "prose-run-fallback": [0, 1],
    "trailing-promo-words": [0, 25, 40],
    "cut-comment-threads": [1, 0],
    "drop-link-list-sections": [1, 0],
    "drop-prompt-lines": [1, 0],
    "drop-code-lines": [1, 0],
    "section-front-min-teaser-links": [10, 20],
    "section-front-max-paragraph-words": [35, 25],
}


def load_score_module(eval_dir):
    spec = importlib.util.spec_from_file_location("score", os.path.join(eval_dir, "score.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tuning_string(config):
    return ",".join(f"{k}={config[k]:g}" for k in sorted(config))


class Study:
    def __init__(self, binary, eval_dir, work):
        self.binary, self.eval_dir, self.work = binary, eval_dir, work
        self.score = load_score_module(eval_dir)
        self.truth = {d: self.score.load_truth(d, data_root=os.path.join(eval_dir, "data")) for d in DATASETS}
        os.makedirs(work, exist_ok=True)
        self.cache_path = os.path.join(work, "scores.json")
        self.cache = json.load(open(self.cache_path)) if os.path.exists(self.cache_path) else {}
        self.results = {}

    def save(self):
        tmp = self.cache_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.cache, f)
        os.replace(tmp, self.cache_path)

    def run(self, config):
        """Mean F1 per set of one setting."""
        key = tuning_string(config)
        if key in self.results:
            return self.results[key]
        digest = hashlib.sha1(key.encode()).hexdigest()[:12]
        per_set = {}
        for dataset in DATASETS:
            out = os.path.join(self.work, "out", digest, dataset)
            if not os.path.isdir(out):
                subprocess.run([self.binary, "extract", "--input-dir",
                                os.path.join(self.eval_dir, "data", dataset, "html"),
                                "--output-dir", out, "--tuning", key],
                               check=False, stdout=subprocess.DEVNULL)
            pages = {}
            for page_id, gold in self.truth[dataset].items():
                path = os.path.join(out, page_id + ".txt")
                text = open(path, encoding="utf-8", errors="replace").read() if os.path.exists(path) else ""
                cache_key = f"{dataset}/{page_id}/{hashlib.sha1(text.encode()).hexdigest()}"
                if cache_key not in self.cache:
                    self.cache[cache_key] = self.score.rouge_lsum(gold, text)[2]
                pages[page_id] = self.cache[cache_key]
            per_set[dataset] = statistics.mean(pages.values())
        self.save()
        self.results[key] = per_set
        print(f"  {key}: " + " ".join(f"{d}={per_set[d]:.4f}" for d in DATASETS), file=sys.stderr, flush=True)
        return per_set


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--eval-dir", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--json")
    ap.add_argument("--reference", default="", help="name=value,… starting values (default: the grid's first values)")
    ap.add_argument("--grid", default="", help="name=v1|v2,… replaces the built-in grid")
    ap.add_argument("--margin", type=float, default=0.001,
                    help="least gain in mean F1 for a change to be taken (a priori: a tenth of a point, above run-to-run noise)")
    a = ap.parse_args()

    grid = dict(GRID)
    if a.grid:
        grid = {}
        for entry in a.grid.split(","):
            name, values = entry.split("=")
            grid[name] = [float(v) for v in values.split("|")]
    reference = {name: float(values[0]) for name, values in grid.items()}
    for entry in filter(None, a.reference.split(",")):
        name, value = entry.split("=")
        reference[name] = float(value)

    study = Study(a.bin, a.eval_dir, a.work)
    print(f"reference: {tuning_string(reference)}", file=sys.stderr)
    base = study.run(reference)
    # One threshold at a time.
    single = {}
    for name, values in grid.items():
        for value in values:
            config = dict(reference, **{name: float(value)})
            single[(name, float(value))] = base if config == reference else study.run(config)

    def mean_on(scores, sets):
        return statistics.mean(scores[d] for d in sets)

    def choose(sets):
        """Greedy forward selection on `sets` (see the module comment)."""
        base_mean = mean_on(base, sets)
        helpful = [(name, float(v)) for name, values in grid.items() for v in values
                   if float(v) != reference[name] and mean_on(single[(name, float(v))], sets) >= base_mean + a.margin]
        chosen, score = dict(reference), base_mean
        while True:
            best = None
            for name, value in helpful:
                if chosen[name] != reference[name]:
                    continue  # one value per threshold
                config = dict(chosen, **{name: value})
                s = mean_on(study.run(config), sets)
                if s >= score + a.margin and (best is None or s > best[0]):
                    best = (s, config)
            if best is None:
                return chosen
            score, chosen = best

    rows = {}
    held_out = {}
    for dataset in DATASETS:
        others = [d for d in DATASETS if d != dataset]
        chosen = choose(others)
        scores = study.run(chosen)
        held_out[dataset] = {"setting": tuning_string(chosen), "score": scores[dataset],
                             "others_mean": statistics.mean(scores[d] for d in others)}
    in_sample_setting = choose(DATASETS)
    in_sample = study.run(in_sample_setting)

    print()
    print("Leave-one-dataset-out, ROUGE-LSum F1 (mean over pages); each held-out figure comes from thresholds")
    print(f"chosen on the other three sets (greedy forward selection, margin {a.margin:g}); in-sample chooses on all four.")
    print()
    print(f"| set | reference | in-sample (chosen on all four) | held-out (chosen on the other three) |")
    print("|---|---|---|---|")
    for dataset in DATASETS:
        rows[dataset] = (base[dataset], in_sample[dataset], held_out[dataset]["score"])
        print(f"| {dataset} | {base[dataset]:.4f} | {in_sample[dataset]:.4f} | {held_out[dataset]['score']:.4f} |")
    means = [statistics.mean(r[k] for r in rows.values()) for k in range(3)]
    print(f"| **mean** | {means[0]:.4f} | {means[1]:.4f} | **{means[2]:.4f}** |")
    print()
    print("Settings chosen per held-out set (differences from the reference):")
    for dataset in DATASETS:
        setting = dict(kv.split("=") for kv in held_out[dataset]["setting"].split(","))
        diff = {k: v for k, v in setting.items() if float(v) != reference[k]}
        print(f"  without {dataset}: {diff or 'reference'}")
    diff = {k: v for k, v in in_sample_setting.items() if v != reference[k]}
    print(f"  all four (ship this): {diff or 'reference'}")
    print(f"  --tuning {tuning_string(in_sample_setting)}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"reference": reference, "reference_scores": base,
                       "one_at_a_time": {f"{k[0]}={k[1]:g}": v for k, v in single.items()},
                       "held_out": held_out, "in_sample_setting": in_sample_setting, "in_sample": in_sample,
                       "means": {"reference": means[0], "in_sample": means[1], "held_out": means[2]},
                       "margin": a.margin}, f, indent=2)


if __name__ == "__main__":
    main()
