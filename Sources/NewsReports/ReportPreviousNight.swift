import Foundation
import NewsRecords

/// What "what changed" needs of the previous report (`ReportSnapshot`): which entity ids it
/// listed and which of them are not ticker symbols, its tickers, when it finished.
///
/// The snapshot lists every named entity of its night with its name and counts (272,000 at
/// 100,000 pages, about 40 MB as structs of strings); only the ids are needed. Read against
/// tonight's entity ids (`load(from:against:)`, when the overview is made), an id tonight also
/// has is kept as a flag at tonight's slot, and only the others as bytes (`ReportKeyTable`): all
/// of them as bytes were 8 MB on a second 100,000-page night, held from the start of the run to
/// the overview, when most are tonight's too. Ids compare byte-wise, as tonight's do.
struct ReportPreviousNight {
    var finishedAt: String?
    var documents: Int
    var tickers: [ReportSnapshot.Ticker]
    /// Tonight's entity ids (empty when read on its own).
    private let tonight: ReportKeyTable
    /// By tonight's slot: whether the previous report listed the id, and gave it a type other
    /// than a ticker's (at least once).
    private var listedTonight: [Bool]
    private var nonTickerTonight: [Bool]
    /// The distinct ids tonight does not have, and whether each was given a type other than a
    /// ticker's (at least once).
    private var others = ReportKeyTable()
    private var nonTickerOthers: [Bool] = []

    init(_ snapshot: ReportSnapshot, against tonight: ReportKeyTable = ReportKeyTable()) {
        self.init(finishedAt: snapshot.finishedAt, documents: snapshot.documents, tickers: snapshot.tickers, tonight: tonight)
        for entity in snapshot.entities { add(entity) }
        others.fit()
    }

    private init(finishedAt: String?, documents: Int, tickers: [ReportSnapshot.Ticker], tonight: ReportKeyTable) {
        self.finishedAt = finishedAt
        self.documents = documents
        self.tickers = tickers
        self.tonight = tonight
        listedTonight = Array(repeating: false, count: tonight.count)
        nonTickerTonight = Array(repeating: false, count: tonight.count)
    }

    /// What a previous report folder's snapshot says (read an entity at a time, only the ids
    /// kept), or failing that its CSV tables (`ReportSnapshot.loadCSV`); nil when neither is
    /// readable. `tonight`: tonight's entity ids, read against (the folder may be the one being
    /// rebuilt: the builder reads it before it replaces any report file).
    static func load(from folder: URL, against tonight: ReportKeyTable = ReportKeyTable()) -> ReportPreviousNight? {
        var read = ReportPreviousNight(finishedAt: nil, documents: 0, tickers: [], tonight: tonight)
        if let rest = ReportSnapshot.stream(from: folder, entity: { read.add($0) }) {
            read.finishedAt = rest.finishedAt
            read.documents = rest.documents
            read.tickers = rest.tickers
            read.others.fit()
            return read
        }
        return ReportSnapshot.loadCSV(from: folder).map { ReportPreviousNight($0, against: tonight) }
    }

    private mutating func add(_ entity: ReportSnapshot.Entity) {
        let nonTicker = entity.type != EntityType.ticker.rawValue
        if let slot = tonight.slot(of: entity.id) {
            listedTonight[Int(slot)] = true
            if nonTicker { nonTickerTonight[Int(slot)] = true }
            return
        }
        let (slot, inserted) = others.insert(entity.id)
        if inserted { nonTickerOthers.append(false) }
        if nonTicker { nonTickerOthers[Int(slot)] = true }
    }

    /// Whether the previous report had an entity with this id.
    func contains(_ id: String) -> Bool {
        if let slot = tonight.slot(of: id) { return listedTonight[Int(slot)] }
        return others.slot(of: id) != nil
    }

    /// The distinct ids the previous report gave a type other than a ticker's: those tonight
    /// also has, by tonight's slot, then the others in the order the snapshot first lists them.
    var nonTickerIds: some Sequence<String> {
        let tonight = self.tonight, others = self.others
        let flaggedTonight = nonTickerTonight.indices.lazy.filter { self.nonTickerTonight[$0] }.map { tonight[$0] }
        let flaggedOthers = nonTickerOthers.indices.lazy.filter { self.nonTickerOthers[$0] }.map { others[$0] }
        return [AnySequence(flaggedTonight), AnySequence(flaggedOthers)].joined()
    }
}
