import CLibXML2

/// libxml2's SAX interface filling an `HTMLTree` directly: libxml2's tokenizer and tag-soup
/// repair without its DOM (no node malloc/free, no `xmlFreeDoc`). Kept as the measured
/// alternative to the streaming parser (`newspipe bench strip --front-end libxml2-sax`).
enum HTMLSAXBuilder {
    static func parse(utf8 bytes: [UInt8], options: HTMLTree.Options) -> HTMLTree? {
        MarkupLibrary.prepare()
        guard !bytes.isEmpty, bytes.count < Int(Int32.max) else { return nil }
        let state = HTMLSAXState(options: options)
        let parsed: Bool = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base -> Bool in
                guard let context = htmlCreateMemoryParserCtxt(base, Int32(buffer.count)) else { return false }
                defer { htmlFreeParserCtxt(context) }
                var handler = xmlSAXHandler()
                handler.startElement = saxStartElement
                handler.endElement = saxEndElement
                handler.characters = saxCharacters
                handler.cdataBlock = saxCDATA
                if let sax = context.pointee.sax { sax.pointee = handler }
                context.pointee.userData = Unmanaged.passUnretained(state).toOpaque()
                let flags = Int32(bitPattern: HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
                    | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_IGNORE_ENC.rawValue)
                _ = htmlCtxtUseOptions(context, flags)
                _ = htmlParseDocument(context)
                if let document = context.pointee.myDoc { xmlFreeDoc(document) }
                return true
            }
        }
        guard parsed else { return nil }
        state.finish()
        return state.tree
    }
}

/// The tree being filled from SAX events.
private final class HTMLSAXState {
    let options: HTMLTree.Options
    var tree: HTMLTree
    var stack: [(node: Int, skips: Bool)] = []
    var skipping = 0
    var names: [String: Int] = [:]
    let wanted: [[UInt8]]
    /// Collects the body of a `<script>` whose type was asked for.
    var script: [UInt8]?
    var inScript = false

    init(options: HTMLTree.Options) {
        self.options = options
        tree = HTMLTree(attributeNames: options.attributes)
        wanted = options.attributes.map { Array($0.utf8) }
    }

    func start(_ name: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        let nameString = String(cString: name)
        if nameString == "script" {
            inScript = true
            script = nil
            if skipping == 0, let type = value(of: "type", attributes)?.lowercased(),
               options.scriptTypes.contains(where: { type.contains($0) }) { script = [] }
            stack.append((-1, false))
            return
        }
        if skipping > 0 { stack.append((-1, false)); return }
        var hidden = false
        if options.dropsHidden {
            if value(of: "hidden", attributes) != nil { hidden = true }
            if value(of: "aria-hidden", attributes)?.lowercased() == "true" { hidden = true }
            if let style = value(of: "style", attributes) {
                hidden = hidden || Array(style.utf8).withUnsafeBufferPointer { MarkupBytes.styleHides($0) }
            }
        }
        if options.droppedElements.contains(nameString) || (hidden && !options.alwaysKept.contains(nameString)) {
            stack.append((-1, true))
            skipping = 1
            return
        }
        let index: Int
        if let known = names[nameString] { index = known } else { index = tree.intern(nameString); names[nameString] = index }
        let node = tree.appendElement(nameIndex: index, parent: stack.last(where: { $0.node >= 0 })?.node ?? -1)
        if let attributes {
            var k = 0
            var seen = Set<Int>()
            while let attributeName = attributes[k] {
                let value = attributes[k + 1]
                let nameBytes = UnsafeBufferPointer(start: attributeName, count: Int(xmlStrlen(attributeName)))
                if let w = wanted.firstIndex(where: { $0.elementsEqual(nameBytes) }), seen.insert(w).inserted {
                    if let value {
                        let from = tree.arenaCount
                        tree.appendArena(UnsafeBufferPointer(start: value, count: Int(xmlStrlen(value))))
                        tree.appendAttribute(w, valueStart: from, valueEnd: tree.arenaCount)
                    } else {
                        tree.appendAttribute(w, valueStart: -1, valueEnd: -1)
                    }
                }
                k += 2
            }
        }
        tree.endAttributes()
        stack.append((node, false))
    }

    func end() {
        guard let top = stack.popLast() else { return }
        if inScript && top.node < 0 && !top.skips && skipping == 0 {
            if let script, !script.isEmpty { tree.appendScript(String(decoding: script, as: UTF8.self)) }
            script = nil
            inScript = false
        }
        if top.skips { skipping = 0 }
        if top.node >= 0 { tree.close(top.node) }
    }

    func characters(_ bytes: UnsafePointer<xmlChar>, _ count: Int) {
        if inScript { script?.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count)); return }
        guard skipping == 0, let parent = stack.last?.node, parent >= 0 else { return }
        tree.beginText(parent: parent)
        tree.appendArena(UnsafeBufferPointer(start: bytes, count: count))
        tree.endText()
    }

    func finish() {
        while !stack.isEmpty { end() }
    }

    private func value(of name: String, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) -> String? {
        guard let attributes else { return nil }
        var k = 0
        while let attributeName = attributes[k] {
            if String(cString: attributeName) == name { return attributes[k + 1].map { String(cString: $0) } ?? "" }
            k += 2
        }
        return nil
    }
}

private func saxState(_ context: UnsafeMutableRawPointer?) -> HTMLSAXState {
    Unmanaged<HTMLSAXState>.fromOpaque(context!).takeUnretainedValue()
}

private let saxStartElement: startElementSAXFunc = { context, name, attributes in
    guard let name else { return }
    saxState(context).start(name, attributes)
}

private let saxEndElement: endElementSAXFunc = { context, _ in
    saxState(context).end()
}

private let saxCharacters: charactersSAXFunc = { context, bytes, count in
    guard let bytes, count > 0 else { return }
    saxState(context).characters(bytes, Int(count))
}

private let saxCDATA: cdataBlockSAXFunc = { context, bytes, count in
    guard let bytes, count > 0 else { return }
    let state = saxState(context)
    if state.inScript { state.characters(bytes, Int(count)) }
}
