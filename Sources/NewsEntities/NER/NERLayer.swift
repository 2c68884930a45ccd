import Foundation

/// The tag set the tagger decodes over, with which transitions are allowed.
package struct NERTagSet: Sendable, Equatable {
    /// Tag names: "O" first, then "B-PER", "I-PER", ... (BIO) or with "L-", "U-" too (BILOU).
    let names: [String]
    /// Prefix letter (O, B, I, L, U) and entity type ("" for O) of each tag.
    let prefixes: [Character]
    let types: [String]
    package let count: Int
    /// Additive transition constraints: 0 when allowed, -infinity when not.
    let transitionMask: [Float]
    let startMask: [Float]
    let endMask: [Float]

    package static let entityTypes = ["PER", "ORG", "LOC", "MISC"]

    init(names: [String]) {
        self.names = names
        count = names.count
        prefixes = names.map { $0 == "O" ? "O" : $0.first! }
        types = names.map { $0 == "O" ? "" : String($0.dropFirst(2)) }
        let bilou = names.contains { $0.hasPrefix("L-") || $0.hasPrefix("U-") }
        var tm = [Float](repeating: 0, count: count * count)
        var sm = [Float](repeating: 0, count: count)
        var em = [Float](repeating: 0, count: count)
        let prefixes = self.prefixes, types = self.types
        for a in 0 ..< count {
            // inside tags continue an entity of the same type
            if prefixes[a] == "I" || prefixes[a] == "L" { sm[a] = -.infinity }
            if bilou && (prefixes[a] == "B" || prefixes[a] == "I") { em[a] = -.infinity }
            for b in 0 ..< count {
                let pa = prefixes[a], pb = prefixes[b]
                var ok = true
                if bilou {
                    let open = pa == "B" || pa == "I"
                    if open { ok = (pb == "I" || pb == "L") && types[a] == types[b] } else { ok = pb == "O" || pb == "B" || pb == "U" }
                } else if pb == "I" {
                    ok = (pa == "B" || pa == "I") && types[a] == types[b]
                }
                tm[a * count + b] = ok ? 0 : -.infinity
            }
        }
        transitionMask = tm; startMask = sm; endMask = em
    }

    package static func make(bilou: Bool) -> NERTagSet {
        var n = ["O"]
        for t in entityTypes {
            if bilou { n += ["B-\(t)", "I-\(t)", "L-\(t)", "U-\(t)"] } else { n += ["B-\(t)", "I-\(t)"] }
        }
        return NERTagSet(names: n)
    }

    var isBILOU: Bool { prefixes.contains("L") }

    /// Tag indices for entity spans over `n` tokens.
    package func encode(spans: [(Int, Int, String)], count n: Int) -> [Int] {
        var tags = [Int](repeating: 0, count: n)
        for (a, b, ty) in spans {
            func idx(_ p: String) -> Int { names.firstIndex(of: "\(p)-\(ty)") ?? 0 }
            if isBILOU {
                if b - a == 1 { tags[a] = idx("U") } else {
                    tags[a] = idx("B")
                    for k in (a + 1) ..< (b - 1) { tags[k] = idx("I") }
                    tags[b - 1] = idx("L")
                }
            } else {
                tags[a] = idx("B")
                for k in (a + 1) ..< b { tags[k] = idx("I") }
            }
        }
        return tags
    }

    /// Entity spans (token ranges, type index in `entityTypes`) of a decoded tag sequence.
    package func decode(_ tags: [Int]) -> [(start: Int, end: Int, type: String)] {
        var out: [(Int, Int, String)] = []
        var start = -1
        var cur = ""
        for (k, t) in tags.enumerated() {
            let p = prefixes[t], ty = types[t]
            let continues = (p == "I" || p == "L") && ty == cur && start >= 0
            if !continues {
                if start >= 0 { out.append((start, k, cur)) }
                start = p == "O" ? -1 : k
                cur = ty
            }
            if p == "L" || p == "U" {
                if start >= 0 { out.append((start, k + 1, cur)) }
                start = -1; cur = ""
            }
        }
        if start >= 0 { out.append((start, tags.count, cur)) }
        return out
    }
}

/// One linear scoring layer: kept feature hashes, their per-tag weights, and tag transitions.
package struct NERLayer: Sendable {
    let numTags: Int
    /// Open-addressing table: (key >> 24) << 24 | (row + 1); 0 is empty.
    let slots: [UInt64]
    let mask: Int
    /// Row-major quantised weights, `rows x numTags`; real weight = value * scale.
    let weights: [Int16]
    let scale: Float
    package let transitions: [Float]
    package let start: [Float]
    package let end: [Float]
    /// Kept keys in row order (for saving).
    package let keys: [UInt64]

    /// Whether `slots` indexes the keys; a layer only read through `NERFusedLayers` skips it.
    let indexed: Bool

    package init(numTags: Int, keys: [UInt64], weights: [Int16], scale: Float, transitions: [Float], start: [Float], end: [Float],
         indexed: Bool = true) {
        self.indexed = indexed
        self.numTags = numTags
        self.keys = keys
        self.weights = weights
        self.scale = scale
        self.transitions = transitions
        self.start = start
        self.end = end
        var cap = 16
        while indexed && cap < keys.count * 2 { cap <<= 1 }
        var slots = [UInt64](repeating: 0, count: cap)
        let mask = cap - 1
        for (row, key) in keys.enumerated() where indexed {
            var i = Int(truncatingIfNeeded: key) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = (key >> 24) << 24 | UInt64(row + 1)
        }
        self.slots = slots
        self.mask = mask
    }

    /// Quantises float weights (rows x numTags) to Int16 with one scale.
    package static func quantize(_ w: [Float]) -> ([Int16], Float) {
        var maxAbs: Float = 0
        for x in w { maxAbs = max(maxAbs, abs(x)) }
        let scale = maxAbs > 0 ? maxAbs / 32767 : 1
        return (w.map { Int16(($0 / scale).rounded()) }, scale)
    }

    /// Adds the emission scores of `keys` for every tag into `out[0 ..< numTags]`.
    @inline(__always)
    package func accumulate(_ keys: UnsafeBufferPointer<UInt64>, _ from: Int, _ to: Int, into out: UnsafeMutablePointer<Float>,
                    scratch: UnsafeMutablePointer<Int32>) {
        precondition(indexed, "NERLayer read without its index")
        let T = numTags
        for j in 0 ..< T { scratch[j] = 0 }
        slots.withUnsafeBufferPointer { sl in
            weights.withUnsafeBufferPointer { w in
                var k = from
                while k < to {
                    let key = keys[k]
                    k += 1
                    let fp = key >> 24
                    var i = Int(truncatingIfNeeded: key) & mask
                    var row = -1
                    while true {
                        let s = sl[i]
                        if s == 0 { break }
                        if s >> 24 == fp { row = Int(s & 0xFF_FFFF) - 1; break }
                        i = (i + 1) & mask
                    }
                    if row < 0 { continue }
                    let base = row * T
                    for j in 0 ..< T { scratch[j] &+= Int32(w[base + j]) }
                }
            }
        }
        for j in 0 ..< T { out[j] += Float(scratch[j]) * scale }
    }
}

/// The first and second pass's weights behind one open-addressing table: rows hold the first
/// pass's weights then the second's (zero where a pass did not keep the feature).
struct NERFusedLayers: Sendable {
    let numTags: Int
    let slots: [UInt64]
    let mask: Int
    let weights: [Int16]
    let scale1: Float
    let scale2: Float

    init(first: NERLayer, second: NERLayer) {
        let T = first.numTags
        numTags = T
        scale1 = first.scale
        scale2 = second.scale
        var rowOf: [UInt64: Int] = [:]
        rowOf.reserveCapacity(first.keys.count + second.keys.count)
        var keys: [UInt64] = []
        for k in first.keys where rowOf[k] == nil { rowOf[k] = keys.count; keys.append(k) }
        for k in second.keys where rowOf[k] == nil { rowOf[k] = keys.count; keys.append(k) }
        var w = [Int16](repeating: 0, count: keys.count * 2 * T)
        for (r, k) in first.keys.enumerated() {
            let base = rowOf[k]! * 2 * T
            for j in 0 ..< T { w[base + j] = first.weights[r * T + j] }
        }
        for (r, k) in second.keys.enumerated() {
            let base = rowOf[k]! * 2 * T + T
            for j in 0 ..< T { w[base + j] = second.weights[r * T + j] }
        }
        weights = w
        var cap = 16
        while cap < keys.count * 2 { cap <<= 1 }
        var slots = [UInt64](repeating: 0, count: cap)
        mask = cap - 1
        for (row, key) in keys.enumerated() {
            var i = Int(truncatingIfNeeded: key) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = (key >> 24) << 24 | UInt64(row + 1)
        }
        self.slots = slots
    }

    @inline(__always)
    private func row(_ sl: UnsafeBufferPointer<UInt64>, _ key: UInt64) -> Int {
        let fp = key >> 24
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let s = sl[i]
            if s == 0 { return -1 }
            if s >> 24 == fp { return Int(s & 0xFF_FFFF) - 1 }
            i = (i + 1) & mask
        }
    }

    /// Adds both passes' scores of `keys` into `first` and `second`.
    @inline(__always)
    func accumulate(_ keys: UnsafeBufferPointer<UInt64>, _ from: Int, _ to: Int, first: UnsafeMutablePointer<Float>,
                    second: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Int32>) {
        let T = numTags, T2 = 2 * numTags
        for j in 0 ..< T2 { scratch[j] = 0 }
        slots.withUnsafeBufferPointer { sl in
            weights.withUnsafeBufferPointer { w in
                for k in from ..< to {
                    let r = row(sl, keys[k])
                    if r < 0 { continue }
                    let base = r * T2
                    for j in 0 ..< T2 { scratch[j] &+= Int32(w[base + j]) }
                }
            }
        }
        for j in 0 ..< T {
            first[j] += Float(scratch[j]) * scale1
            second[j] += Float(scratch[T + j]) * scale2
        }
    }

    /// Adds the second pass's scores of its own features.
    @inline(__always)
    func accumulateSecond(_ keys: UnsafeBufferPointer<UInt64>, _ from: Int, _ to: Int, into out: UnsafeMutablePointer<Float>,
                          scratch: UnsafeMutablePointer<Int32>) {
        let T = numTags, T2 = 2 * numTags
        for j in 0 ..< T { scratch[j] = 0 }
        slots.withUnsafeBufferPointer { sl in
            weights.withUnsafeBufferPointer { w in
                for k in from ..< to {
                    let r = row(sl, keys[k])
                    if r < 0 { continue }
                    let base = r * T2 + T
                    for j in 0 ..< T { scratch[j] &+= Int32(w[base + j]) }
                }
            }
        }
        for j in 0 ..< T { out[j] += Float(scratch[j]) * scale2 }
    }
}

/// Viterbi decoding of emission scores (`n x T`); `trans`, `start`, `end` already carry the
/// tag-set constraints (-infinity where a transition is not allowed).
package func nerViterbi(emissions: UnsafePointer<Float>, count n: Int, numTags T: Int,
                trans: [Float], start: [Float], end: [Float]) -> [Int] {
    guard n > 0 else { return [] }
    var score = [Float](repeating: 0, count: n * T)
    var back = [Int32](repeating: 0, count: n * T)
    for j in 0 ..< T { score[j] = emissions[j] + start[j] }
    trans.withUnsafeBufferPointer { tr in
        score.withUnsafeMutableBufferPointer { sc in
            back.withUnsafeMutableBufferPointer { bk in
                for t in 1 ..< n {
                    let prev = (t - 1) * T
                    for j in 0 ..< T {
                        var best = -Float.infinity
                        var arg = 0
                        for i in 0 ..< T {
                            let s = sc[prev + i] + tr[i * T + j]
                            if s > best { best = s; arg = i }
                        }
                        sc[t * T + j] = best + emissions[t * T + j]
                        bk[t * T + j] = Int32(arg)
                    }
                }
            }
        }
    }
    var best = -Float.infinity
    var arg = 0
    for j in 0 ..< T {
        let s = score[(n - 1) * T + j] + end[j]
        if s > best { best = s; arg = j }
    }
    var tags = [Int](repeating: 0, count: n)
    tags[n - 1] = arg
    var t = n - 1
    while t > 0 {
        tags[t - 1] = Int(back[t * T + tags[t]])
        t -= 1
    }
    return tags
}

/// Transition, start and end scores with the tag set's constraints folded in.
package struct NERDecoderScores: Sendable {
    package let trans: [Float]
    package let start: [Float]
    package let end: [Float]

    package init(trans: [Float], start: [Float], end: [Float], tagSet: NERTagSet) {
        self.trans = zip(trans, tagSet.transitionMask).map { $0 + $1 }
        self.start = zip(start, tagSet.startMask).map { $0 + $1 }
        self.end = zip(end, tagSet.endMask).map { $0 + $1 }
    }
}
