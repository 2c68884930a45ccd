import Foundation
import NewsRecords

/// What "what changed" needs of the previous report (`ReportSnapshot`), kept through the run:
/// its entity ids and which of them are not ticker symbols, its tickers, when it finished.
///
/// The snapshot lists every named entity of its night with its name and counts (272,000 at
/// 100,000 pages, about 40 MB as structs of strings, held from the start of the run to the
/// overview); only the ids are needed, so only they are kept, as bytes (`ReportKeyTable`): as a
/// `[String: Bool]` they were about 20 MB more on a second 100,000-page night. Ids compare
/// byte-wise, as tonight's entity ids do (`ReportCorpus.entityIds`).
struct ReportPreviousNight {
    var finishedAt: String?
    var documents: Int
    var tickers: [ReportSnapshot.Ticker]
    /// Each distinct entity id.
    private var ids = ReportKeyTable()
    /// Whether the snapshot gives the id in each slot of `ids` a type other than a ticker's (at
    /// least once).
    private var nonTicker: [Bool] = []

    init(_ snapshot: ReportSnapshot) {
        self.init(finishedAt: snapshot.finishedAt, documents: snapshot.documents, tickers: snapshot.tickers)
        for entity in snapshot.entities { add(entity) }
        ids.fit()
    }

    private init(finishedAt: String?, documents: Int, tickers: [ReportSnapshot.Ticker]) {
        self.finishedAt = finishedAt
        self.documents = documents
        self.tickers = tickers
    }

    /// What a previous report folder's snapshot says (read an entity at a time, only the ids
    /// kept), or failing that its CSV tables (`ReportSnapshot.loadCSV`); nil when neither is readable.
    static func load(from folder: URL) -> ReportPreviousNight? {
        var read = ReportPreviousNight(finishedAt: nil, documents: 0, tickers: [])
        if let rest = ReportSnapshot.stream(from: folder, entity: { read.add($0) }) {
            read.finishedAt = rest.finishedAt
            read.documents = rest.documents
            read.tickers = rest.tickers
            read.ids.fit()
            return read
        }
        return ReportSnapshot.loadCSV(from: folder).map(ReportPreviousNight.init)
    }

    private mutating func add(_ entity: ReportSnapshot.Entity) {
        let (slot, inserted) = ids.insert(entity.id)
        if inserted { nonTicker.append(false) }
        if entity.type != EntityType.ticker.rawValue { nonTicker[Int(slot)] = true }
    }

    /// Whether the previous report had an entity with this id.
    func contains(_ id: String) -> Bool { ids.slot(of: id) != nil }

    /// The distinct ids the previous report gave a type other than a ticker's, in the order the
    /// snapshot first lists them.
    var nonTickerIds: some Sequence<String> { nonTicker.indices.lazy.filter { nonTicker[$0] }.map { ids[$0] } }
}
