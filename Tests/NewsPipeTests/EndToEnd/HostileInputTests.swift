import Foundation
import Testing
@testable import NewsPipe

/// Pages the web sends that must never stop or crash a run: each is processed or rejected with a
/// reason, and the whole suite stays under 1 GB of memory.
@Suite(.serialized) struct HostileInputTests {
    /// A deterministic byte generator (SplitMix64), so every run sees the same "random" pages.
    struct Bytes {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func bytes(_ count: Int) -> [UInt8] { (0 ..< count).map { _ in UInt8(truncatingIfNeeded: next()) } }
    }

    static func article(_ body: String, title: String = "Chipmakers rally as orders recover") -> String {
        let paragraphs = (0 ..< 6).map { "<p>Paragraph \($0): \(body) Analysts at several banks said demand for servers kept rising through the quarter, and suppliers in Taiwan expected another strong season.</p>" }
        return "<!doctype html><html lang=en><head><title>\(title)</title></head><body><article><h1>\(title)</h1>\(paragraphs.joined())</article></body></html>"
    }

    static func pages() -> [String: [UInt8]] {
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

    @Test func everyHostilePageIsProcessedOrRejectedWithAReason() throws {
        let pages = Self.pages()
        let harness = try PipelineHarness(manifest: #"{"shards": 2, "stages": {"fetch": {"maxBytes": 200000000}}}"#, sampleCorpus: false, pages: pages)
        defer { harness.remove() }
        let outcome = try harness.run(["run"])
        #expect(!outcome.killed, "the run crashed: \(outcome.stderr.suffix(2000))")
        #expect(outcome.status == ExitStatus.finishedWithRejects.rawValue, "\(outcome.stderr.suffix(2000))")

        var seen: [String: String] = [:]
        for stage in ["fetch", "strip"] {
            for line in try harness.lines("work/\(stage)/rejects.jsonl") {
                let reject = try JSONLines.makeDecoder().decode(RejectRecord.self, from: Data(line.utf8))
                #expect(!reject.reason.isEmpty)
                seen[(reject.source as NSString).lastPathComponent] = "rejected: \(reject.reason)"
            }
        }
        for file in harness.shardFiles("strip", "documents") {
            for line in try harness.lines("work/strip/\(file)") {
                let article = try JSONLines.makeDecoder().decode(ArticleRecord.self, from: Data(line.utf8))
                seen[(article.source as NSString).lastPathComponent] = "article"
                #expect(!article.text.contains("\u{0}"), "NUL bytes in \(article.source)")
                #expect(!article.text.unicodeScalars.contains { (0xD800 ... 0xDFFF).contains($0.value) })
            }
        }
        #expect(Set(seen.keys) == Set(pages.keys), "unaccounted pages: \(Set(pages.keys).subtracting(seen.keys))")
        #expect(seen["control.html"] == "article")
        #expect(seen["empty.html"]?.hasPrefix("rejected") == true)
        #expect(seen["random-bytes.html"]?.hasPrefix("rejected") == true)

        // Peak memory of the pipeline processes this suite started (the largest child so far).
        // AddressSanitizer's shadow memory and redzones roughly triple a process's footprint, so
        // under `scripts/sanitizers address` the bound scales with it.
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        let underAddressSanitizer = dlsym(dlopen(nil, RTLD_NOW), "__asan_init") != nil
        let limitKB = (underAddressSanitizer ? 3 : 1) * 1024 * 1024
        #expect(usage.ru_maxrss < limitKB, "peak RSS \(usage.ru_maxrss) KB")
    }
}
