import Foundation

/// `summary.md`: the run at a glance, in GitHub-flavoured Markdown.
enum ReportMarkdown {
    static func render(_ overview: ReportOverview) -> String {
        let inputs = overview.inputs
        var out = "# newspipe run summary\n\n"
        out += "- Run: \(ReportFormat.timestamp(inputs.runStartedAt)) to \(ReportFormat.timestamp(inputs.runFinishedAt))"
        out += " (\(ReportFormat.fixed(overview.runSeconds, digits: 1)) s)\n"
        out += "- Manifest: `\(code(inputs.manifestHash))`\n"
        out += "- Canonical documents: \(overview.documentCount) from \(overview.siteCount) sites"
        if let first = overview.firstDay, let last = overview.lastDay {
            out += ", published \(first == last ? first : "\(first) to \(last)")"
        }
        if overview.undatedDocuments > 0 { out += " (\(overview.undatedDocuments) undated)" }
        out += "\n"
        out += "- Mirrors removed: \(overview.mirrorsRemoved) in \(overview.clusterCount) clusters"
        if !overview.removedByReason.isEmpty {
            out += " (" + overview.removedByReason.map { "\(cell($0.reason)): \($0.count)" }.joined(separator: ", ") + ")"
        }
        out += "\n"
        out += "- Mentions: \(overview.mentionCount) of \(overview.entityCount) entities (\(overview.namedEntityCount) named), \(overview.tickerTotals.count) tickers\n"
        if overview.orphanMentions > 0 {
            out += "- Warning: \(overview.orphanMentions) mentions name documents that are not among the canonical documents\n"
        }
        if !overview.missingInputs.isEmpty {
            out += "- Warning: input files missing (read as empty): \(overview.missingInputs.map(cell).joined(separator: ", "))\n"
        }
        if overview.repeatedDocuments > 0 {
            out += "- Warning: \(overview.repeatedDocuments) document records repeat an earlier id (the first was kept)\n"
        }

        out += "\n## Stages\n\n"
        out += "| Stage | Status | Processed | Cached | Output | Rejected | Rejects by reason | Seconds |\n"
        out += "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |\n"
        for stage in inputs.stages {
            let reasons = ReportRunFacts.sortedRejects(stage).map { "\(cell($0.0)): \($0.1)" }.joined(separator: ", ")
            out += "| \(cell(stage.stage)) | \(cell(stage.status)) | \(stage.processed) | \(stage.cached) | \(stage.output) "
            out += "| \(stage.rejected) | \(reasons.isEmpty ? "–" : reasons) | \(ReportFormat.fixed(stage.durationSeconds, digits: 2)) |\n"
        }

        out += "\n## Top entities\n\n"
        if overview.topEntities.isEmpty { out += "No named entities.\n" } else {
            out += "| # | Entity | Type | Ticker | Mentions | Documents | Sites | Bullish | Bearish |\n"
            out += "| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n"
            for (rank, entity) in overview.topEntities.enumerated() {
                out += "| \(rank + 1) | \(cell(entity.name)) | \(entity.type.rawValue) | \(cell(entity.ticker ?? "")) "
                out += "| \(entity.mentions) | \(entity.documents) | \(entity.sites) | \(entity.bullish) | \(entity.bearish) |\n"
            }
        }

        out += "\n## Tickers\n\n"
        if overview.tickerTotals.isEmpty { out += "No tickers mentioned.\n" } else {
            out += "Tone balance = (bullish − bearish) / mentions, from −1 (all bearish) to +1 (all bullish).\n\n"
            out += "| Ticker | Mentions | Documents | Sites | Bullish | Bearish | Neutral | Tone balance |\n"
            out += "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            for total in overview.tickerTotals.prefix(ReportOverview.tickersShown * 2) {
                out += "| \(cell(total.ticker)) | \(total.mentions) | \(total.documents) | \(total.sites) | \(total.bullish) "
                out += "| \(total.bearish) | \(total.neutral) | \(signed(total.toneBalance)) |\n"
            }
        }

        out += "\n## Biggest stories\n\n"
        if overview.stories.isEmpty { out += "No story was carried by more than one page.\n" } else {
            out += "| Story | Sites | Mirrors | Carried by |\n| --- | ---: | ---: | --- |\n"
            for story in overview.stories {
                out += "| \(cell(story.title)) | \(story.sites.count) | \(story.mirrors) | \(cell(story.sites.joined(separator: ", "))) |\n"
            }
        }

        if !overview.pairs.isEmpty {
            out += "\n## Mentioned together\n\n| Entity | Entity | Documents | Sites |\n| --- | --- | ---: | ---: |\n"
            for pair in overview.pairs.prefix(5) {
                out += "| \(cell(pair.a)) | \(cell(pair.b)) | \(pair.documents) | \(pair.sites) |\n"
            }
        }

        if let changes = overview.changes {
            out += "\n## What changed since the previous run\n\n"
            if let previous = changes.previousFinishedAt { out += "Previous run finished \(previous)" } else {
                out += "Previous report"
            }
            if changes.previousDocuments >= 0 { out += " with \(changes.previousDocuments) documents" }
            out += ". \(changes.newEntityCount) new named entities, \(changes.goneEntityCount) no longer mentioned.\n\n"
            if !changes.newEntities.isEmpty {
                out += "New entities: " + changes.newEntities.map { "\(cell($0.name)) (\($0.mentions))" }.joined(separator: ", ") + "\n\n"
            }
            for (title, moves) in [("Tickers rising", changes.rising), ("Tickers falling", changes.falling)] where !moves.isEmpty {
                out += "\(title):\n\n| Ticker | Mentions before | Mentions now | Change | Tone before | Tone now |\n"
                out += "| --- | ---: | ---: | ---: | ---: | ---: |\n"
                for move in moves {
                    out += "| \(cell(move.ticker)) | \(move.previousMentions) | \(move.mentions) | \(move.delta > 0 ? "+" : "")\(move.delta) "
                    out += "| \(move.previousBalance.map(signed) ?? "–") | \(move.balance.map(signed) ?? "–") |\n"
                }
                out += "\n"
            }
            if changes.rising.isEmpty && changes.falling.isEmpty { out += "Ticker mention counts unchanged.\n" }
        }
        if !out.hasSuffix("\n\n") { out += "\n" }
        out += "Files: entities.csv, tickers.csv, cooccurrence.csv, documents.csv, document_tickers.csv, duplicates.csv, mentions.jsonl, "
        out += "datapackage.json, newspipe.sqlite, report.html, run.json, metrics.prom.\n"
        return out
    }

    /// `+0.250`, `-0.500`, `0.000`.
    static func signed(_ value: Double) -> String {
        let text = ReportFormat.fixed(value, digits: 3)
        return value > 0 && text != "0.000" ? "+" + text : text
    }

    /// Text made safe for one Markdown table cell: one line, pipes and markup characters escaped,
    /// HTML inert (GitHub renders inline HTML).
    static func cell(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r", "\n", "\t": out.append(" ")
            case "|", "\\", "`", "*", "_", "[", "]", "<", ">", "#", "!", "~", "&":
                out.append("\\"); out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Text for inside a code span: backticks and line breaks removed.
    static func code(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "`" && $0 != "\n" && $0 != "\r" }.map(Character.init))
    }
}
