import Foundation

/// Tells pages without an article (error pages, login walls, section fronts, empty shells)
/// from articles, and rates how sure the extraction is.
enum StripPageClassifier {
    static func classify(tree: StripTree, metadata: StripMetadata,
                         selection: StripContentScorer.Selection, words: Int,
                         paragraphs: [StripTextAssembler.Paragraph], url: String?,
                         minWords: Int, sectionFrontCheck: Bool = true) -> ExtractionRejection? {
        let headline = stripComparisonKey((metadata.titleTag ?? "") + " " + (metadata.firstHeading ?? ""))
        let errorMarkers = ["404", "page not found", "not found", "seite nicht gefunden",
                            "page introuvable", "no encontrada", "error 404", "410 gone",
                            "page does not exist", "page cannot be found", "this page isn t available"]
        let isErrorTitle = errorMarkers.contains { headline.contains($0) }
            && (headline.contains("not found") || headline.contains("404") || headline.contains("exist")
                || headline.contains("gefunden") || headline.contains("introuvable")
                || headline.contains("encontrada") || headline.contains("available") || headline.contains("gone"))
        if isErrorTitle && words < 150 {
            return ExtractionRejection(reason: "error-page", detail: "error headline, \(words) words")
        }
        let body = stripComparisonKey(paragraphs.prefix(6).map(\.text).joined(separator: " "))
        let wallMarkers = ["subscribe to continue", "subscribe to read", "sign in to continue",
                           "log in to continue", "login to continue", "sign in to read",
                           "this content is for subscribers", "already a subscriber",
                           "create an account to continue", "to continue reading",
                           "register to continue", "members only"]
        if words < 120 && wallMarkers.contains(where: { body.contains($0) || headline.contains($0) }) {
            return ExtractionRejection(reason: "login-wall", detail: "subscription prompt, \(words) words")
        }
        // The prompt itself is usually page chrome the scorer dropped ("Subscribe to continue
        // reading" in an overlay): for a short article, look for it in the page's short lines.
        // Only prompts that say the rest is withheld: "Already a subscriber?" sits in the chrome
        // of open articles on paywalled sites too.
        let withheldMarkers = ["subscribe to continue", "subscribe to read", "sign in to continue", "log in to continue",
                               "login to continue", "sign in to read", "to continue reading", "create an account to continue",
                               "register to continue", "this content is for subscribers"]
        if words < 120, let prompt = wallPrompt(tree, markers: withheldMarkers) {
            return ExtractionRejection(reason: "login-wall", detail: "\"\(prompt)\" on the page, \(words) words of article")
        }
        // A section front: a page of teaser links where what scores best is a handful of
        // one-sentence summaries rather than running prose.
        if sectionFrontCheck && words < 300 && metadata.ogType != "article" {
            let longest = paragraphs.map(\.words).max() ?? 0
            let teaserLinks = headlineLinkCount(tree)
            if longest < 35 && (paragraphs.count >= 3 || words < minWords) && teaserLinks >= 10 {
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
        for i in 0 ..< tree.count where tree.tag[i] == .text && tree.textLength[i] > 8 && tree.textLength[i] < 80 {
            let key = stripComparisonKey(tree.plainText(i))
            if markers.contains(where: { key.contains($0) }) { return key }
        }
        return nil
    }

    /// Links long enough to be headlines (teasers), anywhere in the body.
    private static func headlineLinkCount(_ tree: StripTree) -> Int {
        var count = 0
        for i in 0..<tree.count where tree.tag[i] == .a {
            let length = tree.textLength[i]
            if length >= 30 && length <= 160 { count += 1 }
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
        for paragraph in paragraphs.prefix(8) where paragraph.words <= 14 {
            if let iso = StripDateParser.iso(paragraph.text) { return iso }
        }
        return nil
    }

    static func confidence(selection: StripContentScorer.Selection, words: Int,
                           metadata: StripMetadata) -> Double {
        var score = 0.3
        score += min(selection.bestScore, 60) / 150
        score += min(Double(words), 600) / 3000
        if metadata.ogType == "article" || metadata.published != nil { score += 0.1 }
        return min(max(score, 0), 1)
    }
}
