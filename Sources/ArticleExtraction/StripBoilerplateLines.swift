/// Boilerplate recognised by what a line says rather than by markup, for sites whose templates
/// carry no telling class names: a comment thread under the article, "Related"/"Most read" link
/// lists, newsletter and share prompts, promos after the last paragraph, and program code.
/// Each rule is switched and sized by `StripTuning` (chosen by leave-one-dataset-out).
struct StripBoilerplateLines {
    let tuning: StripTuning
    typealias Paragraph = StripTextAssembler.Paragraph

    func drop(from paragraphs: [Paragraph]) -> [Paragraph] {
        var kept = paragraphs
        if tuning.dropCodeLines > 0 { kept.removeAll { Self.looksLikeCode($0.text) } }
        if tuning.dropPromptLines > 0 { kept.removeAll { $0.words <= Self.promptMaxWords && Self.isPrompt($0.text) } }
        if tuning.cutCommentThreads > 0 { kept = cutCommentThread(kept) }
        if tuning.dropLinkListSections > 0 { kept = dropLinkLists(kept) }
        if tuning.trailingPromoWords > 0 { kept = dropTrailingPromos(kept) }
        return kept
    }

    /// Prompts are short: a long paragraph mentioning a newsletter is news about one.
    static let promptMaxWords = 30
    /// A comment thread starts after at least this share of the article's words.
    static let commentThreadMinShare = 0.5

    // MARK: - Comment threads

    /// From the first comment-thread marker after most of the article, everything is dropped.
    private func cutCommentThread(_ paragraphs: [Paragraph]) -> [Paragraph] {
        let total = paragraphs.reduce(0) { $0 + $1.words }
        var before = 0
        for (index, paragraph) in paragraphs.enumerated() {
            if Double(before) >= Self.commentThreadMinShare * Double(total), index > 0, paragraph.words <= 10 {
                if Self.startsCommentThread(paragraph.text) { return Array(paragraphs[..<index]) }
                // One "Jane says:" line may be a quotation; a thread has several.
                if Self.isCommentEntry(paragraph.text),
                   paragraphs[(index + 1)...].contains(where: { $0.words <= 10 && Self.isCommentEntry($0.text) }) {
                    return Array(paragraphs[..<index])
                }
            }
            before += paragraph.words
        }
        return paragraphs
    }

    /// A heading that opens a comment thread: "Comments", "Leave a reply", "12 comments".
    static func startsCommentThread(_ text: String) -> Bool {
        let key = stripComparisonKey(text)
        if commentHeadings.contains(key) { return true }
        let words = key.split(separator: " ")
        // "12 comments", "comments 12", "show 40 comments"
        return words.count <= 4 && words.contains(where: { $0 == "comments" || $0 == "responses" || $0 == "replies" })
            && words.contains(where: { $0.allSatisfy(\.isNumber) })
    }

    /// A WordPress-style thread entry: "Jane says:", "Jane on May 3, 2012 at 4:15 pm said:".
    static func isCommentEntry(_ text: String) -> Bool {
        let trimmed = text.stripTrimmed().lowercased()
        return trimmed.hasSuffix(" says:") || trimmed.hasSuffix(" said:") || trimmed.hasSuffix(" wrote:")
    }

    /// Headings that only open comment threads ("Discussion" and "Comment" also head sections of
    /// papers and code, so they are not here).
    private static let commentHeadings: Set<String> = [
        "comments", "reader comments", "readers comments", "user comments", "responses", "replies",
        "leave a comment", "leave a reply", "leave a response", "post a comment", "add a comment", "add comment",
        "write a comment", "join the discussion", "join the conversation",
        "comments are closed", "comments closed", "show comments", "view comments", "load comments", "view all comments",
        "kommentare", "kommentar schreiben", "commentaires", "laisser un commentaire", "comentarios", "deja un comentario",
        "commenti", "reacties",
    ]

    // MARK: - Link-list sections

    /// A "Related"/"Most read" heading and the link lines under it, up to the next prose.
    private func dropLinkLists(_ paragraphs: [Paragraph]) -> [Paragraph] {
        var out: [Paragraph] = []
        var inList = false
        for paragraph in paragraphs {
            if paragraph.words <= 6 && Self.isLinkListHeading(paragraph.text) {
                inList = true
                continue
            }
            if inList {
                let prose = paragraph.words >= 12 && paragraph.linkDensity < 0.3 && !paragraph.tag.isHeading
                if !prose { continue }
                inList = false
            }
            out.append(paragraph)
        }
        return out
    }

    static func isLinkListHeading(_ text: String) -> Bool {
        let key = stripComparisonKey(text)
        if linkListHeadings.contains(key) { return true }
        return key.hasPrefix("more from ") || key.hasPrefix("more stories from ") || key.hasPrefix("more on ")
            || key.hasPrefix("most read") || key.hasPrefix("most popular") || key.hasPrefix("related ")
    }

    private static let linkListHeadings: Set<String> = [
        "related", "related stories", "related articles", "related content", "related news", "related links",
        "related coverage", "related posts", "more stories", "more news", "more articles", "most read", "most popular",
        "most viewed", "most shared", "most emailed", "most commented", "popular", "popular stories", "popular now",
        "trending", "trending now", "trending stories", "recommended", "recommended for you", "recommended stories",
        "you may also like", "you might also like", "you may like", "you might like", "read more", "read next",
        "also read", "read also", "see also", "don t miss", "editor s picks", "editors picks", "top stories",
        "latest news", "latest stories", "in other news", "what to read next", "further reading", "more like this",
        "lesen sie auch", "mehr zum thema", "das könnte sie auch interessieren", "à lire aussi", "lire aussi",
        "sur le même sujet", "te puede interesar", "noticias relacionadas", "leggi anche",
    ]

    // MARK: - Prompts and promos

    static func isPrompt(_ text: String) -> Bool {
        let key = StripKey(stripComparisonKey(text))
        return promptPhrases.contains { key.contains($0) }
    }

    private static let promptPhrases = [
        "sign up for our", "sign up to our", "sign up for the", "subscribe to our", "subscribe to the newsletter",
        "our newsletter", "daily newsletter", "weekly newsletter", "free newsletter", "newsletter sign up",
        "delivered to your inbox", "straight to your inbox", "in your inbox", "enter your email", "your email address",
        "by signing up", "share this article", "share this story", "share this post", "share on facebook",
        "share on twitter", "share via email", "follow us on", "like us on facebook", "download our app",
        "get the app", "newsletter abonnieren", "abonnez vous à notre newsletter", "suscríbete a nuestro boletín",
    ]

    /// After the last prose paragraph: short lines with a link, an address or a call to action.
    private func dropTrailingPromos(_ paragraphs: [Paragraph]) -> [Paragraph] {
        guard let lastProse = paragraphs.lastIndex(where: { $0.words >= 12 && $0.linkDensity < 0.3 && !$0.tag.isHeading
                                                              && !Self.isCallToAction($0.text) }) else { return paragraphs }
        var out = Array(paragraphs[...lastProse])
        for paragraph in paragraphs[(lastProse + 1)...] {
            let promo = Double(paragraph.words) < tuning.trailingPromoWords
                && (paragraph.linkLength > 0 || paragraph.text.utf8.contains(0x40) || Self.isCallToAction(paragraph.text))
            if !promo { out.append(paragraph) }
        }
        return out
    }

    static func isCallToAction(_ text: String) -> Bool {
        let key = StripKey(stripComparisonKey(text))
        return callToAction.contains { key.contains($0) }
    }

    private static let callToAction = [
        "click here", "tap here", "sign up", "subscribe", "newsletter", "follow us", "follow me", "have a tip",
        "send us", "contact us", "email us", "get in touch", "tell us what you think", "let us know", "want more",
        "read more", "more stories like this", "download", "advertisement", "sponsored",
    ]

    // MARK: - Code

    /// JavaScript, JSON or CSS that reached the text (an unclosed script, code in a `<div>`).
    static func looksLikeCode(_ text: String) -> Bool {
        var symbols = 0, length = 0
        for byte in text.utf8 {
            length += 1
            switch byte {
            case 0x7B, 0x7D, 0x3B, 0x3D, 0x28, 0x29, 0x5B, 0x5D, 0x3C, 0x3E: symbols += 1
            default: break
            }
        }
        guard length >= 20 else { return false }
        let share = Double(symbols) / Double(length)
        if share > 0.15 { return true }
        guard share > 0.05 else { return false }
        let key = StripKey(text.lowercased())
        return codeMarkers.contains { key.contains($0) }
    }

    private static let codeMarkers = [
        "function(", "function (", "var ", "const ", "let ", "window.", "document.", "=>", "();", "});", "\":\"",
        "\":{", "\": {", "googletag", "datalayer", "!important", "px;", "return ", "typeof ", "jquery", "$(",
    ]
}
