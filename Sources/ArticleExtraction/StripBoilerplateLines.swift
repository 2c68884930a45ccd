/// Boilerplate recognised by what a line says rather than by markup, for sites whose templates
/// carry no telling class names: a comment thread under the article, "Related"/"Most read" link
/// lists, newsletter and share prompts, promos after the last paragraph, and program code.
/// Each rule is switched and sized by `StripTuning` (chosen by leave-one-dataset-out).
struct StripBoilerplateLines {
    let tuning: StripTuning
    typealias Paragraph = StripTextAssembler.Paragraph

    func drop(from paragraphs: [Paragraph]) -> [Paragraph] {
        var kept = paragraphs
        // Code samples the article shows sit in <pre>; script text that leaked does not.
        if tuning.dropCodeLines > 0 {
            kept.removeAll { $0.tag != .pre && $0.length >= Self.codeMinCharacters && Self.looksLikeCode($0.text) }
        }
        if tuning.dropPromptLines > 0 { kept.removeAll { $0.words <= Self.promptMaxWords && Self.isPrompt($0.text) } }
        if tuning.cutCommentThreads > 0 { kept = cutCommentThread(kept) }
        if tuning.dropLinkListSections > 0 { kept = dropLinkLists(kept) }
        if tuning.trailingPromoWords > 0 { kept = dropTrailingPromos(kept) }
        return kept
    }

    /// Prompts are short: a long paragraph mentioning a newsletter is news about one.
    static let promptMaxWords = 30
    /// Leaked script text is long; a short line full of brackets is a formula or a note
    /// (characters; a priori, checked on the four dev sets: "(2) Google \"<noun>.js\"").
    static let codeMinCharacters = 80
    /// A comment thread starts after at least this share of the article's words (a priori: the
    /// thread follows the article; kept from the first study on the four dev sets).
    static let commentThreadMinShare = 0.5
    /// A comment thread is a repeated pattern: at least this many entry lines (an author line
    /// "X says:" or a short time stamp line) below the cut. A priori (one "X wrote:" quote or two
    /// dated updates inside an article are not a thread); checked on the four dev sets, where the
    /// words-only rule cut "Discussion" sections and quotes (readability 0.9497 → 0.9466).
    static let commentThreadMinEntries = 3
    /// Entry lines are short: an author or a time stamp, not a sentence (words).
    static let commentEntryMaxWords = 12
    /// A thread heading ("3 Comments") counts only when the first entry follows within this many
    /// paragraphs (the heading, then the first comment's author and time lines).
    static let commentHeadingReach = 3

    // MARK: - Comment threads

    /// Cuts at a comment thread, recognised by structure rather than by words: after most of
    /// the article, a run of at least `commentThreadMinEntries` entry lines (author "X says:"
    /// lines or short time stamps such as "March 3, 2012 at 4:15 PM"), each followed by text.
    /// A thread heading ("3 Comments", "Leave a reply") just above the first entry is cut with
    /// it; a heading alone, a "Discussion" section or one "X wrote:" quote is kept.
    private func cutCommentThread(_ paragraphs: [Paragraph]) -> [Paragraph] {
        let total = paragraphs.reduce(0) { $0 + $1.words }
        var before = 0
        var firstAllowed = paragraphs.count
        for (index, paragraph) in paragraphs.enumerated() {
            if Double(before) >= Self.commentThreadMinShare * Double(total), index > 0 { firstAllowed = index; break }
            before += paragraph.words
        }
        guard firstAllowed < paragraphs.count else { return paragraphs }
        let entries = (firstAllowed..<paragraphs.count).filter { Self.isEntryLine(paragraphs[$0]) }
        guard entries.count >= Self.commentThreadMinEntries else { return paragraphs }
        // Entries must alternate with text (each comment has a body): no two entries of
        // different comments without a longer paragraph between them is a time table, not a thread.
        var bodies = 0
        for (k, entry) in entries.enumerated() {
            let next = k + 1 < entries.count ? entries[k + 1] : paragraphs.count
            if paragraphs[(entry + 1)..<next].contains(where: { $0.words > Self.commentEntryMaxWords }) { bodies += 1 }
        }
        guard bodies >= Self.commentThreadMinEntries else { return paragraphs }
        var cut = entries[0]
        // The thread heading just above the first entry goes with it.
        let reachStart = max(firstAllowed, cut - Self.commentHeadingReach)
        for index in stride(from: cut - 1, through: reachStart, by: -1) {
            let line = paragraphs[index]
            if line.words <= Self.commentEntryMaxWords && Self.startsCommentThread(line.text) { cut = index }
        }
        return Array(paragraphs[..<cut])
    }

    /// A line that opens one comment: "Jane says:", "Jane wrote:", or a short time stamp.
    static func isEntryLine(_ paragraph: Paragraph) -> Bool {
        guard paragraph.words <= commentEntryMaxWords else { return false }
        return isCommentEntry(paragraph.text) || (hasClockTime(paragraph.text) && StripDateParser.looksLikeDateLine(paragraph.text))
            || hasClockTime(paragraph.text) && paragraph.words <= 4
    }

    /// "4:15", "16:40" (a clock time, as in a comment's time stamp).
    static func hasClockTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 4 else { return false }
        for i in 1..<(bytes.count - 2) where bytes[i] == 0x3A {
            let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
            if isDigit(bytes[i - 1]) && isDigit(bytes[i + 1]) && isDigit(bytes[i + 2])
                && (i + 3 >= bytes.count || !isDigit(bytes[i + 3])) { return true }
        }
        return false
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
                // The list is its linked lines (headlines of other stories); the first line
                // that is not mostly a link ends it (a "Popular" heading over a table of figures).
                if paragraph.linkDensity >= Self.linkListLineMinLinkDensity { continue }
                inList = false
            }
            out.append(paragraph)
        }
        return out
    }

    /// A line under a "Related" heading belongs to the list when at least this share of it is
    /// link text (a priori: mostly a link; the earlier "until the next prose" cut dropped a
    /// table of figures on cleaneval).
    static let linkListLineMinLinkDensity = 0.5

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
