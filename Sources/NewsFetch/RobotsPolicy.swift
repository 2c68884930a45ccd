import Foundation

/// The rules of one robots.txt that apply to one crawler (RFC 9309): the group naming our product
/// token, else the `*` group. A path is allowed unless its longest matching rule is a Disallow;
/// on a tie Allow wins. `*` in a rule matches any run of characters and a final `$` anchors it.
public struct FetchRobotsRules: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public var allow: Bool
        public var pattern: String
    }

    public var rules: [Rule]
    /// `Crawl-delay` of the chosen group, in seconds, if any.
    public var crawlDelaySeconds: Double?

    /// Everything allowed (robots.txt missing, 4xx).
    public static let allowAll = FetchRobotsRules(rules: [], crawlDelaySeconds: nil)
    /// Everything disallowed (robots.txt unreachable or 5xx: RFC 9309 §2.3.1.4).
    public static let disallowAll = FetchRobotsRules(rules: [Rule(allow: false, pattern: "/")], crawlDelaySeconds: nil)

    public init(rules: [Rule], crawlDelaySeconds: Double?) {
        self.rules = rules; self.crawlDelaySeconds = crawlDelaySeconds
    }

    /// Parses `text` for the crawler whose User-Agent is `userAgent` (its first product token counts).
    public init(parsing text: String, userAgent: String) {
        let token = FetchRobotsRules.productToken(userAgent)
        struct Group { var agents: [String] = []; var rules: [Rule] = []; var delay: Double? }
        var groups: [Group] = []
        var current = Group()
        var lastWasAgent = false
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "user-agent":
                if !lastWasAgent && (!current.agents.isEmpty || !current.rules.isEmpty) {
                    groups.append(current); current = Group()
                }
                current.agents.append(value.lowercased())
                lastWasAgent = true
            case "allow", "disallow":
                lastWasAgent = false
                // An empty Disallow allows everything, so it adds no rule.
                if !value.isEmpty { current.rules.append(Rule(allow: key == "allow", pattern: value)) }
            case "crawl-delay":
                lastWasAgent = false
                current.delay = Double(value)
            default:
                continue
            }
        }
        if !current.agents.isEmpty { groups.append(current) }
        // Every group naming our token is merged (RFC 9309 §2.2.1); else every `*` group.
        var chosen = groups.filter { $0.agents.contains { $0 != "*" && !token.isEmpty && token.hasPrefix($0) } }
        if chosen.isEmpty { chosen = groups.filter { $0.agents.contains("*") } }
        rules = chosen.flatMap(\.rules)
        crawlDelaySeconds = chosen.compactMap(\.delay).first
    }

    /// `newspipe` from `newspipe/1.0 (+https://...)`, lower-cased.
    static func productToken(_ userAgent: String) -> String {
        String(userAgent.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }).lowercased()
    }

    /// Whether `url`'s path and query may be fetched.
    public func allows(_ url: URL) -> Bool {
        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?" + query }
        return allows(path: path)
    }

    /// Whether `path` (starting with `/`, query included) may be fetched.
    public func allows(path: String) -> Bool {
        guard !rules.isEmpty else { return true }
        let target = Array(Self.normalise(path).utf8)
        var best: (length: Int, allow: Bool)? = nil
        for rule in rules {
            let pattern = Array(Self.normalise(rule.pattern).utf8)
            guard Self.matches(pattern[...], target[...]) else { continue }
            if let current = best {
                if pattern.count > current.length || (pattern.count == current.length && rule.allow) { best = (pattern.count, rule.allow) }
            } else {
                best = (pattern.count, rule.allow)
            }
        }
        return best?.allow ?? true
    }

    /// Decodes percent escapes of unreserved characters so `/a%62c` and `/abc` compare equal,
    /// while escapes of reserved characters (`%2F`) stay as they are (upper-cased).
    static func normalise(_ path: String) -> String {
        var out: [UInt8] = []
        let bytes = Array(path.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let value = UInt8(String(decoding: bytes[index + 1 ... index + 2], as: UTF8.self), radix: 16) {
                let unreserved = (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A) || (value >= 0x30 && value <= 0x39)
                    || value == UInt8(ascii: "-") || value == UInt8(ascii: ".") || value == UInt8(ascii: "_") || value == UInt8(ascii: "~")
                if unreserved { out.append(value) } else { out.append(contentsOf: Array(("%" + String(format: "%02X", value)).utf8)) }
                index += 3
            } else {
                out.append(bytes[index]); index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Prefix match with `*` wildcards and an optional final `$`; iterative, so a hostile pattern of
    /// many stars costs at most pattern × path steps.
    static func matches(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var pattern = Array(pattern)
        var anchored = false
        if pattern.last == UInt8(ascii: "$") { anchored = true; pattern.removeLast() }
        let text = Array(text)
        // Dynamic programming over (pattern position) reachable sets.
        var reachable = [Bool](repeating: false, count: pattern.count + 1)
        reachable[0] = true
        var p = 0
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1; reachable[p] = true }
        if reachable[pattern.count] && !anchored { return true }
        for byte in text {
            var next = [Bool](repeating: false, count: pattern.count + 1)
            for position in 0 ..< pattern.count where reachable[position] {
                if pattern[position] == UInt8(ascii: "*") {
                    next[position] = true
                } else if pattern[position] == byte {
                    next[position + 1] = true
                }
            }
            // Stars after a reached position are reachable with no characters.
            for position in 0 ..< pattern.count where next[position] && pattern[position] == UInt8(ascii: "*") {
                next[position + 1] = true
            }
            reachable = next
            if reachable[pattern.count] && !anchored { return true }
            if !reachable.contains(true) { return false }
        }
        return reachable[pattern.count]
    }
}
