import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NewsIO
import NewsRecords

/// One URL to fetch over HTTP.
public struct FetchRequest: Sendable, Equatable {
    /// What the body is for: pages are stored and must be HTML; feeds, sitemaps and robots.txt are
    /// returned to the caller and may be any type.
    public enum Kind: String, Sendable, Equatable {
        case page, feed, sitemap, robots
    }

    public var url: String
    /// `FetchRecord.source`: the manifest source that named this URL (defaults to the URL).
    public var source: String
    public var kind: Kind
    /// The record of this URL's last fetch, for conditional GET and the refetch age.
    public var previous: FetchRecord?

    public init(url: String, source: String? = nil, kind: Kind = .page, previous: FetchRecord? = nil) {
        self.url = url; self.source = source ?? url; self.kind = kind; self.previous = previous
    }
}

/// What became of one request: always a `FetchRecord`, plus what the caller needs beyond it.
public struct FetchResponse: Sendable {
    public enum Disposition: String, Sendable, Equatable {
        /// A body was received and stored (or kept, for feeds and sitemaps).
        case stored
        /// 304 Not Modified: the record keeps the previous hash; nothing new stored.
        case unchanged
        /// Not fetched: the previous fetch is younger than `minRefetchAgeSeconds`. The record is
        /// the previous one, carried forward.
        case reused
        /// Nothing stored; `record.error` and `reason` say why.
        case rejected
    }

    public var request: FetchRequest
    public var record: FetchRecord
    public var disposition: Disposition
    /// Short reason when rejected (`http-404`, `not-html`, `timeout`, `robots-disallowed` ...).
    public var reason: String?
    /// Human-readable detail for the rejects file.
    public var detail: String?
    /// The body, for feeds, sitemaps and robots.txt, and for pages when the fetcher has no store.
    public var body: [UInt8]?
    /// HTTP attempts made over all hops (retries included).
    public var attempts: Int
    /// Every URL after the first that a redirect led to, in order.
    public var redirects: [String]
}

/// Fetches URLs over HTTP(S) with AsyncHTTPClient, politely and defensively: bounded global and
/// per-host concurrency, per-host spacing, robots.txt, retries with backoff, manual redirects
/// checked by the address policy, connections pinned to the addresses the policy checked (the
/// name is resolved once; the Host header and TLS server name stay the URL's), streamed bodies
/// with size and decompression caps, and conditional GET against the previous run's records.
///
/// `fetch(_:)` blocks the calling thread while the work runs on Swift concurrency's pool, so the
/// Dispatch-based stage runner can call it; do not call it from an async context (use
/// `fetchAsync`). One fetcher serves many calls and threads; call `shutdown()` once at the end.
public final class HTTPFetcher: Sendable {
    public let settings: FetchNetworkSettings
    let engine: FetchHTTPEngine

    /// - Parameters:
    ///   - store: where page bodies go; without one, page bodies are returned in `body`.
    ///   - resolver: how host names become addresses (the system's getaddrinfo; tests pass a stand-in).
    public init(settings: FetchNetworkSettings, store: ContentStore? = nil, resolver: FetchResolver = .system) {
        self.settings = settings
        engine = FetchHTTPEngine(settings: settings, store: store, resolver: resolver)
    }

    /// Fetches every request and returns one response per request, in order (blocking).
    public func fetch(_ requests: [FetchRequest]) -> [FetchResponse] {
        let box = FetchLocked<[FetchResponse]>([])
        let done = DispatchSemaphore(value: 0)
        let engine = engine
        engine.spawn {
            let responses = await engine.fetchAll(requests)
            box.withLock { $0 = responses }
            done.signal()
        }
        done.wait()
        return box.withLock { $0 }
    }

    /// Fetches every request concurrently (within the limits) and returns responses in order.
    public func fetchAsync(_ requests: [FetchRequest]) async -> [FetchResponse] {
        await engine.fetchAll(requests)
    }

    /// Closes connections and stops the client (blocking). The fetcher is unusable afterwards.
    public func shutdown() {
        engine.shutdown()
    }
}

/// Where one HTTP attempt ended.
private enum FetchAttemptOutcome: Sendable {
    case response(status: Int, headers: HTTPHeaders, body: [UInt8]?, failure: (reason: String, detail: String)?)
    case failure(reason: String, detail: String, retryable: Bool)
    /// A 2xx page already written to the store (while the attempt still held its permits).
    case stored(status: Int, headers: HTTPHeaders, hash: String, bytes: Int)
}


/// The async machinery behind `HTTPFetcher`.
final class FetchHTTPEngine: Sendable {
    let settings: FetchNetworkSettings
    let store: ContentStore?
    let policy: FetchAddressPolicy
    /// The client configuration every connection starts from (timeouts, TLS trust, no redirects).
    private let configuration: HTTPClient.Configuration
    /// Why no https request can be made (an unreadable `caCertificatesFile`), if so.
    private let tlsProblem: String?
    /// One client per host name and checked address (its `dnsOverride` pins the connection to
    /// that address), and one for IP-literal URLs, which need no resolving. See `client(for:address:)`.
    private let clients = FetchLocked<(pinned: [String: HTTPClient], literal: HTTPClient?, closed: Bool)>(([:], nil, false))
    private let global: FetchAsyncSemaphore
    private let hosts = FetchLocked<[String: FetchHostGate]>([:])
    private let robotsCache = FetchLocked<[String: Task<FetchRobotsVerdict, Never>]>([:])
    /// Address-policy verdicts, with the addresses checked, per scheme, host and port, for the
    /// fetcher's lifetime (one run): a name is resolved once, so every connection to it goes to an
    /// address that was checked.
    private let verdicts = FetchLocked<[String: Task<Result<FetchCheckedHost, FetchAddressRefusal>, Never>]>([:])
    /// Where every task of the fetcher runs (see `FetchTaskExecutor`).
    let executor = FetchTaskExecutor()
    /// Threads that write page bodies to the store.
    let writers = FetchStoreWriters(count: 16)
    /// Longest pause a robots.txt Crawl-delay may impose between requests to one host.
    static let maxCrawlDelay: Duration = .seconds(10)

    init(settings: FetchNetworkSettings, store: ContentStore?, resolver: FetchResolver = .system) {
        self.settings = settings
        self.store = store
        policy = FetchAddressPolicy(settings: settings, resolver: resolver)
        global = FetchAsyncSemaphore(permits: settings.globalConcurrency)
        var configuration = HTTPClient.Configuration()
        // Certificates are verified against the system's roots, plus those of `caCertificatesFile`.
        var tls = TLSConfiguration.makeClientConfiguration()
        var tlsProblem: String? = nil
        if !settings.caCertificatesFile.isEmpty {
            if FileManager.default.isReadableFile(atPath: settings.caCertificatesFile) {
                tls.additionalTrustRoots = [.file(settings.caCertificatesFile)]
            } else {
                tlsProblem = "caCertificatesFile \(settings.caCertificatesFile) is not a readable file"
            }
        }
        self.tlsProblem = tlsProblem
        configuration.tlsConfiguration = tls
        // Redirects are followed here, hop by hop, so each hop passes the address policy.
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.timeout = .init(connect: .milliseconds(Int64(max(1, settings.connectTimeoutMs))),
                                      read: .milliseconds(Int64(max(1, settings.readTimeoutMs))))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, settings.perHostConcurrency)
        // Our own retries decide; a silent second connection attempt would hide failures from the record.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.configuration = configuration
    }

    /// The client that connects to `address` for `host` (the URL's host as the client reads it):
    /// its `dnsOverride` maps the name to the checked address, so the client never resolves the name
    /// itself, while the Host header, the TLS server name and certificate check use the name.
    /// Nil once the engine is shut down.
    private func client(for host: String, address: FetchIPAddress?) -> HTTPClient? {
        clients.withLock { clients -> HTTPClient? in
            if clients.closed { return nil }
            guard let address else {
                if let client = clients.literal { return client }
                let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
                clients.literal = client
                return client
            }
            let key = "\(host)\u{0}\(address)"
            if let client = clients.pinned[key] { return client }
            var pinned = configuration
            pinned.dnsOverride[host] = address.description
            pinned.dnsOverride[host.lowercased()] = address.description
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: pinned)
            clients.pinned[key] = client
            return client
        }
    }

    /// Shuts every client down (blocking); later requests fail.
    func shutdown() {
        let all = clients.withLock { clients -> [HTTPClient] in
            clients.closed = true
            defer { clients.pinned = [:]; clients.literal = nil }
            return Array(clients.pinned.values) + (clients.literal.map { [$0] } ?? [])
        }
        for client in all { try? client.syncShutdown() }
    }

    /// Starts an unstructured task on the fetcher's executor (task groups inherit it; unstructured
    /// tasks do not, so every one is started here).
    @discardableResult
    func spawn<T: Sendable>(_ operation: @escaping @Sendable () async -> T) -> Task<T, Never> {
        if #available(macOS 15.0, *) {
            return Task(executorPreference: executor, operation: operation)
        }
        return Task.detached(operation: operation)
    }

    func fetchAll(_ requests: [FetchRequest]) async -> [FetchResponse] {
        var responses = [FetchResponse?](repeating: nil, count: requests.count)
        await withTaskGroup(of: (Int, FetchResponse).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask { (index, await self.fetch(request)) }
            }
            for await (index, response) in group { responses[index] = response }
        }
        return responses.map { $0! }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    // MARK: One request, all hops and retries

    /// One request, as steps: a recent enough previous copy is reused; otherwise each hop of the
    /// redirect chain is checked (address policy, robots.txt), requested with retries, and its
    /// answer turned into a stored page, a redirect to follow, an unchanged copy or a reject.
    func fetch(_ request: FetchRequest) async -> FetchResponse {
        if let reused = reusablePrevious(request) { return reused }
        var fetch = FetchInProgress(request: request, startedAt: Date())
        guard var url = URL(string: request.url) else { return fetch.finish(.rejected, reason: "bad-url", detail: request.url) }
        var visited: Set<String> = [url.absoluteString]
        while true {
            let target: FetchCheckedHost
            switch await checkAddress(url) {
            case let .failure(refusal): return fetch.finish(.rejected, reason: refusal.reason, detail: refusal.description)
            case let .success(checked): target = checked
            }
            if settings.respectRobots && request.kind != .robots {
                switch await robots(for: url) {
                case let .rules(rules) where !rules.allows(url):
                    return fetch.finish(.rejected, reason: "robots-disallowed", detail: "robots.txt of \(url.host ?? "") disallows \(url.path)")
                case let .unavailable(reason, detail):
                    return fetch.finish(.rejected, reason: reason, detail: detail)
                case .rules:
                    break
                }
            }
            let outcome = await attemptWithRetries(url: url, target: target, headers: requestHeaders(request, url: url), kind: request.kind, attempts: &fetch.attempts)
            switch interpret(outcome, url: url, fetch: &fetch, visited: &visited) {
            case let .done(response): return response
            case let .redirect(next): url = next
            }
        }
    }

    /// The previous copy, when it is younger than `minRefetchAgeSeconds`: not fetched again.
    private func reusablePrevious(_ request: FetchRequest) -> FetchResponse? {
        let now = Date()
        guard let previous = request.previous, settings.minRefetchAgeSeconds > 0, previous.hash != nil, previous.error == nil,
              let fetchedAt = previous.fetchedAt, let when = Self.parseTimestamp(fetchedAt),
              now.timeIntervalSince(when) < Double(settings.minRefetchAgeSeconds), now.timeIntervalSince(when) >= 0 else { return nil }
        return FetchResponse(request: request, record: previous, disposition: .reused, reason: nil, detail: nil,
                             body: nil, attempts: 0, redirects: [])
    }

    /// User-Agent, compression, what the request accepts, and the validators of the previous copy.
    private func requestHeaders(_ request: FetchRequest, url: URL) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: settings.userAgent)
        headers.add(name: "Accept-Encoding", value: "gzip, deflate")
        switch request.kind {
        case .page: headers.add(name: "Accept", value: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
        case .feed: headers.add(name: "Accept", value: "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5")
        case .sitemap: headers.add(name: "Accept", value: "application/xml,text/xml;q=0.9,*/*;q=0.5")
        case .robots: headers.add(name: "Accept", value: "text/plain,*/*;q=0.5")
        }
        if let previous = request.previous, previous.hash != nil {
            if let etag = previous.etag { headers.add(name: "If-None-Match", value: etag) }
            if let lastModified = previous.lastModified { headers.add(name: "If-Modified-Since", value: lastModified) }
        }
        return headers
    }

    /// One hop, retried on connection errors, 429 and 5xx with backoff (or the server's
    /// Retry-After, unless it asks for more than `retryAfterMaxMs`).
    private func attemptWithRetries(url: URL, target: FetchCheckedHost, headers: HTTPHeaders, kind: FetchRequest.Kind,
                                    attempts: inout Int) async -> FetchAttemptOutcome {
        var retry = 0
        while true {
            attempts += 1
            let outcome = await gatedAttempt(url: url, target: target, headers: headers, kind: kind)
            var pause: Duration? = nil
            switch outcome {
            case let .failure(_, _, retryable) where retryable:
                pause = backoff(retry)
            case let .response(status, responseHeaders, _, _) where status == 429 || status >= 500:
                if let retryAfter = responseHeaders.first(name: "Retry-After").flatMap(Self.parseRetryAfter) {
                    if retryAfter > .milliseconds(settings.retryAfterMaxMs) {
                        return outcome // the server asks for more than we wait: give up now
                    }
                    pause = max(retryAfter, .zero)
                } else {
                    pause = backoff(retry)
                }
            default:
                pause = nil
            }
            guard let pause, retry < settings.retries else { return outcome }
            retry += 1
            try? await Task.sleep(for: pause)
        }
    }

    private enum HopResult {
        case done(FetchResponse)
        case redirect(URL)
    }

    /// What one hop's outcome means for the request.
    private func interpret(_ outcome: FetchAttemptOutcome, url: URL, fetch: inout FetchInProgress, visited: inout Set<String>) -> HopResult {
        fetch.record.finalUrl = url.absoluteString
        switch outcome {
        case let .failure(reason, detail, _):
            return .done(fetch.finish(.rejected, reason: reason, detail: detail))
        case let .stored(status, responseHeaders, hash, bytes):
            fetch.record.status = status
            fetch.takeValidators(responseHeaders)
            fetch.record.hash = hash
            fetch.record.bytes = bytes
            return .done(fetch.finish(.stored))
        case let .response(status, responseHeaders, body, failure):
            fetch.record.status = status
            if [301, 302, 303, 307, 308].contains(status) {
                return redirect(status, responseHeaders, from: url, fetch: &fetch, visited: &visited)
            }
            fetch.takeValidators(responseHeaders)
            if status == 304 {
                guard let previous = fetch.request.previous, previous.hash != nil else {
                    return .done(fetch.finish(.rejected, reason: "http-304", detail: "304 without a previous copy"))
                }
                fetch.record.hash = previous.hash
                fetch.record.bytes = previous.bytes
                fetch.record.contentType = fetch.record.contentType ?? previous.contentType
                fetch.record.charset = fetch.record.charset ?? previous.charset
                fetch.record.etag = fetch.record.etag ?? previous.etag
                fetch.record.lastModified = fetch.record.lastModified ?? previous.lastModified
                return .done(fetch.finish(.unchanged))
            }
            if let failure { return .done(fetch.finish(.rejected, reason: failure.reason, detail: failure.detail)) }
            guard (200 ..< 300).contains(status) else {
                return .done(fetch.finish(.rejected, reason: "http-\(status)", detail: "HTTP \(status) from \(url.absoluteString)"))
            }
            let bytes = body ?? []
            fetch.record.bytes = bytes.count
            fetch.record.hash = ContentHash.hex(bytes)
            return .done(fetch.finish(.stored, body: bytes))
        }
    }

    /// The next hop of a redirect, or why the chain ends here.
    private func redirect(_ status: Int, _ headers: HTTPHeaders, from url: URL, fetch: inout FetchInProgress, visited: inout Set<String>) -> HopResult {
        guard let location = headers.first(name: "Location"),
              let next = URL(string: location.trimmingCharacters(in: .whitespaces), relativeTo: url)?.absoluteURL else {
            return .done(fetch.finish(.rejected, reason: "bad-redirect", detail: "\(status) without a usable Location"))
        }
        fetch.hops += 1
        if fetch.hops > settings.maxRedirects {
            return .done(fetch.finish(.rejected, reason: "too-many-redirects", detail: "more than \(settings.maxRedirects) redirects"))
        }
        if !visited.insert(next.absoluteString).inserted {
            return .done(fetch.finish(.rejected, reason: "redirect-loop", detail: "\(next.absoluteString) seen before in this chain"))
        }
        fetch.redirects.append(next.absoluteString)
        return .redirect(next)
    }

    /// Hashing and writing (with its fsync) run on the writer queues, each its own thread, so
    /// several fsyncs wait at once and the fetcher's executor never blocks on the disk.
    private static func put(_ bytes: [UInt8], in store: ContentStore, writers: FetchStoreWriters) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            writers.next().async {
                continuation.resume(with: Result { try store.put(bytes) })
            }
        }
    }

    /// Exponential backoff with jitter: a random 50-100% of base·2^retry, capped.
    private func backoff(_ retry: Int) -> Duration {
        let exponential = Double(max(1, settings.backoffBaseMs)) * pow(2, Double(min(retry, 30)))
        let capped = min(exponential, Double(max(1, settings.backoffMaxMs)))
        return .milliseconds(Int64(capped * Double.random(in: 0.5 ... 1.0)))
    }

    /// `Retry-After` as seconds or an HTTP date.
    static func parseRetryAfter(_ value: String) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSinceNow) * 1000))
    }

    static func parseTimestamp(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }

    /// The `charset` parameter of a Content-Type value, lower-cased, quotes removed.
    static func charset(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else { continue }
            let value = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")).lowercased()
            return value.isEmpty ? nil : value
        }
        return nil
    }

    // MARK: Gates

    private static func hostKey(_ url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? "http"
        return "\(scheme)://\((url.host ?? "").lowercased()):\(url.port ?? (scheme == "https" ? 443 : 80))"
    }

    private func gate(for url: URL) -> FetchHostGate {
        let key = Self.hostKey(url)
        return hosts.withLock { gates in
            if let gate = gates[key] { return gate }
            let gate = FetchHostGate(permits: settings.perHostConcurrency, delay: .milliseconds(max(0, settings.perHostDelayMs)))
            gates[key] = gate
            return gate
        }
    }

    /// One attempt under the host's and the global limits; permits are released before any retry pause.
    private func gatedAttempt(url: URL, target: FetchCheckedHost, headers: HTTPHeaders, kind: FetchRequest.Kind) async -> FetchAttemptOutcome {
        let host = gate(for: url)
        await host.acquire()
        await global.acquire()
        let outcome = await attemptWithDeadline(url: url, target: target, headers: headers, kind: kind)
        await global.release()
        await host.release()
        return outcome
    }

    // MARK: Address policy

    /// The address policy's verdict for `url`'s host and the addresses it checked, resolved once
    /// per host: getaddrinfo blocks, so it runs on a Dispatch thread rather than one of the few
    /// cooperative ones.
    private func checkAddress(_ url: URL) async -> Result<FetchCheckedHost, FetchAddressRefusal> {
        if let refusal = policy.checkSyntax(url) { return .failure(refusal) }
        let policy = policy
        let task: Task<Result<FetchCheckedHost, FetchAddressRefusal>, Never> = verdicts.withLock { verdicts in
            let key = Self.hostKey(url)
            if let task = verdicts[key] { return task }
            let task = spawn { () -> Result<FetchCheckedHost, FetchAddressRefusal> in
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().async { continuation.resume(returning: policy.vet(url)) }
                }
            }
            verdicts[key] = task
            return task
        }
        return await task.value
    }

    // MARK: Robots

    /// The robots.txt verdict for `url`'s host: fetched once (through the same limits, without a
    /// robots check of its own) and shared by every request to that host.
    func robots(for url: URL) async -> FetchRobotsVerdict {
        let key = Self.hostKey(url)
        let task: Task<FetchRobotsVerdict, Never> = robotsCache.withLock { cache in
            if let task = cache[key] { return task }
            let robotsURL = key + "/robots.txt"
            let task = spawn { [self] () -> FetchRobotsVerdict in
                let response = await fetch(FetchRequest(url: robotsURL, source: robotsURL, kind: .robots))
                let verdict = FetchRobotsVerdict(response: response, host: url.host ?? "", userAgent: settings.userAgent)
                if case let .rules(rules) = verdict, let delay = rules.crawlDelaySeconds, delay > 0 {
                    await gate(for: URL(string: robotsURL)!).raiseDelay(to: min(.milliseconds(Int64(delay * 1000)), Self.maxCrawlDelay))
                }
                return verdict
            }
            cache[key] = task
            return task
        }
        return await task.value
    }

    // MARK: One attempt

    private func attemptWithDeadline(url: URL, target: FetchCheckedHost, headers: HTTPHeaders, kind: FetchRequest.Kind) async -> FetchAttemptOutcome {
        let total = Duration.milliseconds(max(1, settings.totalTimeoutMs))
        return await withTaskGroup(of: FetchAttemptOutcome?.self) { group in
            group.addTask { await self.attemptAddresses(url: url, target: target, headers: headers, kind: kind) }
            group.addTask {
                try? await Task.sleep(for: total)
                if Task.isCancelled { return nil }
                return .failure(reason: "timeout", detail: "no complete response within \(self.settings.totalTimeoutMs) ms", retryable: true)
            }
            var result: FetchAttemptOutcome = .failure(reason: "timeout", detail: "cancelled", retryable: false)
            for await outcome in group {
                if let outcome { result = outcome; group.cancelAll(); break }
            }
            return result
        }
    }

    /// One attempt, over the checked addresses in order: when one cannot be connected to (nothing
    /// was sent), the next is tried, as the client's own resolver would have done.
    private func attemptAddresses(url: URL, target: FetchCheckedHost, headers: HTTPHeaders, kind: FetchRequest.Kind) async -> FetchAttemptOutcome {
        if url.scheme?.lowercased() == "https", let tlsProblem {
            return .failure(reason: "tls-failed", detail: tlsProblem, retryable: false)
        }
        // The client reads the host from the URL as written; the override is keyed by that spelling.
        let host = url.host.map(FetchAddressPolicy.bareHost) ?? target.host
        let candidates: [FetchIPAddress?] = target.isLiteral ? [nil] : target.addresses
        var outcome: FetchAttemptOutcome = .failure(reason: "dns-failed", detail: "no address for \(target.host)", retryable: false)
        for (index, address) in candidates.enumerated() {
            guard let client = client(for: host, address: address) else {
                return .failure(reason: "cancelled", detail: "the fetcher was shut down", retryable: false)
            }
            outcome = await attempt(url: url, client: client, headers: headers, kind: kind)
            guard case let .failure(reason, detail, retryable) = outcome, Self.connectReasons.contains(reason) else { return outcome }
            if let address, candidates.count > 1 {
                outcome = .failure(reason: reason, detail: "\(address): \(detail)", retryable: retryable)
            }
            if Task.isCancelled || index == candidates.count - 1 { break }
        }
        return outcome
    }

    /// Reasons of failures before anything was sent: another address of the host may be tried.
    static let connectReasons: Set<String> = ["connection-refused", "host-unreachable", "connect-timeout"]

    private func attempt(url: URL, client: HTTPClient, headers: HTTPHeaders, kind: FetchRequest.Kind) async -> FetchAttemptOutcome {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.headers = headers
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(Int64(max(1, settings.totalTimeoutMs))))
        } catch {
            return Self.classify(error)
        }
        let status = Int(response.status.code)
        // robots.txt is read up to robotsMaxBytes and the rest ignored (RFC 9309 2.5: at least 500 KiB
        // are parsed); an over-long robots.txt is not a failure that would close the whole host.
        let truncates = kind == .robots
        let maxBytes = max(0, truncates ? settings.robotsMaxBytes : settings.maxBytes)
        // Bodies of redirects and errors are read only a little and thrown away.
        let keep = (200 ..< 300).contains(status)
        if keep, kind == .page, let type = response.headers.first(name: "Content-Type"), !Self.isHTML(type) {
            return .response(status: status, headers: response.headers, body: nil,
                             failure: ("not-html", "content type \(type)"))
        }
        if let declared = response.headers.first(name: "Content-Length").flatMap({ Int($0) }), keep, !truncates, declared > maxBytes,
           response.headers.first(name: "Content-Encoding") == nil {
            return .response(status: status, headers: response.headers, body: nil,
                             failure: ("too-large", "Content-Length \(declared) over maxBytes \(maxBytes)"))
        }
        let coding = response.headers.first(name: "Content-Encoding")?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
        var inflater: FetchInflater?
        do {
            switch coding {
            case "", "identity": inflater = nil
            case "gzip", "x-gzip": inflater = try FetchInflater(format: .gzip, maxOutput: maxBytes, maxRatio: settings.maxDecompressionRatio)
            case "deflate": inflater = try FetchInflater(format: .deflate, maxOutput: maxBytes, maxRatio: settings.maxDecompressionRatio)
            default:
                return .response(status: status, headers: response.headers, body: nil, failure: ("bad-encoding", "unsupported Content-Encoding \(coding)"))
            }
        } catch {
            return .failure(reason: "bad-encoding", detail: "\(error)", retryable: false)
        }
        var body: [UInt8] = []
        if keep, let declared = response.headers.first(name: "Content-Length").flatMap({ Int($0) }), declared > 0 {
            body.reserveCapacity(min(declared * (inflater == nil ? 1 : 4), maxBytes))
        }
        let discardLimit = 64 * 1024
        var received = 0
        do {
            for try await chunk in response.body {
                received += chunk.readableBytes
                if !keep {
                    if received > discardLimit { break }
                    continue
                }
                if let inflater {
                    try chunk.withUnsafeReadableBytes { try inflater.feed($0, into: &body) }
                } else {
                    if body.count + chunk.readableBytes > maxBytes {
                        if truncates {
                            chunk.withUnsafeReadableBytes { body.append(contentsOf: $0.prefix(maxBytes - body.count)) }
                            break
                        }
                        return .response(status: status, headers: response.headers, body: nil,
                                         failure: ("too-large", "body over maxBytes \(maxBytes)"))
                    }
                    chunk.withUnsafeReadableBytes { body.append(contentsOf: $0) }
                }
            }
        } catch let error as FetchInflateError where truncates && error.isTooLarge {
            body = Array(body.prefix(maxBytes))
        } catch let error as FetchInflateError {
            let detail: String
            switch error {
            case let .tooLarge(limit): detail = "decompressed body over maxBytes \(limit)"
            case let .ratio(limit): detail = "decompressed more than \(limit)x its compressed size"
            case let .corrupt(message): detail = message
            }
            return .response(status: status, headers: response.headers, body: nil, failure: (error.reason, detail))
        } catch {
            if !keep { return .response(status: status, headers: response.headers, body: nil, failure: nil) }
            return Self.classify(error)
        }
        if keep, kind == .page, let store {
            // Stored before the permits are released: when the disk is slower than the network,
            // fetching slows down instead of bodies piling up in memory.
            do {
                let hash = try await Self.put(body, in: store, writers: writers)
                return .stored(status: status, headers: response.headers, hash: hash, bytes: body.count)
            } catch {
                return .response(status: status, headers: response.headers, body: nil, failure: ("store-failed", "\(error)"))
            }
        }
        return .response(status: status, headers: response.headers, body: keep ? body : nil, failure: nil)
    }

    /// HTML or XHTML; `text/plain` and friends are not pages the strip stage can use.
    static func isHTML(_ contentType: String) -> Bool {
        let type = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return type.isEmpty || type == "text/html" || type == "application/xhtml+xml" || type.hasSuffix("+html") || type == "text/x-html"
    }

    /// The reject reason of a failed attempt: what the network said, not a guess.
    private static func classify(_ error: Error) -> FetchAttemptOutcome {
        if let reason = connectFailure(error) {
            return .failure(reason: reason, detail: "\(error)", retryable: true)
        }
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            return .failure(reason: "tls-failed", detail: "\(error)", retryable: false)
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return .failure(reason: "connect-timeout", detail: "\(client)", retryable: true)
            case .readTimeout: return .failure(reason: "read-timeout", detail: "\(client)", retryable: true)
            case .deadlineExceeded: return .failure(reason: "timeout", detail: "\(client)", retryable: true)
            case .remoteConnectionClosed: return .failure(reason: "connection-closed", detail: "\(client)", retryable: true)
            case .invalidURL, .emptyHost, .emptyScheme: return .failure(reason: "bad-url", detail: "\(client)", retryable: false)
            case .cancelled: return .failure(reason: "timeout", detail: "cancelled", retryable: true)
            default: break
            }
            if "\(client)".contains("unsupportedScheme") { return .failure(reason: "unsupported-scheme", detail: "\(client)", retryable: false) }
            return .failure(reason: "http-error", detail: "\(client)", retryable: true)
        }
        if error is CancellationError { return .failure(reason: "timeout", detail: "cancelled", retryable: true) }
        let text = String(describing: error)
        if text.contains("SSL") || text.contains("TLS") || text.contains("certificate") {
            return .failure(reason: "tls-failed", detail: text, retryable: false)
        }
        return .failure(reason: "connection-failed", detail: text, retryable: true)
    }

    /// The reason of a failure to open a connection (nothing sent yet), or nil for other errors.
    static func connectFailure(_ error: Error) -> String? {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection-refused"
            case EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN, EADDRNOTAVAIL: return "host-unreachable"
            case ETIMEDOUT: return "connect-timeout"
            default: return nil
            }
        }
        if let connection = error as? NIOConnectionError {
            if connection.connectionErrors.isEmpty, connection.dnsAError != nil || connection.dnsAAAAError != nil { return "dns-failed" }
            return connection.connectionErrors.lazy.compactMap { connectFailure($0.error) }.first ?? "host-unreachable"
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return "connect-timeout" }
        if let client = error as? HTTPClientError, client == .connectTimeout { return "connect-timeout" }
        return nil
    }
}

/// What robots.txt says about a host, as RFC 9309 reads each way of fetching it: a file's rules
/// (a 4xx answer means no rules: §2.3.1.3), or unavailable — the host or the file could not be had
/// (no connection, DNS, timeout, TLS, a 5xx or 429 answer) — in which case nothing of the host is
/// crawled this run (§2.3.1.4, "complete disallow") and each page is rejected with the real reason
/// (`connection-refused`, `dns-failed`, `timeout` ... or `robots-unavailable` for a 5xx), never
/// as if the site had disallowed it.
enum FetchRobotsVerdict: Sendable, Equatable {
    case rules(FetchRobotsRules)
    case unavailable(reason: String, detail: String)

    init(response: FetchResponse, host: String, userAgent: String) {
        switch (response.disposition, response.record.status) {
        case (.stored, _):
            self = .rules(FetchRobotsRules(parsing: String(decoding: response.body ?? [], as: UTF8.self), userAgent: userAgent))
        case let (_, status?) where (400 ..< 500).contains(status) && status != 429:
            self = .rules(.allowAll)
        case let (_, status?) where status >= 500 || status == 429:
            self = .unavailable(reason: "robots-unavailable",
                                detail: "robots.txt of \(host) answered HTTP \(status): nothing of this host is fetched this run (RFC 9309 2.3.1.4)")
        default:
            let reason = response.reason ?? "robots-unavailable"
            self = .unavailable(reason: reason,
                                detail: "robots.txt of \(host) could not be fetched, so nothing of this host is fetched this run: \(response.detail ?? reason)")
        }
    }
}

extension FetchInflateError {
    var isTooLarge: Bool {
        if case .tooLarge = self { return true }
        return false
    }
}

/// The state of one request while its redirect chain is followed: the record being filled in,
/// attempts, hops and redirects so far.
struct FetchInProgress {
    let request: FetchRequest
    let started = ContinuousClock.now
    var record: FetchRecord
    var attempts = 0
    var hops = 0
    var redirects: [String] = []

    init(request: FetchRequest, startedAt: Date) {
        self.request = request
        record = FetchRecord(source: request.source, url: request.url, bytes: 0, hash: nil, fetchedAt: FetchHTTPEngine.timestamp(startedAt))
    }

    /// Content type, charset and validators of a response.
    mutating func takeValidators(_ headers: HTTPHeaders) {
        record.contentType = headers.first(name: "Content-Type")
        record.charset = record.contentType.flatMap(FetchHTTPEngine.charset)
        record.etag = headers.first(name: "ETag")
        record.lastModified = headers.first(name: "Last-Modified")
    }

    func finish(_ disposition: FetchResponse.Disposition, reason: String? = nil, detail: String? = nil, body: [UInt8]? = nil) -> FetchResponse {
        let elapsed = ContinuousClock.now - started
        var record = record
        record.durationMs = (Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15 * 1000).rounded() / 1000
        if disposition == .rejected { record.error = reason }
        return FetchResponse(request: request, record: record, disposition: disposition, reason: reason, detail: detail,
                             body: body, attempts: attempts, redirects: redirects)
    }
}
