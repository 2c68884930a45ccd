import Foundation
import NewsIO

/// Names of companies, and owners of brands, at the date of a story (`Resources/entities/history.tsv`).
///
/// The canonical entity of a mention stays today's (its ticker is today's listing); the name an
/// analyst of that time knew it by comes from here: Google before 2015-10-02 is "Google" (today
/// Alphabet), Red Hat before 2019-07-09 is "Red Hat" (today IBM), Twitter in 2019 is "Twitter"
/// (today SpaceX).
struct EntityHistory: Sendable {
    struct Period: Sendable, Equatable {
        /// The name was in force before this day (ISO `yyyy-mm-dd`, compared as text).
        var until: String
        var name: String
    }

    /// Rows of a brand as written ("Twitter"), earliest first.
    let byBrand: [String: [Period]]
    /// Rows of an entity id (`org:alphabet`), earliest first.
    let byEntity: [String: [Period]]

    static let empty = EntityHistory(byBrand: [:], byEntity: [:])

    static func loadDefault() throws -> EntityHistory { try cachedDefault.get() }

    private static let cachedDefault: Result<EntityHistory, FileError> = {
        do {
            let r = try EntityKnowledgeBase.resource("history", "tsv")
            return .success(try parse(r.text, path: r.path))
        } catch let error as FileError {
            return .failure(error)
        } catch {
            return .failure(.io(path: "Resources/entities/history.tsv", reason: error.localizedDescription))
        }
    }()

    /// `key<TAB>until<TAB>name[<TAB>source]`, `#` comments; `key` is an entity id (with a colon) or a brand.
    static func parse(_ text: String, path: String) throws -> EntityHistory {
        var brands: [String: [Period]] = [:], entities: [String: [Period]] = [:]
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 3, !f[0].isEmpty, !f[2].isEmpty, EntityDay(iso: f[1]) != nil else {
                throw FileError.io(path: path, reason: "line \(n + 1): expected key, until (yyyy-mm-dd) and name separated by tabs")
            }
            let period = Period(until: f[1], name: f[2])
            if f[0].hasPrefix("org:") || f[0].hasPrefix("misc:") { entities[f[0], default: []].append(period) }
            else { brands[f[0], default: []].append(period) }
        }
        func sorted(_ m: [String: [Period]]) -> [String: [Period]] { m.mapValues { $0.sorted { $0.until < $1.until } } }
        return EntityHistory(byBrand: sorted(brands), byEntity: sorted(entities))
    }

    /// The name in force on `day` (ISO date) for a mention written `surface` of entity `entityId`,
    /// or nil when it is today's name or nothing is known.
    func name(surface: String, entityId: String, canonical: String, on day: String) -> String? {
        let date = String(day.prefix(10))
        let found = byBrand[surface]?.first(where: { date < $0.until })?.name
            ?? byEntity[entityId]?.first(where: { date < $0.until })?.name
        guard let name = found, name != canonical else { return nil }
        return name
    }

    var isEmpty: Bool { byBrand.isEmpty && byEntity.isEmpty }
}
