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

    /// Only what comes before extraction: the charset decision and the HTML parse (for timing
    /// the front ends). True when a tree came out.
    public static func parseOnly(_ bytes: [UInt8], frontEnd: HTMLFrontEnd) -> Bool {
        let decoded = StripCharsetDecoder.decode(bytes, contentType: nil)
        return HTMLTree.parse(utf8: decoded.utf8, options: StripTreeBuilder.markupOptions, frontEnd: frontEnd) != nil
    }

    /// The outline of the page as the extractor's parse sees it (`HTMLTree.outline`).
    public static func outline(_ bytes: [UInt8], frontEnd: HTMLFrontEnd) -> String {
        let decoded = StripCharsetDecoder.decode(bytes, contentType: nil)
        return HTMLTree.parse(utf8: decoded.utf8, options: StripTreeBuilder.markupOptions, frontEnd: frontEnd)?.outline() ?? ""
    }

    /// Extracts the article of one page.
    ///
    /// - Parameters:
    ///   - bytes: the page as fetched, in any charset (decided here: BOM, bytes, header, meta).
    ///   - url: the page URL if known; resolves a relative canonical link and gives `site`, and
    ///     its path date (`/2012/09/14/`) is a date source and a sanity bound.
    ///   - contentType: the HTTP Content-Type header, possibly with `charset=`.
    ///   - fetchedAt: when the page was fetched (ISO 8601); no published date is taken after it.
    /// - Returns: the article, or why the page has none (`ExtractionRejection.reason`).
    public func extract(_ bytes: [UInt8], url: String?, contentType: String?, fetchedAt: String? = nil)
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
        guard let tree = StripTreeBuilder.parse(utf8: decoded.utf8, frontEnd: options.frontEnd) else {
            return .failure(ExtractionRejection(reason: "parse-failed",
                                                detail: "the HTML parser returned no document"))
        }
        if overBudget() { return .failure(timeout()) }
        guard tree.count > 0 else {
            return .failure(ExtractionRejection(reason: "parse-failed", detail: "no root element"))
        }
        if overBudget() { return .failure(timeout()) }
        let extractor = StripMetadataExtractor(tree: tree, url: url, fetchedAt: fetchedAt)
        var metadata = extractor.extract()
        let headline = metadata.title ?? metadata.firstHeading
        let evidence = StripPageClassifier.evidence(tree, metadata: metadata)
        let body = selectBody(tree, headline: headline, authors: metadata.authors, evidence: evidence)
        if overBudget() { return .failure(timeout()) }
        let (selection, raw, paragraphs) = (body.selection, body.raw, body.paragraphs)
        let text = paragraphs.map(\.text).joined(separator: "\n\n")
        let words = paragraphs.reduce(0) { $0 + $1.words }

        if let rejection = StripPageClassifier.classify(
            tree: tree, metadata: metadata, selection: selection, words: words,
            paragraphs: paragraphs, evidence: evidence, minWords: options.minWords, tuning: options.tuning) {
            return .failure(rejection.withCandidate(words: body.candidate.words, text: body.candidate.text))
        }
        extractor.complete(&metadata, selection: selection, raw: raw)
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
        provenance["charset"] = decoded.charset + " (" + decoded.source + ")"
        provenance["text"] = body.source
        if article.site != nil { provenance["site"] = article.canonical != nil ? "canonical" : "url" }
        article.provenance = provenance
        article.confidence = StripPageClassifier.confidence(selection: selection, words: words,
                                                            metadata: metadata)
        return .success(article)
    }

    /// One pass of body selection: the container, its raw paragraphs and the filtered ones.
    struct Body {
        var selection: StripContentScorer.Selection
        var raw: [StripTextAssembler.Paragraph]
        var paragraphs: [StripTextAssembler.Paragraph]
        /// Which pass gave it: `scorer`, `scorer-relaxed`, `container-whole`, `prose-run`, `body`.
        var source: String
        /// The text of the chosen pass (for the reject log), with its words.
        var candidate: (text: String, words: Int) = ("", 0)
    }

    /// The article body: scored, assembled and filtered, with Readability's retry for pages
    /// whose article wrapper carries a boilerplate-looking class (too little text the first
    /// time: score again keeping "unlikely" elements and take the longer result). A page that
    /// looks like an article but still yields too little gets its best container whole, and a
    /// page holding a run of prose paragraphs falls back to that run.
    func selectBody(_ tree: StripTree, headline: String?, authors: [String], evidence: StripArticleEvidence) -> Body {
        let tuning = options.tuning
        var best: Body?
        var bestLength = -1
        func consider(_ selection: StripContentScorer.Selection, relaxed: Bool, source: String) -> Int {
            var assembler = StripTextAssembler(tree: tree, tuning: tuning)
            assembler.inRelaxedMode = relaxed
            let raw = assembler.paragraphs(roots: selection.roots, removed: selection.removed)
            let paragraphs = assembler.filter(raw, title: headline, authors: authors)
            let length = paragraphs.reduce(0) { $0 + $1.length }
            if length > bestLength {
                best = Body(selection: selection, raw: raw, paragraphs: paragraphs,
                            source: selection.bestScore > 0 ? source : "body")
                bestLength = length
            }
            return paragraphs.reduce(0) { $0 + $1.words }
        }
        for relaxed in [false, true] {
            var scorer = StripContentScorer(tree: tree, tuning: tuning)
            let selection = scorer.select(dropUnlikely: !relaxed)
            _ = consider(selection, relaxed: relaxed, source: relaxed ? "scorer-relaxed" : "scorer")
            if Double(bestLength) >= tuning.retryBelowCharacters { break }
        }
        var words = best.map { $0.paragraphs.reduce(0) { $0 + $1.words } } ?? 0
        if words < options.minWords && tuning.thirdPass > 0 && evidence.looksLikeArticle {
            var scorer = StripContentScorer(tree: tree, tuning: tuning)
            words = max(words, consider(scorer.select(dropUnlikely: false, clean: false), relaxed: true, source: "container-whole"))
        }
        // The page's longest run of prose paragraphs left out of the chosen text (its container
        // dropped for a misleading class, or another block won): take it when it is longer.
        if tuning.proseRunFallback > 0, evidence.holdsProse, let chosen = best,
           !Self.keeps(chosen.selection, node: evidence.proseRoot, in: tree) {
            let selection = StripContentScorer.Selection(roots: [evidence.proseRoot], removed: Array(repeating: false, count: tree.count),
                                                         bestScore: 1, bestIndex: evidence.proseRoot)
            words = max(words, consider(selection, relaxed: true, source: "prose-run"))
        }
        if words < options.minWords && evidence.holdsProse {
            let selection = StripContentScorer.Selection(roots: [evidence.proseRoot], removed: Array(repeating: false, count: tree.count),
                                                         bestScore: 1, bestIndex: evidence.proseRoot)
            words = max(words, consider(selection, relaxed: true, source: "prose-run"))
        }
        var body = best!
        let candidateText = body.paragraphs.isEmpty ? body.raw.map(\.text).joined(separator: " ")
            : body.paragraphs.map(\.text).joined(separator: " ")
        body.candidate = (candidateText, stripWordCount(candidateText))
        return body
    }

    /// Whether `node` is under one of the selection's roots and not in a removed subtree.
    static func keeps(_ selection: StripContentScorer.Selection, node: Int, in tree: StripTree) -> Bool {
        guard node >= 0, let root = selection.roots.first(where: { tree.isInside(node, $0) }) else { return false }
        var i = node
        while i >= root {
            if selection.removed[i] { return false }
            if i == root { break }
            i = tree.parent[i]
        }
        return true
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
    return StripCanonicalURL.bare(host)
}
