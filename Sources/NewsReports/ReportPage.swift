import Foundation
import NewsIO

/// Assembles `report.html` from the page template (`ReportPageAssets`): the static report, the
/// interactive view's script and style, and its data, in one self-contained file.
///
/// The template's markers are filled in one pass (each exactly once, inserted text never scanned
/// again, so data that looks like a marker stays text). The Content-Security-Policy lets only the
/// page's own script run (by its SHA-256) and loads nothing from anywhere.
enum ReportPage {
    /// What fills the template.
    struct Parts {
        var title: String
        var header: String
        var staticReport: String
        var footer: String
        /// `#data` JSON (`ReportPageData.format`), already escaped for a script element.
        var data: [UInt8]
        /// The entity block, JSON lines (`ReportPageData.entitiesJSON`; it is compressed and
        /// Base64-encoded).
        var entities: Block
        /// The document block, JSON (not escaped; it is compressed and Base64-encoded).
        var documents: Block
        /// The mention block, binary (`ReportPageData.writeMentions`; it is compressed and
        /// Base64-encoded).
        var mentions: Block
        /// The sentences as a JSON array (`ReportPageData.writeSentences`; not escaped; it is
        /// compressed and Base64-encoded).
        var sentences: Block
    }

    /// A block of the page, produced in pieces: it hands each piece, in order, to the function it
    /// is given, so no block needs to be whole in memory.
    typealias Block = (_ emit: ([UInt8]) throws -> Void) throws -> Void

    /// How the sentence block is stored: `gzip+base64` (the default, about a third of the size
    /// and read in a fraction of the time on real news text, README) or plain `json`.
    enum SentenceEncoding: String, Sendable {
        case gzipBase64 = "gzip+base64"
        case json
    }

    static let markers = ["TITLE", "SCRIPT_HASH", "CSS", "HEADER_HTML", "STATIC_HTML", "FOOTER_HTML", "DATA_JSON", "JS",
                          "ENTITIES", "DOCUMENTS", "MENTIONS", "SENTENCES_ENCODING", "SENTENCES"]

    /// The template cut at its markers: text, marker, text, marker … text.
    static let pieces: [(text: String, marker: String?)] = {
        var result: [(String, String?)] = []
        var rest = Substring(ReportPageAssets.template)
        var seen: Set<String> = []
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let name = String(rest[open.upperBound ..< close.lowerBound])
            precondition(markers.contains(name), "unknown marker \(name) in the page template")
            precondition(seen.insert(name).inserted, "marker \(name) appears twice in the page template")
            result.append((String(rest[..<open.lowerBound]), name))
            rest = rest[close.upperBound...]
        }
        result.append((String(rest), nil))
        precondition(seen == Set(markers), "the page template lacks markers \(Set(markers).subtracting(seen).sorted())")
        return result
    }()

    /// `'sha256-…'` of the script, for the Content-Security-Policy.
    static let scriptHash: String = {
        let hex = Array(ContentHash.hex(ReportPageAssets.script).utf8)
        var digest: [UInt8] = []
        func nibble(_ byte: UInt8) -> UInt8 { byte <= 0x39 ? byte - 0x30 : byte - 0x61 + 10 }
        for index in stride(from: 0, to: hex.count, by: 2) { digest.append(nibble(hex[index]) << 4 | nibble(hex[index + 1])) }
        return "'sha256-" + Data(digest).base64EncodedString() + "'"
    }()

    /// Writes the page to `file` (an open atomic file), piece by piece; each packed block's
    /// chunks are deflated on up to `workers` threads while this one makes the next pieces.
    /// `parts` is taken over: its data block is let go once written, before the packed blocks
    /// (4.6 MB at 100,000 pages, at the page's largest moment).
    static func write(_ parts: consuming Parts, encoding: SentenceEncoding = .gzipBase64, workers: Int = 2, to file: AtomicFile) throws {
        /// gzip and Base64 on the way into the file, piece by piece (zlib was 3–5 CPU s of the
        /// 100,000-page report: alone on one thread it paced the page).
        func packed(_ block: Block) throws {
            let writer = ReportGzipBase64Writer(workers: workers) { try file.write($0) }
            try block { piece in try writer.write(piece) }
            try writer.finish()
            // Each part's pieces and compression buffers were freed among the page's columns:
            // their pages go back before the next part (about 20 MB held at 100,000 pages).
            ReportHeap.returnFreePages()
        }
        for piece in pieces {
            try file.write(Array(piece.text.utf8))
            switch piece.marker {
            case "TITLE": try file.write(ReportHTML.escape(parts.title))
            case "SCRIPT_HASH": try file.write(scriptHash)
            case "CSS": try file.write(ReportPageAssets.style)
            case "HEADER_HTML": try file.write(parts.header)
            case "STATIC_HTML": try file.write(parts.staticReport)
            case "FOOTER_HTML": try file.write(parts.footer)
            case "DATA_JSON":
                try file.write(parts.data)
                parts.data = []
            case "JS": try file.write(ReportPageAssets.script)
            case "ENTITIES": try packed(parts.entities)
            case "DOCUMENTS": try packed(parts.documents)
            case "MENTIONS": try packed(parts.mentions)
            case "SENTENCES_ENCODING": try file.write(encoding.rawValue)
            case "SENTENCES":
                switch encoding {
                case .gzipBase64: try packed(parts.sentences)
                case .json:
                    // Plain JSON is for tests and small pages: escaping needs the whole text.
                    var whole: [UInt8] = []
                    try parts.sentences { whole += $0 }
                    try file.write(htmlSafe(whole))
                }
            default: break
            }
        }
    }

    /// JSON made safe inside a script element: `<`, `>`, `&` as `\u003c` … (they can only occur
    /// inside strings, where the escape means the same).
    static func htmlSafe(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count)
        for byte in json {
            switch byte {
            case 0x3C: out.append(contentsOf: Array("\\u003c".utf8))
            case 0x3E: out.append(contentsOf: Array("\\u003e".utf8))
            case 0x26: out.append(contentsOf: Array("\\u0026".utf8))
            default: out.append(byte)
            }
        }
        // U+2028 and U+2029 (E2 80 A8/A9) are JSON but end a line in older JavaScript parsers.
        var index = 0
        var result: [UInt8] = []
        result.reserveCapacity(out.count)
        while index < out.count {
            if index + 2 < out.count, out[index] == 0xE2, out[index + 1] == 0x80, out[index + 2] == 0xA8 || out[index + 2] == 0xA9 {
                result.append(contentsOf: Array((out[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8))
                index += 3
            } else {
                result.append(out[index])
                index += 1
            }
        }
        return result
    }
}
