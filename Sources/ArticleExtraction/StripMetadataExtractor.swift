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

    /// What one walk over the page collects before the fields are chosen.
    private struct PageTags {
        /// `<meta>` values by lowercased key (property, name, http-equiv, itemprop); first wins.
        var meta: [String: String] = [:]
        var metaAuthors: [String] = []
        var htmlLang: String?
        var timeDate: String?
        var canonical: String?
        var titleTag: String?
        var firstHeading: String?
    }

    /// Meta keys that name an author.
    private static let authorKeys: Set<String> = ["author", "article:author", "dc.creator", "citation_author", "byl", "parsely-author"]
    /// Meta keys that carry a publication date without saying which kind.
    private static let genericDateKeys = ["og:published_time", "publishdate", "pubdate", "date", "dc.date",
                                          "dc.date.issued", "parsely-pub-date", "sailthru.date",
                                          "publish-date", "sn-post-date", "dc.date.created", "datecreated"]

    func extract() -> StripMetadata {
        let tags = collectTags()
        let ld = StripJSONLD.parse(tree.jsonLD)
        var meta = StripMetadata()
        meta.titleTag = tags.titleTag
        meta.firstHeading = tags.firstHeading
        if let canonical = tags.canonical {
            meta.canonical = canonical
            meta.provenance["canonical"] = "link-canonical"
        }
        chooseTitleAndSite(tags, ld, &meta)
        if meta.canonical == nil, let ogURL = tags.meta["og:url"] {
            meta.canonical = ogURL
            meta.provenance["canonical"] = "og:url"
        }
        chooseAuthors(tags, ld, &meta)
        chooseDates(tags, ld, &meta)
        chooseLanguageAndDescription(tags, ld, &meta)
        meta.ogType = tags.meta["og:type"]?.lowercased()
        return meta
    }

    /// One pass over the page: `<html lang>`, `<meta>`, `<link rel=canonical>`, `<title>`, the
    /// first `<h1>` and the first `<time>`.
    private func collectTags() -> PageTags {
        var tags = PageTags()
        for i in 0 ..< tree.count {
            switch tree.tag[i] {
            case .html:
                if let lang = tree.attribute(i, "lang") ?? tree.attribute(i, "xml:lang") { tags.htmlLang = lang }
            case .meta:
                collectMeta(i, into: &tags)
            case .link:
                guard tags.canonical == nil, let rel = tree.attribute(i, "rel")?.lowercased(),
                      rel.split(separator: " ").contains("canonical"),
                      let href = tree.attribute(i, "href"), !href.isEmpty else { break }
                tags.canonical = href.stripTrimmed()
            case .title:
                if tags.titleTag == nil {
                    let text = tree.plainText(i)
                    if !text.isEmpty { tags.titleTag = text }
                }
            case .h1:
                if tags.firstHeading == nil {
                    let text = tree.plainText(i)
                    if !text.isEmpty { tags.firstHeading = text }
                }
            case .time:
                if tags.timeDate == nil {
                    tags.timeDate = StripDateParser.iso(tree.attribute(i, "datetime") ?? tree.plainText(i))
                }
            default:
                break
            }
        }
        return tags
    }

    /// One `<meta>` tag: it can name several keys (property, name and a list of itemprops).
    private func collectMeta(_ i: Int, into tags: inout PageTags) {
        guard let content = tree.attribute(i, "content")?.stripTrimmed(), !content.isEmpty else { return }
        var keys: [String] = []
        for attribute in ["property", "name", "http-equiv"] {
            if let key = tree.attribute(i, attribute) { keys.append(key.lowercased()) }
        }
        if let itemprop = tree.attribute(i, "itemprop") {
            keys += itemprop.lowercased().split(separator: " ").map(String.init)
        }
        for key in keys {
            if Self.authorKeys.contains(key) { tags.metaAuthors.append(content) }
            if tags.meta[key] == nil { tags.meta[key] = content }
        }
    }

    /// Title: Open Graph, then JSON-LD headline, then the page's h1, then `<title>`; the site
    /// name from og:site_name, the JSON-LD publisher or application-name, and cut off the title.
    private func chooseTitleAndSite(_ tags: PageTags, _ ld: StripJSONLD, _ meta: inout StripMetadata) {
        if let og = tags.meta["og:title"] ?? tags.meta["twitter:title"] {
            meta.title = og
            meta.provenance["title"] = tags.meta["og:title"] != nil ? "og:title" : "twitter:title"
        } else if let headline = ld.headline {
            meta.title = headline
            meta.provenance["title"] = "json-ld"
        } else if let h1 = tags.firstHeading {
            meta.title = h1
            meta.provenance["title"] = "h1"
        } else if let titleTag = tags.titleTag {
            meta.title = titleTag
            meta.provenance["title"] = "title-tag"
        }
        meta.siteName = [tags.meta["og:site_name"], ld.publisher, tags.meta["application-name"]]
            .compactMap { $0 }.first { !$0.lowercased().hasPrefix("http") }
        if meta.siteName != nil {
            meta.provenance["siteName"] = meta.siteName == tags.meta["og:site_name"] ? "og:site_name"
                : (meta.siteName == ld.publisher ? "json-ld" : "meta:application-name")
        }
        if let title = meta.title {
            meta.title = stripSiteSuffix(title, siteName: meta.siteName)
        }
    }

    /// Authors from JSON-LD, else from author meta tags (URLs and overlong values left out).
    private func chooseAuthors(_ tags: PageTags, _ ld: StripJSONLD, _ meta: inout StripMetadata) {
        if !ld.authors.isEmpty {
            meta.authors = ld.authors
            meta.provenance["authors"] = "json-ld"
            return
        }
        let people = tags.metaAuthors.filter { !$0.lowercased().hasPrefix("http") && $0.count < StripThresholds.maxMetaAuthorLength }
        if !people.isEmpty {
            meta.authors = stripUnique(people.flatMap(stripSplitAuthors))
            meta.provenance["authors"] = "meta:author"
        }
    }

    /// Published and modified dates: the first source in order of trust that parses.
    private func chooseDates(_ tags: PageTags, _ ld: StripJSONLD, _ meta: inout StripMetadata) {
        let genericDate = Self.genericDateKeys.lazy.compactMap { tags.meta[$0] }.first
        let publishedSources: [(String?, String)] = [
            (ld.published, "json-ld"),
            (tags.meta["article:published_time"] ?? tags.meta["article:published"], "article:published_time"),
            (tags.meta["datepublished"], "meta:datePublished"),
            (genericDate, "meta:date"),
            (tags.timeDate, "time"),
        ]
        if let (iso, source) = Self.firstDate(publishedSources) {
            meta.published = iso
            meta.provenance["published"] = source
        }
        let modifiedSources: [(String?, String)] = [
            (ld.modified, "json-ld"),
            (tags.meta["article:modified_time"] ?? tags.meta["article:modified"], "article:modified_time"),
            (tags.meta["og:updated_time"], "og:updated_time"),
            (tags.meta["datemodified"] ?? tags.meta["last-modified"], "meta:dateModified"),
        ]
        if let (iso, source) = Self.firstDate(modifiedSources) {
            meta.modified = iso
            meta.provenance["modified"] = source
        }
    }

    private static func firstDate(_ sources: [(String?, String)]) -> (String, String)? {
        for (raw, source) in sources {
            if let raw, let iso = StripDateParser.iso(raw) { return (iso, source) }
        }
        return nil
    }

    private func chooseLanguageAndDescription(_ tags: PageTags, _ ld: StripJSONLD, _ meta: inout StripMetadata) {
        if let lang = tags.htmlLang.flatMap(stripPrimaryLanguage) {
            meta.language = lang
            meta.provenance["language"] = "html-lang"
        } else if let lang = (tags.meta["content-language"] ?? tags.meta["language"] ?? tags.meta["dc.language"]
                              ?? tags.meta["og:locale"] ?? ld.language).flatMap(stripPrimaryLanguage) {
            meta.language = lang
            meta.provenance["language"] = "meta"
        }
        if let description = tags.meta["og:description"] ?? tags.meta["description"] ?? ld.description {
            meta.description = description
            meta.provenance["description"] = tags.meta["og:description"] != nil ? "og:description"
                : (tags.meta["description"] != nil ? "meta:description" : "json-ld")
        }
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
