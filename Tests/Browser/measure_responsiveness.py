#!/usr/bin/env python3
"""How soon, and how steadily, a loading report.html answers: not a test (timings vary with the
machine), a probe behind the README's figures.

    .venv/bin/python Tests/Browser/measure_responsiveness.py REPORT_DIR/report.html [RUNS]

From navigation, for 6 s, a Playwright evaluate (one round trip through the page's main thread)
about every 50 ms; prints when the test first saw the ticker rows (and the page's own
`first-table` mark), and the round trips after that: median, 90th percentile and the longest
(the longest time the page did not answer while it read its blocks).
"""
import os
import statistics
import sys
import time

from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    b = p.chromium.launch(executable_path=os.environ.get("NEWSPIPE_CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox", "--disable-gpu"])
    for r in range(int(sys.argv[2]) if len(sys.argv) > 2 else 3):
        ctx = b.new_context(viewport={"width": 1400, "height": 1000}); page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto("file://" + sys.argv[1], wait_until="commit")
        seen, trips = None, []
        while time.perf_counter() - t0 < 6:
            a = time.perf_counter()
            try:
                ft = page.evaluate("window.__report && window.__report.marks['first-table'] !== undefined && !!document.querySelector('#panel-tickers tbody tr[data-pos]')")
            except Exception:
                ft = False
            z = time.perf_counter()
            if ft and seen is None: seen = z - t0
            if seen is not None: trips.append((z - a) * 1000)
            time.sleep(0.05)
        marks = page.evaluate("window.__report.marks")
        trips.sort()
        print(f"rows seen by the test at {seen:.2f} s (page mark {marks['first-table']/1000:.2f} s); round trips after: "
              f"n={len(trips)} median {statistics.median(trips):.0f} ms, p90 {trips[int(0.9*len(trips))]:.0f} ms, max {trips[-1]:.0f} ms", flush=True)
        ctx.close()
