import Foundation

/// Page metadata with the source of each field: JSON-LD, Open Graph and other `<meta>` tags,
/// `<link rel=canonical>`, `<title>`, `<h1>`, `<time>`, bylines, the URL and `<html lang>`.
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
    /// An article-typed JSON-LD object is on the page.
    var articleJSONLD = false
    /// The date in the URL's path, if any.
    var urlDate: StripURLDate?
    var provenance: [String: String] = [:]
}

/// Reads the metadata in two steps: `extract` from the whole page before the body is chosen,
/// `complete` with the chosen container (the headline nearest to it, a byline or `<time>` in it,
/// a dateline at its top) and the date sanity rules.
struct StripMetadataExtractor {
    let tree: StripTree
    let url: String?
    /// Day number of the fetch time: no publication date may come after it.
    let fetchDay: Int?
    private let tags: PageTags
    private let ld: StripJSONLD

    /// What one walk over the page collects before the fields are chosen.
    private struct PageTags {
        /// `<meta>` values by lowercased key (property, name, http-equiv, itemprop); first wins.
        var meta: [String: String] = [:]
        var metaAuthors: [String] = []
        var htmlLang: String?
        /// `<time>` elements and elements with `itemprop=datePublished`, in page order.
        var times: [(index: Int, iso: String, published: Bool)] = []
        var canonical: String?
        var titleTag: String?
        /// Every `<h1>` with text, in page order.
        var headings: [(index: Int, text: String)] = []
        /// Every `<h2>` with text, in page order (the headline on templates whose `<h1>` is the logo).
        var subheadings: [(index: Int, text: String)] = []
        /// Byline elements (`rel=author`, `itemprop=author`, `class=…byline…`/`author`), in page order.
        var bylines: [(index: Int, text: String)] = []
    }

    /// Meta keys that name an author.
    private static let authorKeys: Set<String> = [
        "author", "article:author", "dc.creator", "citation_author", "byl", "parsely-author", "sailthru.author",
        "dcterms.creator", "cxenseparse:author", "og:article:author",
    ]
    /// Meta keys that carry the publication date, in order of trust.
    private static let publishedKeys = [
        "article:published_time", "article:published", "og:article:published_time", "og:published_time",
        "datepublished", "article:publicationdate", "originalpublicationdate", "publication_date",
        "parsely-pub-date", "sailthru.date", "publishdate", "publish-date", "pubdate", "dcterms.issued",
        "dcterms.created", "dc.date.issued", "dc.date.created", "dc.date", "datecreated", "created",
        "creation_date", "article_date", "article_date_original", "doc_date", "sn-post-date", "date",
    ]
    /// A byline element's text is at most this long (characters).
    static let maxBylineLength = 120

    init(tree: StripTree, url: String?, fetchedAt: String?) {
        self.tree = tree
        self.url = url
        fetchDay = fetchedAt.flatMap { StripDates.dayNumber(iso: $0) }
        tags = Self.collectTags(tree)
        ld = StripJSONLD.parse(tree.jsonLD)
    }

    // MARK: - Before the body

    func extract() -> StripMetadata {
        var meta = StripMetadata()
        meta.titleTag = tags.titleTag
        meta.firstHeading = tags.headings.first?.text
        meta.articleJSONLD = ld.isArticle
        if let canonical = tags.canonical {
            meta.canonical = canonical
            meta.provenance["canonical"] = "link-canonical"
        } else if let ogURL = tags.meta["og:url"] {
            meta.canonical = ogURL
            meta.provenance["canonical"] = "og:url"
        }
        meta.urlDate = StripURLDate.find(in: url) ?? StripURLDate.find(in: meta.canonical)
        chooseSiteName(&meta)
        chooseTitle(&meta, nearHeading: nil)
        meta.authors = StripAuthorNames.clean(authorCandidates(), exclude: [meta.siteName, ld.publisher])
        if !meta.authors.isEmpty { meta.provenance["authors"] = authorSource }
        chooseLanguageAndDescription(&meta)
        meta.ogType = tags.meta["og:type"]?.lowercased()
        return meta
    }

    // MARK: - With the body

    /// Fields that depend on the article's container, then the dates with their sanity rules.
    func complete(_ meta: inout StripMetadata, selection: StripContentScorer.Selection,
                  raw: [StripTextAssembler.Paragraph]) {
        let container = selection.roots.first ?? selection.bestIndex
        // The headline nearest to the container, when the title came from a heading or <title>.
        if meta.provenance["title"] == "h1" || meta.provenance["title"] == "title-tag" || meta.title == nil,
           let heading = nearestHeading(to: container) {
            chooseTitle(&meta, nearHeading: heading)
        }
        if meta.authors.isEmpty {
            // A byline element in or just before the container, else a "By …" line at its top.
            var names: [String] = []
            let inside = container >= 0 ? tags.bylines.first(where: { tree.isInside($0.index, container) }) : nil
            if let byline = inside ?? tags.bylines.last(where: { $0.index < max(container, 0) }) {
                names = StripAuthorNames.clean([byline.text], exclude: [meta.siteName, ld.publisher])
                if !names.isEmpty { meta.provenance["authors"] = "byline" }
            }
            if names.isEmpty {
                for paragraph in raw.prefix(8) where paragraph.words <= 16 {
                    let key = paragraph.text.lowercased()
                    guard key.hasPrefix("by ") || key.hasPrefix("von ") || key.hasPrefix("par ") || key.hasPrefix("por ") else { continue }
                    names = StripAuthorNames.clean([paragraph.text], exclude: [meta.siteName, ld.publisher])
                    if !names.isEmpty { meta.provenance["authors"] = "byline-text"; break }
                }
            }
            meta.authors = names
        }
        chooseDates(&meta, container: container, raw: raw)
    }

    // MARK: - Title and site

    private func chooseSiteName(_ meta: inout StripMetadata) {
        let candidates: [(String?, String)] = [(tags.meta["og:site_name"], "og:site_name"), (ld.publisher, "json-ld"),
                                               (tags.meta["application-name"], "meta:application-name")]
        for (value, source) in candidates {
            guard let value = value?.stripTrimmed(), !value.isEmpty, !value.lowercased().hasPrefix("http") else { continue }
            meta.siteName = value
            meta.provenance["siteName"] = source
            return
        }
    }

    /// Title: Open Graph, then JSON-LD's headline, then the article's `<h1>`, then `<title>`; a
    /// site name is cut off ("Headline | Site", "Site - Headline") and kept as the site name.
    private func chooseTitle(_ meta: inout StripMetadata, nearHeading: String?) {
        let host = Self.hostStem(url ?? meta.canonical)
        func isSiteName(_ text: String) -> Bool {
            let key = stripComparisonKey(text).replacingOccurrences(of: " ", with: "")
            guard !key.isEmpty else { return true }
            if let site = meta.siteName {
                let siteKey = stripComparisonKey(site).replacingOccurrences(of: " ", with: "")
                if key == siteKey { return true }
            }
            if let host, key == host { return true }
            return false
        }
        var sources: [(String?, String)] = [
            (tags.meta["og:title"], "og:title"), (tags.meta["twitter:title"], "twitter:title"), (ld.headline, "json-ld"),
        ]
        let heading = nearHeading ?? tags.headings.first(where: { !isSiteName($0.text) })?.text
        sources.append((heading, "h1"))
        sources.append((tags.titleTag, "title-tag"))
        for (value, source) in sources {
            guard let value = value?.stripTrimmed(), !value.isEmpty else { continue }
            let (head, site) = stripSplitSiteName(value, siteName: meta.siteName, host: host)
            guard !head.isEmpty, !isSiteName(head) else { continue }
            meta.title = head
            meta.provenance["title"] = source
            if meta.siteName == nil, let site {
                meta.siteName = site
                meta.provenance["siteName"] = source
            }
            // A headline from elsewhere: the other half of "Headline | Site" in <title> is the site.
            if meta.siteName == nil, source != "title-tag", let tag = tags.titleTag,
               let site = stripSiteNameBeside(head, in: tag) {
                meta.siteName = site
                meta.provenance["siteName"] = "title-tag"
            }
            return
        }
    }

    /// The `<h1>` inside the container, else the last one before it unless that is the site's
    /// logo (a heading that is one link to the site's front page), else an `<h2>` at the top of
    /// the container (before its first paragraph).
    private func nearestHeading(to container: Int) -> String? {
        guard container >= 0, container < tree.count else { return nil }
        if let inside = tags.headings.first(where: { tree.isInside($0.index, container) }) { return inside.text }
        if let before = tags.headings.last(where: { $0.index < container }), !isLogo(before.index) { return before.text }
        let firstParagraph = (container ..< tree.end[container]).first { tree.tag[$0] == .p } ?? tree.end[container]
        return tags.subheadings.first(where: { tree.isInside($0.index, container) && $0.index < firstParagraph })?.text
    }

    /// A heading whose whole text is one link to a front page (`/`, `./`, `index…`, a bare host).
    private func isLogo(_ heading: Int) -> Bool {
        for i in heading ..< tree.end[heading] where tree.tag[i] == .a {
            guard tree.textLength[i] == tree.textLength[heading], let href = tree.attribute(i, "href")?.stripTrimmed() else { return false }
            if href == "/" || href == "./" || href.hasPrefix("/index") || href.hasPrefix("index") { return true }
            if let components = URLComponents(string: href), components.host != nil,
               components.path.isEmpty || components.path == "/" { return true }
            return false
        }
        return false
    }

    /// "www.nytimes.com" → "nytimes".
    static func hostStem(_ url: String?) -> String? {
        guard let url, let host = URLComponents(string: url)?.host?.lowercased() else { return nil }
        let parts = host.split(separator: ".").filter { !["www", "m", "amp", "mobile", "edition"].contains($0) }
        guard parts.count >= 2 else { return parts.first.map(String.init) }
        // The label before the public suffix (two labels for co.uk-style suffixes).
        let last = parts[parts.count - 1], second = parts[parts.count - 2]
        if parts.count >= 3 && ["co", "com", "org", "net", "gov", "ac", "ne", "or"].contains(second) && last.count == 2 {
            return String(parts[parts.count - 3])
        }
        return String(second)
    }

    // MARK: - Authors

    private var authorSource: String {
        if !ld.authors.isEmpty { return "json-ld" }
        if !tags.metaAuthors.isEmpty { return "meta:author" }
        return "byline"
    }

    /// Author strings in order of trust: JSON-LD, author meta tags, then byline elements.
    private func authorCandidates() -> [String] {
        if !ld.authors.isEmpty { return ld.authors }
        let meta = tags.metaAuthors.filter { !$0.lowercased().hasPrefix("http") && $0.count < StripThresholds.maxMetaAuthorLength }
        if !meta.isEmpty { return meta }
        return []
    }

    // MARK: - Dates

    /// Published: JSON-LD, the publication meta keys, `itemprop=datePublished`, a `<time>` in or
    /// near the container, the URL's date, a dateline; the first that passes the sanity rules.
    /// Modified: JSON-LD, then the modification meta keys.
    private func chooseDates(_ meta: inout StripMetadata, container: Int, raw: [StripTextAssembler.Paragraph]) {
        var candidates: [(String?, String)] = [(ld.published, "json-ld")]
        for key in Self.publishedKeys {
            if let value = tags.meta[key] { candidates.append((value, key == "datepublished" ? "meta:datePublished" : (key.hasPrefix("article:published") ? "article:published_time" : "meta:" + key))) }
        }
        for time in tags.times where time.published { candidates.append((time.iso, "itemprop:datePublished")) }
        if let time = nearestTime(to: container) { candidates.append((time, "time")) }
        if let iso = meta.urlDate?.iso { candidates.append((iso, "url")) }
        if let dateline = Self.dateline(raw) { candidates.append((dateline, "dateline")) }
        for (raw, source) in candidates {
            guard let raw, let iso = StripDateParser.iso(raw), isPlausible(iso, urlDate: meta.urlDate) else { continue }
            meta.published = iso
            meta.provenance["published"] = source
            break
        }
        let modifiedSources: [(String?, String)] = [
            (ld.modified, "json-ld"),
            (tags.meta["article:modified_time"] ?? tags.meta["article:modified"], "article:modified_time"),
            (tags.meta["og:updated_time"], "og:updated_time"),
            (tags.meta["datemodified"] ?? tags.meta["last-modified"] ?? tags.meta["dcterms.modified"], "meta:dateModified"),
        ]
        for (raw, source) in modifiedSources {
            guard let raw, let iso = StripDateParser.iso(raw), isPlausible(iso, urlDate: nil) else { continue }
            meta.modified = iso
            meta.provenance["modified"] = source
            break
        }
    }

    /// The sanity rules: never after the fetch (a day of slack for time zones), never more than
    /// `StripThresholds.maxDaysBeforeURLDate` before the date in the URL.
    private func isPlausible(_ iso: String, urlDate: StripURLDate?) -> Bool {
        guard let day = StripDates.dayNumber(iso: iso) else { return false }
        if let fetchDay, day > fetchDay + 1 { return false }
        if let urlDate, day < urlDate.dayNumber - StripThresholds.maxDaysBeforeURLDate { return false }
        return true
    }

    /// `<time>` inside the container, else the last one before it, else the first on the page.
    private func nearestTime(to container: Int) -> String? {
        let plain = tags.times.filter { !$0.published }
        guard !plain.isEmpty else { return nil }
        if container >= 0 && container < tree.count {
            if let inside = plain.first(where: { tree.isInside($0.index, container) }) { return inside.iso }
            if let before = plain.last(where: { $0.index < container }) { return before.iso }
        }
        return plain.first?.iso
    }

    /// First date in a short line at the top of the article text, not a copyright line.
    static func dateline(_ paragraphs: [StripTextAssembler.Paragraph]) -> String? {
        for paragraph in paragraphs.prefix(StripThresholds.datelineParagraphs) where paragraph.words <= StripThresholds.datelineMaxWords {
            let lower = paragraph.text.lowercased()
            if lower.contains("©") || lower.contains("copyright") || lower.contains("(c)") { continue }
            if let iso = StripDateParser.iso(paragraph.text) { return iso }
        }
        return nil
    }

    // MARK: - Language and description

    private func chooseLanguageAndDescription(_ meta: inout StripMetadata) {
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

    // MARK: - The page walk

    /// One pass over the page: `<html lang>`, `<meta>`, `<link rel=canonical>`, `<title>`, every
    /// `<h1>`, `<time>` and dated elements, and byline elements.
    private static func collectTags(_ tree: StripTree) -> PageTags {
        var tags = PageTags()
        guard let markup = tree.markup else { return tags }
        let itempropIndex = markup.attributeNames.firstIndex(of: "itemprop") ?? -1
        let relIndex = markup.attributeNames.firstIndex(of: "rel") ?? -1
        let datetimeIndex = markup.attributeNames.firstIndex(of: "datetime") ?? -1
        let contentIndex = markup.attributeNames.firstIndex(of: "content") ?? -1
        var bylineEnd = -1
        for i in 0 ..< tree.count {
            let tag = tree.tag[i]
            switch tag {
            case .text:
                continue
            case .html:
                if let lang = tree.attribute(i, "lang") ?? tree.attribute(i, "xml:lang") { tags.htmlLang = lang }
                continue
            case .meta:
                collectMeta(tree, i, into: &tags)
                continue
            case .link:
                guard tags.canonical == nil, let rel = tree.attribute(i, "rel")?.lowercased(),
                      rel.split(separator: " ").contains("canonical"),
                      let href = tree.attribute(i, "href"), !href.isEmpty else { continue }
                tags.canonical = href.stripTrimmed()
                continue
            case .title:
                if tags.titleTag == nil {
                    let text = tree.plainText(i)
                    if !text.isEmpty { tags.titleTag = text }
                }
                continue
            case .h1:
                let text = tree.plainText(i)
                if !text.isEmpty { tags.headings.append((i, text)) }
            case .h2:
                let text = tree.plainText(i)
                if !text.isEmpty { tags.subheadings.append((i, text)) }
            case .time:
                let value = tree.attribute(i, "datetime") ?? tree.plainText(i)
                if let iso = StripDateParser.iso(value) { tags.times.append((i, iso, false)) }
            default:
                break
            }
            // Attributes that mark dates and bylines on any element.
            var itemprop: String?, rel: String?
            var datetime: String?, content: String?
            markup.forEachAttribute(i) { name, value in
                guard let value else { return }
                if name == itempropIndex { itemprop = String(decoding: value, as: UTF8.self).lowercased() }
                else if name == relIndex { rel = String(decoding: value, as: UTF8.self).lowercased() }
                else if name == datetimeIndex { datetime = String(decoding: value, as: UTF8.self) }
                else if name == contentIndex { content = String(decoding: value, as: UTF8.self) }
            }
            if let itemprop, itemprop.contains("datepublished"),
               let iso = StripDateParser.iso(datetime ?? content ?? tree.plainText(i)) {
                tags.times.append((i, iso, true))
            }
            guard i >= bylineEnd else { continue }
            let isByline = (itemprop?.split(separator: " ").contains("author") ?? false)
                || (rel?.split(separator: " ").contains("author") ?? false)
                || tree.hints.isByline(tree.hintID[i])
            if isByline && tree.textLength[i] > 0 && tree.textLength[i] <= maxBylineLength {
                // itemprop=author may wrap itemprop=name; the whole element's text is the byline.
                tags.bylines.append((i, tree.plainText(i)))
                bylineEnd = tree.end[i]
            }
        }
        return tags
    }

    /// One `<meta>` tag: it can name several keys (property, name and a list of itemprops).
    private static func collectMeta(_ tree: StripTree, _ i: Int, into tags: inout PageTags) {
        guard let content = tree.attribute(i, "content")?.stripTrimmed(), !content.isEmpty else { return }
        var keys: [String] = []
        for attribute in ["property", "name", "http-equiv"] {
            if let key = tree.attribute(i, attribute) { keys.append(key.lowercased()) }
        }
        if let itemprop = tree.attribute(i, "itemprop") {
            keys += itemprop.lowercased().split(separator: " ").map(String.init)
        }
        for key in keys {
            if authorKeys.contains(key) { tags.metaAuthors.append(content) }
            if tags.meta[key] == nil { tags.meta[key] = content }
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

/// Separators between a headline and the site's name in titles.
private let stripTitleSeparators = [" | ", " - ", " — ", " – ", " :: ", " · ", " » ", " // ", ": "]

/// Where `needle` first (or with `backwards`, last) occurs in `text`, compared by Characters as
/// Swift compares them (canonical equivalence, whole grapheme clusters): Foundation's
/// `range(of:)` found the same places through `NSString` at several times the cost, which was a
/// tenth of the strip stage's CPU in titles alone.
func stripFind(_ needle: String, in text: String, backwards: Bool = false) -> Range<String.Index>? {
    guard let first = needle.first else { return nil }
    let length = needle.count
    func match(at index: String.Index) -> Range<String.Index>? {
        guard text[index] == first, text[index...].starts(with: needle) else { return nil }
        return index ..< text.index(index, offsetBy: length)
    }
    if backwards {
        var index = text.endIndex
        while index > text.startIndex {
            index = text.index(before: index)
            if let found = match(at: index) { return found }
        }
    } else {
        var index = text.startIndex
        while index < text.endIndex {
            if let found = match(at: index) { return found }
            index = text.index(after: index)
        }
    }
    return nil
}

/// The site's name in a `<title>` that is the headline plus one more part ("Headline | Site",
/// "Site - Headline"); nil when the title is not of that form.
func stripSiteNameBeside(_ headline: String, in title: String) -> String? {
    let headKey = stripComparisonKey(headline)
    guard !headKey.isEmpty else { return nil }
    for separator in stripTitleSeparators where separator != ": " {
        guard let range = stripFind(separator, in: title) else { continue }
        let first = String(title[..<range.lowerBound]).stripTrimmed()
        let second = String(title[range.upperBound...]).stripTrimmed()
        let other: String
        if stripComparisonKey(first) == headKey { other = second } else if stripComparisonKey(second) == headKey { other = first } else { continue }
        let words = other.split(separator: " ").count
        if !other.isEmpty && words <= StripThresholds.siteNameMaxWords { return other }
    }
    return nil
}

/// Splits "Headline | Site" and "Site - Headline": the headline and the site name when one side
/// is the site (its known name or the host) or, failing that, a short name beside a long headline.
func stripSplitSiteName(_ title: String, siteName: String?, host: String?) -> (headline: String, site: String?) {
    let siteKey = siteName.map { stripComparisonKey($0).replacingOccurrences(of: " ", with: "") }
    func isSite(_ part: String) -> Bool {
        let key = stripComparisonKey(part).replacingOccurrences(of: " ", with: "")
        guard !key.isEmpty else { return false }
        if let siteKey, !siteKey.isEmpty, key == siteKey || (key.count >= 4 && siteKey.contains(key)) || (siteKey.count >= 4 && key.contains(siteKey)) {
            return true
        }
        if let host, host.count >= 3, key == host || key.hasPrefix(host) || (key.count >= 4 && host.hasPrefix(key)) { return true }
        return false
    }
    // The known site name on either side, at the outermost separator.
    for separator in stripTitleSeparators where separator != ": " {
        if let range = stripFind(separator, in: title, backwards: true) {
            let head = String(title[..<range.lowerBound]).stripTrimmed()
            let tail = String(title[range.upperBound...]).stripTrimmed()
            if !head.isEmpty && isSite(tail) { return (head, tail) }
        }
        if let range = stripFind(separator, in: title) {
            let head = String(title[..<range.lowerBound]).stripTrimmed()
            let tail = String(title[range.upperBound...]).stripTrimmed()
            if !tail.isEmpty && isSite(head) { return (tail, head) }
        }
    }
    // Otherwise a short tail beside a longer head ("Ferry timetable changes | Harbour News").
    var best = title
    var bestSite: String?
    for separator in stripTitleSeparators where separator != ": " {
        guard let range = stripFind(separator, in: title, backwards: true) else { continue }
        let head = String(title[..<range.lowerBound]).stripTrimmed()
        let tail = String(title[range.upperBound...]).stripTrimmed()
        guard !head.isEmpty else { continue }
        if stripWordCount(tail) <= 4 && stripWordCount(head) >= 4 && head.count < best.count {
            best = head
            bestSite = tail
        }
    }
    return (best, bestSite)
}

/// Drops " | Site", " - Site", " — Site" from a headline when the tail is the site's name or
/// much shorter than the head.
func stripSiteSuffix(_ title: String, siteName: String?) -> String {
    stripSplitSiteName(title, siteName: siteName, host: nil).headline
}

func stripUnique(_ values: [String]) -> [String] {
    var seen = Set<String>()
    return values.filter { seen.insert($0.lowercased()).inserted }
}
