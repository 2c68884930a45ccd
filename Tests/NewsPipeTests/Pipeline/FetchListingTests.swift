import Foundation
import Logging
import Testing
@testable import NewsPipe
@testable import PipelineKit

/// The night's folder listing in the processes of the stages after fetch (issue 16.5, flat
/// memory): each runs the night check, which lists the folders; only fetch keeps the listing.
@Suite("Fetch: the night's listing outside the fetch stage")
struct FetchListingTests {
    @Test func theNightCheckListsWithoutKeepingTheListing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fetch-listing-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["pages/a.html", "pages/b/c.html", "empty/.keep/"] {
            let url = folder.appendingPathComponent(name)
            if name.hasSuffix("/") { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true); continue }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("<p>page</p>".utf8).write(to: url)
        }
        let manifestURL = folder.appendingPathComponent("pipeline.json")
        try Data(#"{"version": 1, "output": "output", "stages": {"fetch": {"sources": [{"type": "folder", "path": "pages"}, {"type": "folder", "path": "empty", "include": ["**/*.html"]}]}}}"#.utf8)
            .write(to: manifestURL)
        let fetch = FetchStage(manifest: try Manifest.load(from: manifestURL))
        let context = StageContext(layout: OutputLayout(root: folder.appendingPathComponent("output")), shards: 4, workers: 1,
                                   logger: Logger(label: "test"), progress: ProgressReporter(sink: .capture(), logger: Logger(label: "test"), live: false),
                                   cancellation: Cancellation(), runStartedAt: Date())
        let empty = folder.appendingPathComponent("empty").standardizedFileURL.path
        #expect(try fetch.emptyFolderSources(context) == [empty])
        #expect(!fetch.listings.holds(context.runStartedAt), "a later stage's process does not keep the night's listing")
        // In the process that fetched, the check reads the listing fetch made.
        _ = try fetch.inputFingerprint(context)
        #expect(fetch.listings.holds(context.runStartedAt))
        #expect(try fetch.emptyFolderSources(context) == [empty])
        #expect(try fetch.inputs(context).pages.map(\.relativePath) == ["a.html", "b/c.html"])
    }
}
