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

    /// The page title.
    static func title(_ overview: ReportOverview) -> String {
        "newspipe report · " + ReportFormat.timestamp(overview.inputs.runFinishedAt)
    }

    /// The header both views share: headline and run facts.
    static func header(_ overview: ReportOverview) -> String {
        let inputs = overview.inputs
        let finished = ReportFormat.timestamp(inputs.runFinishedAt)
        return """
        <p class="eyebrow">newspipe · run report</p>
        <h1>\(escape(headline(overview)))</h1>
        <p class="meta">Finished <time datetime="\(escape(finished))">\(escape(finished.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")))</time>
         · \(escape(ReportFormat.fixed(overview.runSeconds, digits: 1))) s · \(escape(ReportRunFacts(inputs: inputs, overview: overview).status))
         · manifest <code title="\(escape(inputs.manifestHash))">\(escape(String(inputs.manifestHash.prefix(12))))</code></p>
        """
    }

    /// The report without JavaScript (what a browser without scripts, a text browser or print
    /// shows): KPIs, notices, inline SVG charts, changes and trends, the top tables.
    static func staticReport(_ overview: ReportOverview, trends: ReportTrends?) -> String {
        let history = trends.map { _ in " <a href=\"#trends\">30-day trends</a>" } ?? ""
        var html = """
        <nav class="wrap toc" aria-label="Sections"><a href="#charts">At a glance</a>\(overview.changes == nil ? "" : " <a href=\"#changes\">What changed</a>")\(history) <a href="#entities">Entities</a> <a href="#tickers">Tickers</a> <a href="#stories">Stories</a> <a href="#stages">Stages</a> <a href="#documents">Documents</a></nav>
        <main class="wrap" id="static-main">

        """
        html += kpis(overview)
        html += notices(overview)
        html += charts(overview)
        if let changes = overview.changes { html += changesSection(changes) }
        if let trends { html += trendsSection(trends) }
        html += entitiesTable(overview)
        html += tickersTable(overview)
        html += storiesTable(overview)
        html += pairsTable(overview)
        html += stagesTable(overview)
        html += documentsTable(overview)
        return html + "</main>\n"
    }

    /// The links to the data files, below both views.
    static let footer = """
    <footer class="wrap"><p>Data files next to this page: <a href="entities.csv">entities.csv</a>, <a href="tickers.csv">tickers.csv</a>,
     <a href="cooccurrence.csv">cooccurrence.csv</a>, <a href="documents.csv">documents.csv</a>, <a href="document_tickers.csv">document_tickers.csv</a>,
     <a href="duplicates.csv">duplicates.csv</a>, <a href="mentions.jsonl">mentions.jsonl</a>, <a href="datapackage.json">datapackage.json</a>,
     <a href="newspipe.sqlite">newspipe.sqlite</a>, <a href="summary.md">summary.md</a>, <a href="run.json">run.json</a>, <a href="metrics.prom">metrics.prom</a>;
     the nightly history is in <code>../history.sqlite</code>.</p></footer>
    """

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
        let series = charted.map { ReportSVG.Series(name: $0, days: o.tickerDayMentions[$0] ?? [:]) }
        let seriesLegend = "<p class=\"legend-row\">" + charted.enumerated().map {
            "<span class=\"swatch\" style=\"background:\(ReportSVG.series[$0.offset % ReportSVG.series.count])\"></span>\(escape($0.element))"
        }.joined(separator: " ") + "</p>"
        let description = series.map { line in
            "\(line.name): " + line.days.sorted { $0.key < $1.key }.map { "\(ReportDay.string($0.key)) \($0.value)" }.joined(separator: ", ")
        }.joined(separator: "; ")
        let timeline = ReportSVG.timeline(id: "chart-ticker-days", title: "Ticker mentions over time", description: description, series: series)
        let per = timeline.map { "per \($0.bucket.rawValue) of publication (UTC)" } ?? "per publication day (UTC)"
        html += figure("Ticker mentions over time", "Mentions of each symbol or its company \(per)" + (charted.count > 1 ? ", the \(charted.count) most mentioned tickers" : "") + "; periods without mentions stay on the axis.",
                       timeline.map { seriesLegend + $0.svg } ?? emptyChart("No dated ticker mentions in this run."))

        let toneRows = o.tickerTotals.prefix(ReportOverview.tickersShown).map {
            ReportSVG.ToneRow(label: $0.ticker, bullish: $0.bullish, bearish: $0.bearish, neutral: $0.neutral, balance: $0.toneBalance)
        }
        html += figure("Tone by ticker", "Bullish and bearish mentions per ticker; balance = (bullish − bearish) / all mentions, neutral included.",
                       toneRows.isEmpty ? emptyChart("No tickers mentioned in this run.") :
                        ReportSVG.diverging(id: "chart-tone", title: "Bullish and bearish mentions by ticker",
                                            description: toneRows.map { "\($0.label): \($0.bullish) bullish, \($0.bearish) bearish, \($0.neutral) neutral" }.joined(separator: "; "),
                                            rows: toneRows))

        let storyBars = o.stories.map { story in
            let known = story.sites.isEmpty ? "no known site" : "\(story.sites.count) site\(story.sites.count == 1 ? "" : "s") (\(story.sites.joined(separator: ", ")))"
            let unknown = story.pagesWithoutSite > 0 ? ", \(story.pagesWithoutSite) page\(story.pagesWithoutSite == 1 ? "" : "s") without a site" : ""
            return ReportSVG.Bar(label: story.title, value: story.mirrors + 1, colour: "#0072B2",
                                 tooltip: "\(story.title): \(story.mirrors + 1) copies on \(known)\(unknown)")
        }
        html += figure("Copies per story", "Stories carried by more than one page: the page kept and the mirrors dedup removed; the tooltip names the sites where the pages say.",
                       storyBars.isEmpty ? emptyChart("No story was carried by more than one page.") :
                        ReportSVG.bars(id: "chart-stories", title: "Copies of each of the biggest stories",
                                       description: storyBars.map { "\($0.label): \($0.value) copies" }.joined(separator: "; "),
                                       bars: storyBars, labelWidth: 290))
        return html + "</div></section>\n"
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
        headers += days.map { (ReportDay.string($0), true) }
        headers += [("Mentions", true), ("Documents", true), ("Sites", true), ("Bullish", true), ("Bearish", true),
                    ("Neutral", true), ("Tone balance", true)]
        let shownDays = days.count < o.tickerDays.count ? "publication day (UTC) on the last \(days.count) days with ticker mentions" : "publication day (UTC)"
        let shown = o.tickerTotals.prefix(tickersListed)
        let which = shown.count < o.tickerTotals.count ? "The \(shown.count) most mentioned of \(o.tickerTotals.count) tickers. " : ""
        return table("tickers", "Tickers", "\(which)Mentions per \(shownDays) and in all; tone over all mentions. Tone balance = (bullish − bearish) / mentions. Per-day rows: <a href=\"tickers.csv\">tickers.csv</a>.",
                     headers: headers, rows: shown.map { t in
            ["<span class=\"sym\">\(escape(t.ticker))</span>"] + days.map { String(o.tickerDayMentions[t.ticker]?[$0] ?? 0) }
                + [ReportFormat.grouped(t.mentions), ReportFormat.grouped(t.documents), ReportFormat.grouped(t.sites),
                   String(t.bullish), String(t.bearish), String(t.neutral), tone(t.toneBalance)]
        }, whenEmpty: "No tickers mentioned in this run.")
    }

    private static func storiesTable(_ o: ReportOverview) -> String {
        table("stories", "Biggest stories", "Stories carried by more than one page, by number of sites; all clusters in <a href=\"duplicates.csv\">duplicates.csv</a>.",
              headers: [("Story", false), ("Sites", true), ("Mirrors", true), ("Carried by", false)],
              rows: o.stories.map { s in
            let unknown = s.pagesWithoutSite > 0 ? "<small>\(s.sites.isEmpty ? "" : ", ")\(s.pagesWithoutSite) page\(s.pagesWithoutSite == 1 ? "" : "s") without a known site</small>" : ""
            return [link(s.url, s.title), String(s.sites.count), String(s.mirrors), escape(s.sites.joined(separator: ", ")) + unknown]
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

}

extension ReportHTML {
    /// `+12 (+8%)`, `−3`, `±0`; `–` when there is nothing to compare with.
    static func change(_ now: Int, _ before: Int?) -> String {
        guard let before else { return "<span class=\"zero\">–</span>" }
        let delta = now - before
        let sign = delta > 0 ? "+" : delta < 0 ? "−" : "±"
        let share = before > 0 && delta != 0 ? " <small>(\(sign)\(Int((Double(abs(delta)) / Double(before) * 100).rounded()))%)</small>" : ""
        return "<span class=\"\(delta > 0 ? "pos" : delta < 0 ? "neg" : "zero")\">\(sign)\(ReportFormat.grouped(abs(delta)))</span>\(share)"
    }

    /// Tonight against the previous night and the run a week before; each series over 30 nights.
    static func trendsSection(_ t: ReportTrends) -> String {
        var html = "<section aria-labelledby=\"trends\"><h2 id=\"trends\">30-day trends</h2><div class=\"card prose\">"
        html += "<p>\(t.nightCount) run\(t.nightCount == 1 ? "" : "s") in the last \(ReportTrends.days) nights. Tonight (\(escape(ReportDay.string(t.night)))) against the previous run (\(escape(t.previousNight ?? "–")))"
        html += t.weekBefore.map { " and the run a week before (\(escape($0)))" } ?? "; no run a week before to compare with"
        html += ": documents \(ReportFormat.grouped(t.documents.tonight)) (\(change(t.documents.tonight, t.documents.previousNight)) since the previous night, \(change(t.documents.tonight, t.documents.weekBefore)) in a week), "
        html += "mentions of named entities \(ReportFormat.grouped(t.mentions.tonight)) (\(change(t.mentions.tonight, t.mentions.previousNight)), \(change(t.mentions.tonight, t.mentions.weekBefore))).</p></div>"
        for (title, rows, symbol) in [("Tickers", t.tickers, true), ("Entities", t.entities, false)] where !rows.isEmpty {
            let shown = rows.prefix(ReportTrends.rowsShown)
            html += "<h3 class=\"subhead\">\(title)</h3><div class=\"table-scroll\"><table class=\"trend-table\"><thead><tr>"
            for (header, numeric) in [(symbol ? "Ticker" : "Entity", false), ("Last 30 nights", false), ("Tonight", true),
                                      ("vs previous night", true), ("vs a week before", true), ("Tone tonight", true)] {
                html += "<th scope=\"col\"\(numeric ? " class=\"num\"" : "")>\(escape(header))</th>"
            }
            html += "</tr></thead><tbody>\n"
            for row in shown {
                let name = symbol ? "<span class=\"sym\">\(escape(row.key))</span>" + (row.name == row.key ? "" : " <small>\(escape(row.name))</small>")
                    : "<span title=\"\(escape(row.key))\">\(escape(row.name))</span>"
                html += "<tr><td>\(name)</td><td>\(ReportSVG.sparkline(values: row.nights, lastNight: t.night, label: "\(row.name): mentions per night over the last 30 nights"))</td>"
                html += "<td class=\"num\">\(ReportFormat.grouped(row.tonight))</td><td class=\"num\">\(change(row.tonight, row.previousNight))</td>"
                html += "<td class=\"num\">\(change(row.tonight, row.weekBefore))</td><td class=\"num\">\(row.balance.map(tone) ?? "–")</td></tr>\n"
            }
            html += "</tbody></table></div>"
        }
        html += "<p class=\"note\">Bars: mentions in each night's report; grey dots: nights without a run. The full history is in <code>history.sqlite</code> beside the report folders.</p>"
        return html + "</section>\n"
    }
}
