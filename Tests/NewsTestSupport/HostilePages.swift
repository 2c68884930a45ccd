/// Pages the web sends that must never stop or crash a run, generated deterministically: the
/// hostile-input end-to-end test runs them through the pipeline, the fuzz regression test through
/// the extractor.
package enum HostilePages {
    /// A deterministic byte generator, so every run sees the same "random" pages.
    struct Bytes {
        var random: SplitMix64
        init(state: UInt64) { random = SplitMix64(state: state) }
        mutating func bytes(_ count: Int) -> [UInt8] { (0 ..< count).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
    }

    package static func article(_ body: String, title: String = "Chipmakers rally as orders recover") -> String {
        let paragraphs = (0 ..< 6).map { "<p>Paragraph \($0): \(body) Analysts at several banks said demand for servers kept rising through the quarter, and suppliers in Taiwan expected another strong season.</p>" }
        return "<!doctype html><html lang=en><head><title>\(title)</title></head><body><article><h1>\(title)</h1>\(paragraphs.joined())</article></body></html>"
    }

    package static func pages() -> [String: [UInt8]] {
        var random = Bytes(state: 42)
        var pages: [String: [UInt8]] = [:]
        pages["random-bytes.html"] = random.bytes(64 * 1024)
        pages["nul-bytes.html"] = Array(article("Nul\u{0}bytes\u{0}inside.").utf8) + [UInt8](repeating: 0, count: 4096)
        var invalid = Array(article("Invalid bytes follow.").utf8)
        invalid.insert(contentsOf: [0xC3, 0x28, 0xFF, 0xFE, 0xED, 0xA0, 0x80], at: invalid.count / 2)
        pages["invalid-utf8.html"] = invalid
        pages["utf16-no-bom.html"] = Array(article("Sixteen bits per character.").utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        pages["utf16-bom.html"] = [0xFF, 0xFE] + Array(article("With a byte order mark.").utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        pages["one-tag-100mb.html"] = Array("<html><body><div>".utf8) + [UInt8](repeating: 0x61, count: 100 * 1024 * 1024) + Array("</div></body></html>".utf8)
        pages["nested-100k.html"] = Array(("<html><body>" + String(repeating: "<div>", count: 100_000) + "deep" + String(repeating: "</div>", count: 100_000) + "</body></html>").utf8)
        pages["single-line-10mb.html"] = Array(("<html><body><p>" + String(repeating: "word ", count: 2 * 1024 * 1024) + "</p></body></html>").utf8)
        pages["bidi-zero-width.html"] = Array(article("Zero\u{200B}width\u{200D}joiners and \u{202E}reversed\u{202C} text with \u{2066}isolates\u{2069} and \u{FEFF} marks.").utf8)
        pages["html-in-title.html"] = Array(article("Title has markup.", title: "<script>alert(1)</script> =HYPERLINK(\"http://x\") &lt;b&gt;").utf8)
        pages["entity-bomb.html"] = Array(#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><html><body><p>&lol4;</p></body></html>"#.utf8)
        pages["truncated.html"] = Array(article("Cut off here.").utf8.prefix(400))
        pages["empty.html"] = []
        pages["only-whitespace.html"] = Array(String(repeating: " \n\t", count: 1000).utf8)
        pages["control.html"] = Array(article("A healthy page among the hostile ones.").utf8)
        return pages
    }

}
