/// Packed 64-bit keys (`ReportCorpus.pack`) gathered to count distinct values per high half
/// (distinct sites per entity, ticker or pair), without keeping every repeat: whenever `batch`
/// keys have come since the last time, the keys are sorted and repeats dropped, so the array
/// holds the distinct keys and at most `batch` more. Once it holds `batch` keys its storage is
/// sized to exactly that at each compaction, never doubled: the pairs' site keys of a
/// 100,000-page night grew by doubling to 25 MB beside the 13 MB they were copied from, the
/// largest part of the report's largest moment. A compaction sorts the sorted distinct keys
/// with the new ones (Swift's sort merges runs it finds, so the sorted part costs a pass).
///
/// Every (entity, site) of every document of a 100,000-page night was 4 million keys, held at
/// once with the other site keys at the night's end; the distinct ones are a fraction of that.
struct ReportDistinctKeys {
    private var keys: [UInt64] = []
    /// Keys at the front that are sorted and distinct.
    private var settled = 0
    private let batch: Int

    /// `batch`: keys between compactions (2 MB of them by default: the room each set of keys
    /// keeps once past it).
    init(batch: Int = 1 << 18) { self.batch = max(1, batch) }

    /// Keys held (distinct ones and those not yet compacted).
    var count: Int { keys.count }

    /// Room for keys, in keys (how much storage the array holds).
    var capacity: Int { keys.capacity }

    mutating func append(_ key: UInt64) {
        keys.append(key)
        if keys.count - settled >= batch { compact(reserving: true) }
    }

    /// Sorts the keys and drops repeats; with `reserving`, sizes the storage to the distinct
    /// keys and a batch.
    mutating func compact(reserving: Bool = false) {
        keys.sort()
        var kept = 0
        for index in keys.indices where kept == 0 || keys[index] != keys[kept - 1] {
            keys[kept] = keys[index]
            kept += 1
        }
        keys.removeLast(keys.count - kept)
        settled = kept
        guard reserving, keys.capacity < kept + batch || keys.capacity > kept + batch + batch / 2 else { return }
        var exact: [UInt64] = []
        exact.reserveCapacity(kept + batch)
        exact.append(contentsOf: keys)
        keys = exact
    }

    /// Calls `body(high, distinct lows)` once per high half, in ascending order; empties the keys.
    mutating func forEachDistinctCount(_ body: (Int32, Int) -> Void) {
        compact()
        ReportCorpus.forEachDistinctCount(&keys, body)
        settled = 0
    }
}
