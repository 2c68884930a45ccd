// Part of report.html, kept as a raw string literal so the binary carries it (no file to find
// at run time). This file is the source: edit the text between the delimiters.

extension ReportPageAssets {
    /// One stylesheet for the static report (no JavaScript, print) and the interactive view.
    static let style = #"""
/* newspipe report.html: one stylesheet for the static report (no JavaScript, print) and the
   interactive view. Colours: Okabe-Ito, readable with the common colour-vision deficiencies. */
:root{--ink:#1f2933;--muted:#52606d;--line:#e4e7eb;--bg:#f5f7fa;--card:#fff;--accent:#0b5cad;--pos:#007a5a;--neg:#b63e00;
  --bull:#009E73;--bear:#D55E00;--neut:#9aa5b1;--focus:#f0b429;--mark:#fff1b8}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
.wrap{max-width:1280px;margin:0 auto;padding:0 24px}
.page-header{background:#102a43;color:#f0f4f8;padding:24px 0 20px}
.page-header h1{margin:2px 0 6px;font-size:26px;font-weight:650;letter-spacing:-.01em;overflow-wrap:anywhere}
.eyebrow{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:#9fb3c8}
.meta{margin:0;color:#bcccdc;font-size:14px}
.meta code{color:#f0f4f8}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.92em}
h2{font-size:19px;margin:30px 0 12px;font-weight:650}
h3{font-size:15px;margin:0 0 10px;font-weight:650}
a{color:var(--accent);text-decoration:none}
a:hover,a:focus{text-decoration:underline}
:focus-visible{outline:3px solid var(--focus);outline-offset:1px}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:8px 12px;z-index:100}
.skip:focus{left:8px}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
.toc{display:flex;flex-wrap:wrap;gap:4px 18px;font-size:14px;align-items:center}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-top:16px}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;display:flex;flex-direction:column}
.kpi-value{font-size:24px;font-weight:650;font-variant-numeric:tabular-nums;line-height:1.2}
.kpi-label{color:var(--muted);font-size:13px}
.kpi-note{color:var(--muted);font-size:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:0}
figure.card{overflow-x:auto}
figcaption,.note{color:var(--muted);font-size:13px;margin:8px 0 0}
svg.chart{display:block;max-width:100%;height:auto;font-family:inherit}
svg.chart text{font-size:12px;fill:var(--ink)}
svg.chart .tick{fill:var(--muted);font-size:11px}
svg.chart .grid line{stroke:var(--line);stroke-width:1}
.legend-row{margin:-4px 0 6px;font-size:12px;color:var(--muted)}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:-1px}
.swatch:first-child{margin-left:0}
.empty{color:var(--muted);font-style:italic;padding:16px 0}
.notice{margin:16px 0 0;padding:12px 16px;border:1px solid #f0b429;border-left-width:4px;background:#fffbea;border-radius:8px;font-size:14px}
.table-scroll{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#f0f4f8;font-weight:600;font-size:13px;color:#334e68;white-space:nowrap}
tbody tr:hover{background:#f8fafc}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td{overflow-wrap:anywhere}
/* A ticker symbol is one word: never broken ("CMCS A"). */
.sym,td.sym,.sym-cell{white-space:nowrap;overflow-wrap:normal;word-break:keep-all;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:13px;font-weight:600}
.pos{color:var(--pos);font-weight:600}
.neg{color:var(--neg);font-weight:600}
.zero{color:var(--muted)}
.chip{display:inline-flex;align-items:center;gap:4px;background:#f0f4f8;border:1px solid var(--line);border-radius:12px;padding:1px 4px 1px 10px;margin:2px 4px 2px 0;font-size:13px}
small,.muted{color:var(--muted)}
footer{color:var(--muted);font-size:13px;padding-top:24px;padding-bottom:40px}

/* ---- static report (no JavaScript, print) ---- */
/* With scripting on, the interactive view replaces the static report, so it is not laid out at
   all (at 50,000 documents its layout was half the time before the first table); it shows when
   the view cannot start (.report-failed), without JavaScript, and in print. */
@media (scripting:enabled){html:not(.report-failed) #static{display:none}}
#static .toc{padding-top:12px;padding-bottom:4px}
svg.chart .grid line.axis{stroke:#9aa5b1}
svg.chart .value{fill:var(--muted);font-variant-numeric:tabular-nums}
svg.chart .legend,svg.chart .balance,svg.chart .series-label{font-weight:600}
svg.chart .legend.muted{fill:var(--muted);font-weight:400}
svg.chart .bar:hover rect{opacity:.8}
#static .note{margin:-4px 0 10px}
.notice ul{margin:4px 0 0;padding-left:20px}
.card>.empty{padding:4px 0;margin:0}
.type{display:inline-block;border-left:3px solid;padding-left:6px;font-size:13px;color:var(--muted)}
.status{font-size:12px;padding:1px 8px;border-radius:10px;background:#e4e7eb}
.status-done{background:#d9f2e6;color:#055a3a}
.status-failed{background:#fde2dd;color:#8a2a0a}
.status-skipped{background:#e3ecf7;color:#1d4e89}
.chip small{color:var(--muted)}
.prose p{margin:0 0 8px}
.prose p:last-child{margin:0}
.subhead{margin:16px 0 8px}
.evidence{font-style:italic}
.small{font-size:12px}

/* ---- interactive view ---- */
.toolbar{display:flex;flex-wrap:wrap;gap:12px 24px;align-items:center;padding-top:14px}
.combo{position:relative;flex:1 1 420px;max-width:640px}
.combo input{width:100%;font:inherit;padding:8px 12px;border:1px solid #9aa5b1;border-radius:6px;background:#fff}
#search-results{position:absolute;left:0;right:0;top:100%;z-index:30;margin:2px 0 0;padding:4px 0;list-style:none;background:#fff;border:1px solid #9aa5b1;border-radius:6px;box-shadow:0 6px 24px rgba(16,42,67,.18);max-height:70vh;overflow:auto}
#search-results li{padding:5px 12px;cursor:pointer;display:flex;gap:8px;align-items:baseline;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
#search-results li[aria-selected=true],#search-results li:hover{background:#e3ecf7}
#search-results li.group{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.06em;cursor:default;background:none;padding-top:8px}
#search-results .kind{font-size:11px;color:var(--muted);min-width:4.5em}
#search-results .extra{color:var(--muted);font-size:13px;overflow:hidden;text-overflow:ellipsis}
button{font:inherit;color:inherit}
.btn{background:#fff;border:1px solid #9aa5b1;border-radius:6px;padding:3px 10px;cursor:pointer;font-size:13px}
.btn:hover{background:#f0f4f8}
.btn[aria-pressed=true]{background:#102a43;color:#fff;border-color:#102a43}
.btn:disabled{opacity:.45;cursor:default}
.linkbtn{background:none;border:0;padding:0;margin:0;color:var(--accent);cursor:pointer;text-align:left;font:inherit;max-width:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.linkbtn:hover{text-decoration:underline}
.seg{display:inline-flex;gap:0}
.seg .btn{border-radius:0;margin-left:-1px}
.seg .btn:first-child{border-radius:6px 0 0 6px;margin-left:0}
.seg .btn:last-child{border-radius:0 6px 6px 0}
.controls{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;margin:0 0 10px;font-size:14px}
.controls input,.controls select{font:inherit;font-size:14px;padding:4px 8px;border:1px solid #9aa5b1;border-radius:6px;background:#fff}
.controls input[type=search]{min-width:240px}
.controls .csvbtn{font-size:13px;padding:4px 10px;border:1px solid #9aa5b1;border-radius:6px;background:#fff;cursor:pointer}
.controls .csvbtn:hover{background:#f0f4f8}
.count{color:var(--muted);font-size:13px;margin-left:auto}
.tabs{display:flex;gap:4px;border-bottom:2px solid #102a43;margin-bottom:-1px}
.tabs [role=tab]{background:#e4e7eb;border:1px solid var(--line);border-bottom:0;border-radius:6px 6px 0 0;padding:6px 16px;cursor:pointer;font-weight:600}
.tabs [role=tab][aria-selected=true]{background:#102a43;color:#fff}
[role=tabpanel].card{border-top-left-radius:0}
/* virtualised tables: fixed row height, cells never wrap */
.vt-scroll{overflow:auto;position:relative;border:1px solid var(--line);border-radius:6px;max-height:min(68vh,640px);background:#fff}
.vt{table-layout:fixed;border-collapse:separate;border-spacing:0;min-width:100%}
.vt thead th{position:sticky;top:0;z-index:2;padding:0;border-bottom:1px solid #bcccdc}
.vt thead th .sortbtn{display:flex;width:100%;gap:4px;justify-content:flex-start;align-items:center;background:none;border:0;padding:7px 10px;cursor:pointer;font-weight:600;font-size:13px;color:#334e68}
.vt thead th.num .sortbtn{justify-content:flex-end}
.vt thead th .arrow{font-size:10px;color:var(--accent);min-width:.8em}
.vt tbody td{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;height:33px;padding:0 10px;vertical-align:middle;overflow-wrap:normal}
.vt tbody tr.spacer td{padding:0;border:0;height:auto}
.vt tbody tr:focus-within{background:#e3ecf7}
.vt tbody tr.current{background:#fff7d6}
.tone-b{color:var(--bull)}.tone-r{color:var(--bear)}.tone-n{color:var(--muted)}
.badge{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.04em;border-radius:4px;padding:0 6px;line-height:18px;border:1px solid currentColor;white-space:nowrap}
.badge.b{color:#006b4f}.badge.r{color:#a33f00}.badge.n{color:#52606d}
.type-PER{color:#8a5a00}.type-ORG{color:#0b5cad}.type-LOC{color:#00704f}.type-MISC{color:#9b3d7a}.type-TICKER{color:#2a6f97}
/* timelines */
.tl{position:relative}
.tl-head{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin-bottom:6px;font-size:13px}
.tl svg{display:block;width:100%;height:auto;overflow:visible;font-family:inherit}
.tl svg:focus-visible{outline:3px solid var(--focus)}
.tl text{font-size:11px;fill:var(--muted)}
.tl .axis line,.tl .gridline{stroke:var(--line)}
.tl .baseline{stroke:#9aa5b1}
.tl .hl{fill:none;stroke:#102a43;stroke-width:1.5}
.tl .sel{fill:#f0b429;opacity:.25}
.tl .readout{min-height:1.5em;font-size:13px;color:var(--ink);font-variant-numeric:tabular-nums}
.legend{display:inline-flex;gap:12px;font-size:12px;color:var(--muted)}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.spark{display:block}
/* detail panel */
.detail{position:fixed;top:0;right:0;bottom:0;width:min(760px,100%);background:#fff;border-left:1px solid #bcccdc;box-shadow:-8px 0 32px rgba(16,42,67,.18);z-index:40;overflow:auto;padding:0 22px 40px}
.detail-head{position:sticky;top:0;background:#fff;z-index:3;padding:14px 0 10px;border-bottom:1px solid var(--line);display:flex;gap:12px;align-items:flex-start}
.detail-head h2{margin:0;font-size:20px;flex:1;overflow-wrap:anywhere}
.detail .stats{display:flex;flex-wrap:wrap;gap:6px 18px;margin:12px 0;font-size:14px}
.detail .stats b{font-variant-numeric:tabular-nums}
.mentions{list-style:none;margin:0;padding:0}
.mentions li{border-bottom:1px solid var(--line);padding:9px 0}
.m-meta{display:flex;flex-wrap:wrap;gap:4px 10px;font-size:12px;color:var(--muted);align-items:center}
.m-sent{margin:4px 0 2px;font-size:14.5px;line-height:1.5;overflow-wrap:anywhere}
mark{background:var(--mark);color:inherit;border-bottom:2px solid #f0b429;padding:0 1px;border-radius:2px}
.m-link{font-size:13px;overflow-wrap:anywhere}
.pager{display:flex;gap:10px;align-items:center;margin:12px 0;font-size:13px}
.names{font-size:14px;margin:6px 0}
.doc-ents{display:flex;flex-wrap:wrap;gap:4px}
.error{border:1px solid #d55e00;background:#fde2dd;padding:10px 14px;border-radius:8px}
.trend-table td,.trend-table th{padding:4px 8px;white-space:nowrap}
.changes-list{list-style:none;margin:0;padding:0;font-size:14px}
.changes-list li{display:flex;gap:8px;align-items:baseline;padding:2px 0}
.changes-list .delta{margin-left:auto;font-variant-numeric:tabular-nums}
.change-block{margin:10px 0 4px}
.change-block h4{margin:0 0 4px;font-size:13px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
@media (max-width:700px){.grid,.grid2{grid-template-columns:1fr}.wrap{padding:0 12px}.detail{padding:0 12px 30px}}
@media (prefers-reduced-motion:reduce){*{scroll-behavior:auto!important}}
@media print{
  body{background:#fff;font-size:12px}
  .page-header{background:#fff;color:#000;padding:0}.page-header *{color:#000!important}
  .skip,.toolbar,.tabs,[role=tabpanel],#sec-tables,#sec-trends+div .btn,.controls,.pager,.tl-head .seg,.detail-head button{display:none!important}
  #app section[aria-labelledby=sec-tables],#sec-kpis{display:none!important}
  #static,#static[hidden]{display:block!important}
  .detail{position:static;box-shadow:none;border:0;width:auto;overflow:visible;padding:0;break-before:page}
  .detail-head{position:static}
  .card,.kpi,.mentions li{break-inside:avoid}
  a[href^="http"]::after{content:" <" attr(href) ">";font-size:10px;color:#52606d;overflow-wrap:anywhere}
  .vt-scroll{max-height:none;overflow:visible}
}
"""#
}
