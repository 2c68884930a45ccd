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

    /// Parses UTF-8 bytes; nil when the (libxml2) front end gives no document.
    static func parse(utf8 bytes: [UInt8], frontEnd: HTMLFrontEnd = .streaming) -> StripTree? {
        HTMLTree.parse(utf8: bytes, options: markupOptions, frontEnd: frontEnd).map(build)
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
        let classAttribute = markup.attributeNames.firstIndex(of: "class") ?? -1
        let idAttribute = markup.attributeNames.firstIndex(of: "id") ?? -1
        let roleAttribute = markup.attributeNames.firstIndex(of: "role") ?? -1
        let count = markup.count
        tree.tag.reserveCapacity(count)
        tree.hintID.reserveCapacity(count)
        tree.textLength.reserveCapacity(count)
        tree.commas.reserveCapacity(count)
        var seen = StripHintKeys()
        var key: [UInt8] = []
        for i in 0 ..< count {
            switch markup.kind[i] {
            case .element:
                let tag = tagOfName[markup.nameIndex[i]]
                if tag == .body && tree.body < 0 { tree.body = i }
                // The hint's bytes: class, id, role (each lower-cased), as one key.
                key.removeAll(keepingCapacity: true)
                var classValue: ArraySlice<UInt8>?, idValue: ArraySlice<UInt8>?, roleValue: ArraySlice<UInt8>?
                markup.forEachAttribute(i) { name, value in
                    guard let value, !value.isEmpty else { return }
                    if name == classAttribute { classValue = value }
                    else if name == idAttribute { idValue = value }
                    else if name == roleAttribute { roleValue = value }
                }
                var id: Int32 = 0
                if classValue != nil || idValue != nil || roleValue != nil {
                    if let classValue { appendLowercased(classValue, to: &key) }
                    if let idValue {
                        if !key.isEmpty { key.append(0x20) }
                        appendLowercased(idValue, to: &key)
                    }
                    if let roleValue {
                        key.append(contentsOf: Array(" role-".utf8))
                        appendLowercased(roleValue, to: &key)
                    }
                    if let known = seen.find(key) {
                        id = known
                    } else {
                        id = tree.hints.add(String(decoding: key, as: UTF8.self))
                        seen.insert(key, id)
                    }
                }
                tree.tag.append(tag)
                tree.hintID.append(id)
                tree.textLength.append(0)
                tree.commas.append(0)
            case .text:
                let measure = markup.textBytes(i).withUnsafeBufferPointer(stripMeasure)
                tree.tag.append(.text)
                tree.hintID.append(0)
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

/// Appends an attribute value ASCII-lower-cased (class names and ids are ASCII in practice).
private func appendLowercased(_ value: ArraySlice<UInt8>, to key: inout [UInt8]) {
    for byte in value { key.append(byte >= 65 && byte <= 90 ? byte + 32 : byte) }
}

/// Hint bytes already seen on this page, by a 64-bit hash (open addressing; a page has a few
/// hundred distinct hints and looks one up per element).
private struct StripHintKeys {
    private var hashes: [UInt64] = Array(repeating: 0, count: 512)
    private var ids: [Int32] = Array(repeating: 0, count: 512)
    private var used = 0

    private static func hash(_ key: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xCBF29CE484222325
        for byte in key { h = (h ^ UInt64(byte)) &* 0x100000001B3 }
        return h | 1 // 0 marks an empty slot
    }

    func find(_ key: [UInt8]) -> Int32? {
        let h = Self.hash(key)
        let mask = hashes.count - 1
        var slot = Int(truncatingIfNeeded: h >> 20) & mask
        while hashes[slot] != 0 {
            if hashes[slot] == h { return ids[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }

    mutating func insert(_ key: [UInt8], _ id: Int32) {
        if (used + 1) * 2 > hashes.count {
            let old = zip(hashes, ids).filter { $0.0 != 0 }
            hashes = Array(repeating: 0, count: hashes.count * 2)
            ids = Array(repeating: 0, count: ids.count * 2)
            used = 0
            for (h, i) in old { place(h, i) }
        }
        place(Self.hash(key), id)
    }

    private mutating func place(_ h: UInt64, _ id: Int32) {
        let mask = hashes.count - 1
        var slot = Int(truncatingIfNeeded: h >> 20) & mask
        while hashes[slot] != 0 && hashes[slot] != h { slot = (slot + 1) & mask }
        if hashes[slot] == 0 { used += 1 }
        hashes[slot] = h
        ids[slot] = id
    }
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
