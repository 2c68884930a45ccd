/// Distinct sites per item (entity, ticker, ticker-day, pair) counted while documents are walked
/// grouped by site (`ReportCorpus.bySite`): an item's count goes up the first time one site's
/// documents name it, so only the last site that named each item is kept.
///
/// It replaced gathering a packed (item, site) key per document and item and sorting them: about
/// 4 million keys for the entities of a 100,000-page night, and as many again for the sites that
/// carried them, the largest moment of the night's end.
struct ReportSiteWalk {
    /// The last site (slot) that named each item, -1 for none yet.
    private var lastSite: [Int32]

    init(items: Int) { lastSite = Array(repeating: -1, count: items) }

    /// Whether this is the first time documents of `site` name `item` (false for no site, -1).
    /// Calls for one site must come together, before any of the next site's.
    mutating func first(_ item: Int, at site: Int32) -> Bool {
        guard site >= 0, lastSite[item] != site else { return false }
        lastSite[item] = site
        return true
    }
}
