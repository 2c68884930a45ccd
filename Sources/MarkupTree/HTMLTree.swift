import CLibXML2

/// A parsed HTML page as flat, pre-order value arrays: the only form in which libxml2's tree
/// leaves this module. No pointer into libxml2 survives `parse`.
///
/// Node `i`'s subtree is the index range `i ..< end[i]`, so every walk is a loop, never a
/// recursion: a page of 100,000 nested tags cannot overflow the stack. Text bytes and kept
/// attribute values live in one byte arena; nothing is decoded into `String` until asked for.
public struct HTMLTree: Sendable {
    /// What to copy out of the document.
    public struct Options: Sendable {
        /// Attributes copied for every element (lowercase names); others are not kept.
        public var attributes: [String]
        /// Elements dropped with their whole subtree (lowercase names).
        public var droppedElements: Set<String>
        /// `<script>` elements are always dropped; the raw text of those whose `type` contains one
        /// of these (lowercase) is kept in `scripts`, e.g. `ld+json`.
        public var scriptTypes: [String]
        /// Drops elements a browser would not render: `hidden`, `aria-hidden="true"`, inline
        /// `display:none` / `visibility:hidden`, except the elements named in `alwaysKept`.
        public var dropsHidden: Bool
        public var alwaysKept: Set<String>

        public init(attributes: [String] = [], droppedElements: Set<String> = [], scriptTypes: [String] = [],
                    dropsHidden: Bool = false, alwaysKept: Set<String> = ["html", "body"]) {
            self.attributes = attributes; self.droppedElements = droppedElements; self.scriptTypes = scriptTypes
            self.dropsHidden = dropsHidden; self.alwaysKept = alwaysKept
        }
    }

    public enum Kind: UInt8, Sendable { case element, text }

    /// Which parser reads the page. Both give the same kind of tree; `streaming` (the default) is
    /// this module's own one-pass parser, about ten times faster than libxml2's DOM parse;
    /// `libxml2` is kept to compare trees against (tests, `newspipe bench`).
    public enum FrontEnd: String, Sendable, CaseIterable {
        case streaming
        case libxml2
        /// libxml2's SAX interface filling the tree directly (no DOM); measured, not used.
        case libxml2SAX = "libxml2-sax"
    }

    public internal(set) var kind: [Kind] = []
    /// Index into `names` for elements, -1 for text.
    public internal(set) var nameIndex: [Int] = []
    /// Distinct element names of this page, lower-cased.
    public internal(set) var names: [String] = []
    public internal(set) var parent: [Int] = []
    /// Exclusive end of each node's subtree.
    public internal(set) var end: [Int] = []
    /// Raw text of `<script>` elements whose type was asked for, in page order.
    public internal(set) var scripts: [String] = []
    /// The attribute names as given in `Options.attributes`; `attributeName` indexes it.
    public let attributeNames: [String]

    private var textStart: [Int] = []
    private var textEnd: [Int] = []
    private var attributeStart: [Int] = [0]
    private var attributeName: [Int] = []
    /// Start of each attribute value in `arena`, or -1 for an attribute without a value node.
    private var valueStart: [Int] = []
    private var valueEnd: [Int] = []
    private var arena: [UInt8] = []
    private var pendingText = 0
    /// False after a comment: the next text is a node of its own (as in libxml2's tree).
    var textContinues = true

    public var count: Int { kind.count }

    init(attributeNames: [String]) { self.attributeNames = attributeNames }

    /// The element name of node `i`, or nil for text.
    public func name(_ i: Int) -> String? { nameIndex[i] >= 0 ? names[nameIndex[i]] : nil }

    /// The bytes of text node `i` (UTF-8, entities decoded, whitespace as in the page).
    public func textBytes(_ i: Int) -> ArraySlice<UInt8> { arena[textStart[i] ..< textEnd[i]] }

    /// The value of a kept attribute of element `i`: nil when absent, "" when it has no value.
    public func attribute(_ i: Int, _ name: String) -> String? {
        guard let wanted = attributeNames.firstIndex(of: name) else { return nil }
        for a in attributeStart[i] ..< attributeStart[i + 1] where attributeName[a] == wanted {
            return valueStart[a] < 0 ? "" : String(decoding: arena[valueStart[a] ..< valueEnd[a]], as: UTF8.self)
        }
        return nil
    }

    /// Calls `body` with each kept attribute of element `i` in page order: its index in
    /// `attributeNames` and its value bytes (nil when the attribute has no value node).
    public func forEachAttribute(_ i: Int, _ body: (Int, ArraySlice<UInt8>?) -> Void) {
        for a in attributeStart[i] ..< attributeStart[i + 1] {
            body(attributeName[a], valueStart[a] < 0 ? nil : arena[valueStart[a] ..< valueEnd[a]])
        }
    }

    /// Parses UTF-8 bytes (decide the charset and transcode before calling this; a `<meta
    /// charset>` in the page is not obeyed). The streaming front end always gives a tree; the
    /// libxml2 ones return nil when libxml2 gives no document.
    public static func parse(utf8 bytes: [UInt8], options: Options, frontEnd: FrontEnd = .streaming) -> HTMLTree? {
        switch frontEnd {
        case .streaming:
            return bytes.withUnsafeBufferPointer { HTMLStreamParser.parse($0, options: options) }
        case .libxml2:
            return parseDOM(utf8: bytes, options: options)
        case .libxml2SAX:
            return HTMLSAXBuilder.parse(utf8: bytes, options: options)
        }
    }

    /// libxml2's DOM parse, copied out. libxml2 is always told "UTF-8", so a lying `<meta
    /// charset>` cannot switch decoders mid-page and cut the document at an undecodable byte.
    static func parseDOM(utf8 bytes: [UInt8], options: Options) -> HTMLTree? {
        MarkupLibrary.prepare()
        // RECOVER for tag soup, NONET so no entity or DTD is fetched, COMPACT to shrink small
        // text nodes. HUGE is deliberately not set: libxml2 keeps its depth cap.
        let flags = Int32(bitPattern: HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        guard !bytes.isEmpty, bytes.count < Int(Int32.max) else { return nil }
        let parsed: htmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                htmlReadMemory(base, Int32(buffer.count), nil, "UTF-8", flags)
            }
        }
        guard let parsed else { return nil }
        defer { xmlFreeDoc(parsed) }
        var copier = HTMLTreeCopier(options: options)
        if let root = xmlDocGetRootElement(parsed) { copier.copy(from: root) }
        return copier.tree
    }

    // MARK: Building (used by the parsers of this module only)

    mutating func reserve(nodes: Int, bytes: Int) {
        kind.reserveCapacity(nodes); nameIndex.reserveCapacity(nodes); parent.reserveCapacity(nodes)
        end.reserveCapacity(nodes); textStart.reserveCapacity(nodes); textEnd.reserveCapacity(nodes)
        attributeStart.reserveCapacity(nodes + 1); arena.reserveCapacity(bytes)
    }

    var arenaCount: Int { arena.count }

    @inline(__always) mutating func appendArena(_ bytes: UnsafeBufferPointer<UInt8>) {
        arena.append(contentsOf: bytes)
    }

    /// Appends one scalar as UTF-8.
    mutating func appendScalar(_ scalar: UInt32) {
        if scalar < 0x80 {
            arena.append(UInt8(scalar))
        } else if scalar < 0x800 {
            arena.append(UInt8(0xC0 | (scalar >> 6))); arena.append(UInt8(0x80 | (scalar & 0x3F)))
        } else if scalar < 0x10000 {
            arena.append(UInt8(0xE0 | (scalar >> 12))); arena.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            arena.append(UInt8(0x80 | (scalar & 0x3F)))
        } else {
            arena.append(UInt8(0xF0 | (scalar >> 18))); arena.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            arena.append(UInt8(0x80 | ((scalar >> 6) & 0x3F))); arena.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Starts a text node under `parent` whose bytes are appended to the arena until `endText`;
    /// text right after a text node of the same parent extends that node instead.
    mutating func beginText(parent: Int) {
        let last = count - 1
        defer { textContinues = true }
        if textContinues, last >= 0, kind[last] == .text, self.parent[last] == parent, textEnd[last] == arena.count {
            pendingText = last
            return
        }
        let i = count
        kind.append(.text); nameIndex.append(-1); self.parent.append(parent); end.append(i + 1)
        textStart.append(arena.count); textEnd.append(arena.count)
        attributeStart.append(attributeName.count)
        pendingText = i
    }

    mutating func endText() {
        textEnd[pendingText] = arena.count
    }

    mutating func appendAttribute(_ name: Int, valueStart: Int, valueEnd: Int) {
        attributeName.append(name); self.valueStart.append(valueStart); self.valueEnd.append(valueEnd)
    }

    mutating func appendElement(nameIndex index: Int, parent: Int) -> Int {
        let i = count
        kind.append(.element); nameIndex.append(index); self.parent.append(parent); end.append(i + 1)
        textStart.append(0); textEnd.append(0)
        return i
    }

    mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>, parent: Int) {
        let i = count
        kind.append(.text); nameIndex.append(-1); self.parent.append(parent); end.append(i + 1)
        textStart.append(arena.count); arena.append(contentsOf: bytes); textEnd.append(arena.count)
        attributeStart.append(attributeName.count)
    }

    mutating func appendAttribute(_ name: Int, value: UnsafeBufferPointer<UInt8>?) {
        attributeName.append(name)
        if let value {
            valueStart.append(arena.count); arena.append(contentsOf: value); valueEnd.append(arena.count)
        } else {
            valueStart.append(-1); valueEnd.append(-1)
        }
    }

    /// Closes the attribute list of the element just appended.
    mutating func endAttributes() { attributeStart.append(attributeName.count) }

    /// Drops the element just appended (and its attributes): it turned out to be hidden.
    mutating func dropLastElement() {
        let keep = attributeStart[attributeStart.count - 2]
        attributeName.removeLast(attributeName.count - keep)
        valueStart.removeLast(valueStart.count - keep)
        valueEnd.removeLast(valueEnd.count - keep)
        attributeStart.removeLast()
        kind.removeLast(); nameIndex.removeLast(); parent.removeLast(); end.removeLast()
        textStart.removeLast(); textEnd.removeLast()
    }

    mutating func close(_ i: Int) { end[i] = count }

    mutating func intern(_ name: String) -> Int {
        names.append(name)
        return names.count - 1
    }

    mutating func appendScript(_ text: String) { scripts.append(text) }
}

/// Walks a libxml2 document (pointer walk plus an explicit stack) into an `HTMLTree`.
private struct HTMLTreeCopier {
    let options: HTMLTree.Options
    var tree: HTMLTree
    /// Element names seen so far, by libxml2's interned name pointer: -1 dropped, -2 script, else the name index.
    private var nameCache: [UnsafePointer<xmlChar>: Int] = [:]
    private let dropped = -1, script = -2
    /// Attribute names as NUL-terminated bytes, for `xmlStrEqual` without allocating.
    private let wantedAttributes: [[UInt8]]
    private static let hiddenAttribute = MarkupBytes.cString("hidden")
    private static let ariaHiddenAttribute = MarkupBytes.cString("aria-hidden")
    private static let styleAttribute = MarkupBytes.cString("style")
    private static let typeAttribute = MarkupBytes.cString("type")

    init(options: HTMLTree.Options) {
        self.options = options
        tree = HTMLTree(attributeNames: options.attributes)
        wantedAttributes = options.attributes.map(MarkupBytes.cString)
    }

    mutating func copy(from root: xmlNodePtr) {
        var stack: [(node: xmlNodePtr, index: Int)] = []
        var current: xmlNodePtr? = root
        while let pointer = current {
            var descend = false
            let node = pointer.pointee
            let parentIndex = stack.last?.index ?? -1
            switch node.type {
            case XML_ELEMENT_NODE:
                if let index = element(pointer, parent: parentIndex), node.children != nil {
                    stack.append((pointer, index))
                    descend = true
                }
            case XML_TEXT_NODE:
                if let content = node.content {
                    let length = Int(xmlStrlen(content))
                    if length > 0 { tree.appendText(UnsafeBufferPointer(start: content, count: length), parent: parentIndex) }
                }
            default:
                break // comments, CDATA (script and style bodies), processing instructions
            }
            if descend, let child = node.children {
                current = child
                continue
            }
            // Climb until a sibling is found, closing every finished element on the way.
            var climb: xmlNodePtr? = pointer
            current = nil
            while let step = climb, step != root {
                if let next = step.pointee.next {
                    current = next
                    break
                }
                guard let up = step.pointee.parent else { break }
                if let open = stack.last, open.node == up {
                    stack.removeLast()
                    tree.close(open.index)
                }
                climb = up
            }
        }
        while let open = stack.popLast() { tree.close(open.index) }
    }

    /// Appends one element, or returns nil when it is dropped (with its subtree).
    private mutating func element(_ pointer: xmlNodePtr, parent: Int) -> Int? {
        guard let name = pointer.pointee.name else { return nil }
        let nameIndex: Int
        if let cached = nameCache[name] {
            nameIndex = cached
        } else {
            let decoded = String(decoding: UnsafeBufferPointer(start: name, count: Int(xmlStrlen(name))), as: UTF8.self).lowercased()
            nameIndex = decoded == "script" ? script : options.droppedElements.contains(decoded) ? dropped : tree.intern(decoded)
            nameCache[name] = nameIndex
        }
        if nameIndex == script {
            keepScriptText(pointer)
            return nil
        }
        guard nameIndex >= 0 else { return nil }
        let index = tree.appendElement(nameIndex: nameIndex, parent: parent)
        var hidden = false
        var attribute = pointer.pointee.properties
        while let current = attribute {
            defer { attribute = current.pointee.next }
            guard let attributeName = current.pointee.name else { continue }
            let value: UnsafeBufferPointer<UInt8>? = current.pointee.children?.pointee.content.map {
                UnsafeBufferPointer(start: $0, count: Int(xmlStrlen($0)))
            }
            if options.dropsHidden, !hidden { hidden = hides(attributeName, value) }
            for (wanted, bytes) in wantedAttributes.enumerated() where xmlStrEqual(attributeName, bytes) != 0 {
                tree.appendAttribute(wanted, value: value)
                break
            }
        }
        tree.endAttributes()
        if hidden, !options.alwaysKept.contains(tree.names[nameIndex]) {
            tree.dropLastElement()
            return nil
        }
        return index
    }

    /// Whether one attribute makes its element invisible.
    private func hides(_ name: UnsafePointer<xmlChar>, _ value: UnsafeBufferPointer<UInt8>?) -> Bool {
        func named(_ bytes: [UInt8]) -> Bool { xmlStrEqual(name, bytes) != 0 }
        if named(Self.hiddenAttribute) { return true }
        if named(Self.ariaHiddenAttribute) { return value.map { MarkupBytes.lowercased($0) == Array("true".utf8) } ?? false }
        if named(Self.styleAttribute), let value { return MarkupBytes.styleHides(value) }
        return false
    }

    private mutating func keepScriptText(_ pointer: xmlNodePtr) {
        guard !options.scriptTypes.isEmpty else { return }
        var typeValue: [UInt8]?
        var attribute = pointer.pointee.properties
        while let current = attribute {
            if let name = current.pointee.name, xmlStrEqual(name, Self.typeAttribute) != 0 {
                typeValue = current.pointee.children?.pointee.content.map {
                    MarkupBytes.lowercased(UnsafeBufferPointer(start: $0, count: Int(xmlStrlen($0))))
                } ?? []
                break
            }
            attribute = current.pointee.next
        }
        guard let typeValue else { return }
        let type = String(decoding: typeValue, as: UTF8.self)
        guard options.scriptTypes.contains(where: { type.contains($0) }) else { return }
        var text: [UInt8] = []
        var child = pointer.pointee.children
        while let current = child {
            if let content = current.pointee.content {
                text.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
            }
            child = current.pointee.next
        }
        if !text.isEmpty { tree.appendScript(String(decoding: text, as: UTF8.self)) }
    }
}

/// Byte helpers for attribute values (ASCII in practice).
enum MarkupBytes {
    /// NUL-terminated UTF-8 bytes of `text`, as libxml2's string functions take them.
    static func cString(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }

    static func lowercased(_ bytes: some Collection<UInt8>) -> [UInt8] {
        bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
    }

    /// `display:none` / `visibility:hidden` in an inline style (spaces and case ignored).
    static func styleHides(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.count >= 11 else { return false }
        var compact: [UInt8] = []
        compact.reserveCapacity(value.count)
        for byte in value where byte != 0x20 && byte != 0x09 && byte != 0x0A {
            compact.append(byte >= 65 && byte <= 90 ? byte + 32 : byte)
        }
        return contains(compact, Array("display:none".utf8)) || contains(compact, Array("visibility:hidden".utf8))
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
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
}

extension HTMLTree {
    /// An indented outline of the tree (one line per element, text nodes whitespace-collapsed),
    /// for comparing front ends (`newspipe extract --outline`).
    public func outline() -> String {
        var lines: [String] = []
        var depth: [Int] = Array(repeating: 0, count: count)
        for i in 0 ..< count {
            let d = parent[i] >= 0 ? depth[parent[i]] + 1 : 0
            depth[i] = d
            let indent = String(repeating: " ", count: min(d, 60))
            if let name = name(i) {
                var attributes: [String] = []
                forEachAttribute(i) { index, value in
                    attributes.append(attributeNames[index] + (value.map { "=\"" + String(decoding: $0, as: UTF8.self) + "\"" } ?? ""))
                }
                lines.append(indent + "<" + ([name] + attributes).joined(separator: " ") + ">")
            } else {
                let text = String(decoding: textBytes(i), as: UTF8.self).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
                if !text.isEmpty { lines.append(indent + "\"" + text + "\"") }
            }
        }
        return lines.joined(separator: "\n")
    }
}
