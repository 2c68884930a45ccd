import CLibXML2

/// Flat, pre-order copy of a parsed page: what the scorer and the text assembler walk.
///
/// Node `i`'s subtree is the index range `i..<end[i]`, so every walk is a loop, never a
/// recursion: a page of 100,000 nested tags cannot overflow the stack.
struct StripTree {
    var tag: [StripTag] = []
    var parent: [Int] = []
    var end: [Int] = []
    /// Bytes of text nodes inside the libxml2 document (raw, whitespace not yet normalised);
    /// nil for elements. Strings are built only for the text that is output.
    var textBytes: [UnsafeBufferPointer<UInt8>?] = []
    /// Keeps the libxml2 document (and so every pointer above) alive as long as the tree.
    var document: StripHTMLDocument?
    /// Lower-cased `class` and `id` of elements joined by a space: the input of class hints.
    var hint: [String] = []
    /// Visible characters with whitespace runs counted once (text nodes; summed for elements).
    var textLength: [Int] = []
    /// Part of `textLength` inside `<a>` elements.
    var linkLength: [Int] = []
    /// Commas (Latin and CJK) in the subtree: Readability's signal of prose.
    var commas: [Int] = []
    /// libxml2 node of each element, valid while the owning `StripHTMLDocument` lives.
    var node: [StripHTMLDocument.NodePointer?] = []
    /// Bodies of `<script type="application/ld+json">` blocks, in page order.
    var jsonLD: [String] = []

    /// Index of the first `<body>`, or -1.
    var body = -1

    var count: Int { tag.count }


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
        for i in index..<end[index] where tag[i] == .text {
            if let bytes = textBytes[i] { out.appendBytes(bytes) }
        }
        return out.finish()
    }

    /// A `<noscript>` that swallowed the page: an unclosed tag inside it pulled most of the
    /// body in (fallback messages and consent dialogs are a small part of the page).
    func isSwallowedContent(_ index: Int) -> Bool {
        guard textLength[index] >= 300 else { return false }
        let total = body >= 0 ? textLength[body] : textLength[0]
        return textLength[index] * 2 >= total
    }

    /// True when `index` lies inside the subtree of `ancestor`.
    @inline(__always)
    func isInside(_ index: Int, _ ancestor: Int) -> Bool {
        index >= ancestor && index < end[ancestor]
    }
}
