import Foundation
import NewsIO

/// Signatures of every article seen on earlier nights, so a mirror arriving later is still found
/// without re-reading or re-signing old texts.
///
/// On disk: a compact little-endian binary file (magic `NPDEDUP1`), written atomically. The header
/// records the signature scheme and the parameters the index was built with; loading with other
/// signing parameters fails rather than silently comparing incomparable signatures.
public struct SignatureIndex: Sendable {
    public private(set) var signatures: [DocumentSignature] = []
    /// The scheme of the signatures held (nil while empty and never loaded).
    public private(set) var scheme: DedupSignatureScheme?
    /// Parameters recorded when the index was saved or loaded (informational).
    public var parameters: DedupParameters?
    private var positions: [String: Int] = [:]

    public init() {}

    /// An empty index for signatures made with `parameters`.
    public init(parameters: DedupParameters) {
        self.parameters = parameters
        scheme = parameters.signatureScheme
    }

    public var count: Int { signatures.count }

    public func contains(id: String) -> Bool { positions[id] != nil }

    public func signature(id: String) -> DocumentSignature? { positions[id].map { signatures[$0] } }

    /// Adds a signature, replacing one with the same id.
    ///
    /// Precondition: the signature's scheme matches the index's (a programming error otherwise:
    /// load with `load(from:parameters:)` to detect stale indexes).
    public mutating func add(_ signature: DocumentSignature) {
        if let scheme {
            precondition(scheme == signature.scheme,
                         "signature \(signature.id) has scheme (\(signature.scheme)), index has (\(scheme))")
        } else {
            scheme = signature.scheme
        }
        if let at = positions[signature.id] {
            signatures[at] = signature
        } else {
            positions[signature.id] = signatures.count
            signatures.append(signature)
        }
    }

    public mutating func add(contentsOf signatures: some Sequence<DocumentSignature>) {
        for s in signatures { add(s) }
    }

    /// Drops signatures (e.g. articles older than the retention window).
    public mutating func removeAll(where shouldRemove: (DocumentSignature) -> Bool) {
        signatures.removeAll(where: shouldRemove)
        positions = Dictionary(uniqueKeysWithValues: signatures.enumerated().map { ($1.id, $0) })
    }

    // MARK: - Persistence

    static let magic: [UInt8] = Array("NPDEDUP1".utf8)
    /// 2: the file ends with the SHA-256 of everything before it, checked on load (a changed byte
    /// is reported, never turned into a different similarity). 1 (no digest) is still read.
    static let formatVersion: UInt32 = 2
    static let digestBytes = 32

    public func save(to url: URL) throws {
        let scheme = self.scheme ?? (parameters ?? DedupParameters()).signatureScheme
        var w = Self.header(scheme: scheme, parameters: parameters, count: signatures.count)
        w.bytes.reserveCapacity(w.bytes.count + signatures.count * (scheme.permutations * 4 + 200))
        for s in signatures { w.record(s) }
        w.bytes.append(contentsOf: ContentHash.sha256(w.bytes))
        try AtomicFile.write(w.bytes, to: url)
    }

    /// The bytes before the records: magic, format, scheme, parameters and the record count.
    static func header(scheme: DedupSignatureScheme, parameters: DedupParameters?, count: Int) -> DedupByteWriter {
        var w = DedupByteWriter()
        w.bytes.append(contentsOf: Self.magic)
        w.u32(Self.formatVersion)
        w.u32(UInt32(scheme.version)); w.u32(UInt32(scheme.shingleSize))
        w.u32(UInt32(scheme.permutations)); w.u64(scheme.seed)
        let encoder = JSONLines.makeEncoder()
        let json = (try? encoder.encode(parameters ?? DedupParameters())) ?? Data()
        w.u32(UInt32(json.count)); w.bytes.append(contentsOf: json)
        w.u64(UInt64(count))
        return w
    }

    public static func load(from url: URL) throws -> SignatureIndex {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw FileError.io(path: url.path, reason: "cannot read signature index: \(error.localizedDescription)")
        }
        do {
            return try data.withUnsafeBytes { raw in try decode(raw) }
        } catch let reason as DedupIndexFormatError {
            throw FileError.damaged(path: url.path, reason: "signature file \(reason.message); rerun dedup with --force to sign "
                                    + "the documents again (or, for an index of earlier nights, restore it from a backup)")
        }
    }

    /// Loads an index and checks it was signed like `parameters` would sign.
    public static func load(from url: URL, parameters: DedupParameters) throws -> SignatureIndex {
        var index = try load(from: url)
        let expected = parameters.signatureScheme
        if let scheme = index.scheme, scheme != expected {
            throw FileError.io(path: url.path, reason: "signature index was built with \(scheme) but the dedup parameters give \(expected); delete the index (or restore the old parameters) to rebuild it")
        }
        index.parameters = parameters
        index.scheme = expected
        return index
    }

    /// `load(from:parameters:)`, or an empty index when there is no file yet (first night).
    public static func loadIfPresent(from url: URL, parameters: DedupParameters) throws -> SignatureIndex {
        guard FileManager.default.fileExists(atPath: url.path) else { return SignatureIndex(parameters: parameters) }
        return try load(from: url, parameters: parameters)
    }

    private static func decode(_ whole: UnsafeRawBufferPointer) throws -> SignatureIndex {
        guard whole.count >= 12, Array(whole[0 ..< 8]) == magic else { throw DedupIndexFormatError("is not a dedup signature index") }
        let format = UInt32(whole[8]) | UInt32(whole[9]) << 8 | UInt32(whole[10]) << 16 | UInt32(whole[11]) << 24
        guard format == 1 || format == formatVersion else { throw DedupIndexFormatError("has format version \(format), expected \(formatVersion)") }
        var raw = whole
        if format == formatVersion {
            guard whole.count >= 12 + digestBytes else { throw DedupIndexFormatError("is shorter than its digest") }
            raw = UnsafeRawBufferPointer(rebasing: whole[0 ..< whole.count - digestBytes])
            guard ContentHash.sha256(raw) == Array(whole[(whole.count - digestBytes)...]) else {
                throw DedupIndexFormatError("does not match its SHA-256 digest")
            }
        }
        var r = DedupByteReader(raw: raw)
        r.offset = 12
        let version = Int(try r.u32()), shingleSize = Int(try r.u32()), permutations = Int(try r.u32())
        let seed = try r.u64()
        let scheme = DedupSignatureScheme(shingleSize: shingleSize, permutations: permutations, seed: seed, version: version)
        let jsonLength = Int(try r.u32())
        let json = try r.bytes(jsonLength)
        var index = SignatureIndex()
        index.scheme = scheme
        index.parameters = try? JSONLines.makeDecoder().decode(DedupParameters.self, from: Data(json))
        let count = try r.u64()
        guard count <= UInt64(raw.count) else { throw DedupIndexFormatError("has a bad record count") }
        index.signatures.reserveCapacity(Int(count))
        index.positions.reserveCapacity(Int(count))
        for _ in 0 ..< Int(count) {
            let s = try r.signature(scheme: scheme)
            if let at = index.positions[s.id] { index.signatures[at] = s } else {
                index.positions[s.id] = index.signatures.count
                index.signatures.append(s)
            }
        }
        guard r.offset == raw.count else { throw DedupIndexFormatError("has trailing bytes") }
        return index
    }
}

struct DedupIndexFormatError: Error {
    let message: String
    /// The bytes ended inside a field (a streaming reader reads more and tries again).
    var truncated = false
    init(_ message: String, truncated: Bool = false) { self.message = message; self.truncated = truncated }
}

struct DedupByteWriter {
    var bytes: [UInt8] = []
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count)); bytes.append(contentsOf: utf8)
    }
    mutating func optional(_ s: String?) {
        if let s { string(s) } else { u32(UInt32.max) }
    }
    /// One signature's record.
    mutating func record(_ s: DocumentSignature) {
        string(s.id); string(s.source); optional(s.url); optional(s.site); optional(s.published)
        u64(UInt64(bitPattern: Int64(s.words))); u64(s.exactHash); u32(UInt32(s.shingleCount))
        u32(UInt32(s.minHashes.count))
        for v in s.minHashes { u32(v) }
    }
}

struct DedupByteReader {
    let raw: UnsafeRawBufferPointer
    var offset = 0

    mutating func need(_ n: Int) throws {
        guard n >= 0, offset + n <= raw.count else { throw DedupIndexFormatError("is truncated at byte \(offset)", truncated: n >= 0) }
    }
    mutating func u32() throws -> UInt32 {
        try need(4); defer { offset += 4 }
        return UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
    mutating func u64() throws -> UInt64 {
        try need(8); defer { offset += 8 }
        return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
    mutating func bytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        try need(n); defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: raw[offset ..< offset + n])
    }
    mutating func string() throws -> String {
        let n = Int(try u32())
        return String(decoding: try bytes(n), as: UTF8.self)
    }
    mutating func optional() throws -> String? {
        let n = try u32()
        if n == UInt32.max { return nil }
        return String(decoding: try bytes(Int(n)), as: UTF8.self)
    }
    /// One signature's record (see `DedupByteWriter.record`), signed with `scheme`.
    mutating func signature(scheme: DedupSignatureScheme) throws -> DocumentSignature {
        let id = try string(), source = try string()
        let url = try optional(), site = try optional(), published = try optional()
        let words = Int(Int64(bitPattern: try u64()))
        let exactHash = try u64()
        let shingleCount = Int(try u32())
        let k = Int(try u32())
        guard k == 0 || k == scheme.permutations else { throw DedupIndexFormatError("holds a record \(id) with \(k) MinHash values") }
        let minHashes = try u32Array(k)
        return DocumentSignature(id: id, source: source, url: url, site: site, published: published,
                                 words: words, exactHash: exactHash, shingleCount: shingleCount,
                                 minHashes: minHashes, scheme: scheme)
    }

    mutating func u32Array(_ n: Int) throws -> [UInt32] {
        try need(n * 4)
        let start = offset
        offset += n * 4
        return [UInt32](unsafeUninitializedCapacity: n) { buffer, initialized in
            for i in 0 ..< n {
                buffer[i] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + i * 4, as: UInt32.self))
            }
            initialized = n
        }
    }
}
