import NewsRecords

/// The entities stage's document-level tone per company, keyed by the corpus's slots: one sorted
/// array of (document, company) keys with their calls, searched by binary search.
///
/// Keyed by document id and `ticker:`/`entity:` strings in a dictionary per document, the
/// 383,000 records of a 100,000-page night held about 60 MB until the tables were written. An
/// entry here is 12 bytes: the document and company slots and the call, whose confidence is an
/// index into the distinct confidences met (the stage gives them to three decimals: 42 distinct
/// values that night); with the confidence as a `Double` beside the keys an entry was 24 bytes,
/// about 12 MB held through the night's end. Only calls the tables can ask for are kept: the corpus
/// adds them once its documents, entities and tickers are known (`ReportCorpus.readCompanyTone`).
struct ReportCompanyTones {
    /// A company: an entity (by its slot in `ReportCorpus.entities`) or a ticker (by its slot in
    /// `ReportCorpus.tickers`).
    enum Company: Equatable {
        case entity(Int32)
        case ticker(Int32)

        /// The slot, with the high bit set for a ticker.
        var bits: UInt32 {
            switch self {
            case let .entity(slot): return UInt32(bitPattern: slot) & 0x7FFF_FFFF
            case let .ticker(slot): return UInt32(bitPattern: slot) | 0x8000_0000
            }
        }
    }

    private struct Entry {
        var document: UInt32
        var company: UInt32
        /// The tone in the top two bits, the confidence's index in `confidences` below them.
        var call: UInt32

        func precedes(_ other: Entry) -> Bool {
            document != other.document ? document < other.document : company < other.company
        }
    }

    private var entries: [Entry] = []
    /// The distinct confidences, each once (by its bits), in order of first use.
    private var confidences: [Double] = []
    private var confidenceIndex: [UInt64: UInt32] = [:]
    private var sealed = true

    var count: Int { entries.count }

    private static let tones: [Tone] = [.bullish, .bearish, .neutral]
    private static let indexBits: UInt32 = 0x3FFF_FFFF

    /// Adds a call; of calls on the same document and company the first added is kept.
    mutating func add(document: Int32, company: Company, _ call: ReportCompanyTone) {
        let bits = call.confidence.bitPattern
        let index: UInt32
        if let known = confidenceIndex[bits] {
            index = known
        } else {
            precondition(confidences.count < Int(Self.indexBits), "ReportCompanyTones: too many distinct confidences")
            index = UInt32(confidences.count)
            confidenceIndex[bits] = index
            confidences.append(call.confidence)
        }
        let tone = UInt32(Self.tones.firstIndex(of: call.tone)!)
        entries.append(Entry(document: UInt32(bitPattern: document), company: company.bits, call: tone << 30 | index))
        sealed = false
    }

    /// Sorts the calls by key and drops repeats (the sort is stable, so the first added of
    /// each key stays), in storage of their exact size. `call` needs it after adding.
    mutating func seal() {
        guard !sealed else { return }
        sealed = true
        entries.sort { $0.precedes($1) }
        var kept = 0
        for index in entries.indices where kept == 0 || entries[kept - 1].precedes(entries[index]) {
            entries[kept] = entries[index]
            kept += 1
        }
        entries.removeLast(entries.count - kept)
        ReportCorpus.fit(&entries)
    }

    /// The call on a document's tone towards a company, when the entities stage made one.
    func call(document: Int32, company: Company) -> ReportCompanyTone? {
        precondition(sealed, "ReportCompanyTones: seal() before looking calls up")
        let wanted = Entry(document: UInt32(bitPattern: document), company: company.bits, call: 0)
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].precedes(wanted) { low = middle + 1 } else { high = middle }
        }
        guard low < entries.count, entries[low].document == wanted.document, entries[low].company == wanted.company else { return nil }
        let call = entries[low].call
        return ReportCompanyTone(tone: Self.tones[Int(call >> 30)], confidence: confidences[Int(call & Self.indexBits)])
    }
}
