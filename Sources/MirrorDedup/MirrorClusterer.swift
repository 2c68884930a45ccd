import Foundation
import NewsRecords

/// What dedup decided for one batch of signatures.
public struct DedupResult: Sendable {
    /// Clusters of two or more copies of one story, by cluster id.
    public var clusters: [MirrorCluster]
    /// Every non-canonical member of every cluster, by id.
    public var removed: [RemovedMirror]
    /// Every document id that stays: singletons and cluster canonicals.
    public var canonicalIds: Set<String>
    /// Work counters, for the stage summary and the benchmark.
    public var statistics: DedupStatistics

    public init(clusters: [MirrorCluster], removed: [RemovedMirror], canonicalIds: Set<String>,
                statistics: DedupStatistics = DedupStatistics()) {
        self.clusters = clusters; self.removed = removed; self.canonicalIds = canonicalIds
        self.statistics = statistics
    }
}

/// Counters of one clustering run.
public struct DedupStatistics: Sendable, Equatable {
    public var documents = 0
    /// Documents folded into another by equal normalised text.
    public var exactDuplicates = 0
    /// Documents that took part in LSH (enough shingles, comparable scheme).
    public var lshDocuments = 0
    public var bands = 0
    public var rows = 0
    /// Candidate pairs LSH proposed that were not already joined, and how many passed the check.
    public var candidatePairs = 0
    public var acceptedPairs = 0
    public init() {}
}

/// Finds mirrored copies among signatures: exact duplicates by normalised-text hash, near
/// duplicates by MinHash LSH with every candidate pair verified, then connected components, one
/// canonical per component.
///
/// The result depends only on the set of signatures, not on their order.
public enum MirrorClusterer {
    /// Most pairs checked per document within one LSH bucket.
    static let bucketWindow = 1000

    public static func cluster(_ signatures: [DocumentSignature], parameters: DedupParameters) -> DedupResult {
        cluster(signatures, parameters: parameters, established: [])
    }

    /// Like `cluster(_:parameters:)`, but documents in `established` (kept on earlier nights) rank
    /// before all others as canonical, so a copy arriving later never displaces a story already
    /// published; among themselves and among the rest, `canonicalOrder` decides.
    public static func cluster(_ signatures: [DocumentSignature], parameters: DedupParameters,
                               established: Set<String>) -> DedupResult {
        cluster(signatures, parameters: parameters, arrival: Dictionary(uniqueKeysWithValues: established.map { ($0, 0) }), defaultArrival: 1)
    }

    /// Clusters everything at once, with documents ranked first by when they arrived: `arrival`
    /// gives each document's night (smaller is earlier; missing ones arrive at `defaultArrival`),
    /// and a document of an earlier night is always canonical over one of a later night. This is the
    /// reference `MirrorIndex` (night by night) must equal.
    public static func cluster(_ signatures: [DocumentSignature], parameters: DedupParameters,
                               arrival: [String: Int], defaultArrival: Int = 0) -> DedupResult {
        let docs = uniqueSortedById(signatures)
        var stats = DedupStatistics()
        stats.documents = docs.count
        var sets = DedupUnionFind(count: docs.count)
        let representative = joinExactDuplicates(docs, &sets, &stats)
        joinNearDuplicates(docs, representative: representative, parameters: parameters, &sets, &stats)
        var result = clusters(docs, &sets, parameters: parameters, ranker: DedupCanonicalRanker(parameters: parameters, arrival: arrival, defaultArrival: defaultArrival))
        result.statistics = stats
        return result
    }

    /// The LSH bucket key of one band of a signature's MinHash values (`values` from `base`).
    @inline(__always)
    static func bandKey(_ values: UnsafeBufferPointer<UInt32>, base: Int, band: Int, rows: Int) -> UInt64 {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15 &* UInt64(band + 1)
        for j in 0 ..< rows {
            h = (h ^ UInt64(values[base + band * rows + j])) &* 0x1000_0000_01b3
            h ^= h >> 29
        }
        return h
    }

    /// Sorted by id so that every later step (union-find roots, bucket order) is order-free. Two
    /// signatures with one id (an index entry and tonight's copy) keep a fixed one of them.
    static func uniqueSortedById(_ signatures: [DocumentSignature]) -> [DocumentSignature] {
        let docs = signatures.sorted {
            if $0.id != $1.id { return $0.id < $1.id }
            if $0.exactHash != $1.exactHash { return $0.exactHash < $1.exactHash }
            if $0.shingleCount != $1.shingleCount { return $0.shingleCount < $1.shingleCount }
            return $0.minHashes.lexicographicallyPrecedes($1.minHashes)
        }
        return docs.enumerated().filter { $0.offset == 0 || docs[$0.offset - 1].id != $0.element.id }.map(\.element)
    }

    /// Joins documents with the same normalised text; returns which ones represent their text
    /// (only those go on to LSH).
    static func joinExactDuplicates(_ docs: [DocumentSignature], _ sets: inout DedupUnionFind, _ stats: inout DedupStatistics) -> [Bool] {
        var firstWithHash: [UInt64: Int] = [:]
        var representative = [Bool](repeating: true, count: docs.count)
        for i in docs.indices where docs[i].exactHash != 0 {
            if let first = firstWithHash[docs[i].exactHash] {
                sets.union(first, i)
                representative[i] = false
                stats.exactDuplicates += 1
            } else {
                firstWithHash[docs[i].exactHash] = i
            }
        }
        return representative
    }

    /// LSH banding over the representatives' MinHash values, and a verified pair check on each
    /// bucket's candidates (estimated Jaccard or containment), joining accepted pairs.
    static func joinNearDuplicates(_ docs: [DocumentSignature], representative: [Bool], parameters: DedupParameters,
                                   _ sets: inout DedupUnionFind, _ stats: inout DedupStatistics) {
        let scheme = parameters.signatureScheme
        let k = scheme.permutations
        let (bands, rows) = parameters.banding
        stats.bands = bands; stats.rows = rows
        let minShingles = max(1, parameters.minShingles)
        let eligible = docs.indices.filter {
            representative[$0] && docs[$0].scheme == scheme && docs[$0].minHashes.count == k
                && docs[$0].shingleCount >= minShingles
        }
        stats.lshDocuments = eligible.count

        // MinHash values in one flat array: the checks stream through it.
        var flat = [UInt32](repeating: 0, count: eligible.count * k)
        for (slot, i) in eligible.enumerated() {
            for (j, v) in docs[i].minHashes.enumerated() { flat[slot * k + j] = v }
        }
        let verifier = DedupPairCheck(threshold: parameters.threshold, containment: parameters.containment, permutations: k)
        var keys = [(key: UInt64, slot: Int32)](repeating: (0, 0), count: eligible.count)
        flat.withUnsafeBufferPointer { values in
            for band in 0 ..< bands {
                for slot in 0 ..< eligible.count {
                    keys[slot] = (bandKey(values, base: slot * k, band: band, rows: rows), Int32(slot))
                }
                keys.sort { $0.key != $1.key ? $0.key < $1.key : $0.slot < $1.slot }
                var start = 0
                while start < keys.count {
                    var end = start + 1
                    while end < keys.count && keys[end].key == keys[start].key { end += 1 }
                    if !allJoined(keys[start ..< end], eligible, &sets) {
                        // Each document against the earlier ones in its bucket; in a huge bucket
                        // (thousands of near-identical generated pages) only against the nearest
                        // `bucketWindow`, which bounds the work while still chaining them together.
                        for y in start + 1 ..< end {
                            for x in max(start, y - bucketWindow) ..< y {
                                let a = Int(keys[x].slot), b = Int(keys[y].slot)
                                let da = eligible[a], db = eligible[b]
                                if sets.find(da) == sets.find(db) { continue }
                                stats.candidatePairs += 1
                                let match = verifier.compare(values, a, b, docs[da].shingleCount, docs[db].shingleCount)
                                if verifier.accepts(match) {
                                    stats.acceptedPairs += 1
                                    sets.union(da, db)
                                }
                            }
                        }
                    }
                    start = end
                }
            }
        }
    }

    /// A bucket whose documents are all joined already needs no checks (the common case for the
    /// later bands of a big cluster).
    private static func allJoined(_ bucket: ArraySlice<(key: UInt64, slot: Int32)>, _ eligible: [Int], _ sets: inout DedupUnionFind) -> Bool {
        guard bucket.count > 1 else { return true }
        let root = sets.find(eligible[Int(bucket.first!.slot)])
        return bucket.dropFirst().allSatisfy { sets.find(eligible[Int($0.slot)]) == root }
    }

    /// Components of two or more documents are clusters: the canonical chosen by the ranker, the
    /// others removed with their similarity to it.
    static func clusters(_ docs: [DocumentSignature], _ sets: inout DedupUnionFind, parameters: DedupParameters,
                         ranker: DedupCanonicalRanker) -> DedupResult {
        var members: [Int: [Int]] = [:]
        for i in docs.indices { members[sets.find(i), default: []].append(i) }
        let verifier = DedupPairCheck(threshold: parameters.threshold, containment: parameters.containment,
                                      permutations: parameters.signatureScheme.permutations)
        var clusters: [MirrorCluster] = []
        var removed: [RemovedMirror] = []
        var keep = Set<String>()
        for (_, group) in members {
            if group.count == 1 { keep.insert(docs[group[0]].id); continue }
            let canonical = group.min { ranker.ranksBefore(docs[$0], docs[$1]) }!
            let c = docs[canonical]
            keep.insert(c.id)
            let (cluster, gone) = describe(canonical: c, members: group.map { docs[$0] }, verifier: verifier)
            removed += gone
            clusters.append(cluster)
        }
        clusters.sort { $0.clusterId != $1.clusterId ? $0.clusterId < $1.clusterId : $0.canonicalId < $1.canonicalId }
        removed.sort { $0.id < $1.id }
        return DedupResult(clusters: clusters, removed: removed, canonicalIds: keep, statistics: DedupStatistics())
    }

    /// A cluster's record and its removed members: the canonical first, the others by id, each with
    /// its similarity to the canonical (1 for exact duplicates).
    static func describe(canonical c: DocumentSignature, members: [DocumentSignature], verifier: DedupPairCheck) -> (MirrorCluster, [RemovedMirror]) {
        let clusterId = clusterID(canonical: c.id)
        var list = [ClusterMember(id: c.id, source: c.source, url: c.url, site: c.site,
                                  published: c.published, similarity: 1, containment: 1)]
        var removed: [RemovedMirror] = []
        for m in members.sorted(by: { $0.id < $1.id }) where m.id != c.id {
            let (member, gone) = describe(member: m, canonical: c, clusterId: clusterId, verifier: verifier)
            list.append(member)
            removed.append(gone)
        }
        return (MirrorCluster(clusterId: clusterId, canonicalId: c.id, members: list), removed)
    }

    /// One non-canonical member, as the cluster lists it and as `removed.jsonl` records it.
    static func describe(member m: DocumentSignature, canonical c: DocumentSignature, clusterId: String,
                         verifier: DedupPairCheck) -> (ClusterMember, RemovedMirror) {
        let exact = m.exactHash == c.exactHash && m.exactHash != 0
        var similarity = 1.0, contained = 1.0
        if !exact {
            let match = verifier.compare(m, c)
            similarity = match.jaccard
            contained = match.containmentOfFirst
        }
        return (ClusterMember(id: m.id, source: m.source, url: m.url, site: m.site, published: m.published,
                              similarity: similarity, containment: contained),
                RemovedMirror(id: m.id, source: m.source, url: m.url, site: m.site, canonicalId: c.id, clusterId: clusterId,
                              reason: exact ? "exact-duplicate" : "near-duplicate", similarity: similarity, containment: contained))
    }

    /// `mirror-<16 hex digits>`: a cluster's id, derived from its canonical's id.
    public static func clusterID(canonical id: String) -> String { "mirror-" + DedupClusterId.hex(id) }

    /// Tonight's dedup against everything seen before: clusters the index together with tonight's
    /// signatures (which win over index entries with the same id) and reports only what concerns
    /// tonight's documents.
    ///
    /// - `clusters`: every cluster with at least one new document, with all its members (old ones
    ///   included); a document from the index stays canonical over new ones (`established`).
    /// - `removed`: the new documents that mirror another one.
    /// - `canonicalIds`: the new documents that stay.
    public static func cluster(new: [DocumentSignature], index: SignatureIndex,
                               parameters: DedupParameters) -> DedupResult {
        let newIds = Set(new.map(\.id))
        var all = index.signatures.filter { !newIds.contains($0.id) }
        let established = Set(all.map(\.id))
        all.append(contentsOf: new)
        var result = cluster(all, parameters: parameters, established: established)
        result.clusters = result.clusters.filter { $0.members.contains { newIds.contains($0.id) } }
        result.removed = result.removed.filter { newIds.contains($0.id) }
        result.canonicalIds = result.canonicalIds.intersection(newIds)
        return result
    }
}

/// Outcome of comparing two signatures.
struct DedupPairMatch {
    /// Estimated Jaccard similarity of the shingle sets.
    var jaccard: Double
    /// Estimated share of the first document's shingles found in the second.
    var containmentOfFirst: Double
    /// Estimated share of the smaller document's shingles found in the larger.
    var containmentOfSmaller: Double
    /// Standard error of `containmentOfSmaller`: it grows with the size ratio, as the containment
    /// is then read from a small Jaccard value.
    var containmentError: Double
}

/// The check every LSH candidate passes before it joins a cluster.
///
/// Containment comes from the MinHash Jaccard estimate and the shingle counts:
/// |A∩B| = J(|A|+|B|)/(1+J), so C(A in B) = J(|A|+|B|) / ((1+J)|A|). It is trusted only when its
/// standard error (from Var J = J(1-J)/k) is at most half the distance between the containment bar
/// and 1, which in practice limits the route to size ratios up to about 3.
struct DedupPairCheck {
    let threshold: Double
    let containment: Double
    let permutations: Int

    func accepts(_ m: DedupPairMatch) -> Bool {
        if m.jaccard >= threshold { return true }
        return m.containmentOfSmaller >= containment && m.containmentError <= (1 - containment) / 2
    }

    func compare(_ a: DocumentSignature, _ b: DocumentSignature) -> DedupPairMatch {
        guard a.minHashes.count == b.minHashes.count, !a.minHashes.isEmpty else {
            return DedupPairMatch(jaccard: 0, containmentOfFirst: 0, containmentOfSmaller: 0, containmentError: 1)
        }
        var equal = 0
        for i in 0 ..< a.minHashes.count where a.minHashes[i] == b.minHashes[i] { equal += 1 }
        return match(equal: equal, k: a.minHashes.count, a.shingleCount, b.shingleCount)
    }

    func compare(_ a: [UInt32], _ b: [UInt32], _ sizeA: Int, _ sizeB: Int) -> DedupPairMatch {
        guard a.count == b.count, !a.isEmpty else {
            return DedupPairMatch(jaccard: 0, containmentOfFirst: 0, containmentOfSmaller: 0, containmentError: 1)
        }
        var equal = 0
        for i in 0 ..< a.count where a[i] == b[i] { equal += 1 }
        return match(equal: equal, k: a.count, sizeA, sizeB)
    }

    func compare(_ values: UnsafeBufferPointer<UInt32>, _ a: Int, _ b: Int, _ sizeA: Int, _ sizeB: Int) -> DedupPairMatch {
        let k = permutations
        var equal = 0
        let pa = values.baseAddress! + a * k, pb = values.baseAddress! + b * k
        for i in 0 ..< k where pa[i] == pb[i] { equal += 1 }
        return match(equal: equal, k: k, sizeA, sizeB)
    }

    private func match(equal: Int, k: Int, _ sizeA: Int, _ sizeB: Int) -> DedupPairMatch {
        let j = Double(equal) / Double(k)
        let a = Double(max(sizeA, 1)), b = Double(max(sizeB, 1))
        let small = min(a, b)
        let slope = (a + b) / ((1 + j) * (1 + j) * small)   // dC/dJ
        let error = slope * (max(j * (1 - j), 1 / Double(k)) / Double(k)).squareRoot()
        return DedupPairMatch(jaccard: j,
                              containmentOfFirst: min(1, j * (a + b) / ((1 + j) * a)),
                              containmentOfSmaller: min(1, j * (a + b) / ((1 + j) * small)),
                              containmentError: error)
    }
}

/// Orders cluster members by the configured canonical preference.
struct DedupCanonicalRanker {
    let order: [CanonicalRule]
    let preferred: [String]
    /// When each document arrived (its night): an earlier one is canonical over a later one.
    let arrival: [String: Int]
    let defaultArrival: Int

    init(parameters: DedupParameters, arrival: [String: Int] = [:], defaultArrival: Int = 0) {
        order = parameters.canonicalOrder
        preferred = parameters.preferredSources
        self.arrival = arrival
        self.defaultArrival = defaultArrival
    }

    func ranksBefore(_ a: DocumentSignature, _ b: DocumentSignature) -> Bool {
        if !arrival.isEmpty {
            let na = arrival[a.id] ?? defaultArrival, nb = arrival[b.id] ?? defaultArrival
            if na != nb { return na < nb }
        }
        for key in order {
            switch key {
            case .earliest:
                let ta = DedupDate.epochSeconds(a.published), tb = DedupDate.epochSeconds(b.published)
                if ta != tb {
                    guard let ta else { return false }   // undated pages come after dated ones
                    guard let tb else { return true }
                    return ta < tb
                }
            case .preferred:
                let pa = preferenceRank(a), pb = preferenceRank(b)
                if pa != pb { return pa < pb }
            case .longest:
                if a.words != b.words { return a.words > b.words }
                if a.shingleCount != b.shingleCount { return a.shingleCount > b.shingleCount }
            }
        }
        return a.id < b.id
    }

    private func preferenceRank(_ s: DocumentSignature) -> Int {
        for (rank, entry) in preferred.enumerated() {
            let e = entry.lowercased()
            if let site = s.site?.lowercased(), site == e || site == "www." + e || site.hasSuffix("." + e) { return rank }
            if let url = s.url?.lowercased(), url.hasPrefix(e) { return rank }
            if s.source.lowercased().hasPrefix(e) { return rank }
        }
        return preferred.count
    }
}

/// Minimal ISO 8601 reading for "earliest published": dates, date-times, `Z` or `±hh:mm` offsets.
enum DedupDate {
    static func epochSeconds(_ text: String?) -> Double? {
        guard let text else { return nil }
        let u = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= u.count else { return nil }
            var v = 0
            for i in from ..< from + count {
                guard u[i] >= 0x30 && u[i] <= 0x39 else { return nil }
                v = v * 10 + Int(u[i] - 0x30)
            }
            return v
        }
        guard let year = number(0, 4), u.count >= 10, u[4] == 0x2D, let month = number(5, 2), u[7] == 0x2D,
              let day = number(8, 2), (1 ... 12).contains(month), (1 ... 31).contains(day) else { return nil }
        // Days from civil (Howard Hinnant's algorithm): no calendar objects, no locale.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        var seconds = Double(era * 146_097 + doe - 719_468) * 86_400
        guard u.count > 10, u[10] == 0x54 || u[10] == 0x20 || u[10] == 0x74 else { return seconds }
        guard let hour = number(11, 2), u.count > 13, u[13] == 0x3A, let minute = number(14, 2) else { return seconds }
        seconds += Double(hour * 3600 + minute * 60)
        var i = 16
        if i < u.count, u[i] == 0x3A, let second = number(17, 2) { seconds += Double(second); i = 19 }
        if i < u.count, u[i] == 0x2E { i += 1; while i < u.count, u[i] >= 0x30 && u[i] <= 0x39 { i += 1 } }
        if i < u.count, u[i] == 0x2B || u[i] == 0x2D, let oh = number(i + 1, 2) {
            var om = 0
            if i + 3 < u.count, u[i + 3] == 0x3A { om = number(i + 4, 2) ?? 0 } else { om = number(i + 3, 2) ?? 0 }
            let offset = Double(oh * 3600 + om * 60)
            seconds += u[i] == 0x2B ? -offset : offset
        }
        return seconds
    }
}

/// Cluster ids derived from the canonical id, stable across runs and machines.
enum DedupClusterId {
    static func hex(_ id: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        h ^= h >> 33; h &*= 0xff51_afd7_ed55_8ccd; h ^= h >> 33
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// Union-find with path halving; the root of a set is its smallest index (deterministic).
struct DedupUnionFind {
    private var parent: [Int32]

    init(count: Int) { parent = (0 ..< count).map { Int32($0) } }

    mutating func find(_ x: Int) -> Int {
        var x = x
        while Int(parent[x]) != x {
            parent[x] = parent[Int(parent[x])]
            x = Int(parent[x])
        }
        return x
    }

    mutating func union(_ a: Int, _ b: Int) {
        let ra = find(a), rb = find(b)
        if ra == rb { return }
        if ra < rb { parent[rb] = Int32(ra) } else { parent[ra] = Int32(rb) }
    }
}
