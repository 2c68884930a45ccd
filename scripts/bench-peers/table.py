"""Gathers one scripts/bench run's JSON files into one table and .bench/results.json.

usage: table.py RUN_DIR RESULTS_JSON
"""
import glob
import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def fmt(value, digits=None):
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if digits is not None:
        return f"{value:.{digits}f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def count_words(path):
    """Whitespace words of the documents' texts: the unit both sides' entity rates share."""
    try:
        with open(path, encoding="utf-8") as f:
            return sum(len(json.loads(line)["text"].split()) for line in f if line.strip())
    except (OSError, TypeError, ValueError, KeyError):
        return None


def main():
    run, out = sys.argv[1], sys.argv[2]
    rows = []

    def add(stage, unit, ours, peer_name, theirs, q_unit=None, q_ours=None, q_theirs=None, extra=None):
        rows.append({
            "stage": stage, "unit": unit, "newspipe_rate": ours, "peer": peer_name, "peer_rate": theirs,
            "ratio": ours / theirs if ours and theirs else None,
            "quality_metric": q_unit, "newspipe_quality": q_ours, "peer_quality": q_theirs, **(extra or {}),
        })

    # strip, per dataset
    for path in sorted(glob.glob(os.path.join(run, "strip-newspipe-*.json"))):
        dataset = path.rsplit("-", 1)[1][:-5]
        ours = load(path)
        ours_row = ours["rows"][0] if ours else {}
        q_ours = load(os.path.join(run, f"strip-quality-newspipe-{dataset}.json")) or {}
        for tool in ("trafilatura", "readability", "resiliparse"):
            peer = load(os.path.join(run, f"strip-{tool}-{dataset}.json")) or {}
            q_peer = load(os.path.join(run, f"strip-quality-{tool}-{dataset}.json")) or {}
            add(f"strip ({dataset}, {ours_row.get('pages', '?')} pages)", "pages/s/core", ours_row.get("pages_per_s_core"),
                "readability-lxml" if tool == "readability" else tool, peer.get("pages_per_s_core"),
                "ROUGE-LSum F1", q_ours.get("rouge_f1"), q_peer.get("rouge_f1"),
                {"newspipe_peak_rss_mb": ours_row.get("peak_rss_mb"), "peer_peak_rss_mb": peer.get("peak_rss_mb"),
                 "newspipe_mb_per_s_core": ours_row.get("mb_per_s_core"), "peer_mb_per_s_core": peer.get("mb_per_s_core")})

    # dedup, per size
    ours = load(os.path.join(run, "dedup-newspipe.json"))
    for row in (ours or {}).get("rows", []):
        n = row["docs"]
        peer = load(os.path.join(run, f"dedup-datasketch-{n}.json")) or {}
        add(f"dedup ({n:,} docs)", "docs/s/core", row.get("docs_per_s_core"), "datasketch LSH", peer.get("docs_per_s_core"),
            "pair P/R", f"{row['pair_precision']:.3f}/{row['pair_recall']:.3f}",
            f"{peer['pair_precision']:.3f}/{peer['pair_recall']:.3f}" if peer else None,
            {"newspipe_sign_docs_per_s_core": row.get("sign_docs_per_s_core"), "peer_sign_docs_per_s_core": peer.get("sign_docs_per_s_core"),
             "newspipe_lsh_docs_per_s_core": row.get("lsh_docs_per_s_core"), "peer_lsh_docs_per_s_core": peer.get("lsh_docs_per_s_core"),
             "newspipe_peak_rss_mb": row.get("peak_rss_mb"), "peer_peak_rss_mb": peer.get("peak_rss_mb")})

    # entities: both rates in whitespace words of the same documents
    ours = load(os.path.join(run, "entities-newspipe.json"))
    if ours:
        engine = next(r for r in ours["rows"] if r["layer"] == "engine")
        q_ours = (load(os.path.join(run, "ner-quality-newspipe.json")) or {}).get("results", {}).get("overall", {}).get("f1")
        for side, name in (("spacy", "spaCy en_core_web_sm"), ("spacy-ner-only", "spaCy sm, tok2vec+ner only")):
            peer = load(os.path.join(run, f"entities-{side}.json")) or {}
            words = peer.get("words") or count_words(ours["settings"].get("input"))
            q_peer = (load(os.path.join(run, f"ner-quality-{side}.json")) or {}).get("results", {}).get("overall", {}).get("f1")
            add("entities (eng.testa)", "words/s/core", words / engine["cpu_s"] if words else None, name, peer.get("words_per_s_core"),
                "PER/ORG/LOC F1", q_ours, q_peer,
                {"newspipe_model_load_cpu_s": float(ours["settings"]["model_load_cpu_s"]), "peer_model_load_cpu_s": peer.get("model_load_cpu_s"),
                 "newspipe_model_memory_mb": float(ours["settings"]["model_memory_mb"]), "peer_model_memory_mb": peer.get("model_memory_mb")})

    # whole pipeline: no peer does all five stages
    ours = load(os.path.join(run, "pipeline-newspipe.json"))
    for row in (ours or {}).get("rows", []):
        add(f"pipeline ({row['pages']:,} pages)", "pages/s/core", row.get("pages_per_s_core"), "-", None,
            None, None, None, {"wall_s": row.get("wall_s"), "newspipe_peak_rss_mb": row.get("peak_rss_mb"), "exit": row.get("exit")})

    header = ["stage", "unit", "newspipe", "peer", "peer rate", "ratio", "quality", "newspipe q", "peer q", "RSS MB (ours/peer)"]
    table = []
    for r in rows:
        rss = f"{fmt(r.get('newspipe_peak_rss_mb'), 0)}/{fmt(r.get('peer_peak_rss_mb'), 0)}"
        if r["stage"].startswith("entities"):
            rss = f"model {fmt(r.get('newspipe_model_memory_mb'), 0)}/{fmt(r.get('peer_model_memory_mb'), 0)}"
        table.append([r["stage"], r["unit"], fmt(r["newspipe_rate"]), r["peer"], fmt(r["peer_rate"]),
                      (fmt(r["ratio"]) + "x") if r["ratio"] else "-", r["quality_metric"] or "-",
                      fmt(r["newspipe_quality"], 3) if isinstance(r["newspipe_quality"], float) else fmt(r["newspipe_quality"]),
                      fmt(r["peer_quality"], 3) if isinstance(r["peer_quality"], float) else fmt(r["peer_quality"]), rss])
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for line in table:
        print("| " + " | ".join(line) + " |")
    with open(out, "w") as f:
        json.dump({"rows": rows, "run_dir": run}, f, indent=1, sort_keys=True)
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
