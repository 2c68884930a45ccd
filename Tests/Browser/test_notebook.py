"""The README's notebook snippets (Tests/Browser/notebook.md, placed in the README by hand),
run with pandas and DuckDB against the sample corpus's report, in order, in one namespace as a
notebook would; their results are checked against the report files.
"""
import contextlib
import io
import os
import re
import sqlite3

import pytest

from conftest import ROOT, require

pd = require("pandas", "pandas is not installed (scripts/setup puts it in .venv)")
duckdb = require("duckdb", "DuckDB is not installed (scripts/setup puts it in .venv)")

HERE = os.path.dirname(os.path.abspath(__file__))


def blocks(markdown):
    return re.findall(r"```python\n(.*?)```", markdown, re.S)


@pytest.fixture(scope="module")
def snippets():
    with open(os.path.join(HERE, "notebook.md"), encoding="utf-8") as f:
        return blocks(f.read())


def test_the_readme_shows_the_same_snippets(snippets):
    """The README's section must not drift from the tested copy."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    assert "## From a notebook" in readme, "README has no 'From a notebook' section (Tests/Browser/notebook.md is its text)"
    section = readme.split("## From a notebook", 1)[1].split("\n## ", 1)[0]
    assert blocks(section) == snippets


def test_snippets_run_and_answer_the_questions(snippets, sample_run):
    assert len(snippets) == 5
    namespace = {}
    output = io.StringIO()
    cwd = os.getcwd()
    os.chdir(sample_run["folder"])
    try:
        with contextlib.redirect_stdout(output):
            for code in snippets:
                exec(compile(code, "notebook.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
    report = os.path.join(sample_run["folder"], "output", "reports", "latest")
    db = sqlite3.connect(os.path.join(report, "newspipe.sqlite"))

    # Bearish NVDA documents: as many as document_tickers says, each with a bearish sentence.
    bearish, sentences = namespace["bearish"], namespace["sentences"]
    (expected,) = db.execute("SELECT count(*) FROM document_tickers WHERE ticker = 'NVDA' AND tone = 'bearish'").fetchone()
    assert expected >= 1, "the sample corpus has bearish Nvidia stories"
    assert len(bearish) == expected
    assert len(sentences) >= expected
    assert all(surface in context for surface, context in zip(sentences["surface"], sentences["context"]))

    # Mirrors by site: the counts add up to the mirrors removed, in duplicates.csv as in SQLite.
    mirrors = namespace["mirrors"]
    dups = pd.read_csv(os.path.join(report, "duplicates.csv"))
    assert mirrors["mirrors"].sum() == dups["mirrors"].sum() > 0
    assert list(mirrors["mirrors"]) == sorted(mirrors["mirrors"], reverse=True)
    carriers = namespace["carriers"]
    assert carriers["stories"].sum() == sum(len(str(c).split(";")) for c in dups["carried_by"].dropna())

    # Weekly NVDA: the weeks add up to the ticker's mentions.
    weekly = namespace["weekly"]
    days = pd.read_csv(os.path.join(report, "tickers.csv"))
    assert weekly["mentions"].sum() == days[(days.ticker == "NVDA") & days.day.notna()]["mentions"].sum()

    # History: one row per night the fixture recorded, tonight's equal to tonight's report.
    nights = namespace["nights"]
    assert len(nights) >= 3
    assert nights["mentions"].iloc[-1] == days[days.ticker == "NVDA"]["mentions"].sum()
    assert "NVDA" in output.getvalue() or len(output.getvalue()) > 100
