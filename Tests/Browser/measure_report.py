#!/usr/bin/env python3
"""Measures how soon a report.html is usable in Chromium: not a test (timings vary with the
machine), the probe behind the README's figures.

    .venv/bin/python Tests/Browser/measure_report.py REPORT_DIR [--runs 3]

For each run (a fresh browser context, page cache warm after the first): time from navigation
start to the first table rows on screen (`first-table` mark, then the next paint), to
DOMContentLoaded, to every entity being read (`entities-ready`: from then on search, the entity
filter and sorts cover all entities), to the mentions being read (`mentions-ready`), to the sentences being read
(`sentences-parsed`); then a click on the most mentioned ticker, at once when the table is there
(the panel may still wait for the mentions) and again after the sentences arrived, sorts of the
documents by title and by site, a search for "bank", sorts of the whole entity table (every entity
read) by name (the first sort by a text column: pages before format 4 computed collator ranks
then), by name again (descending), by ticker and by mentions, the entity table filtered by "bank"
and that sorted by name, and the JavaScript heap. Each sort and filter is timed from the click
to the next frame's task (the main thread is held that long). Prints one line per run and the medians.
A large report to measure: `newspipe bench pipeline --pages 50000 --out DIR` (release build)
leaves one under DIR/50000/output/reports/latest.
"""
import argparse
import base64
import gzip
import json
import re
import os
import statistics
import sys
import time

from playwright.sync_api import sync_playwright

CLICK = """() => new Promise(resolve => {
    const b = document.querySelector('#panel-tickers tbody tr[data-pos="0"] button');
    const t0 = performance.now();
    b.click();
    requestAnimationFrame(() => setTimeout(() => resolve({ms: performance.now() - t0,
        items: document.querySelectorAll('#detail .mentions li').length,
        marked: document.querySelectorAll('#detail .mentions mark').length}), 0));
})"""

SORT = """([panel, label]) => new Promise(resolve => {
    const b = [...document.querySelectorAll('#panel-' + panel + ' th button')].find(x => x.textContent.startsWith(label));
    const t0 = performance.now();
    b.click();
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
})"""


# Types into an input (its handler waits 120-140 ms for more typing; that wait is left out).
TYPE = """([selector, text, wait]) => new Promise(resolve => {
    const i = document.querySelector(selector);
    i.focus();
    const t0 = performance.now();
    i.value = text;
    i.dispatchEvent(new Event('input'));
    setTimeout(() => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0 - wait), 0)), wait + 5);
})"""


def measure(browser, path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # Main-thread busy time (CDP Performance metrics, seconds of task time): on a machine shared
    # with other jobs it is the figure the load inflates least; the wall times above it do not.
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable", {"timeDomain": "threadTicks"})

    def busy():
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        return metrics.get("TaskDuration", 0) * 1000, metrics.get("ScriptDuration", 0) * 1000

    wall0 = time.perf_counter()
    page.goto("file://" + path, wait_until="commit", timeout=180000)
    page.wait_for_selector("#panel-tickers tbody tr[data-pos]", timeout=120000)
    wall = (time.perf_counter() - wall0) * 1000
    task_to_table, script_to_table = busy()
    early = page.evaluate(CLICK)  # as soon as the table is there: sentences may still be loading
    page.wait_for_selector("#detail .mentions mark", timeout=120000)
    marked_at = page.evaluate("performance.now()")
    page.keyboard.press("Escape")
    # Polled from here: wait_for_function would evaluate a string, which the page's CSP forbids.
    deadline = time.perf_counter() + 120
    while page.evaluate("window.__report.marks['sentences-parsed'] === undefined"):
        if time.perf_counter() > deadline:
            raise SystemExit("the sentences never arrived")
        time.sleep(0.05)
    marks = page.evaluate("window.__report.marks")
    task_to_sentences, _ = busy()
    nav = page.evaluate("(() => { const n = performance.getEntriesByType('navigation')[0]; return {dcl: n.domContentLoadedEventStart, load: n.loadEventStart}; })()")
    late = page.evaluate(CLICK)
    page.keyboard.press("Escape")
    page.click("#tab-documents")
    sort = page.evaluate(SORT, ["documents", "Title"])
    sort_sites = page.evaluate(SORT, ["documents", "Site"])
    # Every entity is read by now: search them; sort the whole entity table by name (the first
    # sort by a text column), again (descending), by ticker, by mentions; filter it, sort that.
    search = page.evaluate(TYPE, ["#search", "bank", 120])
    page.keyboard.press("Escape")
    page.click("#tab-entities")
    entity_sort = page.evaluate(SORT, ["entities", "Name"])
    entity_sort_again = page.evaluate(SORT, ["entities", "Name"])
    entity_sort_ticker = page.evaluate(SORT, ["entities", "Ticker"])
    entity_sort_mentions = page.evaluate(SORT, ["entities", "Mentions"])
    entity_filter = page.evaluate(TYPE, ["#eq", "bank", 140])
    entity_sort_filtered = page.evaluate(SORT, ["entities", "Name"])
    heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")
    context.close()
    if errors:
        raise SystemExit(f"page errors: {errors}")
    return {"first_table_ms": marks.get("first-table"), "first_paint_ms": marks.get("first-paint"),
            "entities_read_ms": marks.get("entities-ready"), "mentions_read_ms": marks.get("mentions-ready"),
            "wall_to_table_ms": wall, "main_thread_busy_to_table_ms": task_to_table, "script_to_table_ms": script_to_table,
            "main_thread_busy_to_sentences_ms": task_to_sentences, "dom_content_loaded_ms": nav["dcl"], "sentences_read_ms": marks.get("sentences-parsed"),
            "click_before_sentences_ms": early["ms"], "sentences_marked_at_ms": marked_at,
            "click_ticker_ms": late["ms"], "mentions_listed": late["items"], "sort_titles_ms": sort, "sort_sites_ms": sort_sites,
            "search_ms": search, "sort_entities_by_name_ms": entity_sort, "sort_entities_by_name_again_ms": entity_sort_again,
            "sort_entities_by_ticker_ms": entity_sort_ticker, "sort_entities_by_mentions_ms": entity_sort_mentions,
            "filter_entities_ms": entity_filter, "sort_filtered_entities_by_name_ms": entity_sort_filtered, "heap_mb": heap / 1e6}


def plain_copy(path):
    """The page with its sentence block stored as plain JSON (escaped for a script element)."""
    with open(path, encoding="utf-8") as f:
        html = f.read()
    match = re.search(r'(<script type="application/octet-stream" id="data-sentences" data-encoding=")gzip\+base64(">)(.*?)(</script>)', html, re.S)
    if not match:
        raise SystemExit("no gzip+base64 sentence block")
    text = gzip.decompress(base64.b64decode(match.group(3))).decode("utf-8")
    for a, b in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(a, b)
    out = html[:match.start()] + match.group(1) + "json" + match.group(2) + text + match.group(4) + html[match.end():]
    copy = os.path.join(os.path.dirname(path), "report-plain.html")
    with open(copy, "w", encoding="utf-8") as f:
        f.write(out)
    return copy


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", help="a report folder (with report.html)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chromium", default=os.environ.get("NEWSPIPE_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--plain-sentences", action="store_true",
                        help="measure a copy whose sentence block is plain JSON instead of gzip+base64 (report-plain.html)")
    args = parser.parse_args()
    path = os.path.abspath(os.path.join(args.report, "report.html"))
    if args.plain_sentences:
        path = plain_copy(path)
    with open(path, encoding="utf-8") as f:
        html = f.read()
    start = html.index('id="data">') + 10
    data = json.loads(html[start:html.index("</script>", start)])
    size = os.path.getsize(path)
    print(f"{path}: {size / 1e6:.1f} MB ({start / 1e6:.1f} MB before the first data block, which is "
          f"{(html.index('</script>', start) - start) / 1e6:.1f} MB); {data['run']['documents']:,} documents, "
          f"{data['run'].get('entities', len(data['entities']['id'])):,} entities "
          f"({len(data['entities']['id']):,} in the first block), {len(data['tickers']['symbol']):,} tickers, "
          f"{data['run']['mentions_embedded']:,} mentions embedded")
    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"])
        for _ in range(args.runs):
            runs.append(measure(browser, path))
            print({k: round(v, 1) if isinstance(v, float) else v for k, v in runs[-1].items()}, flush=True)
        browser.close()
    # (A page from before the mention block has no `mentions-ready` mark: None.)
    medians = {k: round(statistics.median(v), 1) if (v := [r[k] for r in runs if r[k] is not None]) else None for k in runs[0]}
    print("median:", json.dumps(medians))


if __name__ == "__main__":
    sys.exit(main())
