import Foundation
import MarkupTree

/// One page listed by a sitemap.
public struct SitemapEntry: Sendable, Equatable {
    public var url: String
    public var lastModified: String?
    /// `news:publication_date` of a Google News sitemap.
    public var publicationDate: String?
    /// `news:title` of a Google News sitemap.
    public var title: String?
}

/// A parsed sitemap: either a list of pages (`urlset`) or a list of further sitemaps (`sitemapindex`).
public enum FetchSitemap: Sendable, Equatable {
    case urls([SitemapEntry])
    case index([String])
}

/// Reads sitemaps (sitemaps.org 0.9, with Google News extensions) with libxml2; gzip-compressed
/// sitemaps (`.xml.gz`) are decompressed first, with the same caps as HTTP bodies.
public enum SitemapParser {
    /// The sitemaps.org limit of URLs in one sitemap file.
    public static let maxEntries = 50_000

    public static func parse(_ bytes: [UInt8], base: URL?, maxBytes: Int = 50 * 1024 * 1024, maxRatio: Int = 100) throws -> FetchSitemap {
        var body = bytes
        if body.count >= 2 && body[0] == 0x1F && body[1] == 0x8B {
            do { body = try FetchInflater.inflateAll(body, maxOutput: maxBytes, maxRatio: maxRatio) } catch let error as FetchInflateError {
                throw XMLTreeError.malformed("gzip sitemap: \(error.reason)")
            }
        }
        let root = try XMLTree.parse(body)
        switch root.name {
        case "urlset":
            var seen = Set<String>()
            var entries: [SitemapEntry] = []
            for url in root.all("url") {
                guard let loc = url.value("loc"), let absolute = FeedParser.resolveLink(loc, base: base), seen.insert(absolute).inserted else { continue }
                let news = url.child("news")
                entries.append(SitemapEntry(url: absolute, lastModified: url.value("lastmod"),
                                            publicationDate: news?.value("publication_date"), title: news?.value("title")))
                if entries.count >= maxEntries { break }
            }
            return .urls(entries)
        case "sitemapindex":
            var seen = Set<String>()
            let children = root.all("sitemap").compactMap { $0.value("loc").flatMap { FeedParser.resolveLink($0, base: base) } }
            return .index(Array(children.filter { seen.insert($0).inserted }.prefix(maxEntries)))
        default:
            throw XMLTreeError.malformed("root element <\(root.name)> is not urlset or sitemapindex")
        }
    }
}
