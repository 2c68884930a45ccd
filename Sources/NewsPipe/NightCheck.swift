import Foundation
import NewsIO
import PipelineKit

/// Whether tonight's input looks like a night at all: a source that yields nothing (an unmounted
/// share), fewer pages than `stages.fetch.minPages`, or a collapse against the last good night.
/// An anomalous night stops before the report, so `reports/latest` stays on the last good report
/// and cron sees its own exit code instead of a quiet night.
public struct NightCheck: Sendable {
    /// The last night that passed the check, kept at `work/nights.json`.
    public struct GoodNight: Codable, Sendable, Equatable {
        public var pages: Int
        public var checkedAt: String
        /// The fetch generation it was taken from: a rerun of the same fetch is not a new night.
        public var generation: String
    }

    public let settings: Manifest.FetchSettings
    public let layout: OutputLayout

    public init(manifest: Manifest) {
        settings = manifest.fetch
        layout = OutputLayout(root: manifest.output)
    }

    public var historyFile: URL { layout.work.appendingPathComponent("nights.json") }

    /// What is wrong with the fetch that just completed (empty when the night looks normal).
    /// `emptySources` are the folder sources that listed no page.
    public func problems(fetched: StageRecord, emptySources: [String]) -> [String] {
        var problems = emptySources.map { "the source \($0) yielded no pages (an unmounted or emptied folder?)" }
        let pages = fetched.counts.output
        if pages < settings.minPages {
            problems.append("\(pages) pages fetched, fewer than stages.fetch.minPages (\(settings.minPages))")
        }
        if let last = StageFiles.read(GoodNight.self, historyFile), last.generation != fetched.generation, settings.maxDrop < 1,
           Double(pages) < Double(last.pages) * (1 - settings.maxDrop) {
            problems.append("\(pages) pages fetched against \(last.pages) on the last good night (\(last.checkedAt)): more than "
                            + "\(Int((settings.maxDrop * 100).rounded()))% fewer (stages.fetch.maxDrop)")
        }
        return problems
    }

    /// Remembers tonight as the last good night.
    public func accept(_ fetched: StageRecord, at date: Date) throws {
        try StageFiles.write(GoodNight(pages: fetched.counts.output, checkedAt: Timestamp.string(date), generation: fetched.generation),
                             historyFile)
    }
}
