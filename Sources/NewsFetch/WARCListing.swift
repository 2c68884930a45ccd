import AsyncHTTPClient
import Foundation
import NewsIO

/// Listings of WARC files as Common Crawl publishes them (`warc.paths.gz`: one path per line,
/// relative to `https://data.commoncrawl.org/`), local or over HTTP.
public enum WARCListing {
    /// Where Common Crawl's listing paths are rooted.
    public static let commonCrawlBase = "https://data.commoncrawl.org/"
    /// A listing is read whole: it names files, it is not one (CC-NEWS months list a few hundred).
    public static let maxListingBytes = 64 << 20

    /// Whether a name is a listing rather than a WARC file.
    public static func isListing(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".paths.gz") || lower.hasSuffix(".paths") || lower.hasSuffix(".paths.txt")
    }

    /// Whether a name is a WARC file.
    public static func isWARC(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".warc") || lower.hasSuffix(".warc.gz")
    }

    /// The entries of a listing (gzip or plain text): non-empty lines, `#` comments skipped.
    public static func entries(_ bytes: [UInt8]) throws -> [String] {
        var text = bytes
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
            do { text = try Deflate.decompress(bytes, format: .gzip, maxOutput: maxListingBytes) } catch {
                throw WARCError.malformed(offset: 0, "listing is not valid gzip: \(error)")
            }
        }
        return String(decoding: text, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// An entry made absolute: URLs stay, paths are joined to `base` (a URL prefix or a folder).
    public static func resolve(_ entry: String, base: String) -> WARCInput {
        let lower = entry.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return .remote(entry) }
        if entry.hasPrefix("/") { return .file(URL(fileURLWithPath: entry)) }
        let lowerBase = base.lowercased()
        if lowerBase.hasPrefix("http://") || lowerBase.hasPrefix("https://") {
            return .remote((base.hasSuffix("/") ? base : base + "/") + entry)
        }
        return .file(URL(fileURLWithPath: base).appendingPathComponent(entry))
    }

    /// Reads a listing over HTTP.
    public static func download(_ url: String, client: HTTPClient, settings: FetchNetworkSettings) throws -> [UInt8] {
        let source = try WARCRemoteSource(url: url, client: client, userAgent: settings.userAgent, readTimeoutMs: settings.readTimeoutMs)
        var bytes: [UInt8] = []
        while true {
            let chunk = try source.read(upTo: 1 << 20)
            if chunk.isEmpty { break }
            bytes += chunk
            if bytes.count > maxListingBytes { throw WARCError.malformed(offset: 0, "\(url): listing over \(maxListingBytes) bytes") }
        }
        return bytes
    }
}
