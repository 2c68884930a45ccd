"""Shared helpers for the company/ticker gold set (stdlib only)."""
import csv
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD_DIR = os.path.dirname(HERE)
REPO_DIR = os.path.dirname(os.path.dirname(GOLD_DIR))


def _shared(*parts):
    """A file under ../shared (next to the repository), else under /work/shared."""
    for root in (os.path.join(os.path.dirname(REPO_DIR), "shared"), "/work/shared"):
        path = os.path.join(root, *parts)
        if os.path.exists(path):
            return path
    return os.path.join("/work/shared", *parts)


DATA_DIR = os.environ.get("GOLD_DATA_DIR") or _shared("eval", "extraction", "data")
SEC_CSV = os.environ.get("GOLD_SEC_CSV") or _shared(
    "data", "gazetteer", "sec_company_tickers_exchange.edgartools-5.62.1.csv")
TONES = ("positive", "negative", "neutral")

_texts = {}


def load_texts(dataset):
    """{page_id: plaintext} for one dataset (cached)."""
    if dataset not in _texts:
        m = {}
        with open(os.path.join(DATA_DIR, dataset, "truth.jsonl"), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    d = json.loads(line)
                    m[d["page_id"]] = d["plaintext"]
        _texts[dataset] = m
    return _texts[dataset]


def get_text(dataset, page_id):
    return load_texts(dataset)[page_id]


def load_sec(path=SEC_CSV):
    """Returns (ticker -> (cik, exchange, name), cik -> [tickers in file order])."""
    by_ticker, by_cik = {}, {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            t = (row.get("ticker") or "").strip()
            cik = (row.get("cik") or "").strip().zfill(10)
            if not t:
                continue
            by_ticker[t.upper()] = (cik, row.get("exchange", ""), row.get("name", ""))
            by_cik.setdefault(cik, []).append(t.upper())
    return by_ticker, by_cik


def norm_cik(c):
    if c is None or c == "":
        return None
    return str(c).strip().zfill(10)


def read_selection(path=os.path.join(GOLD_DIR, "selection.tsv")):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            if not line.strip():
                continue
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    return rows


def read_gold(path):
    docs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                d = json.loads(line)
                d["_line"] = n
                docs.append(d)
    return docs


def doc_key(d):
    return "%s/%s" % (d["dataset"], d["page_id"])


def context(text, start, end, width=40):
    a = max(0, start - width)
    b = min(len(text), end + width)
    s = text[a:start] + "[[" + text[start:end] + "]]" + text[end:b]
    return s.replace("\n", " ")
