import Foundation
import Testing
import NewsTestSupport
@testable import NewsFetch
@testable import NewsIO
@testable import NewsRecords

/// The WARC store: segments written as web-archive tools expect them, payloads read back by
/// location, each payload stored once (revisits), and WARC inputs streamed over HTTP.
@Suite("Fetch: WARC segments, index and CC-NEWS inputs", .serialized)
struct WARCStoreTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warc-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static let html = Array("<html><head><title>A</title></head><body><p>\(String(repeating: "Archive me. ", count: 300))</p></body></html>".utf8)
    static let other = Array("<html><body><p>\(String(repeating: "Another page. ", count: 100))</p></body></html>".utf8)

    /// A segment with a local page, an HTTP page (request and response) and the first payload
    /// again at another address (a revisit).
    static func writeSegment(in folder: URL, name: String = "newspipe-20261126-abc-0000-of-0001.warc.gz",
                             index: WARCIndex? = nil, refreshBefore: String? = nil, date: String = "2026-11-26T02:30:00Z") throws -> [WARCCapture] {
        let writer = try WARCShardWriter(folder: folder, segmentName: name, capturesFile: folder.appendingPathComponent(name + ".cdxj"),
                                         date: date, index: index, refreshBefore: refreshBefore, description: "test")
        var captures: [WARCCapture] = []
        captures.append(try writer.write(WARCShardWriter.prepare(
            WARCPage(url: "file:///corpus/a.html", date: date, kind: .resource(mime: "text/html"), payload: html, key: "a"), segmentName: name)))
        let request = Array("GET /b HTTP/1.1\r\nHost: b.example\r\nUser-Agent: test\r\n\r\n".utf8)
        captures.append(try writer.write(WARCShardWriter.prepare(
            WARCPage(url: "https://b.example/b", date: date, kind: .http(status: 200, headers: [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "\(other.count)")], request: request),
                     payload: other, key: "b", ipAddress: "192.0.2.7"), segmentName: name)))
        captures.append(try writer.write(WARCShardWriter.prepare(
            WARCPage(url: "https://c.example/copy-of-a", date: date, kind: .http(status: 200, headers: [("Content-Type", "text/html")], request: nil),
                     payload: html, key: "c"), segmentName: name)))
        try writer.commit()
        return captures
    }

    @Test func segmentsHoldRecordsAndPayloadsReadBackByLocation() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let captures = try Self.writeSegment(in: folder)
        #expect(captures.map(\.kind) == [.resource, .response, .revisit])
        #expect(captures[2].original == captures[0].location, "the copy points at the first stored payload")
        #expect(captures[0].digest == ContentHash.hex(Self.html))
        let store = WARCPageStore(folder: folder)
        #expect(try store.payload(at: captures[0].payloadLocation, hash: captures[0].digest) == Self.html)
        #expect(try store.payload(at: captures[1].payloadLocation, hash: captures[1].digest) == Self.other)
        #expect(try store.payload(at: captures[2].payloadLocation, hash: captures[2].digest) == Self.html)
        #expect(throws: FileError.self) { try store.payload(at: captures[1].payloadLocation, hash: captures[0].digest) }

        // The whole segment reads as a WARC file: warcinfo, then each record with its fields.
        let reader = try WARCReader(path: folder.appendingPathComponent("newspipe-20261126-abc-0000-of-0001.warc.gz"))
        var records: [WARCRecord] = []
        while let record = try reader.next() { records.append(record) }
        #expect(records.map(\.type) == ["warcinfo", "resource", "request", "response", "revisit"])
        #expect(records.allSatisfy { $0.headers["warc-record-id"]?.hasPrefix("<urn:uuid:") == true })
        #expect(records[1].headers["warc-payload-digest"] == WARCRecordBuilder.digest(Self.html).warc)
        #expect(records[3].headers["warc-ip-address"] == "192.0.2.7")
        #expect(records[2].headers["warc-concurrent-to"] == records[3].headers["warc-record-id"])
        #expect(records[4].headers["warc-profile"] == WARCRecordBuilder.identicalPayloadProfile)
        #expect(records[4].headers["warc-refers-to-target-uri"] == "file:///corpus/a.html")
        // Each capture's location is exactly one gzip member.
        for capture in captures {
            let member = try store.read(capture.location)
            var consumed = 0
            let record = try Deflate.decompress(member, format: .gzip, consumed: &consumed)
            #expect(consumed == member.count && record.starts(with: Array("WARC/1.1\r\n".utf8)))
        }
    }

    @Test func theSameFetchWritesTheSameBytes() throws {
        let a = try Self.folder(), b = try Self.folder()
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        _ = try Self.writeSegment(in: a)
        _ = try Self.writeSegment(in: b)
        let name = "newspipe-20261126-abc-0000-of-0001.warc.gz"
        #expect(try Data(contentsOf: a.appendingPathComponent(name)) == Data(contentsOf: b.appendingPathComponent(name)))
    }

    @Test func capturesRoundTripThroughCDXJ() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let captures = try Self.writeSegment(in: folder)
        for capture in captures {
            #expect(WARCCapture(cdxjLine: Array(capture.cdxjLine.utf8)) == capture, "\(capture.cdxjLine)")
        }
        #expect(captures[1].cdxjLine.hasPrefix("example,b)/b 20261126023000 {"))
        #expect(WARCSurt.key("https://www.Example.com:443/News/A.html?x=1") == "com,example)/news/a.html?x=1")
    }

    /// The CDXJ block reader agrees with Foundation's JSON parser on flat objects of strings
    /// (escapes, surrogate pairs, spacing) and declines everything else, which then goes to it.
    @Test func theCDXJFieldReaderAgreesWithTheJSONParserOrDeclines() throws {
        let flat = [
            #"{"url": "https://example.com/a?b=\"c\"&d=\\e", "mime": "text/html", "filename": "seg.warc.gz"}"#,
            #"{ "a" : "caf\u00e9 \ud83d\ude00 tab\there\nline \/ \b\f\r" ,"b":"" }"#,
            #"{"ünï": "çødé ✓", "empty": ""}"#,
            "{}",
        ]
        for line in flat {
            let expected = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            #expect(CDXJFields.strings(ArraySlice(Array(line.utf8))) == expected, "\(line)")
        }
        let declined = [
            #"{"offset": 12}"#, #"{"a": {"b": "c"}}"#, #"{"a": "b",}"#, #"{"a": "b"} x"#, #"{"a": "\x"}"#,
            #"{"a": "\ud83d"}"#, #"{"a": "\ude00"}"#, #"{"a": "\u12g4"}"#, #"{"a": "\u-001"}"#, "{\"a\": \"b\nc\"}",
            #"{"a": "b", "a": "c"}"#, #"{"a": "b""#, #"["a"]"#, "",
        ]
        for line in declined { #expect(CDXJFields.strings(ArraySlice(Array(line.utf8))) == nil, "\(line)") }
        #expect(WARCCapture.isoDate(ArraySlice(Array("20261126023000".utf8))) == "2026-11-26T02:30:00Z")
        #expect(WARCCapture.isoDate(ArraySlice(Array("20261126023000123".utf8))) == "2026-11-26T02:30:00Z")
        #expect(WARCCapture.isoDate(ArraySlice(Array("202611".utf8))) == "2026-11-00T00:00:00Z")
        // A line another tool wrote with the same fields but spaced and escaped otherwise reads the same.
        let capture = WARCCapture(url: "https://example.com/\u{e9}?q=\"x\"", date: "2026-11-26T02:30:00Z", kind: .response,
                                  mime: "text/html", status: 200, digest: String(repeating: "ab", count: 32),
                                  location: WARCLocation(file: "s.warc.gz", offset: 10, length: 20))
        let line = capture.cdxjLine
        let brace = try #require(line.firstIndex(of: "{"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line[brace...].utf8)) as? [String: String])
        let respaced = String(line[..<brace]) + "{" + object.keys.sorted().map { key in
            "\"\(key)\":\"" + object[key]!.unicodeScalars.map { $0.value < 0x80 && $0 != "\"" && $0 != "\\" ? String($0) : String(format: "\\u%04x", $0.value) }.joined() + "\""
        }.joined(separator: " ,") + "}"
        #expect(WARCCapture(cdxjLine: Array(respaced.utf8)) == capture, "\(respaced)")
    }

    @Test func laterNightsRevisitPayloadsTheIndexHoldsUntilTheyAreOldEnoughToRefresh() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try Self.writeSegment(in: folder)
        let index = try WARCIndex.openForWriting(folder.appendingPathComponent("index.sqlite"))
        try index.update { update in
            for capture in first { try update.add(capture, day: "2026-11-26") }
            try update.addSegment(file: first[0].location.file, day: "2026-11-26", attempt: "abc", records: 5, bytes: 1)
        }
        #expect(try index.payload(digest: first[0].digest)?.location == first[0].location)
        #expect(try index.captures(url: "https://b.example/b").map(\.location) == [first[1].location])

        let second = try Self.writeSegment(in: folder, name: "newspipe-20261127-def-0000-of-0001.warc.gz", index: index, date: "2026-11-27T02:30:00Z")
        #expect(second.map(\.kind) == [.revisit, .revisit, .revisit], "every payload was stored the night before")
        #expect(second[0].original == first[0].location && second[1].original == first[1].location)

        // Past half the raw-page retention, a payload is stored afresh (so old segments can expire).
        let third = try Self.writeSegment(in: folder, name: "newspipe-20261210-ghi-0000-of-0001.warc.gz", index: index,
                                          refreshBefore: "2026-12-01", date: "2026-12-10T02:30:00Z")
        #expect(third.map(\.kind) == [.resource, .response, .revisit])
        try index.update { update in for capture in third { try update.add(capture, day: "2026-12-10") } }
        #expect(try index.payload(digest: first[0].digest)?.location == third[0].location, "revisits now point at the fresh copy")
        #expect(try index.segmentsReferenced(fromOutside: []).contains(first[0].location.file) == false)
        index.close()
    }

    // MARK: Interoperability

    /// warcio (the Python library pywb is built on), when installed: `.bench/venv/bin/warcio`, on
    /// PATH, or named by `WARCIO`.
    static var warcio: String? {
        var candidates: [String] = []
        if let named = ProcessInfo.processInfo.environment["WARCIO"] { candidates.append(named) }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(repository.appendingPathComponent(".bench/venv/bin/warcio").path)
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(folder)/warcio") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func runTool(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: warcio != nil, "warcio is not installed (pip install warcio, or set WARCIO=/path/to/warcio); the interoperability check is skipped"))
    func warcioChecksDigestsAndFindsEveryRecordWhereTheIndexSays() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let captures = try Self.writeSegment(in: folder)
        let file = folder.appendingPathComponent("newspipe-20261126-abc-0000-of-0001.warc.gz").path
        let check = try Self.runTool([Self.warcio!, "check", "-v", file])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("digest pass"), "\(check.output)")
        #expect(!check.output.contains("failed"), "\(check.output)")
        let index = try Self.runTool([Self.warcio!, "index", "-f", "warc-type,warc-target-uri,offset,length", file])
        #expect(index.status == 0, "\(index.output)")
        for capture in captures {
            #expect(index.output.contains("\"offset\": \"\(capture.location.offset)\"") && index.output.contains("\"length\": \"\(capture.location.length)\""),
                    "warcio does not find \(capture.url) at \(capture.location): \(index.output)")
        }
    }

    // MARK: CC-NEWS inputs over HTTP

    @Test func remoteWARCFilesAreStreamedOnceAndSpreadOverShards() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let local = folder.appendingPathComponent("source.warc.gz")
        let pages = try FetchParsingTests.writeWARC(to: local, gzip: true)
        let warcBytes = [UInt8](try Data(contentsOf: local))
        let listing = Deflate.compress(Array("crawl-data/CC-NEWS/2026/11/a.warc.gz\ncrawl-data/CC-NEWS/2026/11/missing.warc.gz\n".utf8))
        let server = try FetchTestServer(route: { path, _ in
            switch path {
            case "/crawl-data/CC-NEWS/2026/11/a.warc.gz": return .respond(status: 200, headers: [("Content-Type", "application/warc")], body: warcBytes)
            case "/warc.paths.gz": return .respond(status: 200, headers: [], body: listing)
            default: return .status(404)
            }
        })
        defer { server.shutdown() }
        let client = WARCRemoteSource.makeClient(connectTimeoutMs: 2_000, readTimeoutMs: 2_000)
        defer { try? client.syncShutdown() }
        var settings = server.settings
        settings.retries = 1
        let entries = try WARCListing.entries(try WARCListing.download(server.base + "/warc.paths.gz", client: client, settings: settings))
        let inputs = entries.map { WARCListing.resolve($0, base: server.base + "/") }
        #expect(inputs == [.remote(server.base + "/crawl-data/CC-NEWS/2026/11/a.warc.gz"), .remote(server.base + "/crawl-data/CC-NEWS/2026/11/missing.warc.gz")])

        let shards = (0 ..< 3).map { (tag: "000\($0)-of-0003", segment: "newspipe-20261126-x-000\($0)-of-0003.warc.gz") }
        let context = WARCImport.Context(partsFolder: folder.appendingPathComponent("parts"), shards: shards, index: nil, refreshBefore: nil,
                                         settings: settings, client: client, date: "2026-11-26T02:30:00Z", checkStop: {})
        var stored: [String] = []
        var perShard: [Int] = []
        for shard in shards {
            let spooled = try WARCImport.ensureSpooled(inputs[0], number: 0, shardTag: shard.tag, context: context)
            #expect(spooled.damage == nil)
            guard let part = spooled.part else { Issue.record("the file was not spooled"); return }
            let outcomes = try JSONLines.read(WARCImportOutcome.self, from: part.outcomes)
            perShard.append(outcomes.count)
            stored += outcomes.filter { $0.disposition == "stored" }.map { $0.record.url ?? "" }
            let store = WARCPageStore(folder: context.partsFolder)
            for line in try String(contentsOf: part.captures, encoding: .utf8).split(separator: "\n") {
                let capture = try #require(WARCCapture(cdxjLine: Array(line.utf8)))
                // A part's locations name no file until it is appended to its segment.
                #expect(capture.location.file.isEmpty)
                let bytes = try store.read(WARCLocation(file: part.members.lastPathComponent, offset: capture.location.offset, length: capture.location.length))
                #expect(!bytes.isEmpty)
            }
        }
        #expect(server.hits("/crawl-data/CC-NEWS/2026/11/a.warc.gz") == 1, "three shards, one download")
        #expect(perShard == [7, 7, 6], "20 response records round-robin over 3 shards")
        #expect(Set(stored) == Set(pages))
        let missing = try WARCImport.ensureSpooled(inputs[1], number: 1, shardTag: shards[0].tag, context: context)
        #expect(missing.part == nil, "a missing file is reported, not imported")
        let failure = try #require(missing.damage)
        #expect(failure.reason.contains("404"))
        #expect(server.hits("/crawl-data/CC-NEWS/2026/11/missing.warc.gz") == 2, "tried, retried once, then marked failed")
        _ = try WARCImport.ensureSpooled(inputs[1], number: 1, shardTag: shards[1].tag, context: context)
        #expect(server.hits("/crawl-data/CC-NEWS/2026/11/missing.warc.gz") == 2, "the other shards do not try again")
    }

    @Test func aLargeRemoteFileIsReadWithBoundedBuffering() throws {
        // 16 MB that do not compress: far more than the buffer the reader may hold.
        var generator = SystemRandomNumberGenerator()
        let body = (0 ..< 16 << 20).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        let server = try FetchTestServer(route: { _, _ in .respond(status: 200, headers: [], body: body) })
        defer { server.shutdown() }
        let client = WARCRemoteSource.makeClient(connectTimeoutMs: 2_000, readTimeoutMs: 5_000)
        defer { try? client.syncShutdown() }
        let source = try WARCRemoteSource(url: server.base + "/big.warc.gz", client: client, userAgent: "test", readTimeoutMs: 5_000)
        var total = 0
        var hasher = ContentHash.Hasher()
        while true {
            let chunk = try source.read(upTo: 64 * 1024)
            if chunk.isEmpty { break }
            hasher.update(chunk)
            total += chunk.count
            usleep(200)  // a slow reader: the connection must wait for it
        }
        #expect(total == body.count)
        #expect(hasher.finalize() == ContentHash.hex(body))
        #expect(source.peakBuffered <= WARCRemoteSource.highWater + (1 << 20), "buffered \(source.peakBuffered) bytes")
    }
}

/// The reader's integrity and memory bounds (issue 18, items 7b and 9).
@Suite struct WARCReaderIntegrityTests {
    static func file(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("warc-\(UUID().uuidString).warc.gz")
        try Data(bytes).write(to: url)
        return url
    }

    static func records(_ n: Int) -> [UInt8] {
        (0 ..< n).flatMap { i in
            WARCRecordBuilder.member([("WARC-Type", "resource"), ("WARC-Record-ID", WARCRecordBuilder.recordID("t", "\(i)")),
                                      ("WARC-Target-URI", "file:///page-\(i).html"), ("Content-Type", "text/html")],
                                     block: Array("<p>page \(i) \(String(repeating: "words ", count: 50))</p>".utf8))
        }
    }

    @Test func aTruncatedFileYieldsItsWholeRecordsThenNamesTheFileAndTheByteWhereItEnds() throws {
        let whole = Self.records(6)
        let cut = whole.count - 20
        let url = try Self.file(Array(whole.prefix(cut)))
        defer { try? FileManager.default.removeItem(at: url) }
        let reader = try WARCReader(path: url)
        var read = 0
        do {
            while try reader.next() != nil { read += 1 }
            Issue.record("a truncated file read to its end")
        } catch let error as WARCError {
            #expect("\(error)".contains(url.path) && "\(error)".contains("truncated") && "\(error)".contains("byte \(cut)"), "\(error)")
        }
        #expect(read == 5)
    }

    @Test func aFileOfManyMembersInflatingFarBeyondItsSizeIsReadChunkByChunk() throws {
        // One record whose block is 64 MB of spaces in 64 gzip members of 1 MB, then a small one.
        let block = 64 << 20
        let header = "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: file:///big\r\nContent-Length: \(block)\r\n\r\n"
        var bytes = Deflate.compress(Array(header.utf8), format: .gzip)
        let piece = Deflate.compress([UInt8](repeating: 0x20, count: 1 << 20), format: .gzip, level: 9)
        for _ in 0 ..< 64 { bytes += piece }
        bytes += Deflate.compress(Array("\r\n\r\n".utf8), format: .gzip) + Self.records(1)
        let url = try Self.file(bytes)
        defer { try? FileManager.default.removeItem(at: url) }
        let reader = try WARCReader(path: url)
        let big = try #require(try reader.next(maxBlockBytes: 1 << 20))
        #expect(big.block == nil && big.contentLength == block, "skipped, not kept")
        #expect(reader.bufferedBytes <= 8 << 20, "\(reader.bufferedBytes) bytes buffered")
        let small = try #require(try reader.next())
        #expect(small.targetURI == "file:///page-0.html")
        #expect(try reader.next() == nil)
    }

    static func digested(_ text: String, claimed: String? = nil) -> [UInt8] {
        let block = Array(text.utf8)
        return WARCRecordBuilder.member([("WARC-Type", "resource"), ("WARC-Record-ID", WARCRecordBuilder.recordID("d", text)),
                                         ("WARC-Target-URI", "file:///\(text)"), ("Content-Type", "text/html"),
                                         ("WARC-Payload-Digest", WARCRecordBuilder.digest(block).warc),
                                         ("WARC-Block-Digest", WARCRecordBuilder.digest(Array((claimed ?? text).utf8)).warc)], block: block)
    }

    @Test func theSegmentCheckComparesEveryRecordWithItsDigests() throws {
        let sound = try Self.file(Self.digested("one") + Self.digested("two"))
        defer { try? FileManager.default.removeItem(at: sound) }
        #expect(WARCSegmentCheck.problems(in: sound).problems.isEmpty)
        #expect(WARCSegmentCheck.problems(in: sound).records == 2)
        let wrong = try Self.file(Self.digested("one") + Self.digested("two", claimed: "twx"))
        defer { try? FileManager.default.removeItem(at: wrong) }
        let found = WARCSegmentCheck.problems(in: wrong).problems
        #expect(found.count == 1 && found[0].contains(wrong.path) && found[0].contains("WARC-Block-Digest"), "\(found)")
        var bytes = [UInt8](try Data(contentsOf: sound))
        bytes[bytes.count - 12] ^= 0xFF
        let flipped = try Self.file(bytes)
        defer { try? FileManager.default.removeItem(at: flipped) }
        #expect(WARCSegmentCheck.problems(in: flipped).problems.contains { $0.contains(flipped.path) })
    }
}


extension WARCStoreTests {
    /// The payloads a segment holds are kept in a scratch database: more of them than its page
    /// cache holds are all found again, the first location noted for a digest wins, and an
    /// unknown digest is not found.
    @Test func segmentPayloadsOutgrowTheScratchCache() throws {
        let payloads = try WARCSegmentPayloads(file: "seg")
        let n = 30_000
        let padding = String(repeating: "p", count: 200)
        func digest(_ i: Int) -> String { ContentHash.hexString(ContentHash.sha256(Array("page \(i)".utf8))) }
        for i in 0 ..< n {
            try payloads.add(digest: digest(i), location: WARCLocation(file: "seg", offset: i * 1_000, length: 900 + i % 50),
                             url: "https://site\(i % 9).example/\(padding)/\(i)", date: "2026-12-04T02:\(String(format: "%02d", i % 60)):00Z")
        }
        // Over 30,000 rows of about 300 bytes: four times SQLiteDatabase.scratchCacheKiB.
        #expect(n * 300 > 4 * SQLiteDatabase.scratchCacheKiB * 1024)
        try payloads.add(digest: digest(7), location: WARCLocation(file: "seg", offset: 1, length: 1), url: "later", date: "later")
        for i in stride(from: 0, to: n, by: 997) + [7, n - 1] {
            let found = try #require(try payloads.find(digest: digest(i)))
            #expect(found.location == WARCLocation(file: "seg", offset: i * 1_000, length: 900 + i % 50))
            #expect(found.url == "https://site\(i % 9).example/\(padding)/\(i)")
            #expect(found.date == "2026-12-04T02:\(String(format: "%02d", i % 60)):00Z")
        }
        #expect(try payloads.find(digest: digest(n)) == nil)
        #expect(try payloads.find(digest: digest(3).uppercased())?.location.offset == 3_000, "hex in either case")
    }
}
