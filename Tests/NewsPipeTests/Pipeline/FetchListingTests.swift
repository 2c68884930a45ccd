import Foundation
import Logging
import Testing
@testable import NewsPipe
@testable import PipelineKit
import NewsFetch

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

    /// `hasPage` (the night check's question) agrees with `list` on every kind of folder: empty,
    /// only unwanted files, a page deep down, pages behind links, excluded pages, a missing root.
    @Test func hasPageAgreesWithTheListing() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("has-page-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func make(_ files: [String]) throws -> URL {
            let folder = root.appendingPathComponent(UUID().uuidString)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for name in files {
                let url = folder.appendingPathComponent(name)
                if name.hasSuffix("/") { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true); continue }
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data("<p>page</p>".utf8).write(to: url)
            }
            return folder
        }
        let outside = try make(["x.html"])
        let cases: [([String], [String], [String])] = [
            ([], ["**/*.html"], []),
            ([".keep/", "notes.txt", "a/b/readme.md"], ["**/*.html"], []),
            (["a/b/c/deep.html"], ["**/*.html"], []),
            (["skip/x.html", "keep/y.txt"], ["**/*.html"], ["skip/**"]),
            (["one.html", "two.html", "sub/three.html"], ["**/*.html"], []),
            (["z.html"], ["**/*.htm"], []),
        ]
        for (files, include, exclude) in cases {
            let folder = try make(files)
            let listed = try FolderListing.list(folder, include: include, exclude: exclude, sourceName: "", baseUrl: nil)
            #expect(try FolderListing.hasPage(folder, include: include, exclude: exclude) == !listed.pages.isEmpty, "\(files)")
        }
        // A page reached only through a link to outside the source: not listed with `inside`.
        let linked = try make([])
        try FileManager.default.createSymbolicLink(at: linked.appendingPathComponent("out"), withDestinationURL: outside)
        for links in LinkPolicy.allCases {
            let listed = try FolderListing.list(linked, include: ["**/*.html"], exclude: [], sourceName: "", baseUrl: nil, links: links)
            #expect(try FolderListing.hasPage(linked, include: ["**/*.html"], exclude: [], links: links) == !listed.pages.isEmpty, "\(links)")
        }
        // A missing root is an error for both, as the night check has always reported it.
        let missing = root.appendingPathComponent("missing")
        #expect(throws: (any Error).self) { try FolderListing.hasPage(missing, include: ["**/*.html"], exclude: []) }
        #expect(throws: (any Error).self) { try FolderListing.list(missing, include: ["**/*.html"], exclude: [], sourceName: "", baseUrl: nil) }
    }
}
