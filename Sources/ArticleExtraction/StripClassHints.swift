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

    /// Readability's class weight: +25 / -25 per attribute family that matches.
    static func weight(_ hint: String) -> Int {
        if hint.isEmpty { return 0 }
        var weight = 0
        if matches(hint, negative) { weight -= 25 }
        if matches(hint, positive) { weight += 25 }
        return weight
    }

    static func matches(_ hint: String, _ words: [String]) -> Bool {
        if hint.isEmpty { return false }
        var hint = hint
        return hint.withUTF8 { haystack in
            for word in words {
                var word = word
                let found = word.withUTF8 { needle in stripContains(haystack, needle) }
                if found { return true }
            }
            return false
        }
    }

    /// `proseLength`: characters of low-link text inside; long prose is never dropped for
    /// one of the token hints (ids derived from headings, like "sharing-with-a-team").
    static func isUnlikely(_ hint: String, proseLength: Int = 0) -> Bool {
        if matches(hint, maybe) { return false }
        if matches(hint, unlikely) { return true }
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

/// Byte substring search; hints are short, so the naive scan beats any setup cost.
@inline(__always)
private func stripContains(_ haystack: UnsafeBufferPointer<UInt8>,
                           _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = haystack.count, m = needle.count
    guard m > 0, m <= n else { return m == 0 }
    let first = needle[0]
    var i = 0
    while i <= n - m {
        if haystack[i] == first {
            var k = 1
            while k < m && haystack[i + k] == needle[k] { k += 1 }
            if k == m { return true }
        }
        i += 1
    }
    return false
}
