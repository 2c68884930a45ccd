"""report.html in a real browser: Debian's Chromium driven by Playwright for Python.

Filters the ticker table, opens a ticker and checks its mentions with their sentences, sorts,
follows links kept in the URL, reads the page without JavaScript, and checks that hostile page
text stays text. Screenshots go to $NEWSPIPE_BROWSER_ARTIFACTS (default /tmp/newspipe-browser-tests)
and are checked not to be blank.
"""
import json
import os
import shutil

import pytest

from urllib.parse import quote

from conftest import Report, chromium, make_corpus_folder, require, run_pipeline, script_text, text_ranks

playwright = require("playwright.sync_api", "Playwright for Python is not installed (scripts/setup puts it in .venv)")
PIL = require("PIL.Image", "Pillow is not installed (scripts/setup puts it in .venv)")
from PIL import Image, ImageStat  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    path = chromium()
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield b
        b.close()


def open_page(browser, url, **context_args):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, **context_args)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append("console: " + m.text) if m.type == "error" else None)
    page.goto(url)
    return page


def wait_ready(page):
    page.wait_for_selector("[role=tabpanel]:not([hidden]) tbody tr[data-pos]", timeout=30000)
    assert page.evaluate("window.__report && window.__report.error") is None


def not_blank(path):
    image = Image.open(path).convert("RGB")
    grey = ImageStat.Stat(image.convert("L"))
    colours = len(image.getcolors(1 << 24) or [])
    return grey.var[0], colours


def test_filter_tickers_open_one_and_read_its_sentences(browser, sample_run, artifacts):
    report = sample_run["report"]
    T = report.data["tickers"]
    assert len(T["symbol"]) >= 3, "the sample corpus should mention several tickers"
    # The most mentioned ticker, filtered by a part of its symbol.
    symbol = T["symbol"][0]
    page = open_page(browser, report.url)
    wait_ready(page)
    assert page.is_hidden("#static") and page.is_visible("#app")
    total = len(T["symbol"])
    count = page.locator("#panel-tickers .count")
    assert count.inner_text() == f"{total:,} of {total:,} tickers"
    query = symbol[:2].lower()
    page.fill("#tq", query)
    expected = sum(1 for t in range(total) if query in (T["symbol"][t] + "\u0001" + (T["company"][t] or "")).lower())
    # (wait_for_function would need eval, which the page's Content-Security-Policy forbids)
    playwright.expect(count).to_have_text(f"{expected:,} of {total:,} tickers")
    rows = page.locator("#panel-tickers tbody tr[data-pos]")
    assert rows.count() == expected
    for i in range(rows.count()):
        assert query in rows.nth(i).inner_text().lower()
    assert "tq=" + query in page.evaluate("location.hash")
    # A symbol never wraps inside its cell.
    assert page.locator("#panel-tickers tbody td.sym-cell").first.evaluate("td => getComputedStyle(td).whiteSpace") == "nowrap"

    page.locator("#panel-tickers tbody button.sym", has_text=symbol).first.click()
    page.wait_for_selector("#detail .mentions li[data-m] mark")
    assert f"ticker={symbol}" in page.evaluate("location.hash")
    items = page.locator("#detail .mentions li[data-m]")
    assert items.count() == min(50, T["mentions"][0])
    for i in range(items.count()):
        li = items.nth(i)
        m = int(li.get_attribute("data-m"))
        mark = li.locator("mark")
        assert mark.count() == 1
        assert mark.inner_text() == report.surface(m)
        sentence = li.locator(".m-sent").inner_text()
        assert len(sentence) > len(mark.inner_text()) and sentence.strip().endswith((".", "!", "?", "\u2026", '"', "\u201d", ")"))
        assert li.locator("time").count() == 1 and li.locator(".badge").count() == 1
    # The panel names the article with a link (http(s) only) or its title.
    links = page.locator("#detail .m-link a[href]")
    for i in range(links.count()):
        assert links.nth(i).get_attribute("href").startswith(("http://", "https://"))
    path = os.path.join(artifacts, "ticker-panel.png")
    page.screenshot(path=path)
    variance, colours = not_blank(path)
    assert variance > 300 and colours > 50, (variance, colours)
    # Escape closes the panel; the hash forgets the ticker.
    page.keyboard.press("Escape")
    assert page.is_hidden("#detail")
    assert "ticker=" not in page.evaluate("location.hash")
    assert page.errors == []
    page.context.close()


def download_csv(page, panel):
    """Clicks the panel's "Download CSV" and returns its rows (header first)."""
    import csv
    import io
    with page.expect_download() as info:
        page.click(f"#panel-{panel} .csvbtn")
    download = info.value
    with open(download.path(), "rb") as f:
        raw = f.read()
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b""), "CSV lines end in CRLF"
    return download.suggested_filename, list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


def test_download_the_rows_shown_as_csv(browser, sample_run):
    report = sample_run["report"]
    T = report.data["tickers"]
    page = open_page(browser, report.url)
    wait_ready(page)
    # Filtered and sorted as shown: the rows of the view, in its order, with plain numbers.
    total = len(T["symbol"])
    count = page.locator("#panel-tickers .count")
    page.fill("#tq", "a")
    playwright.expect(count).not_to_have_text(f"{total:,} of {total:,} tickers")
    shown_count = int(count.inner_text().split(" of ")[0].replace(",", ""))
    assert 0 < shown_count < total
    name, rows = download_csv(page, "tickers")
    assert name == f"tickers-{sample_run['night']}.csv"
    assert rows[0][:3] == ["Ticker", "Company (in the stories [today])", "Mentions"]
    assert len(rows) == shown_count + 1
    shown = page.locator("#panel-tickers tbody tr[data-pos] td:first-child").all_inner_texts()
    assert [r[0] for r in rows[1:len(shown) + 1]] == shown
    by_symbol = {T["symbol"][t]: t for t in range(total)}
    for r in rows[1:]:
        t = by_symbol[r[0]]
        assert int(r[2]) == T["mentions"][t] and int(r[3]) == T["documents"][t]
    mentions = [int(r[2]) for r in rows[1:]]
    assert mentions == sorted(mentions, reverse=True)
    # Documents: days as YYYY-MM-DD (empty when undated), the article's URL in the last column.
    page.click("#tab-documents")
    page.wait_for_selector("#panel-documents tbody tr[data-pos]")
    name, rows = download_csv(page, "documents")
    D = report.data["documents"]
    assert len(rows) == len(D["title"]) + 1 and rows[0][-1] == "URL"
    assert set(r[-1] for r in rows[1:]) <= set(u or "" for u in D["url"])
    assert all(r[0] == "" or len(r[0]) == 10 and r[0][4] == "-" for r in rows[1:])
    assert page.errors == []
    page.context.close()


def test_tone_filter_sort_and_links_that_keep_the_view(browser, sample_run):
    report = sample_run["report"]
    page = open_page(browser, report.url)
    wait_ready(page)
    th = page.locator("#panel-tickers th", has_text="Mentions")
    assert th.get_attribute("aria-sort") == "descending"
    th.locator("button").click()
    assert th.get_attribute("aria-sort") == "ascending"
    values = [int(c.replace(",", "")) for c in page.locator("#panel-tickers tbody tr[data-pos] td:nth-child(3)").all_inner_texts()]
    assert values == sorted(values)
    # Entities: filter by type, open one from a link that carries the whole view.
    E = report.data["entities"]
    organisation = report.data["dict"]["types"].index("ORG")
    first_org = next(i for i in range(len(E["id"])) if E["type"][i] == organisation)
    page2 = open_page(browser, report.url + f"#tab=entities&type={organisation}&entity={E['id'][first_org]}")
    wait_ready(page2)
    assert page2.get_attribute("#tab-entities", "aria-selected") == "true"
    types = page2.locator("#panel-entities tbody tr[data-pos] td:nth-child(2)").all_inner_texts()
    assert types and set(types) == {"ORG"}
    page2.wait_for_selector("#detail .mentions li")
    assert page2.inner_text("#detail-title") == E["name"][first_org]
    # Tone filter: only that tone remains.
    page2.select_option("#mtone", "n")
    page2.wait_for_timeout(200)
    badges = page2.locator("#detail .mentions .badge").all_inner_texts()
    assert all(b == "neutral" for b in badges)
    # Documents tab: every document, and its link is http(s) or absent.
    page2.keyboard.press("Escape")
    page2.click("#tab-documents")
    D = report.data["documents"]
    assert page2.inner_text("#panel-documents .count") == f"{len(D['title']):,} of {len(D['title']):,} documents"
    for href in page2.locator("#panel-documents tbody a[href]").evaluate_all("as => as.map(a => a.getAttribute('href'))"):
        assert href.startswith(("http://", "https://"))
    assert page.errors == [] and page2.errors == []
    page.context.close()
    page2.context.close()


def test_links_opened_before_the_mentions_are_read(browser, sample_run):
    """The documents and mentions are read after the first table: a panel or a "documents
    mentioning" filter in the link at load waits for them, then shows them."""
    report = sample_run["report"]
    T, G, M = report.data["tickers"], report.data["groups"], report.data["mentions"]
    symbol, total = T["symbol"][0], len(report.data["documents"]["title"])
    page = open_page(browser, report.url + f"#ticker={symbol}")
    wait_ready(page)
    page.wait_for_selector("#detail .mentions li[data-m] mark")
    marks = page.evaluate("window.__report.marks")
    # The boot drew the table before the mentions were read (they follow the program in the page).
    assert marks["first-table"] < marks["mentions-ready"] <= marks["panel-rendered"]
    assert page.inner_text("#detail-title").startswith(symbol)
    items = page.locator("#detail .mentions li[data-m]")
    assert items.count() == min(50, T["mentions"][0])
    for i in range(items.count()):
        assert items.nth(i).locator("mark").inner_text() == report.surface(int(items.nth(i).get_attribute("data-m")))
    assert page.locator("#overview-timeline svg .axis text").count() > 0
    page.context.close()
    # Documents mentioning the ticker: the rows once the mentions are read.
    bounds = G["first"] + [len(M["doc"])]
    mentioning = {M["doc"][m] for g in range(len(G["first"])) if G["ticker"][g] == 0 for m in range(bounds[g], bounds[g + 1])}
    page = open_page(browser, report.url + f"#tab=documents&with=ticker:{symbol}")
    wait_ready(page)
    playwright.expect(page.locator("#panel-documents .count")).to_have_text(f"{len(mentioning):,} of {total:,} documents")
    assert " ".join(page.locator("#panel-documents .chip").inner_text().split()).startswith("Mentioning " + symbol)
    assert page.errors == []
    page.context.close()


def tail_entity(report):
    """An entity of the entity block (not in the first data block) with embedded mentions, whose
    name no other entity's name contains (so a search for it lists it)."""
    E, G = report.data["entities"], report.data["groups"]
    first = report.entities_first
    assert 0 < first < len(E["id"]), "the sample corpus has entities mentioned once: the entity block holds them"
    with_mentions = set(G["entity"])
    names = [str(n).lower() for n in E["name"]]
    for e in range(first, len(E["id"])):
        q = names[e]
        if e in with_mentions and len(q) >= 4 and sum(1 for n in names if q in n) == 1:
            return e
    pytest.fail("no long-tail entity with a distinctive name")


def wait_mark(page, name, seconds=60):
    import time
    deadline = time.time() + seconds
    while page.evaluate(f"window.__report.marks[{name!r}] === undefined"):
        assert time.time() < deadline, f"no {name} mark"
        page.wait_for_timeout(50)


def test_a_long_tail_entity_is_found_and_opens_its_mentions(browser, sample_run):
    """The first data block holds the most mentioned entities only; the others come from the
    entity block after the first table. Search, the entity filter and links find them."""
    report = sample_run["report"]
    E, G, M = report.data["entities"], report.data["groups"], report.data["mentions"]
    e = tail_entity(report)
    name, total = E["name"][e], len(E["id"])
    assert E["id"][e] not in json.loads(script_text(report.html, "data"))["entities"]["id"], "not in the first block"
    bounds = G["first"] + [len(M["doc"])]
    embedded = sum(bounds[g + 1] - bounds[g] for g in range(len(G["first"])) if G["entity"][g] == e)
    page = open_page(browser, report.url)
    wait_ready(page)
    wait_mark(page, "entities-ready")
    # The search box lists it; choosing it opens its panel with its mentions and sentences.
    page.fill("#search", name)
    option = page.locator("#search-results li[role=option]", has_text=name)
    playwright.expect(option).to_have_count(1)
    option.dispatch_event("mousedown")
    page.wait_for_selector("#detail .mentions li[data-m] mark")
    assert page.inner_text("#detail-title") == name
    assert "entity=" in page.evaluate("location.hash")
    items = page.locator("#detail .mentions li[data-m]")
    assert items.count() == min(50, embedded) > 0
    for i in range(items.count()):
        assert items.nth(i).locator("mark").inner_text() == report.surface(int(items.nth(i).get_attribute("data-m")))
    page.keyboard.press("Escape")
    # The entity table's filter finds it among every entity.
    page.click("#tab-entities")
    page.fill("#eq", name)
    playwright.expect(page.locator("#panel-entities .count")).to_have_text(f"1 of {total:,} entities")
    page.locator("#panel-entities tbody tr[data-pos] button", has_text=name).click()
    page.wait_for_selector("#detail .mentions li[data-m] mark")
    assert page.inner_text("#detail-title") == name
    assert page.errors == []
    page.context.close()
    # A link to it opens its panel once the entities are read.
    page = open_page(browser, report.url + "#entity=" + quote(E["id"][e]))
    wait_ready(page)
    page.wait_for_selector("#detail .mentions li[data-m] mark")
    assert page.inner_text("#detail-title") == name
    assert page.errors == []
    page.context.close()


def csv_text(cell):
    """A CSV cell's text as the page shows it (the CSV puts ' before what a spreadsheet would run)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def test_sorting_entities_by_name_and_ticker(browser, sample_run):
    """Text columns sort by the ranks the report stage computed (case and accents ignored,
    numbers by value, no value last both ways, ties in table order), over every entity: the
    order is that of conftest.text_ranks, the same rule in Python, long-tail rows included."""
    report = sample_run["report"]
    E, T = report.data["entities"], report.data["tickers"]
    n, first = len(E["id"]), report.entities_first
    assert E["name_rank"] == text_ranks(E["name"]), "the page's ranks are the documented order"
    assert T["symbol_rank"] == text_ranks(T["symbol"])
    e = tail_entity(report)
    page = open_page(browser, report.url + "#tab=entities")
    wait_ready(page)
    wait_mark(page, "entities-ready")
    th = page.locator("#panel-entities th", has_text="Name")
    for direction, label in ((1, "ascending"), (-1, "descending")):
        th.locator("button").click()
        assert th.get_attribute("aria-sort") == label
        expected = sorted(range(n), key=lambda i: (E["name_rank"][i] is None, direction * (E["name_rank"][i] or 0), i))
        _, rows = download_csv(page, "entities")
        assert rows[0][0] == "Name" and len(rows) == n + 1
        assert [csv_text(r[0]) for r in rows[1:]] == [E["name"][i] for i in expected]
        # The long-tail entity (read from the entity block) has its place among the others.
        assert first <= e and csv_text(rows[1 + expected.index(e)][0]) == E["name"][e]
        shown = page.locator("#panel-entities tbody tr[data-pos] td:first-child").all_inner_texts()
        assert shown and shown == [E["name"][i] for i in expected[:len(shown)]]
        assert "es=" + ("" if direction > 0 else "-") + "name" in page.evaluate("decodeURIComponent(location.hash)")
    # By ticker: entities with one by its symbol's order, the others after them both ways.
    th = page.locator("#panel-entities th", has_text="Ticker")
    for direction, label in ((1, "ascending"), (-1, "descending")):
        th.locator("button").click()
        assert th.get_attribute("aria-sort") == label
        _, rows = download_csv(page, "entities")
        tickers = [r[2] for r in rows[1:]]
        with_ticker = [t for t in tickers if t]
        assert with_ticker and tickers == with_ticker + [""] * (n - len(with_ticker))
        ranks = [T["symbol_rank"][T["symbol"].index(t)] for t in with_ticker]
        assert ranks == sorted(ranks, reverse=direction < 0)
    assert page.errors == [] and page.evaluate("window.__report.error") is None
    page.context.close()


# Holds every block's decompression until the test calls window.__release(): the page as it is
# before the entity block (and the documents and mentions) are read, however fast the machine.
HOLD = """(() => {
  const Real = window.DecompressionStream;
  let release;
  const gate = new Promise(r => { release = r; });
  window.__release = () => release();
  window.DecompressionStream = function (format) {
    const real = new Real(format);
    const held = new TransformStream({ async transform(chunk, controller) { await gate; controller.enqueue(chunk); } });
    real.readable.pipeTo(held.writable);
    return { writable: real.writable, readable: held.readable };
  };
})();"""


def test_before_the_entities_are_read_lists_say_so(browser, sample_run):
    """Until the entity block is read, the entity table, its filter and the search say they
    show the most mentioned entities only (no silent misses) and the CSV waits; then all."""
    report = sample_run["report"]
    E = report.data["entities"]
    e = tail_entity(report)
    name, total, first = E["name"][e], len(E["id"]), report.entities_first
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(HOLD)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda x: errors.append(str(x)))
    page.goto(report.url + "#tab=entities")
    wait_ready(page)
    count = page.locator("#panel-entities .count")
    assert count.inner_text() == f"{first:,} of the {first:,} most mentioned entities; reading all {total:,}\u2026"
    assert page.locator("#panel-entities .csvbtn").is_disabled()
    page.fill("#eq", name)
    playwright.expect(count).to_have_text(f"0 of the {first:,} most mentioned entities; reading all {total:,}\u2026")
    page.fill("#search", name)
    group = page.locator("#search-results li.group", has_text="Entities")
    playwright.expect(group).to_have_text(f"Entities (reading all {total:,}\u2026)")
    assert page.locator("#search-results li[role=option]", has_text=name).count() == 0
    assert page.evaluate("window.__report.marks['entities-ready']") is None
    page.evaluate("window.__release()")
    # Then every entity: the open search lists it, the filter counts it, the CSV has all rows.
    playwright.expect(page.locator("#search-results li[role=option]", has_text=name)).to_have_count(1)
    playwright.expect(group).to_have_text("Entities")
    playwright.expect(count).to_have_text(f"1 of {total:,} entities")
    playwright.expect(page.locator("#panel-entities .csvbtn")).to_be_enabled()
    page.fill("#eq", "")
    playwright.expect(count).to_have_text(f"{total:,} of {total:,} entities")
    _, rows = download_csv(page, "entities")
    assert len(rows) == total + 1 and name in {r[0] for r in rows[1:]}
    assert errors == [] and page.evaluate("window.__report.error") is None
    context.close()


def test_timeline_axis_shows_years(browser, sample_run):
    page = open_page(browser, sample_run["report"].url)
    wait_ready(page)
    # The overview is drawn once the mentions are read, just after the first table.
    page.wait_for_selector("#overview-timeline svg .axis text")
    labels = page.locator("#overview-timeline svg .axis text").all_text_contents()
    assert any(any(ch.isdigit() for ch in label) and len([c for c in label if c.isdigit()]) >= 4 for label in labels), labels
    page.click("#overview-timeline button[data-b=day]")
    assert "bucket=day" in page.evaluate("location.hash")
    page.focus("#overview-timeline svg")
    page.keyboard.press("End")
    readout = page.inner_text("#overview-timeline .readout")
    assert "mention" in readout and any(str(y) in readout for y in range(1990, 2100))
    page.context.close()


def test_history_shows_changes_and_30_day_trends(browser, sample_run, artifacts):
    report = sample_run["report"]
    history = report.data.get("history")
    assert history and len(history["nights"]) == 3, "the fixture seeds two earlier nights"
    page = open_page(browser, report.url + "#")
    wait_ready(page)
    cards = page.locator("#app-changes .card h3").all_inner_texts()
    assert cards == ["Since the previous night", "Since a week before"]
    rows = page.locator("#app-trends tbody tr")
    assert rows.count() >= 1
    assert rows.first.locator("svg.spark path").count() >= 1
    page.locator("#sec-trends").scroll_into_view_if_needed()
    path = os.path.join(artifacts, "trends.png")
    page.locator("#app-trends").screenshot(path=path)
    variance, colours = not_blank(path)
    assert variance > 100 and colours > 10
    assert page.errors == []
    page.context.close()


def test_the_page_reads_without_javascript(browser, sample_run, artifacts):
    page = open_page(browser, sample_run["report"].url, java_script_enabled=False)
    page.wait_for_load_state("load")
    assert page.is_hidden("#app")
    assert page.is_visible("#static")
    assert page.locator("#static svg.chart").count() >= 3
    assert page.locator("#static table").count() >= 4
    assert page.locator("#static #trends").count() == 1
    assert page.locator("#static td .sym").count() >= 3
    path = os.path.join(artifacts, "static.png")
    page.screenshot(path=path, full_page=True)
    variance, colours = not_blank(path)
    assert variance > 100 and colours > 20
    page.context.close()


HOSTILE = """<html lang=en><head><title>{title}</title><meta property="og:url" content="javascript:alert(9)"></head>
<body><article><h1>{title}</h1>{body}</article></body></html>"""


def test_hostile_pages_stay_text(browser, artifacts):
    corpus = os.path.join(make_corpus_folder(), "hostile-corpus")
    os.makedirs(os.path.join(corpus, "evil.example"))
    titles = ["<img src=x onerror=window.__pwned=1> Apple beats", "</script><script>window.__pwned=2</script> Tesla slips",
              "=HYPERLINK(\"http://x\") Nvidia \"quoted\" & <b>bold</b>"]
    paragraph = ("Apple Inc. said on Monday that its shares rose 4% after results beat estimates, while Tesla and Nvidia "
                 "traded lower as investors weighed the outlook for <b>chips</b> and cars in the quarter ahead. ")
    # Each story its own text, so that dedup keeps all three (the export below needs the third).
    others = ["Regulators in Brussels opened an inquiry into cloud contracts, and analysts at two banks cut their targets for the group. ",
              "Shipping rates in the Pacific fell for a fifth week as new vessels arrived and retailers ordered less for the holidays. ",
              "A drought in the south of the country pushed wheat futures higher, and millers warned that flour prices would follow. "]
    for k, title in enumerate(titles):
        escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        body = "".join(f"<p>{paragraph if i % 2 == 0 else others[k] * 2} Paragraph {i} of story {k}.</p>" for i in range(6))
        with open(os.path.join(corpus, "evil.example", f"story-{k}.html"), "w") as f:
            f.write(HOSTILE.format(title=escaped, body=body))
    folder = os.path.dirname(corpus)
    shutil.rmtree(os.path.join(folder, "corpus"))
    os.rename(corpus, os.path.join(folder, "corpus"))
    run_pipeline(folder, "run")
    reports = os.path.join(folder, "output", "reports")
    report = Report(os.path.join(reports, os.readlink(os.path.join(reports, "latest"))))
    page = open_page(browser, report.url)
    wait_ready(page)
    page.click("#tab-documents")
    shown = page.locator("#panel-documents tbody tr[data-pos] button").all_inner_texts()
    assert any("<img src=x onerror=window.__pwned=1>" in t for t in shown), shown
    page.fill("#search", "pwned")
    page.wait_for_selector("#search-results li[role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#detail h2")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('#app img, #app script, #static img, #static script').length") == 0
    assert page.evaluate("[...document.querySelectorAll('a[href]')].filter(a => !/^(https?:|#)/.test(a.getAttribute('href')) && !/^[a-z_]+\\.(csv|jsonl|json|sqlite|md|prom)$/.test(a.getAttribute('href'))).map(a => a.getAttribute('href'))") == []
    # Exported, a title a spreadsheet would run as a formula is text, quoted as CSV requires.
    every = open_page(browser, report.url + "#tab=documents")
    wait_ready(every)
    _, rows = download_csv(every, "documents")
    title_column = rows[0].index("Title")
    formula = [r[title_column] for r in rows[1:] if "HYPERLINK" in r[title_column]]
    assert formula and all(t.startswith("'=HYPERLINK") for t in formula), [r[title_column] for r in rows]
    assert every.errors == []
    every.context.close()
    page.screenshot(path=os.path.join(artifacts, "hostile.png"))
    assert page.errors == []
    page.context.close()
    shutil.rmtree(folder, ignore_errors=True)
