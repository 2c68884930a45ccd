import Foundation
import Testing
@testable import ArticleExtraction
@testable import MarkupTree
@testable import NewsText

@Suite("Strip: hostile and broken input")
struct StripRobustnessTests {
    private let prose = "The water board said on Friday that the reservoir had reached its highest level in ten years after a wet spring, and that no restrictions would be needed this summer."

    @Test func emptyAndWhitespaceAreRejected() {
        #expect(stripRejection([])?.reason == "empty")
        #expect(stripRejection(Array("  \n\t ".utf8))?.reason == "empty")
    }

    @Test func binaryIsRejected() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 64)
        #expect(stripRejection(png)?.reason == "binary")
        var noise: [UInt8] = []
        var state: UInt32 = 12345
        for _ in 0..<4096 {
            state = state &* 1_103_515_245 &+ 12345
            noise.append(UInt8(truncatingIfNeeded: state >> 16) & 0x1F)
        }
        #expect(stripRejection(noise)?.reason == "binary")
        #expect(stripRejection(Array("%PDF-1.7 ...".utf8), contentType: "application/pdf")?.reason == "binary")
    }

    @Test func nonHTMLContentTypeIsRejected() {
        #expect(stripRejection(Array("{\"a\": 1}".utf8), contentType: "application/json")?.reason == "not-html")
    }

    @Test func truncatedHTMLStillYieldsTheText() throws {
        let html = "<html><head><title>Reservoir</title></head><body><div><p>\(prose)</p><p>\(prose) It was cut he"
        let article = try ArticleExtractor().extract(Array(html.utf8), url: nil, contentType: nil).get()
        #expect(article.text.contains("no restrictions would be needed this summer"))
        #expect(article.text.hasSuffix("It was cut he"))
    }

    @Test func brokenNestingIsRepaired() throws {
        let html = "<html><body><div><p>\(prose)<div><span><b>\(prose)</p></span></i></div></table><p>Last paragraph of the story is here and it has quite a few words in it."
        let article = try ArticleExtractor().extract(Array(html.utf8), url: nil, contentType: nil).get()
        #expect(article.text.contains("Last paragraph of the story"))
    }

    @Test func tooLargePageIsRejectedBeforeParsing() {
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 50_000_000)
        let rejection = stripRejection(big)
        #expect(rejection?.reason == "too-large")
    }

    @Test func fiftyMegabytePageWithinLimitDoesNotCrash() throws {
        // Long paragraphs keep the node count (and the debug-build run time) moderate while
        // the byte count is what the limit and libxml2 see.
        let long = String(repeating: prose + " ", count: 60)
        let paragraph = Array("<div class=\"item\"><p>\(long)</p></div>\n".utf8)
        var page = Array("<html><body>".utf8)
        page.reserveCapacity(50_100_000)
        while page.count < 50_000_000 { page += paragraph }
        page += Array("</body></html>".utf8)
        let options = ExtractionOptions(maxBytes: 60_000_000, maxMilliseconds: 600_000)
        let result = ArticleExtractor(options: options).extract(page, url: nil, contentType: nil)
        switch result {
        case .success(let article):
            #expect(article.words > 0)
        case .failure(let rejection):
            #expect(["timeout", "section-front", "no-article"].contains(rejection.reason))
        }
    }

    @Test func hundredThousandNestedTagsDoNotCrash() throws {
        var page = Array("<html><body>".utf8)
        let open = Array("<div>".utf8)
        for _ in 0..<100_000 { page += open }
        page += Array("<p>\(prose)</p>".utf8)
        let close = Array("</div>".utf8)
        for _ in 0..<100_000 { page += close }
        page += Array("<p>\(prose)</p></body></html>".utf8)
        let result = ArticleExtractor().extract(page, url: nil, contentType: nil)
        if case .success(let article) = result {
            #expect(article.text.contains("reservoir"))
        }
    }

    @Test func deeplyNestedMixedTagsDoNotCrash() {
        // Links, lists, forms and noscript each take their own path through the walks.
        var page = Array("<html><body>".utf8)
        let open = Array("<div class=\"share\"><a href=\"#\"><ul><li><form><noscript><section>".utf8)
        for _ in 0..<20_000 { page += open }
        page += Array("<p>\(prose)</p>".utf8)
        page += Array("</body></html>".utf8)
        let result = ArticleExtractor().extract(page, url: nil, contentType: nil)
        switch result {
        case .success(let article): #expect(article.text.contains("reservoir"))
        case .failure(let rejection): #expect(!rejection.reason.isEmpty)
        }
    }

    @Test func timeLimitRejectsWithTimeout() {
        let paragraph = Array("<p>\(prose)</p>\n".utf8)
        var page = Array("<html><body>".utf8)
        while page.count < 2_000_000 { page += paragraph }
        let result = ArticleExtractor(options: .init(maxMilliseconds: 0))
            .extract(page, url: nil, contentType: nil)
        #expect(result == .failure(ExtractionRejection(reason: "timeout", detail: "over 0 ms")))
    }
}

@Suite("Strip: concurrent use")
struct StripConcurrencyTests {
    @Test func workersGetTheSameResultsAsOneThread() throws {
        ArticleExtractor.prepareLibrary()
        let names = ["boilerplate.html", "metadata-jsonld.html", "charset-shift-jis.html",
                     "charset-windows-1252.html", "seed-layout.html", "metadata-og.html"]
        let pages = try names.map { try stripFixture($0) }
        let extractor = ArticleExtractor()
        let expected = pages.map { extractor.extract($0, url: nil, contentType: nil) }
        let results = StripResultBox(count: pages.count * 8)
        DispatchQueue.concurrentPerform(iterations: pages.count * 8) { index in
            let page = pages[index % pages.count]
            results.set(index, extractor.extract(page, url: nil, contentType: nil))
        }
        for index in 0..<(pages.count * 8) {
            #expect(results.get(index) == expected[index % pages.count])
        }
    }
}

/// Lock-protected result slots for the concurrency test.
private final class StripResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<ExtractedArticle, ExtractionRejection>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<ExtractedArticle, ExtractionRejection>) {
        lock.lock(); defer { lock.unlock() }
        slots[index] = value
    }

    func get(_ index: Int) -> Result<ExtractedArticle, ExtractionRejection>? {
        lock.lock(); defer { lock.unlock() }
        return slots[index]
    }
}
