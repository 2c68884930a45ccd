import Foundation
import Testing
@testable import NewsFetch

/// The night's folder listing kept compact (issue 16.5, flat memory): the same pages, in the same
/// order, as the `[LocalPage]` it replaces, in a fraction of the memory.
@Suite("Fetch: compact folder listing")
struct LocalPageListTests {
    /// What the listing gave before it was compact: one `LocalPage` per file, sorted by source.
    static func expected(_ root: URL, sourceName: String, baseUrl: String?) throws -> [LocalPage] {
        let rootPath = root.standardizedFileURL.path
        var pages: [LocalPage] = []
        let walker = FileManager.default.enumerator(atPath: rootPath)!
        while let relative = walker.nextObject() as? String {
            let path = "\(rootPath)/\(relative)"
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            pages.append(LocalPage(source: sourceName.isEmpty ? relative : "\(sourceName)/\(relative)", file: path, size: Int(info.st_size),
                                   modified: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9, baseUrl: baseUrl,
                                   relativePath: relative))
        }
        return pages.sorted { $0.source < $1.source }
    }

    @Test(arguments: ["pages", ""])
    func listingGivesThePagesTheArrayGave(_ sourceName: String) throws {
        let root = try WARCStoreTests.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        // Names whose order differs between a walk and a sort by full name ("a-x" sorts before "a/…").
        for name in ["a/b.html", "a-x.html", "a/c/d.html", "B.html", "é/z.html", "e\u{301}x.html", "a0.html", "zz/y y.html"] {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("<p>\(name)</p>".utf8).write(to: url)
        }
        let listing = try FolderListing.list(root, include: ["**"], exclude: [], sourceName: sourceName, baseUrl: "https://x.example/")
        let expected = try Self.expected(root, sourceName: sourceName, baseUrl: "https://x.example/")
        #expect(expected.count == 8)
        #expect(Array(listing.pages) == expected)
        #expect(listing.pages.indices.map { listing.pages.source(at: $0) } == expected.map(\.source))
        #expect(listing.pages.map(\.url) == expected.map(\.url))
    }

    @Test func pagesGivenWholeComeBackTheSame() {
        let pages = [
            LocalPage(source: "corpus/b/1.html", file: "/data/corpus/b/1.html", size: 10, modified: 1.5, baseUrl: nil, relativePath: "b/1.html"),
            LocalPage(source: "a.html", file: "/srv/a.html", size: 3, modified: 2, baseUrl: "https://a.example", relativePath: "a.html"),
            // Not its folder's name and path followed by the relative path: kept as it is.
            LocalPage(source: "odd", file: "/elsewhere/file", size: 1, modified: 0, baseUrl: nil, relativePath: "other.html"),
            LocalPage(source: "/x.html", file: "/x.html", size: 1, modified: 0, baseUrl: nil, relativePath: "x.html"),
            LocalPage(source: "corpus/a.html", file: "/data/corpus/a.html", size: 7, modified: 3, baseUrl: nil, relativePath: "a.html"),
        ]
        var list = LocalPageList(pages)
        #expect(Array(list) == pages)
        list.sortBySource()
        #expect(Array(list) == pages.sorted { $0.source < $1.source })
        var joined = LocalPageList(pages.prefix(2))
        joined.append(contentsOf: LocalPageList(pages.dropFirst(2)))
        #expect(joined == LocalPageList(pages))
    }

    /// 20,000 pages of 55-byte paths: 160 bytes each with the buffers' spare capacity, where
    /// `[LocalPage]` took about 500 with its strings (heaptrack, 30,000 pages: 15 MB).
    @Test func listingIsCompact() {
        var list = LocalPageList()
        let folder = list.addFolder(sourceName: "pages", rootPath: "/work/night/pages", baseUrl: nil)
        for i in 0 ..< 20_000 {
            list.append(folder: folder, relativePath: String(format: "v%05d/site%d.example/a-story-about-something-%d.html", i / 34, i % 34, i),
                        size: 8_000 + i, modified: 1_700_000_000 + Double(i))
        }
        #expect(list.count == 20_000)
        #expect(list.storedBytes < 20_000 * 200)
        #expect(list[12_345].file == "/work/night/pages/v00363/site3.example/a-story-about-something-12345.html")
        #expect(list[12_345].source == "pages/v00363/site3.example/a-story-about-something-12345.html")
    }
}

extension LocalPageListTests {
    /// The night's one folder source becomes the listing as it is (no copy page by page), sorting
    /// takes no more room, and the paths hold at most one chunk of spare bytes (a buffer grown by
    /// doubling held up to twice its bytes).
    @Test func theOnlySourceIsTakenWholeAndThePathsHoldLittleSpareRoom() {
        var list = LocalPageList()
        let folder = list.addFolder(sourceName: "pages", rootPath: "/night/pages", baseUrl: nil)
        for i in (0 ..< 5_000).reversed() {
            list.append(folder: folder, relativePath: "site\(i % 7)/story-\(i).html", size: i, modified: Double(i))
        }
        var joined = LocalPageList()
        joined.append(contentsOf: list)
        #expect(joined == list)
        let before = joined.storedBytes
        joined.sortBySource()
        #expect(Array(joined) == Array(list).sorted { $0.source < $1.source })
        let pathBytes = list.reduce(0) { $0 + $1.relativePath.utf8.count }
        #expect(joined.storedBytes <= before)
        #expect(joined.storedBytes <= pathBytes + (1 << 16) + 2 * joined.count * 32 + 1_000, "at most one chunk of spare path bytes")
        joined.append(contentsOf: LocalPageList([LocalPage(source: "x/a.html", file: "/x/a.html", size: 1, modified: 0, baseUrl: nil, relativePath: "a.html")]))
        #expect(joined.count == 5_001 && joined[5_000].source == "x/a.html")
    }
}

extension LocalPageListTests {
    /// Paths are kept in 64 KB chunks: a path never spans two, one longer than a chunk gets a chunk
    /// of its own, and every page comes back whole wherever its path landed.
    @Test func pathsAcrossChunksAndLongerThanAChunkComeBackWhole() {
        var list = LocalPageList()
        let folder = list.addFolder(sourceName: "", rootPath: "/r", baseUrl: nil)
        var expected: [String] = []
        for i in 0 ..< 3_000 {
            // 97 to 103 bytes: chunk ends fall at every offset, never on a path boundary by design.
            let path = "d\(i % 13)/" + String(repeating: "x", count: 90 + i % 7) + "\(i % 10).html"
            expected.append(path)
            list.append(folder: folder, relativePath: path, size: i, modified: 0)
            if i == 1_500 {
                let long = "long/" + String(repeating: "é", count: 40_000) + ".html"  // 80,010 bytes
                expected.append(long)
                list.append(folder: folder, relativePath: long, size: -1, modified: 0)
            }
        }
        #expect(list.count == expected.count)
        #expect(list.map(\.relativePath) == expected)
        #expect(list.indices.map { list.source(at: $0) } == expected)
        #expect(list.map(\.file) == expected.map { "/r/\($0)" })
        var sorted = list
        sorted.sortBySource()
        #expect(sorted.map(\.relativePath) == expected.sorted())
        #expect(list.map(\.relativePath) == expected, "the sorted copy left the original as it was")
    }
}
