import Foundation
import NewsRecords

/// `report.html`: one self-contained page (inline CSS and SVG, no scripts, no external requests).
enum ReportHTML {
    /// Documents listed in the page; the rest are in documents.csv.
    static let documentsShown = 200
    static let entitiesCharted = 15
    static let tickersCharted = 6
    /// Day columns in the ticker table (the most recent days).
    static let tableDaysShown = 10
    /// Rows in the ticker table (most mentioned first).
    static let tickersListed = 50

    /// Escapes text for HTML element content and double-quoted attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append("&amp;")
            case "<": out.append("&lt;")
            case ">": out.append("&gt;")
            case "\"": out.append("&quot;")
            case "'": out.append("&#39;")
            default:
                // Control characters other than tab and newline are not allowed in HTML text.
                if (scalar.value < 0x20 && scalar != "\t" && scalar != "\n") || scalar.value == 0x7F { out.append("\u{FFFD}") } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A typographic minus sign for display (files for machines keep ASCII `-`).
    static func minus(_ text: String) -> String {
        text.hasPrefix("-") ? "\u{2212}" + text.dropFirst() : text
    }

    /// A link only for http(s) URLs: anything else (javascript:, data:) is shown as text.
    static func link(_ url: String?, _ text: String) -> String {
        let shown = escape(text)
        guard let url, let scheme = url.split(separator: ":", maxSplits: 1).first?.lowercased(),
              scheme == "http" || scheme == "https", !url.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } ?? false }) else {
            return shown
        }
        return "<a href=\"\(escape(url))\" rel=\"noopener noreferrer nofollow\">\(shown)</a>"
    }

    static func render(_ overview: ReportOverview) -> String {
        let inputs = overview.inputs
        let finished = ReportFormat.timestamp(inputs.runFinishedAt)
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="newspipe">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <title>newspipe report · \(escape(finished))</title>
        <style>\(style)</style>
        </head>
        <body>
        <header class="page-header"><div class="wrap">
        <p class="eyebrow">newspipe · run report</p>
        <h1>\(escape(headline(overview)))</h1>
        <p class="meta">Finished <time datetime="\(escape(finished))">\(escape(finished.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")))</time>
         · \(escape(ReportFormat.fixed(overview.runSeconds, digits: 1))) s · \(escape(ReportRunFacts(inputs: inputs, overview: overview).status))
         · manifest <code title="\(escape(inputs.manifestHash))">\(escape(String(inputs.manifestHash.prefix(12))))</code></p>
        </div></header>
        <nav class="wrap toc" aria-label="Sections"><a href="#charts">At a glance</a>\(overview.changes == nil ? "" : " <a href=\"#changes\">What changed</a>") <a href="#entities">Entities</a> <a href="#tickers">Tickers</a> <a href="#stories">Stories</a> <a href="#stages">Stages</a> <a href="#documents">Documents</a></nav>
        <main class="wrap">

        """
        html += kpis(overview)
        html += notices(overview)
        html += charts(overview)
        if let changes = overview.changes { html += changesSection(changes) }
        html += entitiesTable(overview)
        html += tickersTable(overview)
        html += storiesTable(overview)
        html += pairsTable(overview)
        html += stagesTable(overview)
        html += documentsTable(overview)
        html += """
        </main>
        <footer class="wrap"><p>Data files next to this page: <a href="entities.csv">entities.csv</a>, <a href="tickers.csv">tickers.csv</a>,
         <a href="cooccurrence.csv">cooccurrence.csv</a>, <a href="documents.csv">documents.csv</a>, <a href="duplicates.csv">duplicates.csv</a>,
         <a href="mentions.jsonl">mentions.jsonl</a>, <a href="datapackage.json">datapackage.json</a>, <a href="newspipe.sqlite">newspipe.sqlite</a>,
         <a href="summary.md">summary.md</a>, <a href="run.json">run.json</a>, <a href="metrics.prom">metrics.prom</a>.</p></footer>
        </body>
        </html>

        """
        return html
    }

    /// "News run 2026-04-13 – 2026-04-15" from the publication days, else the run's finish.
    static func headline(_ o: ReportOverview) -> String {
        if let first = o.firstDay, let last = o.lastDay { return "News run " + (first == last ? first : "\(first) – \(last)") }
        return "News run of " + (ReportPublished(ReportFormat.timestamp(o.inputs.runFinishedAt))?.display ?? "")
    }

    // MARK: Sections

    private static func kpis(_ o: ReportOverview) -> String {
        let items: [(String, String, String?)] = [
            (ReportFormat.grouped(o.documentCount), "documents", o.undatedDocuments > 0 ? "\(o.undatedDocuments) undated" : nil),
            (ReportFormat.grouped(o.siteCount), "sites", nil),
            (ReportFormat.grouped(o.mirrorsRemoved), "mirrors removed", "in \(ReportFormat.grouped(o.clusterCount)) clusters"),
            (ReportFormat.grouped(o.namedEntityCount), "named entities",
             o.entityCount > o.namedEntityCount ? "\(ReportFormat.grouped(o.entityCount)) counting amounts and dates" : nil),
            (ReportFormat.grouped(o.mentionCount), "mentions", o.orphanMentions > 0 ? "\(o.orphanMentions) without document" : nil),
            (ReportFormat.grouped(o.tickerTotals.count), "tickers", nil),
        ]
        var html = "<section class=\"kpis\" aria-label=\"Run at a glance\">"
        for (value, label, note) in items {
            html += "<div class=\"kpi\"><span class=\"kpi-value\">\(escape(value))</span><span class=\"kpi-label\">\(escape(label))</span>"
            if let note { html += "<span class=\"kpi-note\">\(escape(note))</span>" }
            html += "</div>"
        }
        return html + "</section>\n"
    }

    /// Inconsistencies between the stage outputs, said where nobody can miss them.
    private static func notices(_ o: ReportOverview) -> String {
        var items: [String] = []
        if !o.missingInputs.isEmpty {
            items.append("Input files missing (read as empty): \(o.missingInputs.map(escape).joined(separator: ", ")).")
        }
        if o.orphanMentions > 0 {
            items.append("\(ReportFormat.grouped(o.orphanMentions)) mentions name documents that are not among the canonical documents; they count as mentions only.")
        }
        if o.repeatedDocuments > 0 {
            items.append("\(ReportFormat.grouped(o.repeatedDocuments)) document records repeat an earlier id; the first was kept.")
        }
        guard !items.isEmpty else { return "" }
        return "<div class=\"notice\" role=\"note\"><strong>Check the inputs:</strong><ul>"
            + items.map { "<li>\($0)</li>" }.joined() + "</ul></div>\n"
    }

    private static func figure(_ title: String, _ caption: String, _ body: String) -> String {
        "<figure class=\"card\"><h3>\(escape(title))</h3>\(body)<figcaption>\(escape(caption))</figcaption></figure>\n"
    }

    private static func empty(_ text: String) -> String { "<p class=\"empty\">\(escape(text))</p>" }

    /// The stand-in for a chart without data (render-report counts these as charts).
    private static func emptyChart(_ text: String) -> String { "<p class=\"empty chart-empty\">\(escape(text))</p>" }

    private static func charts(_ o: ReportOverview) -> String {
        var html = "<section aria-labelledby=\"charts\"><h2 id=\"charts\">At a glance</h2><div class=\"grid\">\n"

        let top = o.topEntities.prefix(entitiesCharted)
        let entityBars = top.map { entity in
            ReportSVG.Bar(label: entity.name, value: entity.mentions, colour: ReportSVG.typeColours[entity.type] ?? "#7F7F7F",
                          tooltip: "\(entity.name) (\(entity.id)): \(entity.mentions) mentions in \(entity.documents) documents")
        }
        let present = Set(top.map(\.type))
        let types = [EntityType.organization, .person, .location, .miscellaneous].filter(present.contains)
        let legend = "<p class=\"legend-row\">" + types.map {
            "<span class=\"swatch\" style=\"background:\(ReportSVG.typeColours[$0] ?? "#7F7F7F")\"></span>\(escape(ReportSVG.typeNames[$0] ?? $0.rawValue))"
        }.joined(separator: " ") + "</p>"
        html += figure("Top entities", "Mentions across canonical documents; colour shows the entity type. Ticker symbols are charted on their own.",
                       entityBars.isEmpty ? emptyChart("No named entities in this run.") :
                        legend + ReportSVG.bars(id: "chart-entities", title: "Top \(entityBars.count) entities by mentions",
                                                description: entityBars.map { "\($0.label) \($0.value)" }.joined(separator: "; "),
                                                bars: entityBars))

        let charted = o.tickerTotals.prefix(tickersCharted).map(\.ticker)
        let days = chartDays(o)
        let series = charted.map { ticker in
            ReportSVG.Series(name: ticker, values: days.map { o.tickerDayMentions[ticker]?[$0] ?? 0 })
        }
        let seriesLegend = "<p class=\"legend-row\">" + charted.enumerated().map {
            "<span class=\"swatch\" style=\"background:\(ReportSVG.series[$0.offset % ReportSVG.series.count])\"></span>\(escape($0.element))"
        }.joined(separator: " ") + "</p>"
        html += figure("Ticker mentions by day", "Mentions of each symbol or its company per publication day (UTC)" + (charted.isEmpty ? "." : charted.count == 1 ? "." : ", the \(charted.count) most mentioned tickers."),
                       series.isEmpty || days.isEmpty ? emptyChart("No dated ticker mentions in this run.") :
                        seriesLegend + ReportSVG.lines(id: "chart-ticker-days", title: "Ticker mentions by day",
                                        description: series.map { "\($0.name): " + zip(days, $0.values).map { "\($0.0) \($0.1)" }.joined(separator: ", ") }.joined(separator: "; "),
                                        days: days, series: series))

        let toneRows = o.tickerTotals.prefix(ReportOverview.tickersShown).map {
            ReportSVG.ToneRow(label: $0.ticker, bullish: $0.bullish, bearish: $0.bearish, neutral: $0.neutral, balance: $0.toneBalance)
        }
        html += figure("Tone by ticker", "Bullish and bearish mentions per ticker; balance = (bullish − bearish) / all mentions, neutral included.",
                       toneRows.isEmpty ? emptyChart("No tickers mentioned in this run.") :
                        ReportSVG.diverging(id: "chart-tone", title: "Bullish and bearish mentions by ticker",
                                            description: toneRows.map { "\($0.label): \($0.bullish) bullish, \($0.bearish) bearish, \($0.neutral) neutral" }.joined(separator: "; "),
                                            rows: toneRows))

        let storyBars = o.stories.map { story in
            ReportSVG.Bar(label: story.title, value: story.sites.count, colour: "#0072B2",
                          tooltip: "\(story.title): \(story.sites.count) sites (\(story.sites.joined(separator: ", "))), \(story.mirrors) mirrors")
        }
        html += figure("Sites per story", "Stories carried by more than one page: distinct sites among all copies.",
                       storyBars.isEmpty ? emptyChart("No story was carried by more than one page.") :
                        ReportSVG.bars(id: "chart-stories", title: "Sites carrying each of the biggest stories",
                                       description: storyBars.map { "\($0.label): \($0.value) sites" }.joined(separator: "; "),
                                       bars: storyBars, labelWidth: 290))
        return html + "</div></section>\n"
    }

    /// Every day from the first to the last ticker day when the span is short (gaps show as zero),
    /// else the days that have mentions.
    static func chartDays(_ o: ReportOverview) -> [String] {
        guard let first = o.tickerDays.first.flatMap({ ReportPublished($0)?.day }),
              let last = o.tickerDays.last.flatMap({ ReportPublished($0)?.day }), last - first < 62 else {
            return o.tickerDays
        }
        return (first...last).map(ReportDay.string)
    }

    /// A titled table section; `note` is trusted markup, cells are markup their callers escaped.
    private static func table(_ id: String, _ title: String, _ note: String?, headers: [(String, Bool)], rows: [[String]],
                              whenEmpty: String = "Nothing to show for this run.") -> String {
        var html = "<section aria-labelledby=\"\(id)\"><h2 id=\"\(id)\">\(escape(title))</h2>"
        guard !rows.isEmpty else { return html + "<div class=\"card\">\(empty(whenEmpty))</div></section>\n" }
        if let note { html += "<p class=\"note\">\(note)</p>" }
        html += "<div class=\"table-scroll\"><table><thead><tr>"
        for (header, numeric) in headers { html += "<th scope=\"col\"\(numeric ? " class=\"num\"" : "")>\(escape(header))</th>" }
        html += "</tr></thead><tbody>\n"
        for row in rows {
            html += "<tr>"
            for (index, cell) in row.enumerated() { html += headers[index].1 ? "<td class=\"num\">\(cell)</td>" : "<td>\(cell)</td>" }
            html += "</tr>\n"
        }
        return html + "</tbody></table></div></section>\n"
    }

    private static func tone(_ value: Double) -> String {
        let cls = value > 0.0005 ? "pos" : value < -0.0005 ? "neg" : "zero"
        return "<span class=\"\(cls)\">\(escape(minus(ReportMarkdown.signed(value))))</span>"
    }

    private static func changesSection(_ c: ReportChanges) -> String {
        var html = "<section aria-labelledby=\"changes\"><h2 id=\"changes\">What changed since the previous run</h2><div class=\"card prose\">"
        var sentence = c.previousFinishedAt.map { "Previous run finished \(escape(ReportPublished($0)?.display ?? $0))" } ?? "Previous report"
        if c.previousDocuments >= 0 { sentence += " with \(ReportFormat.grouped(c.previousDocuments)) documents" }
        html += "<p>\(sentence). <strong>\(c.newEntityCount)</strong> new named entities, \(c.goneEntityCount) no longer mentioned.</p>"
        if !c.newEntities.isEmpty {
            html += "<p>New: " + c.newEntities.map { "<span class=\"chip\">\(escape($0.name)) <small>\($0.mentions)</small></span>" }.joined(separator: " ") + "</p>"
        }
        html += "</div></section>\n"
        let moves = c.rising + c.falling
        if !moves.isEmpty {
            html += table("ticker-moves", "Tickers rising and falling", nil,
                          headers: [("Ticker", false), ("Mentions before", true), ("Mentions now", true), ("Change", true),
                                    ("Tone before", true), ("Tone now", true)],
                          rows: moves.map { m in
                [escape(m.ticker), String(m.previousMentions), String(m.mentions),
                 "<span class=\"\(m.delta > 0 ? "pos" : "neg")\">\(m.delta > 0 ? "+" : "−")\(abs(m.delta))</span>",
                 m.previousBalance.map(tone) ?? "–", m.balance.map(tone) ?? "–"]
            })
        }
        return html
    }

    private static func entitiesTable(_ o: ReportOverview) -> String {
        table("entities", "Top entities", "Named entities by mentions; all entities are in <a href=\"entities.csv\">entities.csv</a>.",
              headers: [("#", true), ("Entity", false), ("Type", false), ("Ticker", false), ("Mentions", true),
                        ("Documents", true), ("Sites", true), ("Bullish", true), ("Bearish", true)],
              rows: o.topEntities.enumerated().map { rank, e in
            [String(rank + 1), "<span title=\"\(escape(e.id))\">\(escape(e.name))</span>",
             "<span class=\"type\" style=\"border-color:\(ReportSVG.typeColours[e.type] ?? "#7F7F7F")\">\(escape(ReportSVG.typeNames[e.type] ?? e.type.rawValue))</span>",
             escape(e.ticker ?? ""), ReportFormat.grouped(e.mentions), ReportFormat.grouped(e.documents),
             ReportFormat.grouped(e.sites), ReportFormat.grouped(e.bullish), ReportFormat.grouped(e.bearish)]
        }, whenEmpty: "No named entities in this run.")
    }

    private static func tickersTable(_ o: ReportOverview) -> String {
        let days = Array(o.tickerDays.suffix(tableDaysShown))
        var headers: [(String, Bool)] = [("Ticker", false)]
        headers += days.map { (String($0.dropFirst(5)), true) }
        headers += [("Mentions", true), ("Documents", true), ("Sites", true), ("Bullish", true), ("Bearish", true),
                    ("Neutral", true), ("Tone balance", true)]
        let shownDays = days.count < o.tickerDays.count ? "the last \(days.count) days" : "publication day (UTC)"
        let shown = o.tickerTotals.prefix(tickersListed)
        let which = shown.count < o.tickerTotals.count ? "The \(shown.count) most mentioned of \(o.tickerTotals.count) tickers. " : ""
        return table("tickers", "Tickers", "\(which)Mentions per \(shownDays) and in all; tone over all mentions. Tone balance = (bullish − bearish) / mentions. Per-day rows: <a href=\"tickers.csv\">tickers.csv</a>.",
                     headers: headers, rows: shown.map { t in
            [escape(t.ticker)] + days.map { String(o.tickerDayMentions[t.ticker]?[$0] ?? 0) }
                + [ReportFormat.grouped(t.mentions), ReportFormat.grouped(t.documents), ReportFormat.grouped(t.sites),
                   String(t.bullish), String(t.bearish), String(t.neutral), tone(t.toneBalance)]
        }, whenEmpty: "No tickers mentioned in this run.")
    }

    private static func storiesTable(_ o: ReportOverview) -> String {
        table("stories", "Biggest stories", "Stories carried by more than one page, by number of sites; all clusters in <a href=\"duplicates.csv\">duplicates.csv</a>.",
              headers: [("Story", false), ("Sites", true), ("Mirrors", true), ("Carried by", false)],
              rows: o.stories.map { s in
            [link(s.url, s.title), String(s.sites.count), String(s.mirrors), escape(s.sites.joined(separator: ", "))]
        }, whenEmpty: "No story was carried by more than one page.")
    }

    private static func pairsTable(_ o: ReportOverview) -> String {
        guard !o.pairs.isEmpty else { return "" }
        return table("pairs", "Mentioned together", "Named entities that share the most documents; all pairs in <a href=\"cooccurrence.csv\">cooccurrence.csv</a>.",
                     headers: [("Entity", false), ("Entity", false), ("Documents", true), ("Sites", true)],
                     rows: o.pairs.map { [escape($0.a), escape($0.b), ReportFormat.grouped($0.documents), ReportFormat.grouped($0.sites)] })
    }

    private static func stagesTable(_ o: ReportOverview) -> String {
        table("stages", "Pipeline stages", nil,
              headers: [("Stage", false), ("Status", false), ("Processed", true), ("Cached", true), ("Output", true),
                        ("Rejected", true), ("Rejects by reason", false), ("Seconds", true)],
              rows: o.inputs.stages.map { s in
            let reasons = ReportRunFacts.sortedRejects(s).map { "\(escape($0.0)) <small>\($0.1)</small>" }.joined(separator: ", ")
            return [escape(s.stage), "<span class=\"status status-\(escape(s.status))\">\(escape(s.status))</span>",
                    ReportFormat.grouped(s.processed), ReportFormat.grouped(s.cached), ReportFormat.grouped(s.output),
                    ReportFormat.grouped(s.rejected), reasons.isEmpty ? "–" : reasons, ReportFormat.fixed(s.durationSeconds, digits: 2)]
        })
    }

    private static func documentsTable(_ o: ReportOverview) -> String {
        let rows = o.documents
        let note = rows.count < o.documentCount
            ? "Newest \(rows.count) of \(ReportFormat.grouped(o.documentCount)); all in <a href=\"documents.csv\">documents.csv</a>."
            : "Newest first; also in <a href=\"documents.csv\">documents.csv</a>."
        return table("documents", "Documents", note,
                     headers: [("Published", false), ("Site", false), ("Title", false), ("Words", true), ("Sites", true), ("Tickers", false)],
                     rows: rows.map { d in
            let published = d.publishedDisplay.map { "<span title=\"\(escape(d.published ?? ""))\">\(escape($0))</span>" }
                ?? escape(d.published ?? "–")
            return [published, escape(d.site ?? "–"), link(d.url, d.title ?? d.url ?? d.id),
                    ReportFormat.grouped(d.words), String(d.sites), escape(d.tickers.joined(separator: " "))]
        }, whenEmpty: "No documents in this run.")
    }

    static let style = """

    :root{--ink:#1f2933;--muted:#52606d;--line:#e4e7eb;--bg:#f5f7fa;--card:#fff;--accent:#0b5cad;--pos:#007a5a;--neg:#b63e00}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%}
    body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
    .wrap{max-width:1200px;margin:0 auto;padding:0 24px}
    .page-header{background:#102a43;color:#f0f4f8;padding:28px 0 24px}
    .toc{display:flex;flex-wrap:wrap;gap:4px 18px;padding-top:12px;padding-bottom:12px;margin-bottom:8px;font-size:14px}
    .page-header h1{margin:2px 0 6px;font-size:28px;font-weight:650;letter-spacing:-.01em}
    .eyebrow{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:#9fb3c8}
    .meta{margin:0;color:#bcccdc;font-size:14px}
    .meta code{color:#f0f4f8}
    code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.92em}
    h2{font-size:19px;margin:34px 0 12px;font-weight:650}
    h3{font-size:15px;margin:0 0 10px;font-weight:650}
    a{color:var(--accent);text-decoration:none}
    a:hover,a:focus{text-decoration:underline}
    .kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px}
    .kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;display:flex;flex-direction:column}
    .kpi-value{font-size:26px;font-weight:650;font-variant-numeric:tabular-nums;line-height:1.2}
    .kpi-label{color:var(--muted);font-size:13px}
    .kpi-note{color:var(--muted);font-size:12px}
    .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
    .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:0}
    figure.card{overflow-x:auto}
    figcaption,.note{color:var(--muted);font-size:13px;margin:8px 0 0}
    .note{margin:-4px 0 10px}
    svg.chart{display:block;max-width:100%;height:auto;font-family:inherit}
    svg.chart text{font-size:12px;fill:var(--ink)}
    svg.chart .tick{fill:var(--muted);font-size:11px}
    svg.chart .grid line{stroke:var(--line);stroke-width:1}
    svg.chart .grid line.axis{stroke:#9aa5b1}
    svg.chart .value{fill:var(--muted);font-variant-numeric:tabular-nums}
    svg.chart .legend,svg.chart .balance,svg.chart .series-label{font-weight:600}
    svg.chart .legend.muted{fill:var(--muted);font-weight:400}
    svg.chart .bar:hover rect{opacity:.8}
    .legend-row{margin:-4px 0 6px;font-size:12px;color:var(--muted)}
    .swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:-1px}
    .swatch:first-child{margin-left:0}
    .empty{color:var(--muted);font-style:italic;padding:24px 0}
    .card>.empty{padding:4px 0;margin:0}
    .notice{margin:16px 0 0;padding:12px 16px;border:1px solid #f0b429;border-left-width:4px;background:#fffbea;border-radius:8px;font-size:14px}
    .notice ul{margin:4px 0 0;padding-left:20px}
    .table-scroll{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
    table{border-collapse:collapse;width:100%;font-size:14px}
    th,td{padding:7px 12px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
    th{background:#f0f4f8;font-weight:600;font-size:13px;color:#334e68;white-space:nowrap}
    tbody tr:last-child td{border-bottom:0}
    tbody tr:hover{background:#f8fafc}
    .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    td{overflow-wrap:anywhere}
    .pos{color:var(--pos);font-weight:600}
    .neg{color:var(--neg);font-weight:600}
    .zero{color:var(--muted)}
    .type{display:inline-block;border-left:3px solid;padding-left:6px;font-size:13px;color:var(--muted)}
    .status{font-size:12px;padding:1px 8px;border-radius:10px;background:#e4e7eb}
    .status-done{background:#d9f2e6;color:#055a3a}
    .status-failed{background:#fde2dd;color:#8a2a0a}
    .status-skipped{background:#e3ecf7;color:#1d4e89}
    .chip{display:inline-block;background:#f0f4f8;border:1px solid var(--line);border-radius:12px;padding:1px 10px;margin:2px 4px 2px 0;font-size:13px}
    .chip small{color:var(--muted)}
    .prose p{margin:0 0 8px}
    .prose p:last-child{margin:0}
    small{color:var(--muted)}
    footer{color:var(--muted);font-size:13px;padding-top:24px;padding-bottom:40px}
    @media (max-width:600px){.grid{grid-template-columns:1fr}.wrap{padding:0 14px}}
    @media print{body{background:#fff}.page-header{background:#fff;color:#000}.page-header *{color:#000}.card,.table-scroll,.kpi{break-inside:avoid}}

    """
}
