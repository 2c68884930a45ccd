import Testing
@testable import ArticleExtraction

/// A page's canonical link is a claim: only an http(s) URL on the page's own site is kept
/// (issue 18, item 12: a `javascript:` canonical was stored as the URL; a page could claim
/// another site).
@Suite("Strip: canonical links are claims")
struct StripCanonicalTests {
    static func page(canonical: String) -> [UInt8] {
        let paragraphs = (0 ..< 8).map { "<p>Paragraph \($0): the harbour authority said on Monday that the new container terminal would open in the spring, two years later than planned, after a dispute over dredging costs.</p>" }.joined()
        return Array("<html lang=en><head><title>Terminal opens late</title><link rel=\"canonical\" href=\"\(canonical)\"></head><body><article><h1>Terminal opens late</h1>\(paragraphs)</article></body></html>".utf8)
    }

    static func extract(canonical: String, url: String?) throws -> ExtractedArticle {
        ArticleExtractor.prepareLibrary()
        switch ArticleExtractor().extract(page(canonical: canonical), url: url, contentType: nil) {
        case .success(let article): return article
        case .failure(let rejection): throw StripTestFailure(message: "rejected: \(rejection.reason)")
        }
    }

    @Test func aJavaScriptCanonicalIsDropped() throws {
        for link in ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<b>x</b>", "  vbscript:msgbox"] {
            for url in [nil, "https://harbour.example/news/terminal"] as [String?] {
                let article = try Self.extract(canonical: link, url: url)
                #expect(article.canonical == nil, "\(link) kept for url \(url ?? "nil")")
                #expect(article.provenance["canonical"]?.hasPrefix("canonical-rejected") == true)
            }
        }
    }

    @Test func aCanonicalOnAnotherSiteDoesNotChangeTheSite() throws {
        let article = try Self.extract(canonical: "https://www.big-wire.example/story/1",
                                       url: "https://harbour.example/news/terminal")
        #expect(article.canonical == nil)
        #expect(article.site == "harbour.example")
        #expect(article.provenance["canonical"] == "canonical-rejected: another site (big-wire.example)")
    }

    @Test func aCanonicalOnTheSameSiteIsKept() throws {
        let cases: [(link: String, url: String, expected: String, site: String)] = [
            ("https://www.harbour.example/news/terminal", "https://harbour.example/news/terminal?utm=1",
             "https://www.harbour.example/news/terminal", "harbour.example"),
            ("/news/terminal", "https://m.harbour.example/amp/news/terminal",
             "https://m.harbour.example/news/terminal", "m.harbour.example"),
            ("https://harbour.example/news/terminal", "https://m.harbour.example/amp/terminal",
             "https://harbour.example/news/terminal", "harbour.example"),
        ]
        for c in cases {
            let article = try Self.extract(canonical: c.link, url: c.url)
            #expect(article.canonical == c.expected)
            #expect(article.site == c.site)
        }
    }

    @Test func withoutAPageURLAnHTTPCanonicalNamesTheSite() throws {
        let article = try Self.extract(canonical: "https://harbour.example/news/terminal", url: nil)
        #expect(article.canonical == "https://harbour.example/news/terminal")
        #expect(article.site == "harbour.example")
    }

    @Test func sameSiteNeedsALabelBoundary() {
        #expect(StripCanonicalURL.sameSite("news.example.com", "example.com"))
        #expect(!StripCanonicalURL.sameSite("evilexample.com", "example.com"))
        #expect(!StripCanonicalURL.sameSite("example.com.evil.net", "example.com"))
    }
}
