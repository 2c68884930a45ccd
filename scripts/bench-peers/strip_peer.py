"""Article extraction by trafilatura or readability-lxml on pre-loaded pages, one thread.

usage: strip_peer.py --tool trafilatura|readability|resiliparse --input-dir HTML [--out-dir OUT] [--repeat N] [--json FILE]
Writes OUT/<page_id>.txt (paragraphs separated by blank lines) for the extraction scorer.
"""
import argparse
import os

from common import cpu, peak_mb, write_json


def make_extractor(tool):
    if tool == "trafilatura":
        import trafilatura

        def extract(html):
            text = trafilatura.extract(html) or ""
            return "\n\n".join(line for line in text.split("\n") if line.strip())
        return extract
    if tool == "readability":
        import lxml.html
        from readability import Document

        blocks = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "td", "th", "dd", "dt"}

        def extract(html):
            summary = Document(html).summary(html_partial=True)
            root = lxml.html.fromstring(summary)
            parts = []
            for element in root.iter():
                if isinstance(element.tag, str) and element.tag in blocks:
                    text = " ".join(element.text_content().split())
                    if text:
                        parts.append(text)
            if not parts:
                parts = [" ".join(root.text_content().split())]
            return "\n\n".join(parts)
        return extract
    if tool == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree

        def extract(html):
            # Its main-content heuristic on the parsed page, as its documentation shows.
            text = extract_plain_text(HTMLTree.parse(html), main_content=True)
            return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())
        return extract
    raise SystemExit(f"unknown tool {tool}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--input-dir", required=True)
    ap.add_argument("--out-dir")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json")
    a = ap.parse_args()
    names = sorted(n for n in os.listdir(a.input_dir) if n.endswith((".html", ".htm")))
    pages = []
    for name in names:
        with open(os.path.join(a.input_dir, name), "rb") as f:
            raw = f.read()
        # Both tools are handed text, as users call them; decoding is not timed.
        pages.append((os.path.splitext(name)[0], raw.decode("utf-8", errors="replace"), len(raw)))
    extract = make_extractor(a.tool)
    extract(pages[0][1])  # imports and lazy set-up are not per-page costs
    results = {}
    failures = 0
    start = cpu()
    for _ in range(a.repeat):
        for page_id, html, _ in pages:
            try:
                results[page_id] = extract(html)
            except Exception:
                failures += 1
                results[page_id] = ""
    seconds = cpu() - start
    if a.out_dir:
        os.makedirs(a.out_dir, exist_ok=True)
        for page_id, text in results.items():
            with open(os.path.join(a.out_dir, page_id + ".txt"), "w", encoding="utf-8") as f:
                f.write(text)
    megabytes = sum(p[2] for p in pages) / 1e6
    write_json(a.json, {
        "tool": a.tool, "pages": len(pages), "mb": megabytes, "repeat": a.repeat, "cpu_s": seconds,
        "pages_per_s_core": len(pages) * a.repeat / seconds, "mb_per_s_core": megabytes * a.repeat / seconds,
        "failures": failures // a.repeat, "peak_rss_mb": peak_mb(),
    })


if __name__ == "__main__":
    main()
