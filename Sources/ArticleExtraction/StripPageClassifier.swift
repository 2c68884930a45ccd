import Foundation

/// Tells pages without an article (error pages, login walls, section fronts, empty shells)
/// from articles, and rates how sure the extraction is.
enum StripPageClassifier {
    static func classify(tree: StripTree, metadata: StripMetadata,
                         selection: StripContentScorer.Selection, words: Int,
                         paragraphs: [StripTextAssembler.Paragraph], url: String?,
                         minWords: Int) -> ExtractionRejection? {
        let headline = stripComparisonKey((metadata.titleTag ?? "") + " " + (metadata.firstHeading ?? ""))
        let errorMarkers = ["404", "page not found", "not found", "seite nicht gefunden",
                            "page introuvable", "no encontrada", "error 404", "410 gone",
                            "page does not exist", "page cannot be found", "this page isn t available"]
        let isErrorTitle = errorMarkers.contains { headline.contains($0) }
            && (headline.contains("not found") || headline.contains("404") || headline.contains("exist")
                || headline.contains("gefunden") || headline.contains("introuvable")
                || headline.contains("encontrada") || headline.contains("available") || headline.contains("gone"))
        if isErrorTitle && words < StripThresholds.errorPageMaxWords {
            return ExtractionRejection(reason: "error-page", detail: "error headline, \(words) words")
        }
        let body = stripComparisonKey(paragraphs.prefix(6).map(\.text).joined(separator: " "))
        let wallMarkers = ["subscribe to continue", "subscribe to read", "sign in to continue",
                           "log in to continue", "login to continue", "sign in to read",
                           "this content is for subscribers", "already a subscriber",
                           "create an account to continue", "to continue reading",
                           "register to continue", "members only"]
        if words < StripThresholds.loginWallMaxWords && wallMarkers.contains(where: { body.contains($0) || headline.contains($0) }) {
            return ExtractionRejection(reason: "login-wall", detail: "subscription prompt, \(words) words")
        }
        // The prompt itself is usually page chrome the scorer dropped ("Subscribe to continue
        // reading" in an overlay): for a short article, look for it in the page's short lines.
        // Only prompts that say the rest is withheld: "Already a subscriber?" sits in the chrome
        // of open articles on paywalled sites too.
        let withheldMarkers = ["subscribe to continue", "subscribe to read", "sign in to continue", "log in to continue",
                               "login to continue", "sign in to read", "to continue reading", "create an account to continue",
                               "register to continue", "this content is for subscribers"]
        if words < StripThresholds.loginWallMaxWords, let prompt = wallPrompt(tree, markers: withheldMarkers) {
            return ExtractionRejection(reason: "login-wall", detail: "\"\(prompt)\" on the page, \(words) words of article")
        }
        // A section front: a page of teaser links where what scores best is a handful of
        // one-sentence summaries rather than running prose.
        if words < StripThresholds.sectionFrontMaxWords && metadata.ogType != "article" {
            let longest = paragraphs.map(\.words).max() ?? 0
            let teaserLinks = headlineLinkCount(tree)
            if longest < StripThresholds.sectionFrontMaxParagraphWords && (paragraphs.count >= 3 || words < minWords)
                && teaserLinks >= StripThresholds.sectionFrontMinTeaserLinks {
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

    /// A short text on the page that is a subscription or sign-in prompt, if any.
    private static func wallPrompt(_ tree: StripTree, markers: [String]) -> String? {
        for i in 0 ..< tree.count where tree.tag[i] == .text && StripThresholds.wallPromptLength.contains(tree.textLength[i]) {
            let key = stripComparisonKey(tree.plainText(i))
            if markers.contains(where: { key.contains($0) }) { return key }
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
            let text = stripComparisonKey(tree.plainText(i))
            if text.contains("password") || text.contains("passwort") || text.contains("mot de passe") {
                return true
            }
        }
        return false
    }

    /// First date found in the top paragraphs of the raw article text.
    static func dateline(_ paragraphs: [StripTextAssembler.Paragraph]) -> String? {
        for paragraph in paragraphs.prefix(StripThresholds.datelineParagraphs) where paragraph.words <= StripThresholds.datelineMaxWords {
            if let iso = StripDateParser.iso(paragraph.text) { return iso }
        }
        return nil
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
