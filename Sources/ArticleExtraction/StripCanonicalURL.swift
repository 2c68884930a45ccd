import Foundation

/// Which `<link rel=canonical>` (or `og:url`) a page may claim.
///
/// A page is hostile input: its canonical link is a claim, not a fact. It is kept only when it is
/// an `http(s)` URL with a host and, when the page's own URL is known, on the same site as the
/// page (the same host, `www.` aside, or one host a subdomain of the other). Anything else would let
/// a page put a `javascript:` link into the reports or pass itself off as another publisher, so
/// the claim is dropped and the page keeps its own URL and site. The reason is kept in the
/// article's provenance (`canonical-rejected: ...`).
enum StripCanonicalURL {
    enum Decision: Equatable {
        case accepted(String)
        case rejected(String)
    }

    static func decide(_ link: String, pageURL: String?) -> Decision {
        let resolved = absolute(link, base: pageURL)
        guard let components = URLComponents(string: resolved),
              let scheme = components.scheme?.lowercased() else {
            return .rejected("not a URL")
        }
        guard scheme == "http" || scheme == "https" else { return .rejected("scheme \(scheme)") }
        guard let host = components.host?.lowercased(), !host.isEmpty else { return .rejected("no host") }
        if let pageURL, let pageHost = URLComponents(string: pageURL)?.host?.lowercased(), !pageHost.isEmpty,
           !sameSite(host, pageHost) {
            return .rejected("another site (\(bare(host)))")
        }
        return .accepted(resolved)
    }

    /// Resolves a relative link against the page URL; an absolute one stays as it is.
    static func absolute(_ link: String, base: String?) -> String {
        let lowered = link.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") { return link }
        guard let base, let baseURL = URL(string: base),
              let resolved = URL(string: link, relativeTo: baseURL) else { return link }
        return resolved.absoluteString
    }

    /// The same host apart from `www.`, or one a subdomain of the other at a label boundary.
    static func sameSite(_ a: String, _ b: String) -> Bool {
        let (x, y) = (bare(a), bare(b))
        return x == y || x.hasSuffix("." + y) || y.hasSuffix("." + x)
    }

    static func bare(_ host: String) -> String {
        host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
    }
}
