import Foundation
import NewsIO
import NewsRecords
import NewsText

/// A trained named-entity tagger (PER, ORG, LOC, MISC) for English news.
///
/// An averaged structured perceptron over rich hashed features, decoded with Viterbi; an optional
/// second pass adds document-level evidence from the first pass. Immutable once loaded, so one
/// instance can tag from many threads at once.
public final class NERModel: Sendable {
    package let tagSet: NERTagSet
    package let first: NERLayer
    package let second: NERLayer?
    package let resources: NERResources
    /// Divides a span's score margin before the logistic that gives its confidence.
    let confidenceScale: Float
    private let firstScores: NERDecoderScores
    private let secondScores: NERDecoderScores?
    /// Both passes' weights behind one hash table, so each feature is looked up once per token.
    private let fused: NERFusedLayers?

    package init(tagSet: NERTagSet, first: NERLayer, second: NERLayer?, resources: NERResources, confidenceScale: Float) {
        self.tagSet = tagSet
        self.first = first
        self.second = second
        self.resources = resources
        self.confidenceScale = confidenceScale
        firstScores = NERDecoderScores(trans: first.transitions, start: first.start, end: first.end, tagSet: tagSet)
        secondScores = second.map { NERDecoderScores(trans: $0.transitions, start: $0.start, end: $0.end, tagSet: tagSet) }
        fused = second.map { NERFusedLayers(first: first, second: $0) }
    }

    /// The model shipped with the package (trained on CoNLL-2003 English; see Resources/ner/NOTICE).
    public static func loadDefault() throws -> NERModel {
        try load(from: EntityResources.url("ner/model.bin"))
    }

    public static func load(from url: URL) throws -> NERModel {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw FileError.io(path: url.path, reason: "cannot read NER model: \(error.localizedDescription)")
        }
        do { return try NERModelCodec.decode(data) } catch let e as NERModelCodec.Failure {
            throw FileError.io(path: url.path, reason: "not a valid NER model (\(e.reason))")
        }
    }

    /// Writes the model atomically.
    public func save(to url: URL) throws {
        try AtomicFile.write(NERModelCodec.encode(self), to: url)
    }

    /// Entity spans of a tokenised text, treated as one document.
    public func tag(_ text: TokenizedText) -> [NERSpan] {
        let sentences = text.sentences.map { r in text.tokens[r].map { Substring($0.text) } }
        let (tags, margins) = tagDocument(sentences)
        var spans: [NERSpan] = []
        for (si, r) in text.sentences.enumerated() {
            for (k, sp) in tagSet.decode(tags[si]).enumerated() {
                let a = text.tokens[r.lowerBound + sp.start], b = text.tokens[r.lowerBound + sp.end - 1]
                let margin = margins[si][k]
                let confidence = 1 / (1 + exp(-Double(margin / confidenceScale)))
                spans.append(NERSpan(start: a.start, end: b.end, label: sp.type,
                                     confidence: (confidence * 1000).rounded() / 1000))
            }
        }
        return spans
    }

    /// Tokenises `text` with `NewsTokenizer` and tags it.
    public func tag(text: String) -> [NERSpan] {
        tag(NewsTokenizer.tokenize(text))
    }

    /// Tag indices per sentence, and for each decoded entity its score margin over tagging it O.
    package func tagDocument(_ sentences: [[Substring]]) -> (tags: [[Int]], margins: [[Float]]) {
        let doc = NERDocumentFeatures(sentences: sentences, resources: resources)
        var decoded: (tags: [[Int]], emissions: [Float])
        var emissions: [Float]
        var scores = firstScores
        if let fused, let secondScores {
            // one lookup per feature feeds both passes; the second then adds its own features
            let T = tagSet.count
            let n = doc.offsets.count - 1
            var e1 = [Float](repeating: 0, count: n * T)
            var e2 = [Float](repeating: 0, count: n * T)
            var scratch = [Int32](repeating: 0, count: 2 * T)
            e1.withUnsafeMutableBufferPointer { a in
                e2.withUnsafeMutableBufferPointer { b in
                    scratch.withUnsafeMutableBufferPointer { sc in
                        doc.keys.withUnsafeBufferPointer { keys in
                            for t in 0 ..< n {
                                fused.accumulate(keys, doc.offsets[t], doc.offsets[t + 1], first: a.baseAddress! + t * T,
                                                 second: b.baseAddress! + t * T, scratch: sc.baseAddress!)
                            }
                        }
                    }
                }
            }
            let tags1 = viterbiAll(e1, doc: doc, scores: firstScores)
            let extra = NERSecondStage.features(doc: doc, firstPass: tags1.flatMap { $0 }, tagSet: tagSet)
            e2.withUnsafeMutableBufferPointer { b in
                scratch.withUnsafeMutableBufferPointer { sc in
                    extra.keys.withUnsafeBufferPointer { keys in
                        for t in 0 ..< n {
                            fused.accumulateSecond(keys, extra.offsets[t], extra.offsets[t + 1], into: b.baseAddress! + t * T,
                                                   scratch: sc.baseAddress!)
                        }
                    }
                }
            }
            decoded = (viterbiAll(e2, doc: doc, scores: secondScores), e2)
            emissions = e2
            scores = secondScores
        } else {
            decoded = decode(doc: doc, layer: first, scores: firstScores, extra: nil)
            emissions = decoded.emissions
        }
        var margins: [[Float]] = []
        let T = tagSet.count
        for (si, r) in doc.sentences.enumerated() {
            let tags = decoded.tags[si]
            var m: [Float] = []
            for sp in tagSet.decode(tags) {
                // score of the decoded path minus the same path with this entity tagged O
                var delta: Float = 0
                for k in sp.start ..< sp.end {
                    let t = r.lowerBound + k
                    delta += emissions[t * T + tags[k]] - emissions[t * T]
                    if k > sp.start { delta += scores.trans[tags[k - 1] * T + tags[k]] - scores.trans[0] }
                }
                if sp.start > 0 {
                    let p = tags[sp.start - 1]
                    delta += scores.trans[p * T + tags[sp.start]] - scores.trans[p * T]
                } else {
                    delta += scores.start[tags[sp.start]] - scores.start[0]
                }
                if sp.end < tags.count {
                    let nx = tags[sp.end]
                    delta += scores.trans[tags[sp.end - 1] * T + nx] - scores.trans[nx]
                } else {
                    delta += scores.end[tags[sp.end - 1]] - scores.end[0]
                }
                m.append(delta.isFinite ? delta : 0)
            }
            margins.append(m)
        }
        return (decoded.tags, margins)
    }

    private func viterbiAll(_ emissions: [Float], doc: NERDocumentFeatures, scores: NERDecoderScores) -> [[Int]] {
        let T = tagSet.count
        var tags: [[Int]] = []
        tags.reserveCapacity(doc.sentences.count)
        emissions.withUnsafeBufferPointer { em in
            for r in doc.sentences {
                tags.append(nerViterbi(emissions: em.baseAddress! + r.lowerBound * T, count: r.count, numTags: T,
                                       trans: scores.trans, start: scores.start, end: scores.end))
            }
        }
        return tags
    }

    private func decode(doc: NERDocumentFeatures, layer: NERLayer, scores: NERDecoderScores,
                        extra: (keys: [UInt64], offsets: [Int])?) -> (tags: [[Int]], emissions: [Float]) {
        let T = tagSet.count
        let n = doc.offsets.count - 1
        var emissions = [Float](repeating: 0, count: n * T)
        var scratch = [Int32](repeating: 0, count: T)
        emissions.withUnsafeMutableBufferPointer { em in
            scratch.withUnsafeMutableBufferPointer { sc in
                doc.keys.withUnsafeBufferPointer { keys in
                    for t in 0 ..< n {
                        layer.accumulate(keys, doc.offsets[t], doc.offsets[t + 1], into: em.baseAddress! + t * T, scratch: sc.baseAddress!)
                    }
                }
                if let extra {
                    extra.keys.withUnsafeBufferPointer { keys in
                        for t in 0 ..< n {
                            layer.accumulate(keys, extra.offsets[t], extra.offsets[t + 1], into: em.baseAddress! + t * T, scratch: sc.baseAddress!)
                        }
                    }
                }
            }
        }
        var tags: [[Int]] = []
        tags.reserveCapacity(doc.sentences.count)
        emissions.withUnsafeBufferPointer { em in
            for r in doc.sentences {
                tags.append(nerViterbi(emissions: em.baseAddress! + r.lowerBound * T, count: r.count, numTags: T,
                                       trans: scores.trans, start: scores.start, end: scores.end))
            }
        }
        return (tags, emissions)
    }
}

// MARK: - File format

/// Binary model file: little-endian, "NPNER001" magic, tag names, layers (kept feature keys and
/// Int16 weights), gazetteer and casing lexicon.
enum NERModelCodec {
    struct Failure: Error { let reason: String }
    static let magic: [UInt8] = Array("NPNER001".utf8)

    static func encode(_ m: NERModel) -> [UInt8] {
        var w = NERByteWriter()
        w.bytes.append(contentsOf: magic)
        w.u32(UInt32(m.tagSet.count))
        for n in m.tagSet.names { w.string(n) }
        w.f32(m.confidenceScale)
        let layers = [m.first] + (m.second.map { [$0] } ?? [])
        w.u32(UInt32(layers.count))
        for l in layers {
            w.u32(UInt32(l.keys.count))
            for k in l.keys { w.u64(k) }
            w.f32(l.scale)
            for x in l.weights { w.u16(UInt16(bitPattern: x)) }
            for x in l.transitions { w.f32(x) }
            for x in l.start { w.f32(x) }
            for x in l.end { w.f32(x) }
        }
        let gaz = m.resources.gazetteer.entries.sorted { $0.key < $1.key }
        w.u32(UInt32(m.resources.gazetteer.maxLength))
        w.u32(UInt32(gaz.count))
        for (k, v) in gaz { w.u64(k); w.u32(v) }
        let lex = m.resources.lexicon.sorted { $0.key < $1.key }
        w.u32(UInt32(lex.count))
        for (k, v) in lex { w.u64(k); w.bytes.append(v) }
        return w.bytes
    }

    static func decode(_ data: Data) throws -> NERModel {
        try data.withUnsafeBytes { raw -> NERModel in
            var r = NERByteReader(raw: raw)
            guard raw.count >= 8, Array(raw[0 ..< 8]) == magic else { throw Failure(reason: "bad magic") }
            r.pos = 8
            let nt = Int(try r.u32())
            guard nt > 0 && nt < 64 else { throw Failure(reason: "bad tag count") }
            var names: [String] = []
            for _ in 0 ..< nt { names.append(try r.string()) }
            let tagSet = NERTagSet(names: names)
            let confidenceScale = try r.f32()
            let nl = Int(try r.u32())
            guard nl == 1 || nl == 2 else { throw Failure(reason: "bad layer count") }
            var layers: [NERLayer] = []
            for _ in 0 ..< nl {
                let rows = Int(try r.u32())
                guard rows < 1 << 24 else { throw Failure(reason: "too many features") }
                let keys: [UInt64] = try r.array(rows)
                let scale = try r.f32()
                let wbits: [UInt16] = try r.array(rows * nt)
                let weights = wbits.map { Int16(bitPattern: $0) }
                let trans: [Float] = try r.floats(nt * nt)
                let start: [Float] = try r.floats(nt)
                let end: [Float] = try r.floats(nt)
                // a two-pass model reads both layers through one fused table
                layers.append(NERLayer(numTags: nt, keys: keys, weights: weights, scale: scale,
                                       transitions: trans, start: start, end: end, indexed: nl == 1))
            }
            var gaz = NERGazetteer()
            gaz.maxLength = Int(try r.u32())
            let ng = Int(try r.u32())
            gaz.entries.reserveCapacity(ng)
            for _ in 0 ..< ng {
                let k = try r.u64()
                gaz.entries[k] = try r.u32()
            }
            let nx = Int(try r.u32())
            var lex = NERCasingLexicon(minimumCapacity: nx)
            for _ in 0 ..< nx {
                let k = try r.u64()
                lex[k] = try r.u8()
            }
            return NERModel(tagSet: tagSet, first: layers[0], second: nl > 1 ? layers[1] : nil,
                            resources: NERResources(gazetteer: gaz, lexicon: lex), confidenceScale: confidenceScale)
        }
    }
}

struct NERByteWriter {
    var bytes: [UInt8] = []
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
    mutating func string(_ s: String) {
        let u = Array(s.utf8)
        u32(UInt32(u.count)); bytes.append(contentsOf: u)
    }
}

struct NERByteReader {
    let raw: UnsafeRawBufferPointer
    var pos = 0

    private mutating func need(_ n: Int) throws {
        guard n >= 0, pos + n <= raw.count else { throw NERModelCodec.Failure(reason: "truncated file") }
    }
    mutating func u8() throws -> UInt8 { try need(1); defer { pos += 1 }; return raw[pos] }
    mutating func u32() throws -> UInt32 {
        try need(4); defer { pos += 4 }
        return UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: pos, as: UInt32.self))
    }
    mutating func u64() throws -> UInt64 {
        try need(8); defer { pos += 8 }
        return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: pos, as: UInt64.self))
    }
    mutating func f32() throws -> Float { Float(bitPattern: try u32()) }
    mutating func string() throws -> String {
        let n = Int(try u32())
        try need(n); defer { pos += n }
        return String(decoding: UnsafeRawBufferPointer(rebasing: raw[pos ..< pos + n]), as: UTF8.self)
    }
    /// Reads `count` fixed-width little-endian integers.
    mutating func array<T: FixedWidthInteger>(_ count: Int) throws -> [T] {
        let size = MemoryLayout<T>.size
        try need(count * size)
        let base = pos
        pos += count * size
        return [T](unsafeUninitializedCapacity: count) { buf, done in
            for i in 0 ..< count {
                buf[i] = T(littleEndian: raw.loadUnaligned(fromByteOffset: base + i * size, as: T.self))
            }
            done = count
        }
    }
    mutating func floats(_ count: Int) throws -> [Float] {
        let bits: [UInt32] = try array(count)
        return bits.map { Float(bitPattern: $0) }
    }
}
