import Foundation

/// Settings of the network part of the fetch stage (`stages.fetch.http` in the manifest).
///
/// Defaults aim at a polite nightly crawl of news sites: a handful of connections per host, a
/// pause between requests to one host, robots.txt obeyed, and no request to private networks.
public struct FetchNetworkSettings: Sendable, Equatable, Encodable {
    /// Sent on every request; its first product token (`newspipe`) is the name robots.txt rules match.
    public var userAgent: String = "newspipe/1.0 (+https://example.invalid/newspipe; news research crawler)"
    /// Requests in flight at once over all hosts.
    public var globalConcurrency: Int = 64
    /// Requests in flight at once to one host (scheme, host and port).
    public var perHostConcurrency: Int = 4
    /// Least time between the starts of two requests to one host, in milliseconds.
    public var perHostDelayMs: Int = 100
    /// Time allowed to open a TCP connection, in milliseconds.
    public var connectTimeoutMs: Int = 10_000
    /// Longest silence while waiting for bytes of a response, in milliseconds.
    public var readTimeoutMs: Int = 30_000
    /// Time allowed for one request from start to last body byte (per attempt), in milliseconds.
    public var totalTimeoutMs: Int = 60_000
    /// Extra attempts after a 5xx, 429 or connection error (0 = try once).
    public var retries: Int = 3
    /// First backoff pause; doubles per retry, with jitter (a random 50-100% of the pause).
    public var backoffBaseMs: Int = 500
    /// Longest backoff pause.
    public var backoffMaxMs: Int = 30_000
    /// Longest `Retry-After` the fetcher waits for; a server asking for more is not retried.
    public var retryAfterMaxMs: Int = 60_000
    /// Redirect hops followed (each hop is checked by the address policy and robots.txt).
    public var maxRedirects: Int = 5
    /// Largest body kept, after decompression, in bytes; larger bodies are cut off and rejected.
    public var maxBytes: Int = 20_000_000
    /// Largest ratio of decompressed to compressed bytes (gzip bombs); checked once past 256 KiB.
    public var maxDecompressionRatio: Int = 100
    /// Obey robots.txt (fetched once per host and run, cached in memory).
    public var respectRobots: Bool = true
    /// Largest robots.txt read, in bytes (RFC 9309 asks for at least 500 KiB).
    public var robotsMaxBytes: Int = 512_000
    /// A URL whose previous successful fetch is younger than this is not fetched again (0 = always).
    public var minRefetchAgeSeconds: Int = 0
    /// Allow requests to loopback, private, link-local, CGNAT and unspecified addresses.
    public var allowPrivateAddresses: Bool = false
    /// Hosts exempt from the address policy: `host`, `host:port`, or an IP range `10.1.0.0/16`.
    public var allowHosts: [String] = []
    /// A PEM file of CA certificates trusted for https besides the system's roots ("" = the system's
    /// only), for a private CA. Certificates are always verified, names included.
    public var caCertificatesFile: String = ""
    /// Sitemap-index nesting followed (an index naming an index naming a urlset is depth 2).
    public var maxSitemapDepth: Int = 3
    /// Sitemap documents read per source, indexes included.
    public var maxSitemaps: Int = 1_000
    /// Page URLs taken from one feed or sitemap source.
    public var maxDiscoveredUrls: Int = 100_000

    public init() {}

    var connectTimeout: Duration { .milliseconds(max(1, connectTimeoutMs)) }
    var readTimeout: Duration { .milliseconds(max(1, readTimeoutMs)) }
}
