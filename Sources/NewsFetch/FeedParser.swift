import Foundation
import MarkupTree

/// One entry of an RSS or Atom feed: a link to an article.
public struct FeedItem: Sendable, Equatable {
    /// Absolute article URL (relative links are resolved against the feed's URL).
    public var url: String
    public var title: String?
    /// As the feed wrote it (RFC 822 for RSS, RFC 3339 for Atom).
    public var published: String?
    /// RSS `guid` or Atom `id`.
    public var guid: String?
}

/// A parsed feed.
public struct FetchFeed: Sendable, Equatable {
    /// `rss`, `atom` or `rdf` (RSS 1.0).
    public var format: String
    public var title: String?
    public var items: [FeedItem]
}

/// Reads RSS 2.0, RSS 1.0 (RDF) and Atom feeds with libxml2 (see `FetchXML` for the safety options).
public enum FeedParser {
    /// Parses `bytes` fetched from `base`. Items without a usable http(s) link are left out; items
    /// are de-duplicated by URL, in feed order; at most `maxItems` are returned.
    public static func parse(_ bytes: [UInt8], base: URL?, maxItems: Int = 100_000) throws -> FetchFeed {
        let root = try XMLTree.parse(bytes)
        var feed: FetchFeed
        switch root.name {
        case "rss":
            guard let channel = root.child("channel") else { throw XMLTreeError.malformed("rss without channel") }
            feed = FetchFeed(format: "rss", title: channel.value("title"), items: channel.all("item").compactMap { rssItem($0, base: base) })
        case "RDF":
            let channel = root.child("channel")
            // RSS 1.0 puts items beside the channel, not inside it.
            feed = FetchFeed(format: "rdf", title: channel?.value("title"), items: root.all("item").compactMap { rssItem($0, base: base) })
        case "feed":
            feed = FetchFeed(format: "atom", title: root.value("title"), items: root.all("entry").compactMap { atomEntry($0, base: base) })
        default:
            throw XMLTreeError.malformed("root element <\(root.name)> is not rss, RDF or feed")
        }
        var seen = Set<String>()
        feed.items = Array(feed.items.filter { seen.insert($0.url).inserted }.prefix(maxItems))
        return feed
    }

    private static func rssItem(_ item: XMLTreeElement, base: URL?) -> FeedItem? {
        let guid = item.child("guid")
        let guidText = guid?.text.trimmingCharacters(in: .whitespacesAndNewlines)
        // A guid is a link only when isPermaLink is absent or true.
        let guidLink = (guid?.attributes["isPermaLink"].map { $0.lowercased() != "false" } ?? true) ? guidText : nil
        let candidates = [item.all("link").first { $0.namespace == nil || !($0.namespace ?? "").contains("Atom") }?.text, guidLink]
        guard let url = candidates.lazy.compactMap({ $0.flatMap { resolveLink($0, base: base) } }).first else { return nil }
        let published = item.value("pubDate") ?? item.value("date") ?? item.value("published")
        return FeedItem(url: url, title: item.value("title"), published: published, guid: guidText?.isEmpty == false ? guidText : nil)
    }

    private static func atomEntry(_ entry: XMLTreeElement, base: URL?) -> FeedItem? {
        let links = entry.all("link")
        let alternate = links.first { ($0.attributes["rel"] ?? "alternate") == "alternate" && ($0.attributes["type"].map { $0.contains("html") } ?? true) }
            ?? links.first { ($0.attributes["rel"] ?? "alternate") == "alternate" }
        guard let href = alternate?.attributes["href"], let url = resolveLink(href, base: base) else { return nil }
        return FeedItem(url: url, title: entry.value("title"), published: entry.value("published") ?? entry.value("updated"), guid: entry.value("id"))
    }

    /// An absolute http(s) URL for `link`, or nil (javascript:, mailto:, garbage).
    static func resolveLink(_ link: String, base: URL?) -> String? {
        let trimmed = link.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        let url = URL(string: trimmed, relativeTo: base) ?? URL(string: trimmed.addingPercentEncoding(withAllowedCharacters: .urlFragmentAllowed) ?? "", relativeTo: base)
        guard let absolute = url?.absoluteURL, let scheme = absolute.scheme?.lowercased(), scheme == "http" || scheme == "https",
              absolute.host?.isEmpty == false else { return nil }
        // The fragment names a place in the page, not another page.
        var text = absolute.absoluteString
        if let hash = text.firstIndex(of: "#") { text = String(text[..<hash]) }
        return text
    }
}
