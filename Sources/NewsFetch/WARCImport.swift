import AsyncHTTPClient
import Foundation
import NewsIO
import NewsRecords

/// A WARC file to import: a local path, or an http(s) URL streamed as it downloads.
public struct WARCInput: Sendable, Equatable, CustomStringConvertible {
    public var location: String
    public var isRemote: Bool

    public static func file(_ url: URL) -> WARCInput { WARCInput(location: url.path, isRemote: false) }
    public static func remote(_ url: String) -> WARCInput { WARCInput(location: url, isRemote: true) }

    public var description: String { location }
}

/// What importing one response record came to: its fetch record, and whether it was stored.
public struct WARCImportOutcome: Codable, Sendable, Equatable {
    public var record: FetchRecord
    /// `stored`, or `rejected` with `reason` and `detail`.
    public var disposition: String
    public var reason: String?
    public var detail: String?
}

/// Imports WARC files (CC-NEWS style, local or over HTTP) into the store, each file read once
/// however many shards there are, and resumable file by file.
///
/// The first shard to need a file takes its lock (`parts/<n>.lock`), streams it, and spreads its
/// response records over the shards round-robin (record `p` of file `n` goes to shard
/// `(p + n) mod shards`): for each shard a part (`<n>-<shard>.warc.gz`, its captures and its
/// outcomes), published atomically, then a marker that the file is done. The other shards only
/// append their parts to their segments. A run killed in the middle of a file finds the files
/// before it done and starts again at that file. Parts belong to one attempt of the fetch stage
/// and are removed by its merge step.
public enum WARCImport {
    /// Response records prepared (digests, compression) in parallel at a time.
    static let batchSize = 64

    public struct Part {
        public var members: URL
        public var captures: URL
        public var outcomes: URL
    }

    public static func part(in folder: URL, file: Int, shardTag: String) -> Part {
        let base = String(format: "%05d-", file) + shardTag
        return Part(members: folder.appendingPathComponent(base + ".warc.gz"), captures: folder.appendingPathComponent(base + ".cdxj"),
                    outcomes: folder.appendingPathComponent(base + ".outcomes.jsonl"))
    }

    static func doneMarker(in folder: URL, file: Int) -> URL { folder.appendingPathComponent(String(format: "%05d.done", file)) }
    /// Where a file that was damaged part way says so (its records before the damage are kept).
    static func damageNote(in folder: URL, file: Int) -> URL { folder.appendingPathComponent(String(format: "%05d.damaged", file)) }
    static func failedMarker(in folder: URL, file: Int) -> URL { folder.appendingPathComponent(String(format: "%05d.failed", file)) }

    /// Why a file could not be imported (written once; every shard skips it, one reports it).
    public struct Failure: Error, Sendable {
        public var input: String
        public var reason: String
    }

    /// What a spool needs to know about the night and the store.
    public struct Context {
        public var partsFolder: URL
        /// Every shard's tag and segment name, in shard order.
        public var shards: [(tag: String, segment: String)]
        public var index: WARCIndex?
        public var refreshBefore: String?
        public var settings: FetchNetworkSettings
        public var client: HTTPClient?
        /// The night's date, for records that carry none.
        public var date: String
        public var checkStop: () throws -> Void
        /// Earlier nights' segments, to check a stored copy before a revisit points at it.
        public var storedPages: WARCPageStore?

        public init(partsFolder: URL, shards: [(tag: String, segment: String)], index: WARCIndex?, refreshBefore: String?,
                    settings: FetchNetworkSettings, client: HTTPClient?, date: String, checkStop: @escaping () throws -> Void) {
            self.partsFolder = partsFolder; self.shards = shards; self.index = index; self.refreshBefore = refreshBefore
            self.settings = settings; self.client = client; self.date = date; self.checkStop = checkStop
        }
    }

    /// What spooling one file came to for one shard: its part (nil when the file could not be read
    /// at all) and, when the file is damaged, why (the records before the damage are in the part).
    public struct Spooled {
        public var part: Part?
        public var damage: Failure?
    }

    /// Makes sure file `number` is spooled into parts (doing it under its lock if nobody has), and
    /// returns this shard's part. A download that fails is retried (`settings.retries`, with the
    /// settings' backoff) from the start of the file. A file that cannot be opened is marked failed;
    /// a file that is truncated or damaged part way (a local file, or a download out of retries)
    /// keeps the whole records before the damage and notes where it is. Either way the night goes
    /// on with the other files, and the caller rejects the file once, naming its path and offset.
    public static func ensureSpooled(_ input: WARCInput, number: Int, shardTag: String, context: Context) throws -> Spooled {
        let folder = context.partsFolder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let marker = doneMarker(in: folder, file: number)
        let failed = failedMarker(in: folder, file: number)
        func failure() -> Failure? {
            FileManager.default.contents(atPath: failed.path).map { Failure(input: input.location, reason: String(decoding: $0, as: UTF8.self)) }
        }
        if !FileManager.default.fileExists(atPath: marker.path), failure() == nil {
            try WARCFileLock(url: folder.appendingPathComponent(String(format: "%05d.lock", number))).withLock {
                guard !FileManager.default.fileExists(atPath: marker.path), failure() == nil else { return }
                AtomicFile.removeStaleTemporaries(in: folder, matching: String(format: "%05d-", number))
                var attempt = 0
                while true {
                    do {
                        let keepPartial = !input.isRemote || attempt >= context.settings.retries
                        if let damage = try spool(input, number: number, context: context, keepPartial: keepPartial) {
                            try AtomicFile.write(Array(damage.utf8), to: damageNote(in: folder, file: number))
                        }
                        try AtomicFile.write(Array("\(input.location)\n".utf8), to: marker)
                        break
                    } catch let error as WARCError {
                        if input.isRemote && attempt < context.settings.retries {
                            // A dropped connection: back off, then read the file again from its start.
                            attempt += 1
                            let pause = min(context.settings.backoffMaxMs, context.settings.backoffBaseMs << (attempt - 1))
                            usleep(UInt32(max(0, pause)) * 1000)
                            try context.checkStop()
                            continue
                        }
                        try AtomicFile.write(Array("\(error)".utf8), to: failed)
                        break
                    }
                }
                WARCCrashSeam.shared.reached("warc-file")
            }
        }
        if let failure = failure() { return Spooled(part: nil, damage: failure) }
        let damage = FileManager.default.contents(atPath: damageNote(in: folder, file: number).path)
            .map { Failure(input: input.location, reason: String(decoding: $0, as: UTF8.self)) }
        return Spooled(part: part(in: folder, file: number, shardTag: shardTag), damage: damage)
    }

    /// Streams one file and writes every shard's part of it. With `keepPartial`, a file damaged
    /// part way keeps the records before the damage and the damage is returned; otherwise it throws.
    static func spool(_ input: WARCInput, number: Int, context: Context, keepPartial: Bool) throws -> String? {
        let source: WARCByteSource
        if input.isRemote {
            guard let client = context.client else { throw WARCError.unreadable("\(input.location): no HTTP client") }
            source = try WARCRemoteSource(url: input.location, client: client, userAgent: context.settings.userAgent,
                                          readTimeoutMs: context.settings.readTimeoutMs)
        } else {
            source = try WARCFileSource(path: URL(fileURLWithPath: input.location))
        }
        defer { (source as? WARCRemoteSource)?.cancel() }
        let reader = try WARCReader(source: source, name: input.location)
        let settings = context.settings
        var writers: [(writer: WARCShardWriter, outcomes: AtomicFile)] = []
        do {
            for shard in context.shards {
                let files = part(in: context.partsFolder, file: number, shardTag: shard.tag)
                let writer = try WARCShardWriter(folder: context.partsFolder, segmentName: shard.segment, capturesFile: files.captures,
                                                 date: "", index: context.index, refreshBefore: context.refreshBefore, description: "",
                                                 partFile: files.members.lastPathComponent, storedPages: context.storedPages)
                writers.append((writer, try AtomicFile(files.outcomes)))
            }
            let encoder = JSONLines.makeEncoder()
            var position = 0
            var batch: [(shard: Int, page: WARCPage?, outcome: WARCImportOutcome)] = []
            var lastRequest: (uri: String, block: [UInt8])?

            func flush() throws {
                let pages = batch.map(\.page)
                let prepared = WARCImport.prepareAll(pages, segments: batch.map { context.shards[$0.shard].segment })
                for (item, ready) in zip(batch, prepared) {
                    let target = writers[item.shard]
                    var outcome = item.outcome
                    if let ready {
                        let capture = try target.writer.write(ready)
                        outcome.record.hash = capture.digest
                    }
                    try target.outcomes.write(try JSONLines.line(outcome, encoder: encoder))
                }
                batch.removeAll(keepingCapacity: true)
                try context.checkStop()
            }

            var damage: String?
            var kept = 0
            while true {
                let next: WARCRecord?
                do { next = try reader.next(maxBlockBytes: settings.maxBytes + 64 * 1024) } catch let error as WARCError {
                    guard keepPartial, case let .malformed(offset, reason) = error else { throw error }
                    damage = "damaged at offset \(offset) of its uncompressed records: \(reason); \(kept) response records before it were kept"
                    break
                }
                guard let record = next else { break }
                if record.type == "request", let uri = record.targetURI, let block = record.block {
                    lastRequest = (uri, block)
                    continue
                }
                guard record.type == "response", let uri = record.targetURI else { continue }
                let shard = (position + number) % context.shards.count
                let key = "warc \(number) \(position)"
                position += 1
                let request = lastRequest?.uri == uri ? lastRequest?.block : nil
                lastRequest = nil
                let (page, outcome) = convert(record, uri: uri, key: key, request: request, settings: settings, date: context.date)
                batch.append((shard, page, outcome))
                kept += 1
                if batch.count >= batchSize { try flush() }
            }
            try flush()
            for target in writers {
                try target.writer.commit()
                try target.outcomes.commit()
            }
            return damage
        } catch {
            for target in writers { target.writer.abandon(); target.outcomes.abandon() }
            throw error
        }
    }

    /// Prepares pages in parallel (digests and compression), keeping their order.
    static func prepareAll(_ pages: [WARCPage?], segments: [String]) -> [WARCPreparedPage?] {
        let slots = ParallelSlots<WARCPreparedPage>(count: pages.count)
        DispatchQueue.concurrentPerform(iterations: pages.count) { i in
            if let page = pages[i] { slots.set(i, WARCShardWriter.prepare(page, segmentName: segments[i])) }
        }
        return slots.values()
    }

    /// One response record as a page to store (decoded body, headers saying so) and its fetch
    /// record, or a reject.
    static func convert(_ record: WARCRecord, uri: String, key: String, request: [UInt8]?,
                        settings: FetchNetworkSettings, date: String) -> (WARCPage?, WARCImportOutcome) {
        var result = FetchRecord(source: uri, url: uri, finalUrl: uri, bytes: 0, hash: nil, fetchedAt: record.date ?? date)
        func reject(_ reason: String, _ detail: String) -> (WARCPage?, WARCImportOutcome) {
            result.error = reason
            return (nil, WARCImportOutcome(record: result, disposition: "rejected", reason: reason, detail: detail))
        }
        guard let block = record.block else {
            return reject("too-large", "WARC record of \(record.contentLength) bytes over maxBytes \(settings.maxBytes)")
        }
        let http: WARCHTTPResponse
        do {
            http = try WARCReader.parseHTTPResponse(block, maxBytes: settings.maxBytes, maxRatio: settings.maxDecompressionRatio)
        } catch let error as FetchInflateError {
            return reject(error.reason, "WARC record at \(record.offset): \(error)")
        } catch {
            return reject("bad-warc-record", "WARC record at \(record.offset): \(error)")
        }
        result.status = http.status
        result.contentType = http.headers["content-type"]
        result.charset = result.contentType.flatMap(FetchHTTPEngine.charset)
        result.etag = http.headers["etag"]
        result.lastModified = http.headers["last-modified"]
        guard (200 ..< 300).contains(http.status) else { return reject("http-\(http.status)", "archived HTTP \(http.status)") }
        if let type = result.contentType, !FetchHTTPEngine.isHTML(type) { return reject("not-html", "content type \(type)") }
        if http.body.count > settings.maxBytes { return reject("too-large", "\(http.body.count) bytes over maxBytes \(settings.maxBytes)") }
        result.bytes = http.body.count
        let page = WARCPage(url: uri, date: record.date ?? date, kind: .http(status: http.status, headers: storedHeaders(http), request: request),
                            payload: http.body, key: key, ipAddress: record.headers["warc-ip-address"])
        return (page, WARCImportOutcome(record: result, disposition: "stored", reason: nil, detail: nil))
    }

    /// The archived response's headers for a record that stores the decoded body: content and
    /// transfer codings kept under `X-Crawler-` names and the length made the stored one, as Common
    /// Crawl's own WARC files do.
    static func storedHeaders(_ http: WARCHTTPResponse) -> [(String, String)] {
        var headers: [(String, String)] = []
        for (name, value) in http.headers.sorted(by: { $0.key < $1.key }) {
            switch name {
            case "content-encoding", "transfer-encoding", "content-length": headers.append(("x-crawler-\(name)", value))
            default: headers.append((name, value))
            }
        }
        headers.append(("Content-Length", String(http.body.count)))
        return headers
    }
}

/// An exclusive lock between processes (`flock(2)`), released when the holder dies.
struct WARCFileLock {
    let url: URL

    func withLock<T>(_ body: () throws -> T) throws -> T {
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError.io(path: url.path, reason: "cannot open lock file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw FileError.io(path: url.path, reason: "cannot lock: \(String(cString: strerror(errno)))") }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
