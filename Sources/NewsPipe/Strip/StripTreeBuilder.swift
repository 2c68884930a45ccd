import CLibXML2

/// Copies a libxml2 DOM into a `StripTree`, skipping scripts, styles and hidden subtrees.
struct StripTreeBuilder {
    /// Builds the tree iteratively (pointer walk plus an explicit stack).
    static func build(_ document: StripHTMLDocument) -> StripTree {
        var tree = StripTree()
        tree.document = document
        guard let root = document.rootElement else { return tree }
        var tagCache: [UnsafePointer<xmlChar>: StripTag] = [:]
        var stack: [Int] = []
        var current: StripHTMLDocument.NodePointer? = root

        func leave(_ index: Int) {
            tree.end[index] = tree.count
        }

        while let nodePointer = current {
            var descend = false
            let node = nodePointer.pointee
            let parentIndex = stack.last ?? -1
            switch node.type {
            case XML_ELEMENT_NODE:
                let tag: StripTag
                if let name = node.name {
                    if let cached = tagCache[name] {
                        tag = cached
                    } else {
                        let decoded = String(decoding: UnsafeBufferPointer(
                            start: name, count: Int(xmlStrlen(name))), as: UTF8.self).lowercased()
                        tag = StripTag.named(decoded)
                        tagCache[name] = tag
                    }
                } else {
                    tag = .other
                }
                if tag == .script {
                    if let json = ldJSON(document, nodePointer) { tree.jsonLD.append(json) }
                    break
                }
                if tag.isSkipped { break }
                var hint = ""
                var hidden = false
                document.forEachAttribute(nodePointer) { name, value in
                    switch stripAttributeName(name) {
                    case .classOrID:
                        if let value {
                            if !hint.isEmpty { hint += " " }
                            hint += stripLowercased(value)
                        }
                    case .hidden:
                        hidden = true
                    case .ariaHidden:
                        if let value, stripLowercased(value) == "true" { hidden = true }
                    case .style:
                        if let value, stripStyleHides(value) { hidden = true }
                    case .role:
                        if let value {
                            hint += " role-" + stripLowercased(value)
                        }
                    case .ignored:
                        break
                    }
                }
                if hidden && tag != .html && tag != .body { break }
                let index = tree.count
                if tag == .body && tree.body < 0 { tree.body = index }
                tree.tag.append(tag)
                tree.parent.append(parentIndex)
                tree.end.append(index + 1)
                tree.textBytes.append(nil)
                tree.hint.append(hint)
                tree.textLength.append(0)
                tree.linkLength.append(0)
                tree.commas.append(0)
                tree.node.append(nodePointer)
                if node.children != nil {
                    stack.append(index)
                    descend = true
                } else {
                    leave(index)
                }
            case XML_TEXT_NODE:
                guard let content = node.content else { break }
                let length = Int(xmlStrlen(content))
                guard length > 0 else { break }
                let buffer = UnsafeBufferPointer(start: content, count: length)
                let measure = stripMeasure(buffer)
                let index = tree.count
                tree.tag.append(.text)
                tree.parent.append(parentIndex)
                tree.end.append(index + 1)
                tree.textBytes.append(buffer)
                tree.hint.append("")
                tree.textLength.append(measure.visible)
                tree.linkLength.append(0)
                tree.commas.append(measure.commas)
                tree.node.append(nil)
            default:
                break
            }
            if descend, let child = node.children {
                current = child
                continue
            }
            // Climb until a sibling is found, closing every finished element on the way.
            var climb: StripHTMLDocument.NodePointer? = nodePointer
            current = nil
            while let step = climb, step != root {
                if let next = step.pointee.next {
                    current = next
                    break
                }
                guard let up = step.pointee.parent else { break }
                if let open = stack.last, tree.node[open] == up {
                    stack.removeLast()
                    leave(open)
                }
                climb = up
            }
        }
        while let open = stack.popLast() { leave(open) }
        // Subtree sums, children before parents (reverse pre-order).
        var i = tree.count - 1
        while i > 0 {
            let p = tree.parent[i]
            if p >= 0 {
                tree.textLength[p] += tree.textLength[i]
                tree.commas[p] += tree.commas[i]
            }
            i -= 1
        }
        markLinkText(&tree)
        i = tree.count - 1
        while i > 0 {
            let p = tree.parent[i]
            if p >= 0 { tree.linkLength[p] += tree.linkLength[i] }
            i -= 1
        }
        return tree
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
            case .a where !wrapsBlocks[k] || tree.textLength[k] < 2000:
                openLinks.append(tree.end[k])
            case .text where !openLinks.isEmpty:
                tree.linkLength[k] = tree.textLength[k]
            default:
                break
            }
        }
    }

    private static func ldJSON(_ document: StripHTMLDocument,
                               _ node: StripHTMLDocument.NodePointer) -> String? {
        guard let type = document.attribute(node, "type"),
              type.lowercased().contains("ld+json") else { return nil }
        var out = ""
        var child = node.pointee.children
        while let c = child {
            if let content = c.pointee.content {
                out += String(decoding: UnsafeBufferPointer(start: content,
                                                            count: Int(xmlStrlen(content))),
                              as: UTF8.self)
            }
            child = c.pointee.next
        }
        return out.isEmpty ? nil : out
    }
}

private enum StripAttributeKind { case classOrID, hidden, ariaHidden, style, role, ignored }

/// Classifies an attribute name by its bytes, without building a String.
private func stripAttributeName(_ name: UnsafePointer<xmlChar>) -> StripAttributeKind {
    switch name[0] {
    case UInt8(ascii: "c"):
        return xmlStrEqual(name, "class") != 0 ? .classOrID : .ignored
    case UInt8(ascii: "i"):
        return xmlStrEqual(name, "id") != 0 ? .classOrID : .ignored
    case UInt8(ascii: "h"):
        return xmlStrEqual(name, "hidden") != 0 ? .hidden : .ignored
    case UInt8(ascii: "a"):
        return xmlStrEqual(name, "aria-hidden") != 0 ? .ariaHidden : .ignored
    case UInt8(ascii: "s"):
        return xmlStrEqual(name, "style") != 0 ? .style : .ignored
    case UInt8(ascii: "r"):
        return xmlStrEqual(name, "role") != 0 ? .role : .ignored
    default:
        return .ignored
    }
}

/// ASCII lower-casing of a C string (class names and ids are ASCII in practice).
private func stripLowercased(_ value: UnsafePointer<xmlChar>) -> String {
    let length = Int(xmlStrlen(value))
    return String(unsafeUninitializedCapacity: length) { out in
        for i in 0..<length {
            let byte = value[i]
            out[i] = (byte >= 65 && byte <= 90) ? byte + 32 : byte
        }
        return length
    }
}

/// `display:none` / `visibility:hidden` in an inline style (spaces and case ignored).
private func stripStyleHides(_ value: UnsafePointer<xmlChar>) -> Bool {
    let length = Int(xmlStrlen(value))
    guard length >= 11 else { return false }
    var compact: [UInt8] = []
    compact.reserveCapacity(length)
    for i in 0..<length {
        let byte = value[i]
        if byte == 0x20 || byte == 0x09 || byte == 0x0A { continue }
        compact.append(byte >= 65 && byte <= 90 ? byte + 32 : byte)
    }
    return stripBytesContain(compact, Array("display:none".utf8))
        || stripBytesContain(compact, Array("visibility:hidden".utf8))
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
