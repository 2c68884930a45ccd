import MarkupTree

/// A parsed page with what the scorer and the text assembler need per node: the page's
/// `HTMLTree` plus each node's kind of element, class hints and text measures.
///
/// Node `i`'s subtree is the index range `i..<end[i]`, so every walk is a loop, never a
/// recursion: a page of 100,000 nested tags cannot overflow the stack.
struct StripTree {
    /// The page as the markup module copied it out of libxml2 (text bytes, kept attributes).
    var markup: HTMLTree?
    var tag: [StripTag] = []
    var parent: [Int] = []
    var end: [Int] = []
    /// Per node, the id of its lower-cased `class id role-…` hint in `hints` (0: none).
    var hintID: [Int32] = []
    /// The page's distinct hints and their class-hint verdicts.
    var hints = StripHints()
    /// Visible characters with whitespace runs counted once (text nodes; summed for elements).
    var textLength: [Int] = []
    /// Part of `textLength` inside `<a>` elements.
    var linkLength: [Int] = []
    /// Commas (Latin and CJK) in the subtree: Readability's signal of prose.
    var commas: [Int] = []
    /// Bodies of `<script type="application/ld+json">` blocks, in page order.
    var jsonLD: [String] = []

    /// Index of the first `<body>`, or -1.
    var body = -1

    var count: Int { tag.count }

    /// Lower-cased `class` and `id` of element `i` joined by a space (and ` role-…`).
    func hint(_ i: Int) -> String { hints.text[Int(hintID[i])] }


    /// Index of the first element with `wanted` tag, in document order.
    func first(_ wanted: StripTag, from start: Int = 0, to stop: Int? = nil) -> Int? {
        var i = start
        let limit = stop ?? count
        while i < limit {
            if tag[i] == wanted { return i }
            i += 1
        }
        return nil
    }

    /// Whitespace-normalised text of a subtree (inline join, no paragraph breaks).
    func plainText(_ index: Int) -> String {
        var out = StripTextBuffer()
        for i in index..<end[index] where tag[i] == .text { appendText(i, to: &out) }
        return out.finish()
    }

    /// A `<noscript>` that swallowed the page: an unclosed tag inside it pulled most of the
    /// body in (fallback messages and consent dialogs are a small part of the page).
    func isSwallowedContent(_ index: Int) -> Bool {
        guard textLength[index] >= 300 else { return false }
        let total = body >= 0 ? textLength[body] : textLength[0]
        return textLength[index] * 2 >= total
    }

    /// Appends the raw bytes of text node `i` (whitespace is collapsed by the buffer).
    @inline(__always)
    func appendText(_ i: Int, to buffer: inout StripTextBuffer) {
        guard let markup else { return }
        markup.textBytes(i).withUnsafeBufferPointer { buffer.appendBytes($0) }
    }

    /// The value of attribute `name` of element `i` (nil when absent).
    func attribute(_ i: Int, _ name: String) -> String? { markup?.attribute(i, name) }

    /// True when `index` lies inside the subtree of `ancestor`.
    @inline(__always)
    func isInside(_ index: Int, _ ancestor: Int) -> Bool {
        index >= ancestor && index < end[ancestor]
    }
}
