import Foundation
import Testing
import NewsTestSupport
@testable import NewsFetch
@testable import MarkupTree
@testable import NewsIO
@testable import NewsRecords

@Suite("Fetch: nightly increments through FetchNetworkStage", .serialized)
struct FetchNetworkStageTests {
    /// Night 1 stores every listed page; night 2 reads night 1's records, sends validators, gets
    /// 304 for unchanged pages (same hash, nothing stored again) and 200 for the changed one.
    @Test func secondNightUsesConditionalGet() throws {
        let version = FetchLocked<[String: Int]>(["/a": 1, "/b": 1, "/c": 1])
        // Honours If-None-Match, as real servers do.
        let server = try FetchTestServer(requestRoute: { request, _ in
            guard let current = version.withLock({ $0[request.path] }) else { return .status(404) }
            let etag = "\"\(request.path)-\(current)\""
            if request.headers["if-none-match"] == etag { return .status(304, headers: [("ETag", etag)]) }
            return .html("<html><body>\(request.path) v\(current)</body></html>", headers: [("ETag", etag)])
        })
        defer { server.shutdown() }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fetch-night-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = ContentStore(root: folder.appendingPathComponent("objects"))
        let source = FetchNetworkSource(kind: .urls, urls: ["/a", "/b", "/c", "/gone"].map { server.base + $0 })
        let fetcher = HTTPFetcher(settings: server.settings, store: store)
        defer { fetcher.shutdown() }

        func night(previous: [String: FetchRecord]) throws -> [FetchResponse] {
            let plan = FetchSourceExpander(fetcher: fetcher).expand([source], previous: previous)
            var responses: [FetchResponse] = []
            try NetworkFetch.fetchPages(plan.pages, fetcher: fetcher) { responses.append($0) }
            return responses
        }
        let first = try night(previous: [:])
        #expect(first.map(\.disposition) == [.stored, .stored, .stored, .rejected])
        let recordsFile = folder.appendingPathComponent("records-0000-of-0001.jsonl")
        try JSONLines.write(first.map(\.record), to: recordsFile)
        let previous = NetworkFetch.previousRecords(from: [recordsFile])
        #expect(previous.count == 3) // the 404 stored nothing, so it is not a previous copy


        version.withLock { $0["/b"] = 2 }
        let second = try night(previous: previous)
        #expect(second.map(\.disposition) == [.unchanged, .stored, .unchanged, .rejected])
        #expect(second[0].record.status == 304)
        #expect(second[0].record.hash == first[0].record.hash)
        #expect(second[0].record.bytes == first[0].record.bytes)
        #expect(second[1].record.hash != first[1].record.hash)
        #expect(String(decoding: try store.get(second[1].record.hash!), as: UTF8.self).contains("/b v2"))
        #expect(second[3].record.error == "http-404")
        #expect(server.requests("/a").last?.headers["if-none-match"] == "\"/a-1\"")
    }
}
