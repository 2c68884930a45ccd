import Foundation
import NewsIO

/// `run.json` and `metrics.prom`: the run's stage figures for machines.
struct ReportRunFacts {
    var inputs: ReportInputs
    var overview: ReportOverview
    /// `last_success_timestamp_seconds` of the previous report's run.json, if any.
    var previousSuccess: Double? = nil

    /// The one stage status that marks the run as failed; `done`, `skipped`, `not-run` (and any
    /// other, such as a report stage still running while it writes this) do not.
    static let failedStatus = "failed"

    var failed: Bool { inputs.stages.contains { $0.status == Self.failedStatus } }

    /// The status of a stage the run found up to date: its counts are an earlier run's.
    static let skippedStatus = "skipped"

    /// `ok`, `finished-with-rejects` or `failed`, matching the exit statuses of the run: rejects
    /// count only for stages this run ran (a quiet night that skipped every stage is `ok`).
    var status: String {
        if failed { return "failed" }
        return inputs.stages.contains { $0.rejected > 0 && $0.status != Self.skippedStatus } ? "finished-with-rejects" : "ok"
    }

    /// When the pipeline last finished without a failed stage: this run, or else what the previous
    /// report recorded, so a failed run does not erase the alerting baseline.
    var lastSuccess: Double? {
        failed ? previousSuccess : inputs.runFinishedAt.timeIntervalSince1970.rounded(.down)
    }

    /// The last success time a report folder's run.json recorded.
    static func lastSuccess(in folder: URL) -> Double? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("run.json").path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return (object["last_success_timestamp_seconds"] as? NSNumber)?.doubleValue
    }

    static func sortedRejects(_ summary: StageSummary) -> [(String, Int)] {
        summary.rejectsByReason.map { ($0.key, $0.value) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : reportPrecedes($0.0, $1.0) }
    }

    func json() -> ReportJSON {
        let stages = inputs.stages.map { stage -> ReportJSON in
            .object([
                ("stage", .string(stage.stage)), ("status", .string(stage.status)),
                ("processed", .integer(stage.processed)), ("cached", .integer(stage.cached)),
                ("output", .integer(stage.output)), ("rejected", .integer(stage.rejected)),
                ("rejects_by_reason", .object(Self.sortedRejects(stage).map { ($0.0, .integer($0.1)) })),
                ("duration_seconds", .number(stage.durationSeconds, digits: 3)),
                ("started_at", .optional(stage.startedAt)), ("finished_at", .optional(stage.finishedAt)),
            ])
        }
        var rejects: [ReportJSON] = []
        for stage in inputs.stages {
            for (reason, count) in Self.sortedRejects(stage) {
                rejects.append(.object([("stage", .string(stage.stage)), ("reason", .string(reason)),
                                        ("count", .integer(count))]))
            }
        }
        return .object([
            ("format", .string("newspipe-run/1")),
            ("manifest_hash", .string(inputs.manifestHash)),
            ("status", .string(status)),
            ("started_at", .string(ReportFormat.timestamp(inputs.runStartedAt))),
            ("finished_at", .string(ReportFormat.timestamp(inputs.runFinishedAt))),
            ("duration_seconds", .number(overview.runSeconds, digits: 3)),
            ("last_success_timestamp_seconds", lastSuccess.map { .number($0, digits: 0) } ?? .null),
            ("totals", .object([
                ("documents", .integer(overview.documentCount)),
                ("mentions", .integer(overview.mentionCount)),
                ("mentions_without_document", .integer(overview.orphanMentions)),
                ("repeated_document_records", .integer(overview.repeatedDocuments)),
                ("entities", .integer(overview.entityCount)),
                ("named_entities", .integer(overview.namedEntityCount)),
                ("tickers", .integer(overview.tickerTotals.count)),
                ("clusters", .integer(overview.clusterCount)),
                ("mirrors_removed", .integer(overview.mirrorsRemoved)),
                ("sites", .integer(overview.siteCount)),
            ])),
            ("missing_inputs", .array(overview.missingInputs.map(ReportJSON.string))),
            ("stages", .array(stages)),
            ("rejects", .array(rejects)),
            ("report_files", .array(ReportBuilder.fileNames.map(ReportJSON.string))),
        ])
    }

    /// Prometheus text exposition (version 0.0.4) for node_exporter's textfile collector.
    ///
    /// The `_total` series are the last run's counts: each run rewrites the file, which Prometheus
    /// sees as a counter reset, so `increase()` over a window sums runs.
    func prometheus() -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: [(String, String)], value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples {
                let labels = sample.labels.isEmpty ? "" :
                    "{" + sample.labels.map { "\($0.0)=\"\(Self.labelValue($0.1))\"" }.joined(separator: ",") + "}"
                out += "\(name)\(labels) \(sample.value)\n"
            }
        }
        let stages = inputs.stages
        family("newspipe_documents_total", "counter", "Documents each stage output in the last run.",
               stages.map { ([("stage", $0.stage)], String($0.output)) })
        family("newspipe_documents_processed_total", "counter", "Documents each stage processed in the last run.",
               stages.map { ([("stage", $0.stage)], String($0.processed)) })
        family("newspipe_documents_cached_total", "counter",
               "Documents each stage answered from an earlier run's cache in the last run.",
               stages.map { ([("stage", $0.stage)], String($0.cached)) })
        var rejects: [(labels: [(String, String)], value: String)] = []
        for stage in stages {
            for (reason, count) in Self.sortedRejects(stage) {
                rejects.append(([("stage", stage.stage), ("reason", reason)], String(count)))
            }
        }
        family("newspipe_rejects_total", "counter", "Documents each stage rejected in the last run, by reason.", rejects)
        family("newspipe_stage_duration_seconds", "gauge", "Wall time of each stage in the last run.",
               stages.map { ([("stage", $0.stage)], ReportFormat.fixed($0.durationSeconds, digits: 3)) })
        family("newspipe_stage_success", "gauge", "0 when the stage failed in the last run, else 1.",
               stages.map { ([("stage", $0.stage)], $0.status == Self.failedStatus ? "0" : "1") })
        family("newspipe_run_duration_seconds", "gauge", "Wall time of the last run.",
               [([], ReportFormat.fixed(overview.runSeconds, digits: 3))])
        family("newspipe_report_documents", "gauge", "Canonical documents in the last report.",
               [([], String(overview.documentCount))])
        family("newspipe_report_mentions", "gauge", "Entity mentions in the last report.",
               [([], String(overview.mentionCount))])
        family("newspipe_report_entities", "gauge", "Distinct canonical entities in the last report.",
               [([], String(overview.entityCount))])
        family("newspipe_mirrors_removed", "gauge", "Mirrored copies dedup removed in the last run.",
               [([], String(overview.mirrorsRemoved))])
        if let lastSuccess {
            family("newspipe_last_success_timestamp_seconds", "gauge",
                   "Unix time the pipeline last finished without a failed stage.",
                   [([], ReportFormat.fixed(lastSuccess, digits: 0))])
        }
        return out
    }

    /// Escapes a label value as the exposition format requires (backslash, quote, newline).
    static func labelValue(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// `datapackage.json`: a Frictionless Tabular Data Package describing every CSV and mentions.jsonl.
enum ReportDataPackage {
    static func make(tables: [ReportTable]) -> ReportJSON {
        var resources: [ReportJSON] = tables.map { table in
            var schema: [(String, ReportJSON)] = [
                ("fields", .array(table.columns.map { column in
                    var field: [(String, ReportJSON)] = [("name", .string(column.name)), ("type", .string(column.type.rawValue))]
                    if column.type == .number { field.append(("decimalChar", .string("."))) }
                    field.append(("description", .string(column.description)))
                    return .object(field)
                })),
                ("missingValues", .array([.string("")])),
            ]
            if !table.primaryKey.isEmpty { schema.append(("primaryKey", .array(table.primaryKey.map(ReportJSON.string)))) }
            return .object([
                ("name", .string(table.name)),
                ("path", .string(table.file)),
                ("title", .string(table.title)),
                ("description", .string(table.description)),
                ("profile", .string("tabular-data-resource")),
                ("format", .string("csv")),
                ("mediatype", .string("text/csv")),
                ("encoding", .string("utf-8")),
                ("dialect", .object([
                    ("delimiter", .string(",")), ("lineTerminator", .string("\r\n")), ("quoteChar", .string("\"")),
                    ("doubleQuote", .bool(true)), ("header", .bool(true)),
                ])),
                ("schema", .object(schema)),
            ])
        }
        // Keyed JSON rows: field order follows the sorted keys JSONLines writes, and the dialect
        // names the keys so rows that omit an absent optional key (ticker, value, cue) still line up.
        let mentionFields: [(String, String)] = [
            ("canonical_name", "string"), ("confidence", "number"), ("context", "string"), ("context_end", "integer"),
            ("context_kind", "string"), ("context_start", "integer"), ("cue", "string"), ("document_id", "string"),
            ("end", "integer"), ("entity_id", "string"), ("evidence", "string"), ("name_at_date", "string"),
            ("sentence", "integer"), ("sentence_end", "integer"), ("sentence_start", "integer"), ("start", "integer"),
            ("surface", "string"), ("ticker", "string"), ("tone", "string"), ("type", "string"), ("value", "string"),
        ]
        resources.append(.object([
            ("name", .string("mentions")),
            ("path", .string("mentions.jsonl")),
            ("title", .string("Entity mentions")),
            ("description", .string("Every mention the entities stage found, one JSON object per line; offsets count Unicode scalars into the article text, start inclusive, end exclusive. context is the sentence the mention stands in (context_kind sentence) or, for a sentence longer than 400 characters or none, about 200 characters around it (snippet), exactly the article text from context_start to context_end; sentence_start and sentence_end locate the sentence. Absent keys are null.")),
            ("profile", .string("tabular-data-resource")),
            ("format", .string("jsonl")),
            ("mediatype", .string("application/jsonl")),
            ("encoding", .string("utf-8")),
            ("dialect", .object([("json", .object([
                ("keyed", .bool(true)), ("keys", .array(mentionFields.map { .string($0.0) })),
            ]))])),
            ("schema", .object([("fields", .array(mentionFields.map {
                .object([("name", .string($0.0)), ("type", .string($0.1))])
            }))])),
        ]))
        return .object([
            ("profile", .string("tabular-data-package")),
            ("name", .string("newspipe-report")),
            ("title", .string("newspipe report")),
            ("description", .string("Entities, tickers, co-occurrence, documents, tickers by document and duplicate clusters of one newspipe run. CSV files are RFC 4180: UTF-8 without BOM, CRLF line ends; text cells that begin with =, +, -, @, tab or CR carry a leading ' so spreadsheets do not run them as formulas.")),
            ("resources", .array(resources)),
        ])
    }
}

/// What a report folder's `run.json` recorded about its run.
public struct ReportRecordedRun: Sendable {
    public struct Stage: Sendable, Equatable {
        public var status: String
        public var startedAt: String?
        public var finishedAt: String?
    }

    public var startedAt: Date
    public var finishedAt: Date
    public var durationSeconds: Double?
    /// Per stage name: status, start and finish as recorded.
    public var stages: [String: Stage]

    /// Whether the run recorded the same stage outputs (each stage's start and finish) as
    /// `current` describes: then a new report over them reports on the same run.
    public func matches(_ current: [StageSummary]) -> Bool {
        !current.isEmpty && current.allSatisfy { summary in
            guard let recorded = stages[summary.stage] else { return false }
            return recorded.startedAt == summary.startedAt && recorded.finishedAt == summary.finishedAt
        }
    }

    /// `current` with the statuses the recorded run gave its stages.
    public func statuses(applied current: [StageSummary]) -> [StageSummary] {
        current.map { summary in
            var copy = summary
            if let recorded = stages[summary.stage] { copy.status = recorded.status }
            return copy
        }
    }

    /// The run a report folder's `run.json` describes; nil when there is none or it is unreadable.
    public static func read(from folder: URL) -> ReportRecordedRun? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("run.json").path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let started = (object["started_at"] as? String).flatMap(Timestamp.parse),
              let finished = (object["finished_at"] as? String).flatMap(Timestamp.parse),
              let list = object["stages"] as? [[String: Any]] else { return nil }
        var stages: [String: Stage] = [:]
        for item in list {
            guard let name = item["stage"] as? String, let status = item["status"] as? String else { continue }
            stages[name] = Stage(status: status, startedAt: item["started_at"] as? String, finishedAt: item["finished_at"] as? String)
        }
        return ReportRecordedRun(startedAt: started, finishedAt: finished,
                                 durationSeconds: (object["duration_seconds"] as? NSNumber)?.doubleValue, stages: stages)
    }
}
