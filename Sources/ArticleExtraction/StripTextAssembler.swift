/// Turns the selected article subtrees into paragraphs and drops the boilerplate that survives
/// scoring: captions and credits, share and "Back"/"Read more" links, bylines and datelines,
/// and the headline repeated at the top of the body.
struct StripTextAssembler {
    /// One paragraph of output with the signals the filters need.
    struct Paragraph {
        var text: String
        var tag: StripTag
        /// Hint id (in the tree's `hints`) of the block the paragraph came from.
        var hint: Int32
        var length: Int
        var linkLength: Int
        var words: Int
        var linkDensity: Double { length > 0 ? Double(linkLength) / Double(length) : 0 }
    }

    let tree: StripTree
    /// Set when the scorer had to keep "unlikely" elements to find any article at all.
    var inRelaxedMode = false
    var tuning = StripTuning()

    /// Paragraphs of the selected roots in document order, before filtering.
    func paragraphs(roots: [Int], removed: [Bool]) -> [Paragraph] {
        var out: [Paragraph] = []
        var buffer = StripTextBuffer()
        var length = 0
        var links = 0
        var open: [(end: Int, tag: StripTag, hint: Int32)] = []
        // Set when an inline dateline or byline opened the paragraph and was dropped: the dash or
        // colon that joined it to the sentence ("NEW YORK — A memo …") goes with it.
        var leadRemoved = false

        func flush() {
            defer { leadRemoved = false }
            guard !buffer.isEmpty else { return }
            var text = buffer.finish()
            var words = buffer.words
            if leadRemoved {
                let joiners: Set<Character> = [" ", "\u{00A0}", "—", "–", "-", ":", "|", "·", "•"]
                if let first = text.first, joiners.contains(first) {
                    text = String(text.drop { joiners.contains($0) })
                    words = stripWordCount(text)
                }
                guard !text.isEmpty else { buffer = StripTextBuffer(); length = 0; links = 0; return }
            }
            let top = open.last
            out.append(Paragraph(text: text, tag: top?.tag ?? .p, hint: top?.hint ?? 0,
                                 length: length, linkLength: links, words: words))
            buffer = StripTextBuffer()
            length = 0
            links = 0
        }

        for root in roots {
            var i = root
            let stop = tree.end[root]
            while i < stop {
                while let top = open.last, i >= top.end {
                    flush()
                    open.removeLast()
                }
                if removed[i] { i = tree.end[i]; continue }
                let tag = tree.tag[i]
                if tag == .text {
                    tree.appendText(i, to: &buffer)
                    length += tree.textLength[i]
                    links += tree.linkLength[i]
                    i += 1
                    continue
                }
                if i != root && isInArticleBoilerplate(i) {
                    if buffer.isEmpty { leadRemoved = true }
                    i = tree.end[i]
                    continue
                }
                if tag.isBlock {
                    flush()
                    open.append((tree.end[i], tag, tree.hintID[i]))
                } else if tag == .br {
                    flush()
                } else if tag == .img || tag == .picture {
                    i = tree.end[i]
                    continue
                }
                i += 1
            }
            while !open.isEmpty {
                flush()
                open.removeLast()
            }
            flush()
        }
        return out
    }

    /// Captions, credits, share bars and similar blocks that sit inside the article container.
    private func isInArticleBoilerplate(_ index: Int) -> Bool {
        switch tree.tag[index] {
        case .figcaption, .nav, .aside, .footer, .label, .button, .menu, .address:
            return true
        case .noscript:
            return !tree.isSwallowedContent(index)
        case .form:
            // Search, login and sign-up forms are small; old ASP.NET pages wrap everything
            // in one form.
            return tree.textLength[index] < 500
        default:
            break
        }
        let hint = tree.hintID[index]
        guard hint != 0 else { return false }
        // A big container is the article itself even when one of its classes says "meta".
        if tree.textLength[index] > 1000 { return false }
        return tree.hints.matchesInArticleBoilerplate(hint)
            || (tree.textLength[index] - tree.linkLength[index] < 1500 && tree.hints.hasUnlikelyToken(hint))
            || (!inRelaxedMode && tree.hints.isUnlikely(hint))
    }

    /// Drops leftovers paragraph by paragraph (see type comment); `title` is the page headline.
    func filter(_ paragraphs: [Paragraph], title: String?, authors: [String]) -> [Paragraph] {
        let titleKey = title.map(stripComparisonKey)
        let authorKeys = authors.map(stripComparisonKey).filter { $0.count > 3 }
        var kept: [Paragraph] = []
        var seenBody = false
        let lastProse = paragraphs.lastIndex {
            !$0.tag.isHeading && $0.words >= 12 && $0.linkDensity < 0.3
        } ?? -1
        for (position, paragraph) in paragraphs.enumerated() {
            // Only short lines can be labels, bylines or the headline: the key is built only
            // for them, and only when a test needs it.
            var keyCache: String??
            func key() -> String? {
                if let keyCache { return keyCache }
                let made = paragraph.words <= 40 ? stripComparisonKey(paragraph.text) : nil
                keyCache = .some(made)
                return made
            }
            if paragraph.words <= stripInterfacePhraseMaxWords {
                if let key = key(), key.isEmpty || stripInterfacePhrases.contains(key) { continue }
            } else if !stripHasAlphanumeric(paragraph.text) {
                continue
            }
            if paragraph.linkDensity > 0.5 && paragraph.words < 12 {
                // Linked list items between stretches of prose are the article's own list;
                // before the body or after its last paragraph they are navigation.
                let insideBody = seenBody && position < lastProse && paragraph.tag == .li
                if !insideBody && !(paragraph.tag.isHeading && introducesProse(paragraphs, position)) {
                    continue
                }
            }
            if paragraph.linkDensity > 0.8 && !seenBody { continue }
            let nearEdge = !seenBody || position >= paragraphs.count - 2
            if nearEdge, !seenBody, let titleKey, let key = key(), key == titleKey { continue }
            if nearEdge && paragraph.words <= 12, let key = key(),
               isByline(paragraph.text, key: key, authorKeys: authorKeys) { continue }
            if paragraph.words >= 8 && !paragraph.tag.isHeading { seenBody = true }
            kept.append(paragraph)
        }
        kept = StripBoilerplateLines(tuning: tuning).drop(from: kept)
        // Trailing debris: link-heavy or very short lines after the last real paragraph.
        while let last = kept.last, last.words < 4 && last.tag != .li
                && !last.text.hasSuffix(".") && kept.count > 1 {
            kept.removeLast()
        }
        return kept
    }

    /// True when the next paragraph is prose (a heading over text is a section title even
    /// when it is a link).
    private func introducesProse(_ paragraphs: [Paragraph], _ position: Int) -> Bool {
        guard position + 1 < paragraphs.count else { return false }
        let next = paragraphs[position + 1]
        return !next.tag.isHeading && next.words >= 12 && next.linkDensity < 0.3
    }

    private func isByline(_ text: String, key: String, authorKeys: [String]) -> Bool {
        if key.hasPrefix("by ") || key.hasPrefix("von ") || key.hasPrefix("par ") { return true }
        if key.hasPrefix("published") || key.hasPrefix("updated") || key.hasPrefix("posted")
            || key.hasPrefix("last updated") || key.hasPrefix("last modified") { return true }
        for author in authorKeys where key == author || key.hasPrefix(author) { return true }
        if StripDateParser.looksLikeDateLine(text) { return true }
        return false
    }
}

/// Short interface labels that are never article text when they stand alone.
private let stripInterfacePhrases: Set<String> = [
    "back", "go back", "read more", "more", "continue reading", "share", "share this",
    "share this article", "share on facebook", "share on twitter", "tweet", "email", "print",
    "advertisement", "advertising", "skip to content", "skip to main content", "menu",
    "close", "comments", "leave a comment", "related", "related articles", "related stories",
    "sign up", "subscribe", "log in", "login", "sign in", "next", "previous", "top",
    "back to top", "click here", "loading", "home", "search", "show more", "see more",
    "zurück", "weiterlesen", "retour", "lire la suite", "volver", "leer más", "indietro",
    "anzeige", "publicité", "werbung",
]

/// The longest interface phrase, in words.
private let stripInterfacePhraseMaxWords = 5

/// Whether the text has a letter or digit (any non-ASCII scalar counts as one).
func stripHasAlphanumeric(_ text: String) -> Bool {
    text.utf8.contains { $0 >= 0x80 || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
}

/// Lower-cased letters and digits with single spaces: for comparing headlines and labels.
/// ASCII is folded byte by byte; other scalars count as letters (punctuation outside ASCII
/// is rare in the short lines this compares).
func stripComparisonKey(_ text: String) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    var pendingSpace = false
    for byte in text.utf8 {
        let keep: Bool
        var folded = byte
        if byte >= 0x80 {
            keep = true
        } else if byte >= 0x41 && byte <= 0x5A {
            folded = byte + 32; keep = true
        } else {
            keep = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
        }
        if keep {
            if pendingSpace && !out.isEmpty { out.append(0x20) }
            pendingSpace = false
            out.append(folded)
        } else {
            pendingSpace = true
        }
    }
    let key = String(decoding: out, as: UTF8.self)
    // Non-ASCII upper case (Ö, É) still needs folding; only pay for it when present.
    return out.contains(where: { $0 >= 0x80 }) ? key.lowercased() : key
}

/// Words as whitespace-separated tokens; CJK text without spaces counts two characters a word.
/// Expects normalised text (only ASCII spaces and newlines separate words).
func stripWordCount(_ text: String) -> Int {
    var words = 0
    var inWord = false
    var wide = 0
    for byte in text.utf8 {
        if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
            inWord = false
        } else {
            if !inWord { words += 1 }
            inWord = true
            // Lead bytes E3...E9 start the kana and CJK ideograph blocks (U+3000...U+9FFF).
            if byte >= 0xE3 && byte <= 0xE9 { wide += 1 }
        }
    }
    return words + wide / 2
}
