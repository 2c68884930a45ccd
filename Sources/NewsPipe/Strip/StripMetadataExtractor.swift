import Foundation

/// Page metadata with the source of each field: JSON-LD, Open Graph and other `<meta>` tags,
/// `<link rel=canonical>`, `<title>`, `<h1>`, `<time>` and `<html lang>`.
struct StripMetadata {
    var title: String?
    var siteName: String?
    var canonical: String?
    var authors: [String] = []
    var published: String?
    var modified: String?
    var language: String?
    var description: String?
    var ogType: String?
    var titleTag: String?
    var firstHeading: String?
    var provenance: [String: String] = [:]
}

struct StripMetadataExtractor {
    let tree: StripTree
    let document: StripHTMLDocument

    func extract() -> StripMetadata {
        var meta = StripMetadata()
        var tags: [String: String] = [:]
        var metaAuthors: [String] = []
        var htmlLang: String?
        var timeDate: String?
        var i = 0
        while i < tree.count {
            let tag = tree.tag[i]
            switch tag {
            case .html:
                if let node = tree.node[i], let lang = document.attribute(node, "lang")
                    ?? document.attribute(node, "xml:lang") {
                    htmlLang = lang
                }
            case .meta:
                guard let node = tree.node[i] else { break }
                guard let content = document.attribute(node, "content")?.stripTrimmed(),
                      !content.isEmpty else { break }
                // One tag can name several keys (property, name and a list of itemprops).
                var keys: [String] = []
                for attribute in ["property", "name", "http-equiv"] {
                    if let key = document.attribute(node, attribute) { keys.append(key.lowercased()) }
                }
                if let itemprop = document.attribute(node, "itemprop") {
                    keys += itemprop.lowercased().split(separator: " ").map(String.init)
                }
                for key in keys {
                    if key == "author" || key == "article:author" || key == "dc.creator"
                        || key == "citation_author" || key == "byl" || key == "parsely-author" {
                        metaAuthors.append(content)
                    }
                    if tags[key] == nil { tags[key] = content }
                }
            case .link:
                guard let node = tree.node[i], meta.canonical == nil,
                      let rel = document.attribute(node, "rel")?.lowercased(),
                      rel.split(separator: " ").contains("canonical"),
                      let href = document.attribute(node, "href"), !href.isEmpty else { break }
                meta.canonical = href.stripTrimmed()
                meta.provenance["canonical"] = "link-canonical"
            case .title:
                if meta.titleTag == nil {
                    let text = tree.plainText(i)
                    if !text.isEmpty { meta.titleTag = text }
                }
            case .h1:
                if meta.firstHeading == nil {
                    let text = tree.plainText(i)
                    if !text.isEmpty { meta.firstHeading = text }
                }
            case .time:
                if timeDate == nil, let node = tree.node[i] {
                    let raw = document.attribute(node, "datetime") ?? tree.plainText(i)
                    timeDate = StripDateParser.iso(raw)
                }
            default:
                break
            }
            i += 1
        }
        let ld = StripJSONLD.parse(tree.jsonLD)

        // Title: Open Graph, then JSON-LD headline, then the page's h1, then <title>.
        if let og = tags["og:title"] ?? tags["twitter:title"] {
            meta.title = og
            meta.provenance["title"] = tags["og:title"] != nil ? "og:title" : "twitter:title"
        } else if let headline = ld.headline {
            meta.title = headline
            meta.provenance["title"] = "json-ld"
        } else if let h1 = meta.firstHeading {
            meta.title = h1
            meta.provenance["title"] = "h1"
        } else if let titleTag = meta.titleTag {
            meta.title = titleTag
            meta.provenance["title"] = "title-tag"
        }
        meta.siteName = [tags["og:site_name"], ld.publisher, tags["application-name"]]
            .compactMap { $0 }.first { !$0.lowercased().hasPrefix("http") }
        if meta.siteName != nil {
            meta.provenance["siteName"] = meta.siteName == tags["og:site_name"] ? "og:site_name"
                : (meta.siteName == ld.publisher ? "json-ld" : "meta:application-name")
        }
        if let title = meta.title {
            meta.title = stripSiteSuffix(title, siteName: meta.siteName)
        }
        if meta.canonical == nil, let ogURL = tags["og:url"] {
            meta.canonical = ogURL
            meta.provenance["canonical"] = "og:url"
        }
        // Authors.
        if !ld.authors.isEmpty {
            meta.authors = ld.authors
            meta.provenance["authors"] = "json-ld"
        } else {
            let people = metaAuthors.filter { !$0.lowercased().hasPrefix("http") && $0.count < 100 }
            if !people.isEmpty {
                meta.authors = stripUnique(people.flatMap(stripSplitAuthors))
                meta.provenance["authors"] = "meta:author"
            }
        }
        // Dates.
        let genericDateKeys = ["og:published_time", "publishdate", "pubdate", "date", "dc.date",
                               "dc.date.issued", "parsely-pub-date", "sailthru.date",
                               "publish-date", "sn-post-date", "dc.date.created", "datecreated"]
        let genericDate = genericDateKeys.lazy.compactMap { tags[$0] }.first
        let publishedSources: [(String?, String)] = [
            (ld.published, "json-ld"),
            (tags["article:published_time"] ?? tags["article:published"], "article:published_time"),
            (tags["datepublished"], "meta:datePublished"),
            (genericDate, "meta:date"),
            (timeDate, "time"),
        ]
        for (raw, source) in publishedSources {
            if let raw, let iso = StripDateParser.iso(raw) {
                meta.published = iso
                meta.provenance["published"] = source
                break
            }
        }
        let modifiedSources: [(String?, String)] = [
            (ld.modified, "json-ld"),
            (tags["article:modified_time"] ?? tags["article:modified"], "article:modified_time"),
            (tags["og:updated_time"], "og:updated_time"),
            (tags["datemodified"] ?? tags["last-modified"], "meta:dateModified"),
        ]
        for (raw, source) in modifiedSources {
            if let raw, let iso = StripDateParser.iso(raw) {
                meta.modified = iso
                meta.provenance["modified"] = source
                break
            }
        }
        // Language.
        if let lang = htmlLang.flatMap(stripPrimaryLanguage) {
            meta.language = lang
            meta.provenance["language"] = "html-lang"
        } else if let lang = (tags["content-language"] ?? tags["language"] ?? tags["dc.language"]
                              ?? tags["og:locale"] ?? ld.language).flatMap(stripPrimaryLanguage) {
            meta.language = lang
            meta.provenance["language"] = "meta"
        }
        if let description = tags["og:description"] ?? tags["description"] ?? ld.description {
            meta.description = description
            meta.provenance["description"] = tags["og:description"] != nil ? "og:description"
                : (tags["description"] != nil ? "meta:description" : "json-ld")
        }
        meta.ogType = tags["og:type"]?.lowercased()
        return meta
    }
}

/// `en-US` -> `en`; nil for values that are not language tags.
func stripPrimaryLanguage(_ raw: String) -> String? {
    let primary = raw.stripTrimmed().lowercased()
        .split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "," || $0 == ";" }).first
    guard let primary, primary.count >= 2, primary.count <= 3,
          primary.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
    return String(primary)
}

/// Drops " | Site", " - Site", " — Site" from a headline when the tail is the site's name or
/// much shorter than the head.
func stripSiteSuffix(_ title: String, siteName: String?) -> String {
    let separators = [" | ", " - ", " — ", " – ", " :: ", " · ", " » "]
    var best = title
    for separator in separators {
        guard let range = title.range(of: separator, options: .backwards) else { continue }
        let head = String(title[..<range.lowerBound]).stripTrimmed()
        let tail = String(title[range.upperBound...]).stripTrimmed()
        guard !head.isEmpty else { continue }
        let tailKey = stripComparisonKey(tail)
        if let siteName, !tailKey.isEmpty,
           stripComparisonKey(siteName).contains(tailKey) || tailKey.contains(stripComparisonKey(siteName)) {
            return head
        }
        if stripWordCount(tail) <= 4 && stripWordCount(head) >= 4 && head.count < best.count {
            best = head
        }
    }
    return best
}

func stripSplitAuthors(_ raw: String) -> [String] {
    var value = raw
    if value.lowercased().hasPrefix("by ") { value = String(value.dropFirst(3)) }
    return value.components(separatedBy: CharacterSet(charactersIn: ",;&"))
        .flatMap { $0.components(separatedBy: " and ") }
        .map { $0.stripTrimmed() }
        .filter { !$0.isEmpty }
}

func stripUnique(_ values: [String]) -> [String] {
    var seen = Set<String>()
    return values.filter { seen.insert($0.lowercased()).inserted }
}
