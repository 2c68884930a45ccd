import NewsFetch

/// Every key of `stages.fetch.http`, declared once: how it is read from the manifest, checked and
/// printed by `newspipe config`. The names are the `FetchNetworkSettings` property names.
struct HTTPSettingKeys: Sendable {
    struct Name: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    let name: String
    let read: @Sendable (inout ManifestObjectReader, inout FetchNetworkSettings) throws -> Void
    let write: @Sendable (FetchNetworkSettings, inout KeyedEncodingContainer<Name>) throws -> Void

    static func int(_ name: String, _ path: WritableKeyPath<FetchNetworkSettings, Int> & Sendable, _ range: ClosedRange<Int>) -> Self {
        Self(name: name,
             read: { reader, settings in settings[keyPath: path] = try reader.int(name, default: settings[keyPath: path], range: range) },
             write: { settings, container in try container.encode(settings[keyPath: path], forKey: Name(stringValue: name)) })
    }

    static func bool(_ name: String, _ path: WritableKeyPath<FetchNetworkSettings, Bool> & Sendable) -> Self {
        Self(name: name,
             read: { reader, settings in settings[keyPath: path] = try reader.bool(name, default: settings[keyPath: path]) },
             write: { settings, container in try container.encode(settings[keyPath: path], forKey: Name(stringValue: name)) })
    }

    /// A string setting; `problem` says what is wrong with a value (nil when it is fine).
    static func string(_ name: String, _ path: WritableKeyPath<FetchNetworkSettings, String> & Sendable,
                       problem: @escaping @Sendable (String) -> String? = { _ in nil }) -> Self {
        Self(name: name,
             read: { reader, settings in
                 let value = try reader.string(name, default: settings[keyPath: path])
                 if let message = problem(value) { throw ManifestError(path: "\(reader.path).\(name)", message: message) }
                 settings[keyPath: path] = value
             },
             write: { settings, container in try container.encode(settings[keyPath: path], forKey: Name(stringValue: name)) })
    }

    static func strings(_ name: String, _ path: WritableKeyPath<FetchNetworkSettings, [String]> & Sendable) -> Self {
        Self(name: name,
             read: { reader, settings in settings[keyPath: path] = try reader.stringArray(name, default: settings[keyPath: path]) },
             write: { settings, container in try container.encode(settings[keyPath: path], forKey: Name(stringValue: name)) })
    }

    static let hour = 3_600_000

    static let all: [HTTPSettingKeys] = [
        // A header value: a line break would let the manifest inject headers into every request.
        .string("userAgent", \.userAgent, problem: { value in
            value.unicodeScalars.contains { $0.properties.generalCategory == .control } || value.isEmpty
                ? "expected one line of printable text, found \(value.debugDescription)" : nil
        }),
        .int("globalConcurrency", \.globalConcurrency, 1 ... 4096),
        .int("perHostConcurrency", \.perHostConcurrency, 1 ... 1024),
        .int("perHostDelayMs", \.perHostDelayMs, 0 ... hour),
        .int("connectTimeoutMs", \.connectTimeoutMs, 1 ... hour),
        .int("readTimeoutMs", \.readTimeoutMs, 1 ... hour),
        .int("totalTimeoutMs", \.totalTimeoutMs, 1 ... hour),
        .int("retries", \.retries, 0 ... 100),
        .int("backoffBaseMs", \.backoffBaseMs, 0 ... hour),
        .int("backoffMaxMs", \.backoffMaxMs, 0 ... hour),
        .int("retryAfterMaxMs", \.retryAfterMaxMs, 0 ... 24 * hour),
        .int("maxRedirects", \.maxRedirects, 0 ... 100),
        .int("maxDecompressionRatio", \.maxDecompressionRatio, 1 ... 100_000),
        .bool("respectRobots", \.respectRobots),
        .int("robotsMaxBytes", \.robotsMaxBytes, 1 ... 1 << 30),
        .int("minRefetchAgeSeconds", \.minRefetchAgeSeconds, 0 ... 365 * 86_400),
        .bool("allowPrivateAddresses", \.allowPrivateAddresses),
        .strings("allowHosts", \.allowHosts),
        .string("caCertificatesFile", \.caCertificatesFile),
        .int("maxSitemapDepth", \.maxSitemapDepth, 0 ... 100),
        .int("maxSitemaps", \.maxSitemaps, 1 ... 1_000_000),
        .int("maxDiscoveredUrls", \.maxDiscoveredUrls, 1 ... 100_000_000),
    ]
}
