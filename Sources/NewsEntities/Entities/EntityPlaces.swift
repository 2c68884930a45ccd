import Foundation
import NewsIO

/// Countries and US states with the variants news writes, so that "U.S.", "US", "United States"
/// and "America" are one entity (`loc:united-states`) across the corpus
/// (`Resources/entities/places.tsv`, built by `scripts/build-entity-places` from GeoNames).
struct EntityPlaces: Sendable {
    struct Place: Sendable, Equatable { var id: String; var name: String }
    /// `EntityNames.lookupKey` of every name and variant -> the place.
    let byKey: [String: Place]

    static let empty = EntityPlaces(byKey: [:])

    static func loadDefault() throws -> EntityPlaces { try cachedDefault.get() }

    private static let cachedDefault: Result<EntityPlaces, FileError> = {
        do {
            let r = try EntityKnowledgeBase.resource("places", "tsv")
            return .success(try parse(r.text, path: r.path))
        } catch let error as FileError {
            return .failure(error)
        } catch {
            return .failure(.io(path: "Resources/entities/places.tsv", reason: error.localizedDescription))
        }
    }()

    /// `id<TAB>name<TAB>variants` (|-separated), `#` comments. The first place to claim a key keeps it.
    static func parse(_ text: String, path: String) throws -> EntityPlaces {
        var map: [String: Place] = [:]
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 2, f[0].hasPrefix("loc:"), !f[1].isEmpty else {
                throw FileError.io(path: path, reason: "line \(n + 1): expected id (loc:…), name and variants separated by tabs")
            }
            let place = Place(id: f[0], name: f[1])
            let variants = f.count > 2 ? f[2].split(separator: "|").map(String.init) : []
            for name in [f[1]] + variants {
                let key = EntityNames.lookupKey(name)
                if !key.isEmpty && map[key] == nil { map[key] = place }
            }
        }
        return EntityPlaces(byKey: map)
    }

    func place(_ scalars: ArraySlice<Unicode.Scalar>) -> Place? {
        let key = EntityNames.lookupKey(scalars)
        return key.isEmpty ? nil : byKey[key]
    }

    var keys: Set<String> { Set(byKey.keys) }
}
