#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds an `HTMLTree` straight from UTF-8 bytes in one pass: a byte-scanning tokenizer (tags,
/// attributes, comments, raw-text elements, character references) feeding a tree builder that
/// repairs tag soup with libxml2's rules (`HTMLRepairRules`). No DOM is built and nothing is
/// allocated per node beyond the tree's own arrays; dropped and hidden subtrees are skipped as
/// they stream past.
///
/// It never fails: any byte sequence gives a tree (at worst an `<html>` holding text). Nesting
/// deeper than `maxDepth` is flattened into the element at that depth.
struct HTMLStreamParser {
    /// Deepest nesting kept; deeper start tags add no element (their text stays, one level up).
    static let maxDepth = 512

    private let options: HTMLTree.Options
    private(set) var tree: HTMLTree

    /// One open element: its node in the tree (-1 when it is not copied: dropped or hidden, or
    /// inside such a subtree) and its page-local name id.
    private struct Open {
        var node: Int
        var name: Int
        /// This element started a skipped subtree.
        var skips: Bool
    }
    private var stack: [Open] = []
    /// Open elements that skip their subtree.
    private var skipping = 0
    /// libxml2's `ctxt->html`: 3 once a head was opened, 10 once a body was opened.
    private var stage = 0
    /// Misplaced `<html>`/`<head>`/`<body>` start tags ignored; as many of their end tags are ignored.
    private var discardedStructure = 0

    // Page-local element names: what the builder knows about each distinct name.
    private var names = HTMLNameTable()
    private var nameString: [String] = []
    private var nameKnown: [Int] = []
    private var namePriority: [Int] = []
    private var nameFlags: [UInt16] = []
    private var nameTreeIndex: [Int] = []

    private static let flagVoid: UInt16 = 1, flagRaw: UInt16 = 2, flagEscapable: UInt16 = 4,
                        flagHeadish: UInt16 = 8, flagDropped: UInt16 = 16, flagScript: UInt16 = 32,
                        flagAlwaysKept: UInt16 = 64, flagFrames: UInt16 = 128

    // Ids of the structural names, interned up front.
    private var htmlName = 0, headName = 0, bodyName = 0, pName = 0
    private let closes = HTMLRepairRules.closes
    private let knownCount = HTMLRepairRules.knownNames.count

    // Attributes of the tag being read (reused buffers).
    private var attributeWanted: [Int] = []
    private var attributeValueStart: [Int] = []
    private var attributeValueEnd: [Int] = []
    private let wantedKeys: [HTMLNameKey]
    private static let hiddenKey = HTMLNameKey("hidden"), ariaHiddenKey = HTMLNameKey("aria-hidden"),
                        styleKey = HTMLNameKey("style"), typeKey = HTMLNameKey("type")

    init(options: HTMLTree.Options, capacity: Int) {
        self.options = options
        tree = HTMLTree(attributeNames: options.attributes)
        tree.reserve(nodes: capacity / 24, bytes: capacity / 2)
        wantedKeys = options.attributes.map(HTMLNameKey.init)
        stack.reserveCapacity(64)
        htmlName = internName("html")
        headName = internName("head")
        bodyName = internName("body")
        pName = internName("p")
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, options: HTMLTree.Options) -> HTMLTree {
        var parser = HTMLStreamParser(options: options, capacity: bytes.count)
        parser.run(bytes)
        return parser.tree
    }

    // MARK: - Tokenizer

    private mutating func run(_ page: UnsafeBufferPointer<UInt8>) {
        guard let base = page.baseAddress, page.count > 0 else { finish(); return }
        let n = page.count
        var i = 0
        while i < n {
            // A run of text up to the next '<'.
            let next: Int
            if let found = memchr(base + i, 0x3C, n - i) {
                next = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            } else {
                next = n
            }
            if next > i { text(page, i, next) }
            i = next
            guard i < n else { break }
            let b1: UInt8 = i + 1 < n ? page[i + 1] : 0
            if isLetter(b1) {
                i = startTag(page, i)
            } else if b1 == 0x2F {
                let b2: UInt8 = i + 2 < n ? page[i + 2] : 0
                if isLetter(b2) {
                    i = endTag(page, i)
                } else {
                    // "</>" is dropped; "</ ..." and "</1" are bogus comments.
                    i = skipPast(page, i + 2, 0x3E)
                }
            } else if b1 == 0x21 {
                if i + 3 < n && page[i + 2] == 0x2D && page[i + 3] == 0x2D {
                    i = comment(page, i + 4)
                } else {
                    i = skipPast(page, i + 2, 0x3E) // doctype, CDATA, bogus declarations
                }
                tree.textContinues = false
            } else if b1 == 0x3F {
                i = skipPast(page, i + 2, 0x3E) // processing instructions
                tree.textContinues = false
            } else {
                text(page, i, i + 1) // a lone '<' is text
                i += 1
            }
        }
        finish()
    }

    /// Index just past the first `byte` at or after `from` (or the end).
    private func skipPast(_ page: UnsafeBufferPointer<UInt8>, _ from: Int, _ byte: UInt8) -> Int {
        let n = page.count
        guard from < n, let base = page.baseAddress else { return n }
        if let found = memchr(base + from, Int32(byte), n - from) {
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return n
    }

    /// A comment from just after `<!--`: ends at `-->` (or `--!>`); `<!-->` and `<!--->` are empty.
    private func comment(_ page: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        let n = page.count
        if start < n && page[start] == 0x3E { return start + 1 }
        if start + 1 < n && page[start] == 0x2D && page[start + 1] == 0x3E { return start + 2 }
        var i = start
        while i < n {
            guard let base = page.baseAddress, let found = memchr(base + i, 0x2D, n - i) else { return n }
            let dash = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if dash + 2 < n && page[dash + 1] == 0x2D && page[dash + 2] == 0x3E { return dash + 3 }
            if dash + 3 < n && page[dash + 1] == 0x2D && page[dash + 2] == 0x21 && page[dash + 3] == 0x3E { return dash + 4 }
            i = dash + 1
        }
        return n
    }

    /// Reads a start tag at `at` ('<' then a letter); returns the index after it.
    private mutating func startTag(_ page: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int {
        let n = page.count
        var j = at + 1
        var key = HTMLNameKey()
        var nameStart = j
        while j < n, !isTagNameEnd(page[j]) {
            if page[j] == 0x3A { key = HTMLNameKey(); nameStart = j + 1 } else { key.add(page[j]) } // "a0:nav" is a nav
            j += 1
        }
        if key.length == 0 { return skipPast(page, j, 0x3E) }
        attributeWanted.removeAll(keepingCapacity: true)
        attributeValueStart.removeAll(keepingCapacity: true)
        attributeValueEnd.removeAll(keepingCapacity: true)
        var hidden = false
        var typeStart = -1, typeEnd = -1
        var selfClosing = false
        // Attributes up to '>'.
        while true {
            while j < n && (isSpace(page[j]) || page[j] == 0x2F) {
                selfClosing = page[j] == 0x2F
                j += 1
            }
            guard j < n else { return n } // a tag cut by the end of the page is dropped
            if page[j] == 0x3E { j += 1; break }
            selfClosing = false
            var attribute = HTMLNameKey()
            attribute.add(page[j]) // the first character may be '=' (browsers keep it in the name)
            j += 1
            while j < n, !isAttributeNameEnd(page[j]) { attribute.add(page[j]); j += 1 }
            while j < n && isSpace(page[j]) { j += 1 }
            var valueStart = -1, valueEnd = -1
            if j < n && page[j] == 0x3D {
                j += 1
                while j < n && isSpace(page[j]) { j += 1 }
                guard j < n else { return n }
                let quote = page[j]
                if quote == 0x22 || quote == 0x27 {
                    let closing = skipPast(page, j + 1, quote)
                    guard closing <= n, closing > j + 1, page[closing - 1] == quote else { return n }
                    valueStart = j + 1; valueEnd = closing - 1
                    j = closing
                } else {
                    valueStart = j
                    while j < n && !isSpace(page[j]) && page[j] != 0x3E { j += 1 }
                    valueEnd = j
                }
            }
            if options.dropsHidden && !hidden {
                if attribute == Self.hiddenKey {
                    hidden = true
                } else if attribute == Self.ariaHiddenKey, valueStart >= 0 {
                    hidden = asciiEqualsLowercased(page, valueStart, valueEnd, "true")
                } else if attribute == Self.styleKey, valueStart >= 0 {
                    hidden = MarkupBytes.styleHides(UnsafeBufferPointer(rebasing: page[valueStart ..< valueEnd]))
                }
            }
            if attribute == Self.typeKey && typeStart < 0 && valueStart >= 0 { typeStart = valueStart; typeEnd = valueEnd }
            if let wanted = wantedKeys.firstIndex(of: attribute),
               !attributeWanted.contains(wanted) { // the first of duplicate attributes wins
                attributeWanted.append(wanted)
                attributeValueStart.append(valueStart)
                attributeValueEnd.append(valueEnd)
            }
        }
        let name = intern(key, page, nameStart)
        let flags = nameFlags[name]
        if flags & Self.flagRaw != 0 {
            // Script and style bodies: raw text up to their end tag, never in the tree.
            tree.textContinues = false
            let close = rawTextEnd(page, j, nameString[name])
            if flags & Self.flagScript != 0 && skipping == 0 && typeStart >= 0 {
                keepScript(page, typeStart, typeEnd, j, close)
            }
            if flags & Self.flagScript == 0 && flags & Self.flagDropped == 0 {
                // xmp: its text is kept.
                openElement(name, page, hidden: hidden, selfClosing: false)
                text(page, j, close)
                closeTop()
            }
            return close < n ? skipPast(page, close, 0x3E) : n
        }
        if flags & Self.flagEscapable != 0 && !selfClosing {
            let close = rawTextEnd(page, j, nameString[name])
            if close < n {
                openElement(name, page, hidden: hidden, selfClosing: false)
                text(page, j, close)
                closeTop()
                return skipPast(page, close, 0x3E)
            }
        }
        openElement(name, page, hidden: hidden, selfClosing: selfClosing)
        return j
    }

    /// Index of the `</name` that ends a raw-text element, or the end of the page.
    private func rawTextEnd(_ page: UnsafeBufferPointer<UInt8>, _ from: Int, _ name: String) -> Int {
        let n = page.count
        let wanted = Array(name.utf8)
        var i = from
        while i < n {
            guard let base = page.baseAddress, let found = memchr(base + i, 0x3C, n - i) else { return n }
            let lt = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if lt + 1 + wanted.count < n && page[lt + 1] == 0x2F {
                var k = 0
                while k < wanted.count && lower(page[lt + 2 + k]) == wanted[k] { k += 1 }
                if k == wanted.count { return lt }
            }
            i = lt + 1
        }
        return n
    }

    /// Reads an end tag at `at` ('</' then a letter).
    private mutating func endTag(_ page: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int {
        let n = page.count
        var j = at + 2
        var key = HTMLNameKey()
        while j < n, !isTagNameEnd(page[j]) {
            if page[j] == 0x3A { key = HTMLNameKey() } else { key.add(page[j]) }
            j += 1
        }
        let end = skipPast(page, j, 0x3E)
        if let name = names.find(key) { closeElement(name) }
        return end
    }

    // MARK: - Tree construction

    /// A start tag after libxml2's implied closes and implied html/head/body.
    private mutating func openElement(_ name: Int, _ page: UnsafeBufferPointer<UInt8>, hidden: Bool, selfClosing: Bool) {
        tree.textContinues = false
        if name == htmlName && !stack.isEmpty {
            discardedStructure += 1 // a second <html>: ignored with its attributes
            return
        }
        autoClose(name)
        implyStructure(for: name)
        if name == headName && stack.count != 1 { discardedStructure += 1; return }
        if name == bodyName && stack.contains(where: { $0.name == bodyName }) { discardedStructure += 1; return }
        if name == headName { stage = max(stage, 3) }
        if name == bodyName { stage = 10 }
        let flags = nameFlags[name]
        let isVoid = flags & Self.flagVoid != 0 || selfClosing
        if skipping > 0 {
            // Inside a skipped subtree: tracked for closing, never copied.
            if !isVoid && stack.count < Self.maxDepth { stack.append(Open(node: -1, name: name, skips: false)) }
            return
        }
        if flags & Self.flagDropped != 0 || (hidden && flags & Self.flagAlwaysKept == 0) {
            if !isVoid && stack.count < Self.maxDepth {
                stack.append(Open(node: -1, name: name, skips: true))
                skipping = 1
            }
            return
        }
        guard isVoid || stack.count < Self.maxDepth else { return }
        let node = materialize(name, parent: stack.last?.node ?? -1, page: page)
        if isVoid {
            tree.close(node)
        } else {
            stack.append(Open(node: node, name: name, skips: false))
        }
    }

    /// Appends the element with the attributes just read.
    private mutating func materialize(_ name: Int, parent: Int, page: UnsafeBufferPointer<UInt8>?) -> Int {
        if nameTreeIndex[name] < 0 { nameTreeIndex[name] = tree.intern(nameString[name]) }
        let node = tree.appendElement(nameIndex: nameTreeIndex[name], parent: parent)
        if let page {
            for k in 0 ..< attributeWanted.count {
                let start = attributeValueStart[k]
                if start < 0 {
                    tree.appendAttribute(attributeWanted[k], valueStart: -1, valueEnd: -1)
                } else {
                    let from = tree.arenaCount
                    appendDecoded(page, start, attributeValueEnd[k], inAttribute: true)
                    tree.appendAttribute(attributeWanted[k], valueStart: from, valueEnd: tree.arenaCount)
                }
            }
        }
        tree.endAttributes()
        return node
    }

    /// libxml2's `htmlAutoClose`: the new start tag ends the current element while the rules say so.
    private mutating func autoClose(_ name: Int) {
        let known = nameKnown[name]
        guard known > 0 else { return }
        while let top = stack.last {
            let open = nameKnown[top.name]
            guard open > 0, closes[open * knownCount + known] else { return }
            closeTop()
        }
    }

    /// libxml2's `htmlCheckImplied`: an `<html>` root, then `<head>` for head elements before any
    /// content, else `<body>`.
    private mutating func implyStructure(for name: Int) {
        if name == htmlName || skipping > 0 { return }
        if stack.isEmpty { openImplied(htmlName) }
        if name == bodyName || name == headName { return }
        let flags = nameFlags[name]
        if stack.count <= 1 && flags & Self.flagHeadish != 0 {
            if stage >= 3 { return }
            openImplied(headName)
            stage = max(stage, 3)
        } else if flags & Self.flagFrames == 0 {
            if stage >= 10 { return }
            for open in stack where open.name == bodyName || open.name == headName { return }
            openImplied(bodyName)
            stage = 10
        }
    }

    private mutating func openImplied(_ name: Int) {
        guard stack.count < Self.maxDepth else { return }
        let node = materialize(name, parent: stack.last?.node ?? -1, page: nil)
        stack.append(Open(node: node, name: name, skips: false))
    }

    /// An end tag: ignored without an open match, and (libxml2's `htmlAutoCloseOnClose`) when an
    /// element of higher end priority is open above the match.
    private mutating func closeElement(_ name: Int) {
        if discardedStructure > 0 && (name == htmlName || name == bodyName || name == headName) {
            discardedStructure -= 1
            return
        }
        let priority = namePriority[name]
        var k = stack.count - 1
        while k >= 0 {
            if stack[k].name == name { break }
            if namePriority[stack[k].name] > priority { return }
            k -= 1
        }
        guard k >= 0 else { return }
        tree.textContinues = false // an end tag that closes something ends the text node
        while stack.count > k { closeTop() }
    }

    private mutating func closeTop() {
        let top = stack.removeLast()
        if top.skips { skipping = 0 }
        if top.node >= 0 { tree.close(top.node) }
    }

    private mutating func finish() {
        while !stack.isEmpty { closeTop() }
    }

    /// Text between tags: whitespace directly in `<html>`/`<head>` is dropped; other text there
    /// gets an implied `<p>` in an implied `<body>` (libxml2's `htmlCheckParagraph`).
    private mutating func text(_ page: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        guard skipping == 0, start < end else { return }
        let topName = stack.last?.name ?? -1
        if stack.isEmpty || topName == htmlName || topName == headName {
            var k = start
            while k < end && isSpace(page[k]) { k += 1 }
            if k == end { return }
            autoClose(pName)
            implyStructure(for: pName)
            guard skipping == 0 else { return }
            if stack.count < Self.maxDepth {
                let node = materialize(pName, parent: stack.last?.node ?? -1, page: nil)
                stack.append(Open(node: node, name: pName, skips: false))
            }
        }
        let parent = stack.last?.node ?? -1
        tree.beginText(parent: parent)
        appendDecoded(page, start, end, inAttribute: false)
        tree.endText()
    }

    /// Copies bytes into the tree's arena, decoding character references.
    private mutating func appendDecoded(_ page: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, inAttribute: Bool) {
        guard let base = page.baseAddress else { return }
        var i = start
        while i < end {
            guard let found = memchr(base + i, 0x26, end - i) else {
                tree.appendArena(UnsafeBufferPointer(start: base + i, count: end - i))
                return
            }
            let amp = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if amp > i { tree.appendArena(UnsafeBufferPointer(start: base + i, count: amp - i)) }
            if let (length, first, second) = HTMLCharacterReference.decode(page, amp, end, inAttribute: inAttribute) {
                tree.appendScalar(first)
                if second != 0 { tree.appendScalar(second) }
                i = amp + length
            } else {
                tree.appendArena(UnsafeBufferPointer(start: base + amp, count: 1))
                i = amp + 1
            }
        }
    }

    private mutating func keepScript(_ page: UnsafeBufferPointer<UInt8>, _ typeStart: Int, _ typeEnd: Int,
                                     _ start: Int, _ end: Int) {
        guard !options.scriptTypes.isEmpty, start < end else { return }
        let type = String(decoding: MarkupBytes.lowercased(page[typeStart ..< typeEnd]), as: UTF8.self)
        guard options.scriptTypes.contains(where: { type.contains($0) }) else { return }
        tree.appendScript(String(decoding: page[start ..< end], as: UTF8.self))
    }

    // MARK: - Names

    private mutating func internName(_ name: String) -> Int {
        let key = HTMLNameKey(name)
        if let id = names.find(key) { return id }
        return add(key, name)
    }

    /// The id of the tag name read at `start` (page-local, interned on first sight).
    private mutating func intern(_ key: HTMLNameKey, _ page: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        if let id = names.find(key) { return id }
        return add(key, String(decoding: page[start ..< start + key.length].map(lower), as: UTF8.self))
    }

    private mutating func add(_ key: HTMLNameKey, _ name: String) -> Int {
        let id = nameString.count
        names.insert(key, id)
        nameString.append(name)
        nameKnown.append(HTMLRepairRules.id(name))
        namePriority.append(HTMLRepairRules.endPriority(name))
        var flags: UInt16 = 0
        if HTMLRepairRules.voidElements.contains(name) { flags |= Self.flagVoid }
        if HTMLRepairRules.rawTextElements.contains(name) { flags |= Self.flagRaw }
        if HTMLRepairRules.escapableTextElements.contains(name) { flags |= Self.flagEscapable }
        if HTMLRepairRules.headElements.contains(name) { flags |= Self.flagHeadish }
        if options.droppedElements.contains(name) { flags |= Self.flagDropped }
        if name == "script" { flags |= Self.flagScript }
        if options.alwaysKept.contains(name) { flags |= Self.flagAlwaysKept }
        if name == "noframes" || name == "frame" || name == "frameset" { flags |= Self.flagFrames }
        nameFlags.append(flags)
        nameTreeIndex.append(-1)
        return id
    }
}

// MARK: - Bytes

@inline(__always) private func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 32 : b }
@inline(__always) private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D || b == 0x0C }
@inline(__always) private func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
/// Tag names are letters, digits, ':', '-', '_' and '.' (as libxml2 reads them; anything else
/// after the name is read as a junk attribute and ignored: `<br<p>` is a `<br>`).
@inline(__always) private func isTagNameEnd(_ b: UInt8) -> Bool {
    !(isLetter(b) || (b >= 0x30 && b <= 0x39) || b == 0x3A || b == 0x2D || b == 0x5F || b == 0x2E || b >= 0x80)
}
@inline(__always) private func isAttributeNameEnd(_ b: UInt8) -> Bool { isSpace(b) || b == 0x2F || b == 0x3E || b == 0x3D }

private func asciiEqualsLowercased(_ page: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ word: StaticString) -> Bool {
    guard end - start == word.utf8CodeUnitCount else { return false }
    let w = word.utf8Start
    for k in 0 ..< (end - start) where lower(page[start + k]) != w[k] { return false }
    return true
}

/// A lower-cased tag or attribute name packed into integers: the first 16 bytes, the length and
/// a hash of the rest (only custom elements are longer; a collision there merges two of them).
struct HTMLNameKey: Equatable {
    var a: UInt64 = 0
    var b: UInt64 = 0
    var length: Int = 0
    var rest: UInt64 = 0

    init() {}

    init(_ name: String) {
        for byte in name.utf8 { add(byte) }
    }

    @inline(__always) mutating func add(_ raw: UInt8) {
        let byte = lower(raw)
        if length < 8 {
            a |= UInt64(byte) << (8 * UInt64(length))
        } else if length < 16 {
            b |= UInt64(byte) << (8 * UInt64(length - 8))
        } else {
            rest = (rest ^ UInt64(byte)) &* 0x100000001B3
        }
        length += 1
    }

    var slot: Int { Int(truncatingIfNeeded: ((a &* 0x9E3779B97F4A7C15) ^ (b &* 0xC2B2AE3D27D4EB4F) ^ rest ^ UInt64(length)) >> 40) }
}

/// Open-addressing table from name keys to page-local ids (a page has a few dozen names; the
/// table is probed for every tag, so it avoids `Hasher`).
struct HTMLNameTable {
    private var keys: [HTMLNameKey?] = Array(repeating: nil, count: 128)
    private var values: [Int] = Array(repeating: -1, count: 128)
    private var used = 0

    func find(_ key: HTMLNameKey) -> Int? {
        let mask = keys.count - 1
        var slot = key.slot & mask
        while let stored = keys[slot] {
            if stored == key { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }

    mutating func insert(_ key: HTMLNameKey, _ value: Int) {
        if (used + 1) * 2 > keys.count { grow() }
        let mask = keys.count - 1
        var slot = key.slot & mask
        while keys[slot] != nil { slot = (slot + 1) & mask }
        keys[slot] = key
        values[slot] = value
        used += 1
    }

    private mutating func grow() {
        let old = zip(keys, values).compactMap { key, value in key.map { ($0, value) } }
        keys = Array(repeating: nil, count: keys.count * 2)
        values = Array(repeating: -1, count: values.count * 2)
        used = 0
        for (key, value) in old { insert(key, value) }
    }
}
