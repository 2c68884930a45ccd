import Testing
@testable import ArticleExtraction
@testable import MarkupTree
@testable import NewsText

@Suite struct StripPaywallTests {
    static func page(prompt: String, paragraphs: Int) -> [UInt8] {
        let teaser = (0 ..< paragraphs).map { "<p>Teaser \($0): the private credit market spent a decade promising steady income with little drama for investors.</p>" }.joined()
        return Array("<html><head><title>Private credit's next test</title></head><body><header><nav><a href='/'>Home</a></nav></header><article><h1>Private credit's next test</h1>\(teaser)</article><div class='overlay'><h2>\(prompt)</h2><a href='/subscribe'>Subscribe now</a></div></body></html>".utf8)
    }

    @Test func aTeaserBehindAWithheldPromptIsALoginWall() {
        let result = ArticleExtractor().extract(Self.page(prompt: "Subscribe to continue reading", paragraphs: 2), url: nil, contentType: nil)
        guard case let .failure(rejection) = result else { Issue.record("accepted a paywall teaser"); return }
        #expect(rejection.reason == "login-wall")
    }

    @Test func aFullArticleWithSubscriptionChromeIsKept() {
        let result = ArticleExtractor().extract(Self.page(prompt: "Subscribe to continue reading", paragraphs: 12), url: nil, contentType: nil)
        guard case .success = result else { Issue.record("rejected a full article: \(result)"); return }
    }

    @Test func aShortArticleWithAnAlreadySubscribedLinkIsKept() {
        let result = ArticleExtractor().extract(Self.page(prompt: "Already a subscriber? Log in", paragraphs: 2), url: nil, contentType: nil)
        guard case .success = result else { Issue.record("rejected a short open article: \(result)"); return }
    }
}
