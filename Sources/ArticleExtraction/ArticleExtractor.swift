import Foundation
import MarkupTree

/// The strip stage's article extractor: bytes of one page in, article text and metadata out.
///
/// Thread-safe: each call parses its own document.
public struct ArticleExtractor: Sendable {
    public let options: ExtractionOptions

    public init(options: ExtractionOptions = .init()) {
        self.options = options
    }

    /// Initialises libxml2 now (it happens on first use otherwise): call it on the main thread
    /// before workers start to keep the one-time cost out of the first document's timing.
    public static func prepareLibrary() {
        MarkupLibrary.prepare()
    }

    /// Extracts the article of one page.
    ///
    /// - Parameters:
    ///   - bytes: the page as fetched, in any charset (decided here: BOM, bytes, header, meta).
    ///   - url: the page URL if known; resolves a relative canonical link and gives `site`.
    ///   - contentType: the HTTP Content-Type header, possibly with `charset=`.
    /// - Returns: the article, or why the page has none (`ExtractionRejection.reason`).
    public func extract(_ bytes: [UInt8], url: String?, contentType: String?)
        -> Result<ExtractedArticle, ExtractionRejection> {
        let clock = ContinuousClock()
        let started = clock.now
        let budget = Duration.milliseconds(options.maxMilliseconds)
        func overBudget() -> Bool { clock.now - started > budget }

        if let rejection = StripInputGate.check(bytes, contentType: contentType, options: options) {
            return .failure(rejection)
        }
        let decoded = StripCharsetDecoder.decode(bytes, contentType: contentType)
        if overBudget() { return .failure(timeout()) }
        guard let tree = StripTreeBuilder.parse(utf8: decoded.utf8) else {
            return .failure(ExtractionRejection(reason: "parse-failed",
                                                detail: "libxml2 returned no document"))
        }
        if overBudget() { return .failure(timeout()) }
        guard tree.count > 0 else {
            return .failure(ExtractionRejection(reason: "parse-failed", detail: "no root element"))
        }
        if overBudget() { return .failure(timeout()) }
        let metadata = StripMetadataExtractor(tree: tree).extract()
        let headline = metadata.title ?? metadata.firstHeading
        let body = Self.selectBody(tree, headline: headline, authors: metadata.authors)
        if overBudget() { return .failure(timeout()) }
        let (selection, raw, paragraphs) = (body.selection, body.raw, body.paragraphs)
        let text = paragraphs.map(\.text).joined(separator: "\n\n")
        let words = paragraphs.reduce(0) { $0 + $1.words }

        if let rejection = StripPageClassifier.classify(
            tree: tree, metadata: metadata, selection: selection, words: words,
            paragraphs: paragraphs, url: url, minWords: options.minWords) {
            return .failure(rejection)
        }
        var article = ExtractedArticle(text: text, words: words, confidence: 0)
        article.url = url
        var provenance = metadata.provenance
        switch metadata.canonical.map({ StripCanonicalURL.decide($0, pageURL: url) }) {
        case .accepted(let canonical)?: article.canonical = canonical
        case .rejected(let why)?: provenance["canonical"] = "canonical-rejected: \(why)"
        case nil: break
        }
        article.site = stripSite(article.canonical ?? url)
        article.siteName = metadata.siteName
        article.title = metadata.title
        article.authors = metadata.authors
        article.published = metadata.published
        article.modified = metadata.modified
        article.description = metadata.description
        article.language = metadata.language
        if article.language == nil, let detected = StripLanguageDetector.detect(text) {
            article.language = detected
            provenance["language"] = "detector"
        }
        if article.published == nil, let dateline = StripPageClassifier.dateline(raw) {
            article.published = dateline
            provenance["published"] = "dateline"
        }
        provenance["charset"] = decoded.charset + " (" + decoded.source + ")"
        provenance["text"] = selection.bestScore > 0 ? "scorer" : "body"
        if article.site != nil { provenance["site"] = article.canonical != nil ? "canonical" : "url" }
        article.provenance = provenance
        article.confidence = StripPageClassifier.confidence(selection: selection, words: words,
                                                            metadata: metadata)
        return .success(article)
    }

    /// The article body: scored, assembled and filtered, with Readability's retry for pages
    /// whose article wrapper carries a boilerplate-looking class (too little text the first
    /// time: score again keeping "unlikely" elements and take the longer result).
    private static func selectBody(_ tree: StripTree, headline: String?, authors: [String])
        -> (selection: StripContentScorer.Selection, raw: [StripTextAssembler.Paragraph],
            paragraphs: [StripTextAssembler.Paragraph]) {
        var best: (StripContentScorer.Selection, [StripTextAssembler.Paragraph],
                   [StripTextAssembler.Paragraph])?
        var bestLength = -1
        for relaxed in [false, true] {
            var scorer = StripContentScorer(tree: tree)
            let selection = scorer.select(dropUnlikely: !relaxed)
            var assembler = StripTextAssembler(tree: tree)
            assembler.inRelaxedMode = relaxed
            let raw = assembler.paragraphs(roots: selection.roots, removed: selection.removed)
            let paragraphs = assembler.filter(raw, title: headline, authors: authors)
            let length = paragraphs.reduce(0) { $0 + $1.length }
            if length > bestLength {
                best = (selection, raw, paragraphs)
                bestLength = length
            }
            if length >= StripThresholds.retryBelowCharacters { break }
        }
        let (selection, raw, paragraphs) = best!
        return (selection, raw, paragraphs)
    }

    private func timeout() -> ExtractionRejection {
        ExtractionRejection(reason: "timeout",
                            detail: "over \(options.maxMilliseconds) ms")
    }
}

/// Host without `www.`, or nil.
private func stripSite(_ url: String?) -> String? {
    guard let url, let host = URLComponents(string: url)?.host?.lowercased(), !host.isEmpty else {
        return nil
    }
    return host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
}
