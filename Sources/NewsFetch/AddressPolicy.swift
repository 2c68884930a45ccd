import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a URL may not be fetched over the network.
public enum FetchAddressRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not http or https (file:, ftp:, javascript: ...).
    case scheme(String)
    /// No host, or a host that is not a valid name.
    case badURL(String)
    /// The host does not resolve.
    case unresolvable(String)
    /// The host resolves to an address of a refused range (the range's name, e.g. `loopback`).
    case privateAddress(host: String, address: String, range: String)

    /// The reject reason recorded in `FetchRecord.error`.
    public var reason: String {
        switch self {
        case .scheme: return "unsupported-scheme"
        case .badURL: return "bad-url"
        case .unresolvable: return "dns-failed"
        case .privateAddress: return "private-address"
        }
    }

    public var description: String {
        switch self {
        case let .scheme(scheme): return "unsupported-scheme: \(scheme)"
        case let .badURL(url): return "bad-url: \(url)"
        case let .unresolvable(host): return "dns-failed: \(host)"
        case let .privateAddress(host, address, range): return "private-address: \(host) resolves to \(address) (\(range))"
        }
    }
}

/// How host names become addresses: the system's getaddrinfo, or a stand-in (tests).
public struct FetchResolver: Sendable {
    let lookup: @Sendable (String) -> [FetchIPAddress]

    /// - Parameter lookup: every address a host name resolves to, in the order to try them
    ///   (empty when it does not resolve).
    public init(_ lookup: @escaping @Sendable (String) -> [FetchIPAddress]) { self.lookup = lookup }

    /// getaddrinfo, in its order (RFC 6724 destination address selection).
    public static let system = FetchResolver { FetchAddressPolicy.resolve($0) }

    public func resolve(_ host: String) -> [FetchIPAddress] { lookup(host) }
}

/// A host the address policy let through, with the addresses it checked: the fetcher connects to
/// these and no others, so a name that resolves differently later (DNS rebinding) cannot move the
/// connection to an address that was never checked.
public struct FetchCheckedHost: Sendable, Equatable {
    /// The host as the URL spells it, lower-cased, IPv6 brackets removed.
    public var host: String
    /// Every address the host resolved to (a literal's own), in the resolver's order, no repeats.
    public var addresses: [FetchIPAddress]
    /// The host is an IP literal, so no name was resolved.
    public var isLiteral: Bool
}

/// Decides which URLs may be fetched: only http and https, and only hosts that resolve to public
/// addresses, so a feed, sitemap or redirect cannot point the crawler at the machine itself, the
/// local network or a cloud metadata service (169.254.169.254). IPv6 addresses that carry an IPv4
/// address (IPv4-mapped and -compatible, SIIT, NAT64, 6to4, Teredo) are judged by the IPv4 address
/// they carry.
///
/// `vet` resolves a name once and returns the addresses it checked; `HTTPFetcher` connects only to
/// those (it never lets the HTTP client resolve the name again), which closes DNS rebinding.
public struct FetchAddressPolicy: Sendable {
    public let allowPrivateAddresses: Bool
    private let allowedHosts: Set<String>
    private let allowedHostPorts: Set<String>
    private let allowedRanges: [FetchIPRange]
    public let resolver: FetchResolver

    public init(allowPrivateAddresses: Bool = false, allowHosts: [String] = [], resolver: FetchResolver = .system) {
        self.allowPrivateAddresses = allowPrivateAddresses
        self.resolver = resolver
        var hosts = Set<String>(), hostPorts = Set<String>(), ranges: [FetchIPRange] = []
        for entry in allowHosts.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !entry.isEmpty {
            if entry.contains("/"), let range = FetchIPRange(cidr: entry) {
                ranges.append(range)
            } else if let colon = entry.lastIndex(of: ":"), !entry.hasSuffix("]"), entry.filter({ $0 == ":" }).count == 1 || entry.hasPrefix("[") {
                hostPorts.insert(Self.bareHost(String(entry[..<colon])) + ":" + entry[entry.index(after: colon)...])
            } else {
                hosts.insert(Self.bareHost(entry))
            }
        }
        allowedHosts = hosts; allowedHostPorts = hostPorts; allowedRanges = ranges
    }

    public init(settings: FetchNetworkSettings, resolver: FetchResolver = .system) {
        self.init(allowPrivateAddresses: settings.allowPrivateAddresses, allowHosts: settings.allowHosts, resolver: resolver)
    }

    static func bareHost(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// Checks scheme and host of `url`, resolving the host name once. Every address the name
    /// resolves to must be allowed: an attacker's name may list a public and a private one.
    public func check(_ url: URL) -> FetchAddressRefusal? {
        if case let .failure(refusal) = vet(url) { return refusal }
        return nil
    }

    /// `check`, returning on success the addresses that were checked, to connect to. Hosts exempt
    /// from the ranges (`allowPrivateAddresses`, `allowHosts` by name or `host:port`) are resolved
    /// too, so their connections are pinned the same way.
    public func vet(_ url: URL) -> Result<FetchCheckedHost, FetchAddressRefusal> {
        if let refusal = checkSyntax(url) { return .failure(refusal) }
        let host = Self.bareHost(url.host!.lowercased())
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        let exempt = allowPrivateAddresses || allowedHosts.contains(host) || allowedHostPorts.contains("\(host):\(port)")
        var addresses: [FetchIPAddress]
        let literal = FetchIPAddress(literal: host)
        if let literal {
            addresses = [literal]
        } else {
            addresses = []
            for address in resolver.resolve(host) where !addresses.contains(address) { addresses.append(address) }
            if addresses.isEmpty { return .failure(.unresolvable(host)) }
        }
        if !exempt {
            for address in addresses {
                if allowedRanges.contains(where: { $0.contains(address) }) { continue }
                if let range = address.refusedRange { return .failure(.privateAddress(host: host, address: address.description, range: range)) }
            }
        }
        return .success(FetchCheckedHost(host: host, addresses: addresses, isLiteral: literal != nil))
    }

    /// Only the checks that need no DNS: scheme and presence of a host.
    public func checkSyntax(_ url: URL) -> FetchAddressRefusal? {
        let scheme = url.scheme?.lowercased() ?? ""
        guard scheme == "http" || scheme == "https" else { return .scheme(scheme.isEmpty ? "none" : scheme) }
        guard let host = url.host, !host.isEmpty else { return .badURL(url.absoluteString) }
        return nil
    }

    /// Every address `host` resolves to (empty when it does not resolve).
    static func resolve(_ host: String) -> [FetchIPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [FetchIPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let sockaddr = info.pointee.ai_addr {
                if info.pointee.ai_family == AF_INET {
                    sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        let raw = UInt32(bigEndian: pointer.pointee.sin_addr.s_addr)
                        addresses.append(.v4(raw))
                    }
                } else if info.pointee.ai_family == AF_INET6 {
                    sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var bytes = [UInt8](repeating: 0, count: 16)
                        withUnsafeBytes(of: pointer.pointee.sin6_addr) { raw in
                            for index in 0 ..< 16 { bytes[index] = raw[index] }
                        }
                        addresses.append(.v6(bytes))
                    }
                }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}

/// An IPv4 or IPv6 address, as the address policy classifies it.
public enum FetchIPAddress: Sendable, Equatable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])

    /// Parses a dotted IPv4 or an IPv6 literal (without brackets) with inet_pton.
    public init?(literal: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            var bytes = [UInt8](repeating: 0, count: 16)
            withUnsafeBytes(of: v6) { raw in for index in 0 ..< 16 { bytes[index] = raw[index] } }
            self = .v6(bytes)
            return
        }
        return nil
    }

    public var description: String {
        switch self {
        case let .v4(raw): return "\(raw >> 24).\((raw >> 16) & 0xFF).\((raw >> 8) & 0xFF).\(raw & 0xFF)"
        case let .v6(bytes):
            return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
        }
    }

    /// The IPv4 addresses an IPv6 address carries, with the mechanism's name: IPv4-mapped
    /// `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, SIIT `::ffff:0:a.b.c.d`, NAT64
    /// `64:ff9b::a.b.c.d` (RFC 6052), 6to4 `2002:AABB:CCDD::/48` (RFC 3056) and Teredo
    /// `2001:0:SSSS:SSSS::/64` with the client's address inverted in the last 32 bits (RFC 4380).
    /// Each is judged as IPv4: a packet to `2002:7f00:1::` can reach 127.0.0.1 through a relay.
    var embeddedV4: [(address: UInt32, mechanism: String)] {
        guard case let .v6(b) = self else { return [] }
        func word(_ index: Int) -> UInt32 {
            UInt32(b[index]) << 24 | UInt32(b[index + 1]) << 16 | UInt32(b[index + 2]) << 8 | UInt32(b[index + 3])
        }
        let tail = word(12)
        if b[0 ..< 10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return [(tail, "IPv4-mapped")] }
        if b[0 ..< 8].allSatisfy({ $0 == 0 }) && b[8] == 0xFF && b[9] == 0xFF && b[10] == 0 && b[11] == 0 { return [(tail, "SIIT")] }
        if b[0 ..< 12].allSatisfy({ $0 == 0 }) && tail > 1 { return [(tail, "IPv4-compatible")] }
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4 ..< 12].allSatisfy({ $0 == 0 }) { return [(tail, "NAT64")] }
        if b[0] == 0x20 && b[1] == 0x02 { return [(word(2), "6to4")] }
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0 { return [(word(4), "Teredo server"), (~tail, "Teredo client")] }
        return []
    }

    /// The name of the refused range this address falls in, or nil for a public address.
    public var refusedRange: String? {
        for (v4, mechanism) in embeddedV4 {
            if let range = FetchIPAddress.v4(v4).refusedRange { return "\(range) in \(mechanism)" }
        }
        switch self {
        case let .v4(a):
            func within(_ base: UInt32, _ bits: UInt32) -> Bool { bits == 0 || (a >> (32 - bits)) == (base >> (32 - bits)) }
            if within(0x0000_0000, 8) { return "unspecified" }          // 0.0.0.0/8
            if within(0x7F00_0000, 8) { return "loopback" }             // 127/8
            if within(0x0A00_0000, 8) { return "private" }              // 10/8
            if within(0xAC10_0000, 12) { return "private" }             // 172.16/12
            if within(0xC0A8_0000, 16) { return "private" }             // 192.168/16
            if within(0xA9FE_0000, 16) { return "link-local" }          // 169.254/16, cloud metadata
            if within(0x6440_0000, 10) { return "cgnat" }               // 100.64/10
            if within(0xC000_0000, 24) { return "ietf-protocol" }       // 192.0.0/24
            if within(0xC612_0000, 15) { return "benchmarking" }        // 198.18/15
            if within(0xE000_0000, 4) { return "multicast" }            // 224/4
            if within(0xF000_0000, 4) { return "reserved" }             // 240/4 incl. broadcast
            return nil
        case let .v6(b):
            if b.allSatisfy({ $0 == 0 }) { return "unspecified" }       // ::
            if b[0 ..< 15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return "loopback" } // ::1
            if b[0] & 0xFE == 0xFC { return "private" }                 // fc00::/7 unique local
            if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return "link-local" } // fe80::/10
            if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return "private" } // fec0::/10 old site-local
            if b[0] == 0xFF { return "multicast" }                      // ff00::/8
            // 64:ff9b:1::/48, NAT64 for local use (RFC 8215): what it reaches is the local network's choice.
            if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4] == 0 && b[5] == 1 { return "nat64-local-use" }
            if b[0] == 0x01 && b[1 ..< 8].allSatisfy({ $0 == 0 }) { return "discard" } // 100::/64 (RFC 6666)
            if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return "documentation" } // 2001:db8::/32
            return nil
        }
    }

    var bytes: [UInt8] {
        switch self {
        case let .v4(raw): return [UInt8(raw >> 24), UInt8((raw >> 16) & 0xFF), UInt8((raw >> 8) & 0xFF), UInt8(raw & 0xFF)]
        case let .v6(bytes): return bytes
        }
    }
}

/// An allow-listed IP range in CIDR notation.
struct FetchIPRange: Sendable {
    let base: FetchIPAddress
    let bits: Int

    init?(cidr: String) {
        let parts = cidr.split(separator: "/")
        guard parts.count == 2, let base = FetchIPAddress(literal: String(parts[0])), let bits = Int(parts[1]),
              bits >= 0, bits <= base.bytes.count * 8 else { return nil }
        self.base = base; self.bits = bits
    }

    func contains(_ address: FetchIPAddress) -> Bool {
        let a = address.bytes, b = base.bytes
        guard a.count == b.count else { return false }
        var remaining = bits, index = 0
        while remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if a[index] & mask != b[index] & mask { return false }
            remaining -= 8; index += 1
        }
        return true
    }
}
