import NewsRecords

/// What "what changed" needs of the previous report (`ReportSnapshot`), kept through the run:
/// its entity ids and which of them are not ticker symbols, its tickers, when it finished.
///
/// The snapshot lists every named entity of its night with its name and counts (272,000 at
/// 100,000 pages, about 40 MB as structs of strings, held from the start of the run to the
/// overview); only the ids are needed, so only they are kept.
struct ReportPreviousNight {
    var finishedAt: String?
    var documents: Int
    var tickers: [ReportSnapshot.Ticker]
    /// Each distinct entity id, and whether the snapshot gives it a type other than a ticker's
    /// (at least once). Ids compare as `String`s do, as the sets of ids compared before.
    private let ids: [String: Bool]

    init(_ snapshot: ReportSnapshot) {
        finishedAt = snapshot.finishedAt
        documents = snapshot.documents
        tickers = snapshot.tickers
        var ids: [String: Bool] = [:]
        ids.reserveCapacity(snapshot.entities.count)
        for entity in snapshot.entities {
            let nonTicker = entity.type != EntityType.ticker.rawValue
            ids[entity.id] = (ids[entity.id] ?? false) || nonTicker
        }
        self.ids = ids
    }

    /// Whether the previous report had an entity with this id.
    func contains(_ id: String) -> Bool { ids[id] != nil }

    /// The distinct ids the previous report gave a type other than a ticker's.
    var nonTickerIds: some Sequence<String> { ids.lazy.filter(\.value).map(\.key) }
}
