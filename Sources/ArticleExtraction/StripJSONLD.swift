import Foundation

/// The fields of the first article-like JSON-LD object on the page.
///
/// Pages' JSON-LD is often not quite JSON: raw newlines and tabs inside strings, `<!-- -->` or
/// `//<![CDATA[` wrappers, trailing commas. Each block is parsed as given and, failing that,
/// once more repaired. Objects are gathered from arrays, `@graph` and `mainEntity`; authors given
/// as `{"@id": …}` are looked up among the page's other objects.
struct StripJSONLD {
    var headline: String?
    var authors: [String] = []
    var published: String?
    var modified: String?
    var publisher: String?
    var language: String?
    var description: String?
    /// An object of an article type was found.
    var isArticle = false

    static let articleTypes: Set<String> = [
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "report", "scholarlyarticle", "techarticle", "backgroundnewsarticle",
        "liveblogposting", "posting", "socialmediaposting", "reviewnewsarticle", "askpublicnewsarticle",
        "satiricalarticle", "claimreview", "review", "medicalscholarlyarticle",
    ]

    static func parse(_ blocks: [String]) -> StripJSONLD {
        var result = StripJSONLD()
        var objects: [[String: Any]] = []
        var byID: [String: [String: Any]] = [:]
        for block in blocks {
            guard let json = decode(block) else { continue }
            var queue: [Any] = [json]
            var visited = 0
            while let item = queue.popLast(), visited < 400 {
                visited += 1
                if let array = item as? [Any] {
                    queue.append(contentsOf: array.reversed())
                } else if let object = item as? [String: Any] {
                    objects.append(object)
                    if let id = object["@id"] as? String, byID[id] == nil || object.count > 1 { byID[id] = object }
                    if let graph = object["@graph"] { queue.append(graph) }
                    if let entity = object["mainEntity"] as? [String: Any] { queue.append(entity) }
                    if let entity = object["mainEntityOfPage"] as? [String: Any], entity["headline"] != nil { queue.append(entity) }
                }
            }
        }
        func types(_ object: [String: Any]) -> [String] {
            if let t = object["@type"] as? String { return [t.lowercased()] }
            if let t = object["@type"] as? [Any] { return t.compactMap { ($0 as? String)?.lowercased() } }
            return []
        }
        let typed = objects.first { types($0).contains(where: articleTypes.contains) }
        result.isArticle = typed != nil
        let article = typed
            ?? objects.first { types($0).contains("webpage") && $0["headline"] != nil }
            ?? objects.first { $0["datePublished"] != nil && $0["headline"] != nil }
        let dated = article ?? objects.first { $0["datePublished"] != nil }
        result.published = (dated?["datePublished"] as? String) ?? (dated?["dateCreated"] as? String)
        result.modified = dated?["dateModified"] as? String
        guard let article else { return result }
        result.headline = text(article["headline"]) ?? text(article["name"])
        result.description = text(article["description"])
        result.language = article["inLanguage"] as? String
        if var publisher = article["publisher"] as? [String: Any] {
            if publisher["name"] == nil, let id = publisher["@id"] as? String, let full = byID[id] { publisher = full }
            result.publisher = text(publisher["name"])
        } else if let publisher = article["publisher"] as? String {
            result.publisher = publisher
        }
        var authors: [String] = []
        var authorQueue: [Any] = []
        if let author = article["author"] { authorQueue.append(author) }
        if authorQueue.isEmpty, let creator = article["creator"] { authorQueue.append(creator) }
        var steps = 0
        while let item = authorQueue.popLast(), authors.count < 20, steps < 100 {
            steps += 1
            if let name = item as? String {
                authors.append(name)
            } else if let object = item as? [String: Any] {
                if let name = object["name"] {
                    // An organisation as author is the publisher, not a byline.
                    if types(object).contains("organization") || types(object).contains("newsmediaorganization") { continue }
                    authorQueue.append(name)
                } else if let id = object["@id"] as? String, let full = byID[id], full["name"] != nil {
                    authorQueue.append(full)
                }
            } else if let array = item as? [Any] {
                authorQueue.append(contentsOf: array.reversed())
            }
        }
        result.authors = authors
        return result
    }

    private static func text(_ value: Any?) -> String? {
        if let string = value as? String { return string }
        if let array = value as? [Any] { return array.first as? String }
        return nil
    }

    /// The block as JSON, repaired if it does not parse as given.
    static func decode(_ block: String) -> Any? {
        if let data = block.data(using: .utf8),
           let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
            return json
        }
        let repaired = repair(Array(block.utf8))
        return try? JSONSerialization.jsonObject(with: Data(repaired), options: [.fragmentsAllowed])
    }

    /// Drops comment and CDATA wrappers, turns raw control characters into spaces (inside strings
    /// JSON forbids them; outside they are whitespace anyway) and drops trailing commas.
    static func repair(_ bytes: [UInt8]) -> [UInt8] {
        var text = String(decoding: bytes, as: UTF8.self)
        for wrapper in ["<!--", "-->", "//<![CDATA[", "//]]>", "<![CDATA[", "]]>"] {
            text = text.replacingOccurrences(of: wrapper, with: " ")
        }
        let input = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var inString = false
        var escaped = false
        for byte in input {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                out.append(byte < 0x20 ? 0x20 : byte)
                continue
            }
            if byte == 0x22 { inString = true }
            if byte == 0x7D || byte == 0x5D {
                // A comma right before a closing brace or bracket.
                var k = out.count - 1
                while k >= 0 && (out[k] == 0x20 || out[k] == 0x0A || out[k] == 0x09 || out[k] == 0x0D) { k -= 1 }
                if k >= 0 && out[k] == 0x2C { out.remove(at: k) }
            }
            out.append(byte < 0x20 ? 0x20 : byte)
        }
        return out
    }
}
