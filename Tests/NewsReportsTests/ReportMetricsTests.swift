import Foundation
import Testing
@testable import NewsReports
@testable import NewsIO
@testable import NewsRecords

/// `metrics.prom` follows the Prometheus text exposition format; `run.json` carries the run facts.
@Suite struct ReportMetricsTests {
    /// Checks the exposition format line by line: HELP and TYPE once per family, before its
    /// samples; sample lines `name{label="value",...} number`; label values escaped.
    static func checkExposition(_ text: String) throws {
        #expect(text.hasSuffix("\n"))
        let name = "[a-zA-Z_:][a-zA-Z0-9_:]*"
        let labelValue = #""(?:[^"\\\n]|\\\\|\\"|\\n)*""#
        let sample = try Regex("^(\(name))(\\{[a-zA-Z_][a-zA-Z0-9_]*=\(labelValue)(,[a-zA-Z_][a-zA-Z0-9_]*=\(labelValue))*\\})? (\\S+)$")
        let help = try Regex("^# HELP (\(name)) .+$")
        let type = try Regex("^# TYPE (\(name)) (counter|gauge|histogram|summary|untyped)$")
        var typed: [String: String] = [:]
        var helped: Set<String> = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let line = String(line)
            if let match = line.wholeMatch(of: help) {
                let family = String(match.output[1].substring!)
                #expect(helped.insert(family).inserted, "HELP repeated for \(family)")
            } else if let match = line.wholeMatch(of: type) {
                let family = String(match.output[1].substring!)
                #expect(typed[family] == nil, "TYPE repeated for \(family)")
                typed[family] = String(match.output[2].substring!)
            } else if let match = line.wholeMatch(of: sample) {
                let family = String(match.output[1].substring!)
                #expect(typed[family] != nil, "sample before TYPE: \(line)")
                #expect(helped.contains(family), "sample before HELP: \(line)")
                let value = String(match.output[match.output.count - 1].substring!)
                #expect(Double(value) != nil, "not a number: \(line)")
                if typed[family] == "counter" { #expect(family.hasSuffix("_total")) }
            } else {
                Issue.record("not an exposition line: \(line)")
            }
        }
    }

    @Test func metricsParse() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let prom = try ReportFixture.text(folder, "metrics.prom")
        try Self.checkExposition(prom)
        #expect(prom.contains("newspipe_documents_total{stage=\"dedup\"} 8\n"))
        #expect(prom.contains("newspipe_rejects_total{stage=\"fetch\",reason=\"http-404\"} 1\n"))
        #expect(prom.contains("newspipe_stage_duration_seconds{stage=\"entities\"} 41.125\n"))
        #expect(prom.contains("newspipe_last_success_timestamp_seconds 1776240075\n"))
    }

    @Test func failedRunKeepsThePreviousSuccessTime() throws {
        let root = try ReportFixture.temporaryFolder()
        let previous = root.appendingPathComponent("previous")
        _ = try ReportBuilder().build(ReportFixture.previousInputs(), into: previous)
        var inputs = ReportFixture.inputs(previous: previous)
        inputs.stages[3].status = "failed"
        let current = root.appendingPathComponent("current")
        _ = try ReportBuilder().build(inputs, into: current)
        let prom = try ReportFixture.text(current, "metrics.prom")
        try Self.checkExposition(prom)
        #expect(prom.contains("newspipe_last_success_timestamp_seconds 1776153660\n"))
        #expect(prom.contains("newspipe_stage_success{stage=\"entities\"} 0\n"))
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: current.appendingPathComponent("run.json"))) as? [String: Any]
        #expect(run?["status"] as? String == "failed")

        // Without a previous report there is no success to report.
        inputs.previousReport = nil
        let alone = root.appendingPathComponent("alone")
        _ = try ReportBuilder().build(inputs, into: alone)
        #expect(!(try ReportFixture.text(alone, "metrics.prom")).contains("newspipe_last_success_timestamp_seconds"))
    }

    @Test func runJSONHasStagesAndRejects() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("run.json"))) as? [String: Any])
        #expect(object["manifest_hash"] as? String == "3f1c9a7e5b2d4c6a8e0f1b3d5c7a9e1f")
        #expect(object["status"] as? String == "finished-with-rejects")
        #expect(object["started_at"] as? String == "2026-04-15T08:00:00Z")
        #expect((object["duration_seconds"] as? NSNumber)?.doubleValue == 75.5)
        let stages = try #require(object["stages"] as? [[String: Any]])
        #expect(stages.map { $0["stage"] as? String } == ["fetch", "strip", "dedup", "entities"])
        #expect((stages[1]["rejects_by_reason"] as? [String: Int]) == ["too-short": 1])
        let rejects = try #require(object["rejects"] as? [[String: Any]])
        #expect(rejects.count == 2)
        let totals = try #require(object["totals"] as? [String: Int])
        #expect(totals["documents"] == 8)
        #expect(totals["mirrors_removed"] == 6)
    }
}
