import MarkupTree

/// Parses a page into a `StripTree`: the markup module does the libxml2 work (and drops scripts,
/// styles, widgets and hidden subtrees); this adds element kinds, class hints and text measures.
struct StripTreeBuilder {
    /// What the extractor asks the markup module to keep.
    static let markupOptions = HTMLTree.Options(
        attributes: ["class", "id", "role", "lang", "xml:lang", "content", "property", "name", "http-equiv",
                     "itemprop", "rel", "href", "datetime"],
        droppedElements: StripTag.droppedElementNames,
        scriptTypes: ["ld+json"],
        dropsHidden: true,
        alwaysKept: ["html", "body"])

    /// Parses UTF-8 bytes; nil when libxml2 gives no document.
    static func parse(utf8 bytes: [UInt8]) -> StripTree? {
        HTMLTree.parse(utf8: bytes, options: markupOptions).map(build)
    }

    static func build(_ markup: HTMLTree) -> StripTree {
        var tree = StripTree()
        tree.parent = markup.parent
        tree.end = markup.end
        tree.jsonLD = markup.scripts
        classify(markup, into: &tree)
        sumSubtrees(&tree)
        markLinkText(&tree)
        var i = tree.count - 1
        while i > 0 {
            let p = tree.parent[i]
            if p >= 0 { tree.linkLength[p] += tree.linkLength[i] }
            i -= 1
        }
        tree.markup = markup
        return tree
    }

    /// Per node: its element kind, its class hint and, for text, its visible length and commas.
    private static func classify(_ markup: HTMLTree, into tree: inout StripTree) {
        let tagOfName = markup.names.map(StripTag.named)
        let hintAttributes = Set(["class", "id"].compactMap { markup.attributeNames.firstIndex(of: $0) })
        let roleAttribute = markup.attributeNames.firstIndex(of: "role")
        let count = markup.count
        tree.tag.reserveCapacity(count)
        tree.hint.reserveCapacity(count)
        for i in 0 ..< count {
            switch markup.kind[i] {
            case .element:
                let tag = tagOfName[markup.nameIndex[i]]
                if tag == .body && tree.body < 0 { tree.body = i }
                var hint = ""
                markup.forEachAttribute(i) { name, value in
                    guard let value else { return }
                    if hintAttributes.contains(name) {
                        if !hint.isEmpty { hint += " " }
                        hint += stripLowercased(value)
                    } else if name == roleAttribute {
                        hint += " role-" + stripLowercased(value)
                    }
                }
                tree.tag.append(tag)
                tree.hint.append(hint)
                tree.textLength.append(0)
                tree.commas.append(0)
            case .text:
                let measure = markup.textBytes(i).withUnsafeBufferPointer(stripMeasure)
                tree.tag.append(.text)
                tree.hint.append("")
                tree.textLength.append(measure.visible)
                tree.commas.append(measure.commas)
            }
        }
        tree.linkLength = Array(repeating: 0, count: count)
    }

    /// Text length and commas of each element: the sums over its subtree, children before
    /// parents (reverse pre-order).
    private static func sumSubtrees(_ tree: inout StripTree) {
        var i = tree.count - 1
        while i > 0 {
            let p = tree.parent[i]
            if p >= 0 {
                tree.textLength[p] += tree.textLength[i]
                tree.commas[p] += tree.commas[i]
            }
            i -= 1
        }
    }

    /// Marks text inside real links. A long `<a>` that wraps block elements is an unclosed
    /// anchor the parser stretched over the page, not a link: its text stays prose. (Short
    /// ones are teaser cards, which are links.)
    private static func markLinkText(_ tree: inout StripTree) {
        var wrapsBlocks = Array(repeating: false, count: tree.count)
        var i = tree.count - 1
        while i > 0 {
            let p = tree.parent[i]
            if p >= 0 && (wrapsBlocks[i] || tree.tag[i].isBlock) { wrapsBlocks[p] = true }
            i -= 1
        }
        var openLinks: [Int] = []
        for k in 0..<tree.count {
            while let last = openLinks.last, last <= k { openLinks.removeLast() }
            switch tree.tag[k] {
            case .a where !wrapsBlocks[k] || tree.textLength[k] < StripThresholds.stretchedAnchorLength:
                openLinks.append(tree.end[k])
            case .text where !openLinks.isEmpty:
                tree.linkLength[k] = tree.textLength[k]
            default:
                break
            }
        }
    }
}

/// ASCII lower-casing of an attribute value (class names and ids are ASCII in practice).
private func stripLowercased(_ value: ArraySlice<UInt8>) -> String {
    String(decoding: value.lazy.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
}

/// Naive byte substring search for short inputs.
func stripBytesContain(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    let n = haystack.count, m = needle.count
    guard m > 0, m <= n else { return m == 0 }
    var i = 0
    while i <= n - m {
        if haystack[i] == needle[0] {
            var k = 1
            while k < m && haystack[i + k] == needle[k] { k += 1 }
            if k == m { return true }
        }
        i += 1
    }
    return false
}

/// Visible length (whitespace runs count once) and commas of one text node.
private func stripMeasure(_ buffer: UnsafeBufferPointer<UInt8>) -> (visible: Int, commas: Int) {
    var visible = 0
    var commas = 0
    var inSpace = true
    var hasVisible = false
    for byte in buffer {
        if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
            inSpace = true
            continue
        }
        if byte & 0xC0 == 0x80 {
            // Continuation byte: part of the previous scalar. Catch U+FF0C and U+3001.
            continue
        }
        if inSpace && hasVisible { visible += 1 }
        inSpace = false
        hasVisible = true
        visible += 1
        if byte == UInt8(ascii: ",") { commas += 1 }
    }
    // CJK commas: EF BC 8C (，) and E3 80 81 (、).
    if buffer.count >= 3 && visible * 2 < buffer.count {
        var i = 0
        while i + 2 < buffer.count {
            if (buffer[i] == 0xEF && buffer[i + 1] == 0xBC && buffer[i + 2] == 0x8C)
                || (buffer[i] == 0xE3 && buffer[i + 1] == 0x80 && buffer[i + 2] == 0x81) {
                commas += 1
            }
            i += 1
        }
    }
    return (visible, commas)
}
