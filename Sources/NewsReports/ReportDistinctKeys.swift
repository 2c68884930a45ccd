/// Packed 64-bit keys (`ReportCorpus.pack`) gathered to count distinct values per high half
/// (distinct sites per entity, ticker or pair), without keeping every repeat: whenever `batch`
/// keys (or as many as are distinct, when more) have come since the last time, the keys are
/// sorted and repeats dropped, so the array holds the distinct keys and at most `batch` or as
/// many again more, and each key is sorted a few times at most.
///
/// Every (entity, site) of every document of a 100,000-page night was 4 million keys, held at
/// once with the other site keys at the night's end; the distinct ones are a fraction of that.
struct ReportDistinctKeys {
    private var keys: [UInt64] = []
    /// Keys at the front that are sorted and distinct.
    private var settled = 0
    private let batch: Int

    init(batch: Int = 1 << 20) { self.batch = max(1, batch) }

    /// Keys held (distinct ones and those not yet compacted).
    var count: Int { keys.count }

    mutating func append(_ key: UInt64) {
        keys.append(key)
        if keys.count - settled >= max(batch, settled) { compact() }
    }

    /// Sorts the keys and drops repeats.
    mutating func compact() {
        keys.sort()
        var kept = 0
        for index in keys.indices where kept == 0 || keys[index] != keys[kept - 1] {
            keys[kept] = keys[index]
            kept += 1
        }
        keys.removeLast(keys.count - kept)
        settled = kept
    }

    /// Calls `body(high, distinct lows)` once per high half, in ascending order; empties the keys.
    mutating func forEachDistinctCount(_ body: (Int32, Int) -> Void) {
        compact()
        ReportCorpus.forEachDistinctCount(&keys, body)
        settled = 0
    }
}
