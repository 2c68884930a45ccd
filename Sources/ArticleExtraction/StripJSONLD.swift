import Foundation

/// The fields of the first article-like JSON-LD object on the page.
struct StripJSONLD {
    var headline: String?
    var authors: [String] = []
    var published: String?
    var modified: String?
    var publisher: String?
    var language: String?
    var description: String?

    static func parse(_ blocks: [String]) -> StripJSONLD {
        var result = StripJSONLD()
        var objects: [[String: Any]] = []
        for block in blocks {
            guard let data = block.data(using: .utf8),
                  let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            else { continue }
            var queue: [Any] = [json]
            var visited = 0
            while let item = queue.popLast(), visited < 200 {
                visited += 1
                if let array = item as? [Any] {
                    queue.append(contentsOf: array.reversed())
                } else if let object = item as? [String: Any] {
                    objects.append(object)
                    if let graph = object["@graph"] { queue.append(graph) }
                    if let entity = object["mainEntity"] as? [String: Any] { queue.append(entity) }
                }
            }
        }
        let articleTypes = ["article", "newsarticle", "blogposting", "reportagenewsarticle",
                            "analysisnewsarticle", "opinionnewsarticle", "report", "scholarlyarticle",
                            "techarticle", "backgroundnewsarticle", "liveblogposting", "posting"]
        func types(_ object: [String: Any]) -> [String] {
            if let t = object["@type"] as? String { return [t.lowercased()] }
            if let t = object["@type"] as? [String] { return t.map { $0.lowercased() } }
            return []
        }
        let article = objects.first { types($0).contains(where: articleTypes.contains) }
            ?? objects.first { types($0).contains("webpage") && $0["headline"] != nil }
        guard let article else { return result }
        result.headline = (article["headline"] as? String) ?? (article["name"] as? String)
        result.published = article["datePublished"] as? String ?? article["dateCreated"] as? String
        result.modified = article["dateModified"] as? String
        result.description = article["description"] as? String
        result.language = article["inLanguage"] as? String
        if let publisher = article["publisher"] as? [String: Any] {
            result.publisher = publisher["name"] as? String
        }
        var authors: [String] = []
        var authorQueue: [Any] = []
        if let author = article["author"] { authorQueue.append(author) }
        if let creator = article["creator"] { authorQueue.append(creator) }
        while let item = authorQueue.popLast(), authors.count < 20 {
            if let name = item as? String {
                authors.append(contentsOf: stripSplitAuthors(name))
            } else if let object = item as? [String: Any], let name = object["name"] {
                authorQueue.append(name)
            } else if let array = item as? [Any] {
                authorQueue.append(contentsOf: array.reversed())
            }
        }
        result.authors = stripUnique(authors.filter { !$0.lowercased().hasPrefix("http") })
        return result
    }
}
