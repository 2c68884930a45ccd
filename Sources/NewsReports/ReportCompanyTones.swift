import NewsRecords

/// The entities stage's document-level tone per company, keyed by the corpus's slots: one sorted
/// array of packed (document, company) keys with their calls, searched by binary search.
///
/// Keyed by document id and `ticker:`/`entity:` strings in a dictionary per document, the
/// 383,000 records of a 100,000-page night held about 60 MB until the tables were written; an
/// entry here is 24 bytes. Only calls the tables can ask for are kept: the corpus adds them once
/// its documents, entities and tickers are known (`ReportCorpus.readCompanyTone`).
struct ReportCompanyTones {
    /// A company: an entity (by its slot in `ReportCorpus.entities`) or a ticker (by its slot in
    /// `ReportCorpus.tickers`).
    enum Company: Equatable {
        case entity(Int32)
        case ticker(Int32)

        /// The low half of a key: the slot, with the high bit set for a ticker.
        var bits: UInt32 {
            switch self {
            case let .entity(slot): return UInt32(bitPattern: slot) & 0x7FFF_FFFF
            case let .ticker(slot): return UInt32(bitPattern: slot) | 0x8000_0000
            }
        }
    }

    private struct Entry {
        var key: UInt64
        var call: ReportCompanyTone
    }

    private var entries: [Entry] = []
    private var sealed = true

    var count: Int { entries.count }

    private static func key(_ document: Int32, _ company: Company) -> UInt64 {
        UInt64(UInt32(bitPattern: document)) << 32 | UInt64(company.bits)
    }

    /// Adds a call; of calls on the same document and company the first added is kept.
    mutating func add(document: Int32, company: Company, _ call: ReportCompanyTone) {
        entries.append(Entry(key: Self.key(document, company), call: call))
        sealed = false
    }

    /// Sorts the calls by key and drops repeats (the sort is stable, so the first added of
    /// each key stays), in storage of their exact size. `call` needs it after adding.
    mutating func seal() {
        guard !sealed else { return }
        sealed = true
        entries.sort { $0.key < $1.key }
        var kept = 0
        for index in entries.indices where kept == 0 || entries[index].key != entries[kept - 1].key {
            entries[kept] = entries[index]
            kept += 1
        }
        entries.removeLast(entries.count - kept)
        ReportCorpus.fit(&entries)
    }

    /// The call on a document's tone towards a company, when the entities stage made one.
    func call(document: Int32, company: Company) -> ReportCompanyTone? {
        precondition(sealed, "ReportCompanyTones: seal() before looking calls up")
        let wanted = Self.key(document, company)
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].key < wanted { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].key == wanted ? entries[low].call : nil
    }
}
