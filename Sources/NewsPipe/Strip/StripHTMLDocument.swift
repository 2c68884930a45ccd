import CLibXML2

/// Owner of one parsed libxml2 HTML document: the only place that holds libxml2 pointers.
///
/// The document is freed in `deinit`; every `StripNodePointer` handed out is valid only while
/// this object is alive, so callers keep the document in scope for the whole extraction.
final class StripHTMLDocument {
    /// Raw node pointer into the document; valid only while its `StripHTMLDocument` lives.
    typealias NodePointer = UnsafeMutablePointer<xmlNode>

    private let doc: htmlDocPtr

    /// Parses UTF-8 bytes; libxml2 is always told "UTF-8" so a lying `<meta charset>` cannot
    /// switch decoders mid-page and cut the document at an undecodable byte.
    init?(utf8 bytes: [UInt8]) {
        // RECOVER for tag soup, NONET so no entity or DTD is fetched, COMPACT to shrink small
        // text nodes. HUGE is deliberately not set: libxml2 keeps its depth cap.
        let options = Int32(bitPattern: HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue
            | HTML_PARSE_COMPACT.rawValue)
        guard !bytes.isEmpty, bytes.count < Int(Int32.max) else { return nil }
        let parsed: htmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                htmlReadMemory(base, Int32(buffer.count), nil, "UTF-8", options)
            }
        }
        guard let parsed else { return nil }
        doc = parsed
    }

    deinit {
        xmlFreeDoc(doc)
    }

    /// The root element (`<html>`), if the parser produced one.
    var rootElement: NodePointer? {
        xmlDocGetRootElement(doc)
    }

    /// Value of attribute `name` on an element node, or nil.
    func attribute(_ node: NodePointer, _ name: String) -> String? {
        // xmlHasProp returns the attribute without copying; xmlGetProp would need xmlFree,
        // which Swift 6 sees as a global mutable variable.
        guard let attr = xmlHasProp(node, name) else { return nil }
        guard let child = attr.pointee.children, let content = child.pointee.content else {
            return ""
        }
        return String(decoding: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))),
                      as: UTF8.self)
    }

    /// Calls `body` with each attribute's name and value bytes, without allocating strings.
    func forEachAttribute(_ node: NodePointer,
                          _ body: (UnsafePointer<xmlChar>, UnsafePointer<xmlChar>?) -> Void) {
        var attr = node.pointee.properties
        while let current = attr {
            if let name = current.pointee.name {
                let value: UnsafePointer<xmlChar>?
                if let child = current.pointee.children, let content = child.pointee.content {
                    value = UnsafePointer(content)
                } else {
                    value = nil
                }
                body(name, value)
            }
            attr = current.pointee.next
        }
    }

    /// Installs the process-wide state libxml2 needs before any worker thread parses.
    static func prepareLibrary() {
        xmlInitParser()
        // Handlers are per thread: the thread defaults reach Dispatch workers created later.
        xmlSetStructuredErrorFunc(nil, stripDropStructuredError)
        xmlThrDefSetStructuredErrorFunc(nil, stripDropStructuredError)
        let generic = unsafeBitCast(stripDropGenericError as StripGenericErrorFunction,
                                    to: xmlGenericErrorFunc.self)
        xmlSetGenericErrorFunc(nil, generic)
        xmlThrDefSetGenericErrorFunc(nil, generic)
    }
}

/// Non-variadic shape of libxml2's generic error callback; the extra arguments are ignored.
private typealias StripGenericErrorFunction =
    @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void

private func stripDropGenericError(_ context: UnsafeMutableRawPointer?,
                                   _ message: UnsafePointer<CChar>?) {}

private func stripDropStructuredError(_ context: UnsafeMutableRawPointer?,
                                      _ error: xmlErrorPtr?) {}
