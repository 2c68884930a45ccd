import Foundation
import NewsIO

/// One page to archive: what was fetched, from where, when, and its payload.
public struct WARCPage: Sendable {
    public enum Kind: Sendable {
        /// Fetched over HTTP (or imported from another WARC): a `request` and a `response` record.
        case http(status: Int, headers: [(String, String)], request: [UInt8]?)
        /// A local file: a `resource` record.
        case resource(mime: String)
    }

    public var url: String
    /// When it was fetched (ISO 8601), WARC-Date.
    public var date: String
    public var kind: Kind
    public var payload: [UInt8]
    /// Identifies the record within its segment (the source and its position), for record ids.
    public var key: String
    /// The server's address, when known (`WARC-IP-Address`).
    public var ipAddress: String?

    public init(url: String, date: String, kind: Kind, payload: [UInt8], key: String, ipAddress: String? = nil) {
        self.url = url; self.date = date; self.kind = kind; self.payload = payload; self.key = key; self.ipAddress = ipAddress
    }

    var status: Int? { if case let .http(status, _, _) = kind { return status } else { return nil } }
    var mime: String? {
        switch kind {
        case let .http(_, headers, _): return headers.first { $0.0.lowercased() == "content-type" }?.1
        case let .resource(mime): return mime
        }
    }
}

/// A page made ready to write, off the writer's thread: digests computed, records compressed.
public struct WARCPreparedPage: Sendable {
    public var page: WARCPage
    /// SHA-256 of the payload, hex: the store's content hash.
    public var digest: String
    var warcDigest: String
    /// The `request` record's member, for HTTP pages with a known request.
    var requestMember: [UInt8]?
    /// The `response` or `resource` record's member, used unless the payload is stored already.
    var storedMember: [UInt8]
    var recordID: String
    var requestID: String?
}

/// Writes the pages of one shard of one night into its WARC segment, each payload once: a payload
/// the index already holds from an earlier night, or this segment already holds, gets a `revisit`
/// record (profile identical-payload-digest) pointing at the stored copy instead of a second copy.
/// Lists every capture in the shard's CDXJ file. Both are published by `commit()`.
public final class WARCShardWriter {
    public let segment: WARCSegmentWriter
    private let captures: AtomicFile
    private let index: WARCIndex?
    /// Payloads the index holds from before this day are stored again rather than revisited, so old
    /// segments can expire (nil: always revisit).
    private let refreshBefore: String?
    /// Where earlier nights' payloads are read back: a copy is checked against its digest before a
    /// revisit points at it, and a damaged or missing copy is stored again from the page in hand.
    private let storedPages: WARCPageStore?
    /// Earlier copies found damaged or missing and stored again.
    public private(set) var restored = 0
    /// The payloads this segment holds already (in a scratch database: bounded memory whatever
    /// the night's size).
    private let stored: WARCSegmentPayloads
    public private(set) var capturesWritten = 0
    public private(set) var revisits = 0

    /// The records' ids are derived from `segmentName`.
    public let segmentName: String

    /// Writes the segment `folder/segmentName`, or with `partFile` a part of it (see
    /// `WARCSegmentWriter`).
    public init(folder: URL, segmentName: String, capturesFile: URL, date: String, index: WARCIndex?, refreshBefore: String?,
                description: String, partFile: String? = nil, storedPages: WARCPageStore? = nil) throws {
        self.segmentName = segmentName
        self.storedPages = storedPages
        segment = try WARCSegmentWriter(folder: folder, name: segmentName, date: date, description: description, partFile: partFile)
        stored = try WARCSegmentPayloads(file: segment.name)
        captures = try AtomicFile(capturesFile)
        self.index = index
        self.refreshBefore = refreshBefore
    }

    /// Computes digests and compresses the records of `page`: pure, so workers can run it in parallel.
    public static func prepare(_ page: WARCPage, segmentName: String) -> WARCPreparedPage {
        let payloadDigest = ContentHash.sha256(page.payload)
        let warcDigest = "sha256:" + Base32.encode(payloadDigest)
        let hex = ContentHash.hexString(payloadDigest)
        let recordID = WARCRecordBuilder.recordID(segmentName, page.key, "record")
        var requestMember: [UInt8]?
        var requestID: String?
        var fields: [(String, String)]
        let block: [UInt8]
        let blockDigest: String
        switch page.kind {
        case let .http(status, headers, request):
            let head = WARCRecordBuilder.httpHead(status: status, headers: headers)
            block = head + page.payload
            blockDigest = WARCRecordBuilder.digest(block).warc
            fields = [("WARC-Type", "response"), ("WARC-Date", WARCRecordBuilder.warcDate(page.date)), ("WARC-Record-ID", recordID),
                      ("Content-Type", WARCRecordBuilder.httpResponseType)]
            if let request {
                let id = WARCRecordBuilder.recordID(segmentName, page.key, "request")
                requestID = id
                var requestFields: [(String, String)] = [
                    ("WARC-Type", "request"), ("WARC-Date", WARCRecordBuilder.warcDate(page.date)), ("WARC-Record-ID", id),
                    ("Content-Type", WARCRecordBuilder.httpRequestType), ("WARC-Concurrent-To", recordID)]
                if let ip = page.ipAddress { requestFields.append(("WARC-IP-Address", ip)) }
                requestFields += [("WARC-Target-URI", page.url), ("WARC-Block-Digest", WARCRecordBuilder.digest(request).warc)]
                requestMember = WARCRecordBuilder.member(requestFields, block: request)
            }
        case let .resource(mime):
            // The block is the payload: one digest serves both.
            block = page.payload
            blockDigest = warcDigest
            fields = [("WARC-Type", "resource"), ("WARC-Date", WARCRecordBuilder.warcDate(page.date)), ("WARC-Record-ID", recordID),
                      ("Content-Type", mime)]
        }
        if let ip = page.ipAddress { fields.append(("WARC-IP-Address", ip)) }
        fields += [("WARC-Target-URI", page.url), ("WARC-Payload-Digest", warcDigest), ("WARC-Block-Digest", blockDigest)]
        if let mime = page.mime { fields.append(("WARC-Identified-Payload-Type", mime.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? mime)) }
        return WARCPreparedPage(page: page, digest: hex, warcDigest: warcDigest, requestMember: requestMember,
                                storedMember: WARCRecordBuilder.member(fields, block: block), recordID: recordID, requestID: requestID)
    }

    /// Writes a prepared page: its payload, or a revisit of the copy already stored. Returns the
    /// capture (whose `payloadLocation` is where the payload can be read back).
    @discardableResult
    public func write(_ prepared: WARCPreparedPage) throws -> WARCCapture {
        if let requestMember = prepared.requestMember { _ = try segment.append(requestMember) }
        let page = prepared.page
        var capture = WARCCapture(url: page.url, date: WARCRecordBuilder.warcDate(page.date), kind: .response, mime: page.mime,
                                  status: page.status, digest: prepared.digest, location: WARCLocation(file: segment.name, offset: 0, length: 0))
        if case .resource = page.kind { capture.kind = .resource }
        if let earlier = try storedCopy(prepared.digest, checked: true) {
            let member = Self.revisitMember(prepared, refersTo: earlier.url, refersToDate: earlier.date)
            capture.location = try segment.append(member)
            capture.kind = .revisit
            // CDXJ (as pywb writes it) gives a revisit the type `warc/revisit`, not the payload's.
            capture.mime = nil
            capture.original = earlier.location
            revisits += 1
        } else {
            capture.location = try segment.append(prepared.storedMember)
            try stored.add(digest: prepared.digest, location: capture.location, url: page.url, date: capture.date)
        }
        try add(capture)
        return capture
    }

    /// A capture whose record is already stored (a page not fetched again): listed, not rewritten.
    /// Returns nil when the payload is nowhere in the store.
    public func reuse(digest: String, url: String, date: String, status: Int?, mime: String?) throws -> WARCCapture? {
        guard let earlier = try storedCopy(digest, refreshing: false) else { return nil }
        let capture = WARCCapture(url: url, date: WARCRecordBuilder.warcDate(date), kind: .revisit, mime: nil, status: status,
                                  digest: digest, location: earlier.location, original: earlier.location)
        try add(capture)
        return capture
    }

    /// A `304 Not Modified`: a revisit record (profile server-not-modified) pointing at the copy
    /// stored before. Returns nil when that copy is gone.
    public func notModified(digest: String, url: String, date: String, headers: [(String, String)], key: String) throws -> WARCCapture? {
        guard let earlier = try storedCopy(digest, refreshing: false) else { return nil }
        let id = WARCRecordBuilder.recordID(segmentName, key, "record")
        let block = WARCRecordBuilder.httpHead(status: 304, headers: headers)
        let member = WARCRecordBuilder.member([
            ("WARC-Type", "revisit"), ("WARC-Date", WARCRecordBuilder.warcDate(date)), ("WARC-Record-ID", id),
            ("Content-Type", WARCRecordBuilder.httpResponseType),
            ("WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/server-not-modified"),
            ("WARC-Refers-To-Target-URI", earlier.url), ("WARC-Refers-To-Date", earlier.date),
            ("WARC-Target-URI", url), ("WARC-Payload-Digest", WARCRecordBuilder.warcDigest(hex: digest)),
            ("WARC-Block-Digest", WARCRecordBuilder.digest(block).warc),
        ], block: block)
        let capture = WARCCapture(url: url, date: WARCRecordBuilder.warcDate(date), kind: .revisit, mime: nil, status: 304,
                                  digest: digest, location: try segment.append(member), original: earlier.location)
        revisits += 1
        try add(capture)
        return capture
    }

    /// Appends a part's records (written earlier, see `WARCImport`) to the segment; returns the
    /// offset they start at, for `addPartCapture`.
    public func appendPart(_ members: URL) throws -> Int {
        try segment.appendFile(members)
    }

    /// Lists a capture of a part appended at `base`: its offsets were relative to the part, and a
    /// revisit of the part's own records named no file.
    public func addPartCapture(_ partCapture: WARCCapture, base: Int) throws -> WARCCapture {
        var capture = partCapture
        capture.location = WARCLocation(file: segment.name, offset: capture.location.offset + base, length: capture.location.length)
        if let original = capture.original, original.file.isEmpty {
            capture.original = WARCLocation(file: segment.name, offset: original.offset + base, length: original.length)
        }
        if capture.kind == .revisit { revisits += 1 }
        try add(capture)
        return capture
    }

    private func add(_ capture: WARCCapture) throws {
        try captures.write(Array((capture.cdxjLine + "\n").utf8))
        capturesWritten += 1
    }

    /// Where this payload is stored already: earlier in this segment, or in an earlier night's
    /// (unless that copy is old enough to be refreshed).
    /// With `checked` (the payload is in hand), an earlier night's copy is read back and checked
    /// against the digest first; a copy that fails is not pointed at (the page is stored again).
    private func storedCopy(_ digest: String, refreshing: Bool = true, checked: Bool = false) throws -> (location: WARCLocation, url: String, date: String)? {
        if let here = try stored.find(digest: digest) { return here }
        guard let found = try index?.payload(digest: digest) else { return nil }
        if refreshing, let refreshBefore, found.day < refreshBefore { return nil }
        if checked, let storedPages, (try? storedPages.payload(at: found.location, hash: digest)) == nil {
            restored += 1
            return nil
        }
        return (found.location, found.url, found.date)
    }

    static func revisitMember(_ prepared: WARCPreparedPage, refersTo url: String, refersToDate date: String) -> [UInt8] {
        let page = prepared.page
        var fields: [(String, String)] = [("WARC-Type", "revisit"), ("WARC-Date", WARCRecordBuilder.warcDate(page.date)),
                                          ("WARC-Record-ID", prepared.recordID)]
        let block: [UInt8]
        switch page.kind {
        case let .http(status, headers, _):
            block = WARCRecordBuilder.httpHead(status: status, headers: headers)
            fields.append(("Content-Type", WARCRecordBuilder.httpResponseType))
        case .resource:
            block = []
        }
        if let ip = page.ipAddress { fields.append(("WARC-IP-Address", ip)) }
        fields += [("WARC-Profile", WARCRecordBuilder.identicalPayloadProfile), ("WARC-Refers-To-Target-URI", url),
                   ("WARC-Refers-To-Date", date), ("WARC-Target-URI", page.url), ("WARC-Payload-Digest", prepared.warcDigest),
                   ("WARC-Block-Digest", WARCRecordBuilder.digest(block).warc)]
        return WARCRecordBuilder.member(fields, block: block)
    }

    /// Publishes the segment, then the captures file (a crash between them leaves a segment the
    /// rerun of the shard replaces, under the same name).
    public func commit() throws {
        try segment.commit()
        WARCCrashSeam.shared.reached("warc")
        try captures.commit()
    }

    public func abandon() {
        segment.abandon()
        captures.abandon()
    }
}

/// The payloads one segment being written holds: SHA-256 → where, and the URL and date a revisit
/// of it refers to. Kept in a scratch SQLite database (SQLite's own temporary file, deleted however
/// the process ends, never synced), so the writer's memory is its page cache whatever the night's
/// size: as a dictionary this was about 250 bytes a page (a hex key, a URL and a date as strings),
/// 25 MB of the fetch stage's growth between 10,000 and 100,000 pages (heaptrack, issue 16.5).
final class WARCSegmentPayloads {
    /// The segment's name, in the locations `find` gives.
    let file: String
    private let database: SQLiteDatabase
    private let insert: SQLiteStatement
    private let lookup: SQLiteStatement

    init(file: String) throws {
        self.file = file
        database = try SQLiteDatabase.scratch()
        try database.execute("""
            CREATE TABLE payloads(digest BLOB PRIMARY KEY, offset INTEGER NOT NULL, length INTEGER NOT NULL,
                url TEXT NOT NULL, date TEXT NOT NULL) WITHOUT ROWID;
            BEGIN;
            """)
        // One transaction for the database's life: nothing here needs to outlive the process.
        insert = try database.prepare("INSERT OR IGNORE INTO payloads(digest, offset, length, url, date) VALUES (?, ?, ?, ?, ?)")
        lookup = try database.prepare("SELECT offset, length, url, date FROM payloads WHERE digest = ?")
    }

    deinit { database.close() }

    /// Notes a payload (hex digest) stored at `location`; the first one noted is kept.
    func add(digest: String, location: WARCLocation, url: String, date: String) throws {
        try insert.run(.blob(Base32.bytes(hex: digest)), .int(location.offset), .int(location.length), .text(url), .text(date))
    }

    /// Where the payload is in this segment, if it is.
    func find(digest: String) throws -> (location: WARCLocation, url: String, date: String)? {
        try lookup.query(.blob(Base32.bytes(hex: digest)))
        guard try lookup.step() else { return nil }
        let found = (WARCLocation(file: file, offset: lookup.int(0), length: lookup.int(1)), lookup.text(2) ?? "", lookup.text(3) ?? "")
        try lookup.query()
        return found
    }
}

/// The crash-test seam of the store's own steps (`NEWSPIPE_CRASH_AT=warc:n` kills the process with
/// SIGKILL when the n-th segment or part has just been published), read as PipelineKit's
/// `CrashPoint` reads it: NewsFetch knows no pipeline, so it reads the variable itself.
public final class WARCCrashSeam: @unchecked Sendable {
    public static let shared = WARCCrashSeam()
    private let lock = NSLock()
    private var count = 0
    private let point: (name: String, count: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["NEWSPIPE_CRASH_AT"] else { return nil }
        let parts = value.split(separator: ":")
        guard parts.count >= 2, let n = Int(parts[1]) else { return nil }
        return (String(parts[0]), n)
    }()

    public func reached(_ name: String) {
        guard let point, point.name == name else { return }
        lock.lock(); count += 1; let now = count; lock.unlock()
        if now >= point.count { kill(getpid(), SIGKILL) }
    }
}
