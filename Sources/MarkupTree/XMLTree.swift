import CLibXML2
import Foundation

/// Why an XML document (a feed, a sitemap) could not be read.
public enum XMLTreeError: Error, Sendable, Equatable {
    /// Not well-formed XML, or not the expected kind of document.
    case malformed(String)
    /// Declares DTD entities: refused outright, whatever they expand to (billion laughs).
    case entitiesForbidden

    public var reason: String {
        switch self {
        case .malformed: return "malformed-xml"
        case .entitiesForbidden: return "xml-entities-forbidden"
        }
    }
}

/// A small read-only tree of the elements of an XML document, copied out of libxml2 so no
/// libxml2 pointer outlives the parse.
public struct XMLTreeElement: Sendable {
    /// Local name (prefix dropped), e.g. `link` for `atom:link`.
    public var name: String
    /// Namespace URI, if any.
    public var namespace: String?
    public var attributes: [String: String]
    public var children: [XMLTreeElement]
    /// Text and CDATA directly inside this element, entity references left out (never expanded).
    public var text: String

    public func child(_ name: String) -> XMLTreeElement? { children.first { $0.name == name } }
    public func all(_ name: String) -> [XMLTreeElement] { children.filter { $0.name == name } }
    /// Trimmed text of the first child with that name.
    public func value(_ name: String) -> String? {
        guard let text = child(name)?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }
}

/// Parses XML with libxml2, safely: no network (`XML_PARSE_NONET`), no entity substitution (no
/// `XML_PARSE_NOENT`), no DTD loading, no `XML_PARSE_HUGE`, and documents declaring entities are
/// refused before libxml2 sees them.
public enum XMLTree {
    /// Largest document accepted, whatever the caller's limits (sitemaps are capped at 50 MB).
    public static let maxDocumentBytes = 64 * 1024 * 1024
    /// Deepest element nesting copied out; deeper subtrees are dropped (hostile nesting).
    public static let maxDepth = 64

    public static func parse(_ bytes: [UInt8], checkEntities: Bool = true) throws -> XMLTreeElement {
        MarkupLibrary.prepare()
        guard !bytes.isEmpty else { throw XMLTreeError.malformed("empty document") }
        guard bytes.count <= maxDocumentBytes else { throw XMLTreeError.malformed("document over \(maxDocumentBytes) bytes") }
        if checkEntities && declaresEntities(bytes) { throw XMLTreeError.entitiesForbidden }
        let options = Int32(bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOBLANKS.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReadMemory($0, Int32(buffer.count), "feed.xml", nil, options)
            }
        }
        guard let document else {
            let message = xmlGetLastError()?.pointee.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "not XML"
            throw XMLTreeError.malformed(message)
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { throw XMLTreeError.malformed("no root element") }
        return copy(root, depth: 0)
    }

    /// Whether the document has a DOCTYPE with an internal subset declaring entities: legitimate
    /// feeds and sitemaps have none, and refusing them removes the whole class of expansion bombs.
    public static func declaresEntities(_ bytes: [UInt8]) -> Bool {
        let needle = Array("<!ENTITY".utf8)
        let limit = bytes.count - needle.count
        guard limit >= 0 else { return false }
        var index = 0
        while index <= limit {
            if bytes[index] == UInt8(ascii: "<") {
                var match = true
                for offset in 1 ..< needle.count where bytes[index + offset] != needle[offset] { match = false; break }
                if match { return true }
            }
            index += 1
        }
        return false
    }

    private static func copy(_ node: xmlNodePtr, depth: Int) -> XMLTreeElement {
        var element = XMLTreeElement(name: node.pointee.name.map { String(cString: $0) } ?? "",
                                      namespace: node.pointee.ns?.pointee.href.map { String(cString: $0) },
                                      attributes: [:], children: [], text: "")
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = current.pointee.name.map { String(cString: $0) } ?? ""
            // Attribute values are read from their text children only: entity references are not expanded.
            var value = ""
            var child = current.pointee.children
            while let text = child {
                if text.pointee.type == XML_TEXT_NODE, let content = text.pointee.content { value += String(cString: content) }
                child = text.pointee.next
            }
            element.attributes[name] = value
            attribute = current.pointee.next
        }
        var text = ""
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                if depth < maxDepth { element.children.append(copy(current, depth: depth + 1)) }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { text += String(cString: content) }
            default:
                break // entity references, comments, processing instructions
            }
            child = current.pointee.next
        }
        element.text = text
        return element
    }
}
