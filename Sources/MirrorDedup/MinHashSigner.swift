import Foundation
import NewsRecords

/// One article as dedup sees it: identity, provenance for choosing the canonical, and the text.
public struct DedupDocument: Sendable {
    public var id: String
    public var source: String
    public var url: String?
    public var site: String?
    /// ISO 8601 date or date-time.
    public var published: String?
    public var text: String
    public var words: Int

    /// `words` nil: counted with the dedup tokenizer.
    public init(id: String, source: String, url: String? = nil, site: String? = nil,
                published: String? = nil, text: String, words: Int? = nil) {
        self.id = id; self.source = source; self.url = url; self.site = site
        self.published = published; self.text = text
        self.words = words ?? DedupText.wordCount(text)
    }

    public init(article: ArticleRecord) {
        self.init(id: article.id, source: article.source, url: article.url, site: article.site,
                  published: article.published, text: article.text, words: article.words)
    }
}

/// What dedup keeps of a document across nights: no text, only hashes and provenance.
///
/// About 0.6 KB with 128 permutations, most of it the MinHash values.
public struct DocumentSignature: Sendable, Codable, Equatable {
    public var id: String
    public var source: String
    public var url: String?
    public var site: String?
    public var published: String?
    public var words: Int
    /// Hash of the normalised text; equal hashes are exact duplicates. 0 for a text without words.
    public var exactHash: UInt64
    /// Distinct word shingles: with the MinHash Jaccard estimate it gives the containment of one
    /// page in another (|A∩B| = J(|A|+|B|)/(1+J)).
    public var shingleCount: Int
    /// Minimum of each permutation over the shingle hashes (empty when there are no shingles).
    public var minHashes: [UInt32]
    /// Parameters the signature was made with.
    public var scheme: DedupSignatureScheme

    public init(id: String, source: String, url: String?, site: String?, published: String?,
                words: Int, exactHash: UInt64, shingleCount: Int, minHashes: [UInt32],
                scheme: DedupSignatureScheme) {
        self.id = id; self.source = source; self.url = url; self.site = site
        self.published = published; self.words = words; self.exactHash = exactHash
        self.shingleCount = shingleCount; self.minHashes = minHashes; self.scheme = scheme
    }
}

/// Signs documents: exact-text hash plus MinHash over word shingles.
///
/// A pure function of the document and the scheme, so shards can sign in parallel and on any
/// machine. Each shingle is hashed once to 64 bits and folded to a 32-bit key; permutation i is
/// the bijection x -> a_i x + b_i (mod 2^32) with random odd a_i, computed for 16 permutations at
/// a time with SIMD. Because the keys are already random hashes, each permutation's minimum is a
/// uniform draw from the shingle set, which is all the Jaccard estimate needs.
public struct MinHashSigner: Sendable {
    public let parameters: DedupParameters
    public let scheme: DedupSignatureScheme
    private let multipliers: [SIMD16<UInt32>]
    private let increments: [SIMD16<UInt32>]

    public init(parameters: DedupParameters) {
        self.parameters = parameters
        scheme = parameters.signatureScheme
        var state = scheme.seed ^ 0x6e65_7773_7069_7065 // "newspipe": seed 0 still gives varied values
        func next() -> UInt64 {
            // SplitMix64: a fixed, portable stream, so signatures agree across machines and runs.
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        let chunks = (scheme.permutations + 15) / 16
        var a = [SIMD16<UInt32>](repeating: .zero, count: chunks)
        var b = [SIMD16<UInt32>](repeating: .zero, count: chunks)
        for i in 0 ..< chunks * 16 {
            let r = next()
            a[i / 16][i % 16] = UInt32(truncatingIfNeeded: r >> 32) | 1
            b[i / 16][i % 16] = UInt32(truncatingIfNeeded: r)
        }
        multipliers = a
        increments = b
    }

    public func sign(_ doc: DedupDocument) -> DocumentSignature {
        let digest = DedupText.digest(doc.text)
        let shingles = Self.shingleHashes(digest.tokens, size: scheme.shingleSize)
        let minHashes = shingles.isEmpty ? [] : minHash(shingles)
        return DocumentSignature(id: doc.id, source: doc.source, url: doc.url, site: doc.site,
                                 published: doc.published, words: doc.words,
                                 exactHash: digest.tokens.isEmpty ? 0 : digest.exactHash,
                                 shingleCount: shingles.count, minHashes: minHashes, scheme: scheme)
    }

    /// Signs many documents on `workers` threads; the result is in input order.
    public func sign(_ docs: [DedupDocument], workers: Int = ProcessInfo.processInfo.activeProcessorCount) -> [DocumentSignature] {
        guard docs.count > 1, workers > 1 else { return docs.map(sign) }
        let chunks = min(docs.count, workers * 8)
        let results = DedupSignatureSlots(count: docs.count)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let lo = docs.count * chunk / chunks
            let hi = docs.count * (chunk + 1) / chunks
            for i in lo ..< hi { results.set(i, sign(docs[i])) }
        }
        return results.values()
    }

    /// Distinct shingle hashes in order of first appearance. Texts shorter than one shingle give
    /// one shingle of all their words.
    static func shingleHashes(_ tokens: [UInt64], size: Int) -> [UInt64] {
        guard !tokens.isEmpty else { return [] }
        let k = min(size, tokens.count)
        let count = tokens.count - k + 1
        var capacity = 16
        while capacity < count * 2 { capacity <<= 1 }
        let mask = capacity - 1
        // Open addressing on the hash itself; 0 marks an empty slot (a zero hash is remapped).
        var table = [UInt64](repeating: 0, count: capacity)
        var out = [UInt64]()
        out.reserveCapacity(count)
        tokens.withUnsafeBufferPointer { t in
            table.withUnsafeMutableBufferPointer { slots in
                for start in 0 ..< count {
                    var h: UInt64 = 0x243f_6a88_85a3_08d3 &+ UInt64(k)
                    for j in start ..< start + k {
                        h = (h ^ t[j]) &* 0x9e37_79b9_7f4a_7c15
                        h = (h << 29) | (h >> 35)
                    }
                    h ^= h >> 32; h &*= 0xd6e8_feb8_6659_fd93; h ^= h >> 32
                    if h == 0 { h = 1 }
                    var slot = Int(truncatingIfNeeded: h) & mask
                    while true {
                        let existing = slots[slot]
                        if existing == h { break }
                        if existing == 0 { slots[slot] = h; out.append(h); break }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
        return out
    }

    private func minHash(_ shingles: [UInt64]) -> [UInt32] {
        let keys = shingles.map { UInt32(truncatingIfNeeded: $0 ^ ($0 >> 32)) }
        var out = [UInt32](repeating: 0, count: multipliers.count * 16)
        keys.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                // One block of 16 permutations at a time, over all keys: the running minima stay
                // in registers. Signed comparison is just another fixed order of the 2^32 values.
                for c in 0 ..< multipliers.count {
                    let a = SIMD16<Int32>(truncatingIfNeeded: multipliers[c])
                    let b = SIMD16<Int32>(truncatingIfNeeded: increments[c])
                    var m = SIMD16<Int32>(repeating: Int32.max)
                    for key in x {
                        let v = a &* SIMD16<Int32>(repeating: Int32(bitPattern: key)) &+ b
                        m.replace(with: v, where: v .< m)
                    }
                    for j in 0 ..< 16 { o[c * 16 + j] = UInt32(bitPattern: m[j]) }
                }
            }
        }
        out.removeLast(out.count - scheme.permutations)
        return out
    }
}

/// Result slots filled by concurrent signing workers, each index written once.
private final class DedupSignatureSlots: @unchecked Sendable {
    private var slots: [DocumentSignature?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: DocumentSignature) {
        lock.lock(); slots[index] = value; lock.unlock()
    }

    func values() -> [DocumentSignature] {
        lock.lock(); defer { lock.unlock() }
        return slots.map { $0! }
    }
}
