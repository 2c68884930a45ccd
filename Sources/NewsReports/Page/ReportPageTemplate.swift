/// The interactive page's template, style and script, compiled into the binary (no files to
/// find at run time, so a copied binary still writes the page).
enum ReportPageAssets {}

// Part of report.html, kept as a raw string literal so the binary carries it (no file to find
// at run time). This file is the source: edit the text between the delimiters.

extension ReportPageAssets {
    /// The page skeleton: markers (an upper-case name in double braces) are filled by `ReportPage`.
    static let template = #"""
<!DOCTYPE html>
<!-- newspipe report.html: a static report (shown without JavaScript and in print) and an
     interactive view over the same run, with its data embedded below. Nothing is loaded from
     anywhere; the Content-Security-Policy lets only this page's own script run. -->
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="newspipe">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src {{SCRIPT_HASH}}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>{{TITLE}}</title>
<style>{{CSS}}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="page-header"><div class="wrap">{{HEADER_HTML}}</div></header>

<!-- The interactive report: an empty shell that report.js fills; hidden until it is ready, so a
     browser without JavaScript shows only the static report below. -->
<div id="app" hidden>
  <div class="wrap toolbar" role="search">
    <label for="search" class="visually-hidden">Search entities, tickers and documents</label>
    <div class="combo">
      <input id="search" type="search" autocomplete="off" spellcheck="false"
             placeholder="Search entities, tickers, titles, sites…"
             role="combobox" aria-expanded="false" aria-controls="search-results" aria-autocomplete="list">
      <ul id="search-results" role="listbox" aria-label="Search results" hidden></ul>
    </div>
    <nav class="toc" aria-label="Sections"><a href="#sec-timeline">Timeline</a> <a href="#sec-changes">What changed</a> <a href="#sec-trends">30-day trends</a> <a href="#sec-tables">Tables</a></nav>
  </div>
  <main id="main" class="wrap" tabindex="-1">
    <section id="sec-kpis" class="kpis" aria-label="Run at a glance"></section>
    <section aria-labelledby="sec-timeline"><h2 id="sec-timeline">Mentions over time</h2>
      <div class="card" id="overview-timeline"></div>
    </section>
    <section aria-labelledby="sec-changes"><h2 id="sec-changes">What changed</h2>
      <div id="app-changes" class="grid2"></div>
    </section>
    <section aria-labelledby="sec-trends"><h2 id="sec-trends">30-day trends</h2>
      <div id="app-trends" class="card"></div>
    </section>
    <section aria-labelledby="sec-tables"><h2 id="sec-tables">Tables</h2>
      <div class="tabs" role="tablist" aria-label="Tables">
        <button type="button" role="tab" id="tab-tickers" aria-controls="panel-tickers" aria-selected="true">Tickers</button>
        <button type="button" role="tab" id="tab-entities" aria-controls="panel-entities" aria-selected="false" tabindex="-1">Entities</button>
        <button type="button" role="tab" id="tab-documents" aria-controls="panel-documents" aria-selected="false" tabindex="-1">Documents</button>
      </div>
      <div role="tabpanel" id="panel-tickers" aria-labelledby="tab-tickers" class="card"></div>
      <div role="tabpanel" id="panel-entities" aria-labelledby="tab-entities" class="card" hidden></div>
      <div role="tabpanel" id="panel-documents" aria-labelledby="tab-documents" class="card" hidden></div>
    </section>
  </main>
  <aside id="detail" class="detail" aria-labelledby="detail-title" hidden></aside>
  <div id="live" class="visually-hidden" aria-live="polite"></div>
</div>

<!-- The static report: what a reader without JavaScript gets, and what print shows. -->
<div id="static">
{{STATIC_HTML}}
</div>
{{FOOTER_HTML}}

<script type="application/json" id="data">{{DATA_JSON}}</script>
<script>{{JS}}</script>
<script type="application/octet-stream" id="data-entities" data-encoding="gzip+base64" data-layout="json-lines">{{ENTITIES}}</script>
<script type="application/octet-stream" id="data-documents" data-encoding="gzip+base64">{{DOCUMENTS}}</script>
<script type="application/octet-stream" id="data-mentions" data-encoding="gzip+base64" data-layout="int32le-columns">{{MENTIONS}}</script>
<script type="application/octet-stream" id="data-sentences" data-encoding="{{SENTENCES_ENCODING}}">{{SENTENCES}}</script>
</body>
</html>
"""#
}
