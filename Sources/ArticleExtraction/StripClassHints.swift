/// Class/id vocabulary of boilerplate and content containers (Readability's lists, extended
/// with trafilatura's), matched as substrings of the lower-cased `class id` hint.
enum StripClassHints {
    /// Readability's "unlikely candidates": removed before scoring unless `maybe` also matches.
    static let unlikely: [String] = [
        "-ad-", "ad-break", "agegate", "banner", "breadcrumb", "combx", "comment", "community",
        "cover-wrap", "disqus", "extra", "footer", "gdpr", "header", "legends", "menu",
        "related", "remark", "replies", "rss", "shoutbox", "sidebar", "skyscraper", "social",
        "sponsor", "supplemental", "pagination", "pager", "popup", "yom-remote",
        "outbrain", "taboola", "most-read", "mostread", "most-popular",
        "role-navigation", "role-menu", "role-complementary", "role-alert", "role-dialog",
        "role-banner", "role-contentinfo", "navbar", "topnav", "skip-link", "skiplink",
    ]

    /// Whole class tokens (split at non-alphanumerics) that mark boilerplate; whole tokens
    /// so that "shared-history" or "promotional-content" are not caught.
    static let unlikelyTokens: Set<String> = [
        "share", "sharing", "sharebar", "social", "cookie", "cookies", "newsletter",
        "subscribe", "subscription", "promo", "trending", "recommended", "signup", "paywall",
        "breadcrumbs", "consent", "modal", "overlay", "toolbar", "nav", "navigation",
    ]

    /// Words that rescue an element from `unlikely` (it may be the article's wrapper).
    static let maybe: [String] = [
        "and", "article", "body", "column", "content", "main", "shadow", "role-main",
    ]

    static let negative: [String] = [
        "combx", "comment", "com-", "contact", "foot", "footer", "footnote", "masthead",
        "media", "meta", "outbrain", "promo", "related", "scroll", "shoutbox", "sidebar",
        "sponsor", "shopping", "tags", "tool", "widget", "byline", "dateline",
        "caption", "newsletter", "subscribe", "advert",
    ]

    static let positive: [String] = [
        "article", "body", "content", "entry", "hentry", "main", "page", "pagination", "post",
        "text", "blog", "story",
    ]

    /// Blocks inside the article that are never part of its text.
    static let inArticleBoilerplate: [String] = [
        "caption", "credit", "byline", "dateline", "newsletter",
        "subscribe", "related", "recommend", "read-more", "readmore", "more-stories",
        "advert", "sponsor", "promo", "comment", "tags", "tag-list", "toolbar", "author-bio",
        "signup", "cookie", "breadcrumb", "print", "follow", "disclaimer-banner",
        "article-meta", "post-meta", "entry-meta", "meta-data", "timestamp", "published-date",
        "photo-credit", "image-credit", "wp-caption-text", "figcaption", "inline-ad", "ad-slot",
        "adslot", "ad-container", "ad-wrapper", "outbrain", "taboola", "jump-link",
    ]

    /// Elements holding the article's byline: `byline`, `author`, `article-author` …
    static let byline: [String] = ["byline", "author"]
    /// … but not an author's biography, avatar or follow box, lists of authors, or comment authors.
    static let notByline: [String] = ["bio", "comment", "avatar", "image", "photo", "more", "follow", "social", "list"]

    /// Readability's class weight: +25 / -25 per attribute family that matches.
    static func weight(_ hint: String) -> Int {
        if hint.isEmpty { return 0 }
        let bytes = Array(hint.utf8)
        var weight = 0
        if StripPatternSet.negative.occurs(in: bytes) { weight -= 25 }
        if StripPatternSet.positive.occurs(in: bytes) { weight += 25 }
        return weight
    }

    static func matches(_ hint: String, _ words: [String]) -> Bool {
        if hint.isEmpty { return false }
        return StripPatternSet(words).occurs(in: Array(hint.utf8))
    }

    /// `proseLength`: characters of low-link text inside; long prose is never dropped for
    /// one of the token hints (ids derived from headings, like "sharing-with-a-team").
    static func isUnlikely(_ hint: String, proseLength: Int = 0) -> Bool {
        let bytes = Array(hint.utf8)
        if StripPatternSet.maybe.occurs(in: bytes) { return false }
        if StripPatternSet.unlikely.occurs(in: bytes) { return true }
        return proseLength < 1500 && hasToken(hint, unlikelyTokens)
    }

    static func hasToken(_ hint: String, _ tokens: Set<String>) -> Bool {
        if hint.isEmpty { return false }
        var token: [UInt8] = []
        for byte in hint.utf8 {
            let alphanumeric = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte >= 0x80
            if alphanumeric {
                token.append(byte)
            } else if !token.isEmpty {
                if tokens.contains(String(decoding: token, as: UTF8.self)) { return true }
                token.removeAll(keepingCapacity: true)
            }
        }
        return !token.isEmpty && tokens.contains(String(decoding: token, as: UTF8.self))
    }
}

/// Substring search of many short patterns at once: patterns bucketed by their first byte, so
/// each position of the hint is compared only with the patterns that can start there.
final class StripPatternSet: Sendable {
    private let patterns: [[UInt8]]
    /// `buckets[byte]`: indices of the patterns starting with `byte`.
    private let buckets: [[Int]]

    init(_ words: [String]) {
        patterns = words.map { Array($0.utf8) }
        var buckets = Array(repeating: [Int](), count: 256)
        for (index, pattern) in patterns.enumerated() where !pattern.isEmpty { buckets[Int(pattern[0])].append(index) }
        self.buckets = buckets
    }

    func occurs(in hint: [UInt8]) -> Bool {
        hint.withUnsafeBufferPointer { occurs(in: $0) }
    }

    func occurs(in hint: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = hint.count
        for i in 0 ..< n {
            for index in buckets[Int(hint[i])] {
                let pattern = patterns[index]
                let m = pattern.count
                guard i + m <= n else { continue }
                var k = 1
                while k < m && hint[i + k] == pattern[k] { k += 1 }
                if k == m { return true }
            }
        }
        return false
    }

    static let unlikely = StripPatternSet(StripClassHints.unlikely)
    static let maybe = StripPatternSet(StripClassHints.maybe)
    static let negative = StripPatternSet(StripClassHints.negative)
    static let positive = StripPatternSet(StripClassHints.positive)
    static let inArticleBoilerplate = StripPatternSet(StripClassHints.inArticleBoilerplate)
    static let byline = StripPatternSet(StripClassHints.byline)
    static let notByline = StripPatternSet(StripClassHints.notByline)
}

/// The distinct class/id/role hints of one page, each with its verdicts computed on first use
/// (a page repeats a few dozen class strings thousands of times).
final class StripHints {
    /// Hint text by id; id 0 is the empty hint.
    private(set) var text: [String] = [""]
    private var verdicts: [UInt8] = [Verdict.computed]

    private enum Verdict {
        static let computed: UInt8 = 1, negative: UInt8 = 2, positive: UInt8 = 4, maybe: UInt8 = 8,
                   unlikely: UInt8 = 16, unlikelyToken: UInt8 = 32, boilerplate: UInt8 = 64, byline: UInt8 = 128
    }

    func add(_ hint: String) -> Int32 {
        text.append(hint)
        verdicts.append(0)
        return Int32(text.count - 1)
    }

    @inline(__always) private func verdict(_ id: Int32) -> UInt8 {
        let v = verdicts[Int(id)]
        return v != 0 ? v : compute(Int(id))
    }

    private func compute(_ id: Int) -> UInt8 {
        let bytes = Array(text[id].utf8)
        var v = Verdict.computed
        bytes.withUnsafeBufferPointer { b in
            if StripPatternSet.negative.occurs(in: b) { v |= Verdict.negative }
            if StripPatternSet.positive.occurs(in: b) { v |= Verdict.positive }
            if StripPatternSet.maybe.occurs(in: b) { v |= Verdict.maybe }
            if StripPatternSet.unlikely.occurs(in: b) { v |= Verdict.unlikely }
            if StripPatternSet.inArticleBoilerplate.occurs(in: b) { v |= Verdict.boilerplate }
            if StripPatternSet.byline.occurs(in: b) && !StripPatternSet.notByline.occurs(in: b) { v |= Verdict.byline }
        }
        if StripClassHints.hasToken(text[id], StripClassHints.unlikelyTokens) { v |= Verdict.unlikelyToken }
        verdicts[id] = v
        return v
    }

    /// Readability's class weight (`StripClassHints.weight`).
    func weight(_ id: Int32) -> Int {
        if id == 0 { return 0 }
        let v = verdict(id)
        return (v & Verdict.negative != 0 ? -25 : 0) + (v & Verdict.positive != 0 ? 25 : 0)
    }

    /// `StripClassHints.isUnlikely`.
    func isUnlikely(_ id: Int32, proseLength: Int = 0) -> Bool {
        if id == 0 { return false }
        let v = verdict(id)
        if v & Verdict.maybe != 0 { return false }
        if v & Verdict.unlikely != 0 { return true }
        return proseLength < 1500 && v & Verdict.unlikelyToken != 0
    }

    func hasUnlikelyToken(_ id: Int32) -> Bool { id != 0 && verdict(id) & Verdict.unlikelyToken != 0 }

    func matchesInArticleBoilerplate(_ id: Int32) -> Bool { id != 0 && verdict(id) & Verdict.boilerplate != 0 }

    /// A class/id naming a byline (`StripClassHints.byline`, not `notByline`).
    func isByline(_ id: Int32) -> Bool { id != 0 && verdict(id) & Verdict.byline != 0 }
}
