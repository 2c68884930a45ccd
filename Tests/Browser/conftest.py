"""Shared fixtures for the browser and notebook tests of report.html and the report files.

They run the built `newspipe` binary (NEWSPIPE_BINARY, else .build/debug/newspipe or
.build/release/newspipe) on the sample corpus in a temporary folder, and open the report in
Debian's Chromium through Playwright for Python (no browser is downloaded: `scripts/setup`
installs the `chromium` package and Playwright into `.venv`).

    .venv/bin/python -m pytest -q Tests/Browser          # what scripts/test runs
"""
import array
import base64
import gzip
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata

import pytest

# .ci/run sets NEWSPIPE_BROWSER_TESTS=required: what would skip (no Chromium, a Python package
# missing) fails instead, so CI cannot pass without having run the browser.
REQUIRED = os.environ.get("NEWSPIPE_BROWSER_TESTS") == "required"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.environ.get("NEWSPIPE_BROWSER_ARTIFACTS") or os.path.join(tempfile.gettempdir(), "newspipe-browser-tests")


def binary():
    given = os.environ.get("NEWSPIPE_BINARY")
    if given:
        return os.path.abspath(given)
    for kind in ("debug", "release"):
        path = os.path.join(ROOT, ".build", kind, "newspipe")
        if os.path.exists(path):
            return path
    pytest.fail("no newspipe binary: run `swift build` first (or set NEWSPIPE_BINARY)")


def chromium():
    """The system Chromium, or a skip saying how to get it."""
    for candidate in (os.environ.get("NEWSPIPE_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.path.exists(candidate):
            return candidate
    message = ("Chromium is not installed and could not be (scripts/setup installs the Debian package "
               "`chromium` when run as root or with sudo)")
    if REQUIRED:
        pytest.fail(message + " and NEWSPIPE_BROWSER_TESTS=required")
    pytest.skip(message + "; the browser tests are skipped")


def require(module, reason):
    """pytest.importorskip, except that under NEWSPIPE_BROWSER_TESTS=required a missing module fails."""
    if REQUIRED:
        import importlib
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=reason)


def run_pipeline(folder, *arguments):
    result = subprocess.run([binary(), *arguments, "--log-format", "text", "-q"], cwd=folder,
                            capture_output=True, text=True, timeout=900)
    # 1 = finished with rejects: the sample corpus holds junk pages on purpose.
    assert result.returncode in (0, 1), result.stderr[-3000:]
    return result


def make_corpus_folder(corpus=None):
    folder = tempfile.mkdtemp(prefix="newspipe-browser-")
    shutil.copytree(corpus or os.path.join(ROOT, "corpus"), os.path.join(folder, "corpus"))
    with open(os.path.join(folder, "pipeline.json"), "w") as f:
        json.dump({"shards": 2}, f)
    return folder


def seed_history(history, nights):
    """Copies the last night's rows to earlier nights (scaled), as if the pipeline had run then."""
    with sqlite3.connect(history) as db:
        (last,) = db.execute("SELECT max(night) FROM nights").fetchone()
        for night, scale in nights:
            for table in ("night_tickers", "night_entities"):
                db.execute(f"DELETE FROM {table} WHERE night = ?", (night,))
            db.execute("DELETE FROM nights WHERE night = ?", (night,))
            db.execute("""INSERT INTO nights SELECT ?, started_at, finished_at, manifest_hash, status,
                          CAST(documents * ? AS INTEGER), CAST(mentions * ? AS INTEGER), named_entities, sites,
                          mirrors_removed, rejected, first_day, last_day FROM nights WHERE night = ?""",
                       (night, scale, scale, last))
            db.execute("""INSERT INTO night_tickers SELECT ?, ticker, company, CAST(mentions * ? AS INTEGER), documents,
                          sites, bullish, bearish, neutral, tone_balance FROM night_tickers WHERE night = ?""",
                       (night, scale, last))
            db.execute("""INSERT INTO night_entities SELECT ?, entity_id, name, type, ticker, CAST(mentions * ? AS INTEGER),
                          documents, sites, bullish, bearish, neutral, tone_balance FROM night_entities WHERE night = ?""",
                       (night, scale, last))


class Report:
    """A built report folder and its page's data, read the way the page reads it."""

    def __init__(self, folder):
        self.folder = folder
        self.html_path = os.path.join(folder, "report.html")
        with open(self.html_path, encoding="utf-8") as f:
            self.html = f.read()
        self.data = json.loads(script_text(self.html, "data"))
        # `entities`: every entity, the first block's rows then the entity block's; how many
        # the first block holds is `entities_first`.
        self.entities_first = len(self.data["entities"]["id"])
        self.data["entities"] = read_entities(self.html, self.data["entities"])
        assert len(self.data["entities"]["id"]) == self.data["run"]["entities"]
        self.data["documents"] = read_documents(self.html)
        self.data["groups"], self.data["mentions"] = read_mentions(self.html, self.data["run"]["groups"],
                                                                    self.data["run"]["mentions_embedded"])
        attributes, text = script_element(self.html, "data-sentences")
        if 'data-encoding="gzip+base64"' in attributes:
            text = gzip.decompress(base64.b64decode(text)).decode("utf-8")
        self.sentences = json.loads(text)
        first, total = [], 0
        for count in self.data["documents"]["sentences"]:
            first.append(total)
            total += count
        self.first_sentence = first

    @property
    def url(self):
        return "file://" + self.html_path

    def surface(self, m):
        """The text a mention marks, by the schema's rule (offsets in code points = Python str indexes)."""
        M = self.data["mentions"]
        if M["sentence"][m] < 0:
            return None
        sentence = self.sentences[self.first_sentence[M["doc"][m]] + M["sentence"][m]]
        return sentence[M["start"][m]:M["start"][m] + M["length"][m]]


ENTITY_COLUMNS = ("id", "name", "name_rank", "type", "ticker", "mentions", "documents", "sites", "bullish", "bearish",
                  "neutral", "first_day", "last_day")


# The report's text order (ReportTextOrder.swift, which says why): case and accents ignored,
# numbers by value, white space < punctuation and symbols < digits < letters.
_EXPANSIONS = {"\u00df": "ss", "\u00e6": "ae", "\u0153": "oe", "\u00f8": "o", "\u0111": "d", "\u00f0": "d",
               "\u00fe": "th", "\u0142": "l", "\u0131": "i", "\u0127": "h"}
_SPACE, _SYMBOL, _NUMBER, _LETTER = 1 << 24, 2 << 24, 3 << 24, 4 << 24


def _digit(c):
    if "0" <= c <= "9":
        return ord(c) - 0x30
    return unicodedata.decimal(c, None) if ord(c) >= 0x80 else None


def text_order_key(text):
    """The comparison key of `text` (a tuple; None when it has nothing but white space)."""
    folded = []
    for c in unicodedata.normalize("NFKD", text):
        for lower in c.lower():
            if unicodedata.category(lower) in ("Mn", "Mc", "Me"):
                continue
            folded += _EXPANSIONS.get(lower, lower)
    key, i, pending = [], 0, False
    while i < len(folded):
        c = folded[i]
        if c.isspace() or unicodedata.category(c) == "Cc" or c <= " " or c == "\x7f":
            pending = bool(key)
            i += 1
            continue
        if pending:
            key.append(_SPACE)
            pending = False
        d = _digit(c)
        if d is not None:
            digits = [d]
            i += 1
            while i < len(folded) and (d := _digit(folded[i])) is not None:
                digits = [d] if digits == [0] else digits + [d]
                i += 1
            key.append(_NUMBER | len(digits))
            key += [_NUMBER | x for x in digits]
            continue
        alphabetic = c.isalpha() if ord(c) >= 0x80 else "a" <= c <= "z"
        key.append((_LETTER if alphabetic else _SYMBOL) | ord(c))
        i += 1
    return tuple(key) if key else None


def text_ranks(values):
    """Each value's rank in that order (ties by code points, equal values equal ranks), None for
    no value: the page's `…_rank` columns."""
    keys = {v: text_order_key(v) for v in values if v is not None}
    distinct = sorted((v for v, k in keys.items() if k is not None), key=lambda v: (keys[v], [ord(c) for c in v]))
    rank = {v: r for r, v in enumerate(distinct)}
    return [rank.get(v) if v is not None else None for v in values]


def read_entities(html, first):
    """Every entity: the first block's rows (`first`, columns) then the entity block's
    (#data-entities: gzip, Base64; JSON lines, each an object of the same columns)."""
    attributes, text = script_element(html, "data-entities")
    assert 'data-encoding="gzip+base64"' in attributes and 'data-layout="json-lines"' in attributes, attributes
    out = {key: list(first[key]) for key in ENTITY_COLUMNS}
    for line in gzip.decompress(base64.b64decode(text)).decode("utf-8").split("\n"):
        if line.strip():
            part = json.loads(line)
            for key in ENTITY_COLUMNS:
                out[key] += part[key]
    return out


def split_entities(entities, first, per_line=8192):
    """The first block's `entities` (the first `first` rows) and the entity block's text for the
    rest, as the report stage writes them (ReportPageData.entitiesJSON)."""
    head = {key: entities[key][:first] for key in ENTITY_COLUMNS}
    n, lines = len(entities["id"]), []
    for start in range(first, n, per_line):
        part = {key: entities[key][start:start + per_line] for key in ENTITY_COLUMNS}
        lines.append(json.dumps(part, ensure_ascii=False, separators=(",", ":")))
    text = "\n".join(lines).encode("utf-8")
    return head, base64.b64encode(gzip.compress(text, compresslevel=6, mtime=0)).decode("ascii")


def read_documents(html):
    """The document block (#data-documents: gzip, Base64): the documents table's columns."""
    attributes, text = script_element(html, "data-documents")
    assert 'data-encoding="gzip+base64"' in attributes, attributes
    return json.loads(gzip.decompress(base64.b64decode(text)).decode("utf-8"))


def write_documents(documents):
    """The document block's text for `documents` (columns as read_documents gives them)."""
    text = json.dumps(documents, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(text, compresslevel=6, mtime=0)).decode("ascii")


def sentences_json(sentences, per_line=1024):
    """The sentence block's JSON as the report stage writes it: one array, a line break after
    every `per_line` strings (ReportPageData.sentencesPerLine), so the page parses it in pieces."""
    out = []
    for i, sentence in enumerate(sentences):
        if i:
            out.append(",\n" if i % per_line == 0 else ",")
        out.append(json.dumps(sentence, ensure_ascii=False, separators=(",", ":")))
    return "[" + "".join(out) + "]"


GROUP_COLUMNS = ("entity", "ticker", "name", "first")
MENTION_COLUMNS = ("doc", "sentence", "start", "length", "evidence")


def read_mentions(html, groups, count):
    """The mention block (#data-mentions: gzip, Base64; four little-endian Int32 columns of
    `groups` groups, five of `count` mentions, then a tone byte each) as two tables of columns,
    the mentions' `tone` as one string of n, b, r (the page's order)."""
    attributes, text = script_element(html, "data-mentions")
    assert 'data-encoding="gzip+base64"' in attributes and 'data-layout="int32le-columns"' in attributes, attributes
    raw = gzip.decompress(base64.b64decode(text)) if count else b""
    assert len(raw) == 16 * groups + 21 * count, (len(raw), groups, count)

    def column(at, n):
        values = array.array("i", raw[at:at + 4 * n])
        if sys.byteorder != "little":
            values.byteswap()
        return values.tolist()
    group_table = {name: column(4 * groups * k, groups) for k, name in enumerate(GROUP_COLUMNS)}
    base = 16 * groups
    mentions = {name: column(base + 4 * count * k, count) for k, name in enumerate(MENTION_COLUMNS)}
    mentions["tone"] = "".join("nbr"[t] for t in raw[base + 20 * count:])
    return group_table, mentions


def write_mentions(groups, mentions):
    """The mention block's text for `groups` and `mentions` (columns as read_mentions gives them)."""
    raw = bytearray()
    for table, names in ((groups, GROUP_COLUMNS), (mentions, MENTION_COLUMNS)):
        for name in names:
            column = array.array("i", table[name])
            if sys.byteorder != "little":
                column.byteswap()
            raw += column.tobytes()
    raw += bytes("nbr".index(t) for t in mentions["tone"])
    return base64.b64encode(gzip.compress(bytes(raw), compresslevel=6, mtime=0)).decode("ascii")


def script_element(html, element_id):
    match = re.search(r'(<script[^>]*\bid="' + re.escape(element_id) + r'"[^>]*>)(.*?)</script>', html, re.S)
    assert match, f"no script element #{element_id}"
    return match.group(1), match.group(2)


def script_text(html, element_id):
    return script_element(html, element_id)[1]


@pytest.fixture(scope="session")
def sample_run():
    """The sample corpus run through the pipeline, with two earlier nights in its history."""
    folder = make_corpus_folder()
    run_pipeline(folder, "run")
    reports = os.path.join(folder, "output", "reports")
    seed_history(os.path.join(reports, "history.sqlite"), [("2000-01-01", 0.5)])  # outside the window: ignored
    night = os.readlink(os.path.join(reports, "latest"))
    import datetime as dt
    day = dt.date.fromisoformat(night)
    seed_history(os.path.join(reports, "history.sqlite"),
                 [((day - dt.timedelta(days=8)).isoformat(), 0.5), ((day - dt.timedelta(days=1)).isoformat(), 0.8)])
    run_pipeline(folder, "run", "--stage", "report", "--force")
    yield {"folder": folder, "report": Report(os.path.join(reports, night)), "night": night}
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def artifacts():
    os.makedirs(ARTIFACTS, exist_ok=True)
    return ARTIFACTS
