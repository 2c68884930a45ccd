import Foundation

/// Tells pages without an article (error pages, login walls, section fronts, empty shells)
/// from articles, and rates how sure the extraction is.
enum StripPageClassifier {
    static func classify(tree: StripTree, metadata: StripMetadata,
                         selection: StripContentScorer.Selection, words: Int,
                         paragraphs: [StripTextAssembler.Paragraph], evidence: StripArticleEvidence,
                         minWords: Int, tuning: StripTuning = .init()) -> ExtractionRejection? {
        let headline = StripKey(stripComparisonKey((metadata.titleTag ?? "") + " " + (metadata.firstHeading ?? "")))
        let errorMarkers = ["404", "page not found", "not found", "seite nicht gefunden",
                            "page introuvable", "no encontrada", "error 404", "410 gone",
                            "page does not exist", "page cannot be found", "this page isn t available"]
        let isErrorTitle = errorMarkers.contains { headline.contains($0) }
            && ["not found", "404", "exist", "gefunden", "introuvable", "encontrada", "available", "gone"]
                .contains { headline.contains($0) }
        if isErrorTitle && words < StripThresholds.errorPageMaxWords {
            return ExtractionRejection(reason: "error-page", detail: "error headline, \(words) words")
        }
        if words < StripThresholds.loginWallMaxWords {
            let body = StripKey(stripComparisonKey(paragraphs.prefix(6).map(\.text).joined(separator: " ")))
            let wallMarkers = ["subscribe to continue", "subscribe to read", "sign in to continue",
                               "log in to continue", "login to continue", "sign in to read",
                               "this content is for subscribers", "already a subscriber",
                               "create an account to continue", "to continue reading",
                               "register to continue", "members only"]
            if wallMarkers.contains(where: { body.contains($0) || headline.contains($0) }) {
                return ExtractionRejection(reason: "login-wall", detail: "subscription prompt, \(words) words")
            }
            // The prompt itself is usually page chrome the scorer dropped ("Subscribe to continue
            // reading" in an overlay): for a short article, look for it in the page's short lines.
            // Only prompts that say the rest is withheld: "Already a subscriber?" sits in the chrome
            // of open articles on paywalled sites too.
            let withheldMarkers = ["subscribe to continue", "subscribe to read", "sign in to continue", "log in to continue",
                                   "login to continue", "sign in to read", "to continue reading", "create an account to continue",
                                   "register to continue", "this content is for subscribers"]
            if let prompt = wallPrompt(tree, markers: withheldMarkers) {
                return ExtractionRejection(reason: "login-wall", detail: "\"\(prompt)\" on the page, \(words) words of article")
            }
        }
        // A section front: a page of teaser links where what scores best is a handful of
        // one-sentence summaries rather than running prose. Never a page that says it is an
        // article (Open Graph, JSON-LD, a dated URL) or that holds a run of prose paragraphs.
        if words < StripThresholds.sectionFrontMaxWords && !evidence.articleMarkup && !evidence.datedURL
            && !evidence.holdsProse {
            let longest = paragraphs.map(\.words).max() ?? 0
            let teaserLinks = headlineLinkCount(tree)
            if Double(longest) < tuning.sectionFrontMaxParagraphWords && (paragraphs.count >= 3 || words < minWords)
                && Double(teaserLinks) >= tuning.sectionFrontMinTeaserLinks {
                return ExtractionRejection(reason: "section-front",
                                           detail: "\(teaserLinks) headline links, longest paragraph \(longest) words")
            }
        }
        if words < minWords {
            if hasPasswordField(tree) {
                return ExtractionRejection(reason: "login-wall", detail: "password form, \(words) words")
            }
            return ExtractionRejection(reason: "no-article", detail: "\(words) words < \(minWords)")
        }
        return nil
    }

    /// What the page says about itself before extraction: its longest run of prose paragraphs
    /// and whether its markup or URL calls it an article.
    static func evidence(_ tree: StripTree, metadata: StripMetadata) -> StripArticleEvidence {
        var evidence = StripArticleEvidence()
        evidence.articleMarkup = metadata.ogType == "article" || metadata.articleJSONLD
        evidence.datedURL = metadata.urlDate != nil
        // Prose paragraphs per parent: <p> elements long enough to be prose, with little link
        // text and a sentence end.
        var perParent: [Int: Int] = [:]
        for i in 0 ..< tree.count where tree.tag[i] == .p {
            let length = tree.textLength[i]
            guard length >= StripThresholds.proseParagraphCharacters,
                  tree.linkLength[i] * StripThresholds.proseParagraphMaxLinkShareDivisor < length,
                  hasSentenceEnd(tree, i) else { continue }
            let parent = tree.parent[i]
            guard parent >= 0 else { continue }
            let count = (perParent[parent] ?? 0) + 1
            perParent[parent] = count
            if count > evidence.proseParagraphs || (count == evidence.proseParagraphs && parent < evidence.proseRoot) {
                evidence.proseParagraphs = count
                evidence.proseRoot = parent
            }
        }
        return evidence
    }

    /// A '.', '!', '?' or '。' followed by a space or the end of a text node in the subtree.
    private static func hasSentenceEnd(_ tree: StripTree, _ index: Int) -> Bool {
        guard let markup = tree.markup else { return false }
        for i in index ..< tree.end[index] where tree.tag[i] == .text {
            let bytes = markup.textBytes(i)
            var k = bytes.startIndex
            while k < bytes.endIndex {
                let b = bytes[k]
                if b == 0x2E || b == 0x21 || b == 0x3F {
                    let next = k + 1 < bytes.endIndex ? bytes[k + 1] : 0x20
                    if next == 0x20 || next == 0x0A || next == 0x22 || next == 0xE2 { return true }
                } else if b == 0xE3, k + 2 < bytes.endIndex, bytes[k + 1] == 0x80, bytes[k + 2] == 0x82 {
                    return true
                }
                k += 1
            }
        }
        return false
    }

    /// A short text on the page that is a subscription or sign-in prompt, if any.
    private static func wallPrompt(_ tree: StripTree, markers: [String]) -> String? {
        for i in 0 ..< tree.count where tree.tag[i] == .text && StripThresholds.wallPromptLength.contains(tree.textLength[i]) {
            let key = StripKey(stripComparisonKey(tree.plainText(i)))
            if markers.contains(where: { key.contains($0) }) { return key.text }
        }
        return nil
    }

    /// Links long enough to be headlines (teasers), anywhere in the body.
    private static func headlineLinkCount(_ tree: StripTree) -> Int {
        var count = 0
        for i in 0..<tree.count where tree.tag[i] == .a {
            if StripThresholds.teaserLinkLength.contains(tree.textLength[i]) { count += 1 }
        }
        return count
    }

    private static func hasPasswordField(_ tree: StripTree) -> Bool {
        // Inputs are skipped from the tree; the form's label text is what remains.
        for i in 0..<tree.count where tree.tag[i] == .form {
            let text = StripKey(stripComparisonKey(tree.plainText(i)))
            if text.contains("password") || text.contains("passwort") || text.contains("mot de passe") {
                return true
            }
        }
        return false
    }

    static func confidence(selection: StripContentScorer.Selection, words: Int,
                           metadata: StripMetadata) -> Double {
        typealias T = StripThresholds
        var score = T.confidenceBase
        score += min(selection.bestScore, T.confidenceScoreCap) / T.confidenceScoreScale
        score += min(Double(words), T.confidenceWordCap) / T.confidenceWordScale
        if metadata.ogType == "article" || metadata.published != nil { score += T.confidenceArticleBonus }
        return min(max(score, 0), 1)
    }
}

/// A comparison key (`stripComparisonKey`) with a byte-level substring test (Foundation's
/// `String.contains` bridges to NSString and costs thousands of instructions a call).
struct StripKey {
    let text: String
    private let bytes: [UInt8]

    init(_ key: String) {
        text = key
        bytes = Array(key.utf8)
    }

    func contains(_ needle: String) -> Bool {
        var needle = needle
        return needle.withUTF8 { n in bytes.withUnsafeBufferPointer { stripFind(n, in: $0) >= 0 } }
    }
}

/// Index of the first occurrence of `needle` in `haystack`, or -1.
func stripFind(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Int {
    let n = haystack.count, m = needle.count
    guard m > 0 else { return 0 }
    guard m <= n else { return -1 }
    let first = needle[0]
    var i = 0
    while i <= n - m {
        if haystack[i] == first {
            var k = 1
            while k < m && haystack[i + k] == needle[k] { k += 1 }
            if k == m { return i }
        }
        i += 1
    }
    return -1
}

/// What a page says about itself before its body is chosen: the evidence that keeps a page
/// from being rejected as a section front or as holding no article.
struct StripArticleEvidence {
    /// Most prose paragraphs (`<p>`, see `StripThresholds.proseParagraphCharacters`) under one parent.
    var proseParagraphs = 0
    /// That parent (-1 when none).
    var proseRoot = -1
    /// `og:type` article or an article-typed JSON-LD object.
    var articleMarkup = false
    /// The URL's path holds a date (`/2012/09/14/`).
    var datedURL = false

    /// A run of prose paragraphs: never a section front or "no article".
    var holdsProse: Bool { proseParagraphs >= StripThresholds.proseRunParagraphs && proseRoot >= 0 }
    /// Reason enough to try harder before giving the page up.
    var looksLikeArticle: Bool { holdsProse || articleMarkup || datedURL }
}
