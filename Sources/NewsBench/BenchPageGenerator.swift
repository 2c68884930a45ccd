import Foundation
import NewsIO

/// Makes a corpus of any size from the sample corpus for the pipeline bench.
///
/// Page `n` is sample page `n % count` in variant `n / count`. A variant swaps about half of the
/// words of the visible text for other words of the corpus (same capitalisation), with one mapping
/// per variant: two variants of a story share almost no 5-word shingle, while the mirrors of a
/// story inside one variant stay mirrors. So every size keeps the sample's mix of originals,
/// mirrors and junk (empty, binary, 404, paywall), and no two pages are byte-identical or share
/// an address.
package struct BenchPageGenerator: Sendable {
    /// Sample pages: path relative to the sample folder, bytes.
    package let pages: [(path: String, bytes: [UInt8])]
    private let vocabulary: [[UInt8]]

    package init(sampleFolder: URL) throws {
        let root = sampleFolder.standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw FileError.io(path: root.path, reason: "cannot list the sample corpus")
        }
        var pages: [(String, [UInt8])] = []
        for case let file as URL in walker where ["html", "htm"].contains(file.pathExtension.lowercased()) {
            let path = String(file.standardizedFileURL.path.dropFirst(root.path.count + 1))
            pages.append((path, [UInt8](try Data(contentsOf: file))))
        }
        guard !pages.isEmpty else { throw FileError.io(path: root.path, reason: "no .html pages in the sample corpus") }
        self.pages = pages.sorted { $0.0 < $1.0 }
        var words = Set<[UInt8]>()
        for page in self.pages {
            BenchPageGenerator.forEachTextWord(page.bytes) { range in
                if range.count >= 3 { words.insert(Array(page.bytes[range]).map { $0 | 0x20 }) }
            }
        }
        vocabulary = words.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Writes pages `0 ..< count` under `folder` as `v<variant>/<sample path>`.
    package func write(count: Int, into folder: URL) throws {
        try write(range: 0 ..< count, into: folder)
    }

    /// Writes pages `range` under `folder` (the nights bench gives each night a range of its own).
    package func write(range: Range<Int>, into folder: URL) throws {
        for n in range {
            let sample = pages[n % pages.count]
            let variant = n / pages.count
            let url = folder.appendingPathComponent(String(format: "v%05d", variant)).appendingPathComponent(sample.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let data = Data(page(sample.bytes, variant: variant))
            guard FileManager.default.createFile(atPath: url.path, contents: data) else {
                throw FileError.io(path: url.path, reason: "cannot write a generated page")
            }
        }
    }

    /// One sample page in one variant. Variant 0 keeps the words and addresses; later variants
    /// get their own (so canonical links differ); every page ends with a comment naming its variant.
    func page(_ bytes: [UInt8], variant: Int) -> [UInt8] {
        // Binary and empty pages stay what they are: junk that strip must reject.
        if bytes.isEmpty { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var copied = 0
        if variant > 0 && !bytes.contains(0) {
            BenchPageGenerator.forEachTextWord(bytes) { range in
                let word = bytes[range]
                let key = BenchPageGenerator.hash(word.map { $0 | 0x20 }, seed: UInt64(variant))
                guard key & 1 == 0 else { return }
                let replacement = vocabulary[Int((key >> 1) % UInt64(vocabulary.count))]
                out += bytes[copied ..< range.lowerBound]
                for (i, byte) in replacement.enumerated() {
                    let upper = i == 0 ? BenchPageGenerator.isUpper(word.first!) : (word.count > 1 && word.allSatisfy(BenchPageGenerator.isUpper))
                    out.append(upper && byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte)
                }
                copied = range.upperBound
            }
        }
        out += bytes[copied...]
        if variant > 0 { out = BenchPageGenerator.renameAddresses(out, variant: variant) }
        out += Array("\n<!-- bench variant \(variant) -->\n".utf8)
        return out
    }

    /// Calls `body` with the byte range of every ASCII word of the page's visible text: outside
    /// tags, scripts, styles and character references.
    static func forEachTextWord(_ bytes: [UInt8], _ body: (Range<Int>) -> Void) {
        var i = 0
        var inTag = false
        var skipUntil: [UInt8]? = nil   // closing tag of a script or style
        while i < bytes.count {
            let byte = bytes[i]
            if let end = skipUntil {
                if byte == 0x3C, matches(bytes, at: i, end) { skipUntil = nil } else { i += 1; continue }
            }
            if inTag {
                if byte == 0x3E { inTag = false }
                i += 1; continue
            }
            if byte == 0x3C {
                if matches(bytes, at: i, Array("<script".utf8)) { skipUntil = Array("</script".utf8) }
                else if matches(bytes, at: i, Array("<style".utf8)) { skipUntil = Array("</style".utf8) }
                inTag = true; i += 1; continue
            }
            if isLetter(byte) {
                let start = i
                while i < bytes.count, isLetter(bytes[i]) { i += 1 }
                // Words glued to non-ASCII letters or inside a reference like &amp; stay as they are.
                let glued = (i < bytes.count && bytes[i] >= 0x80) || (start > 0 && (bytes[start - 1] >= 0x80 || bytes[start - 1] == 0x26 || bytes[start - 1] == 0x23))
                if !glued { body(start ..< i) }
                continue
            }
            i += 1
        }
    }

    /// Gives the variant's pages their own addresses: `site.example/v<n>/…` and `…-v<n>.html`.
    private static func renameAddresses(_ bytes: [UInt8], variant: Int) -> [UInt8] {
        let rules: [([UInt8], [UInt8])] = [
            (Array(".example/".utf8), Array(".example/v\(variant)/".utf8)),
            (Array(".html".utf8), Array("-v\(variant).html".utf8)),
        ]
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 256)
        var i = 0
        scan: while i < bytes.count {
            if bytes[i] == 0x2E {
                for (pattern, replacement) in rules where matches(bytes, at: i, pattern) {
                    out += replacement; i += pattern.count
                    continue scan
                }
            }
            out.append(bytes[i]); i += 1
        }
        return out
    }

    private static func matches(_ bytes: [UInt8], at i: Int, _ pattern: [UInt8]) -> Bool {
        guard i + pattern.count <= bytes.count else { return false }
        for (k, p) in pattern.enumerated() where bytes[i + k] | 0x20 != p | 0x20 { return false }
        return true
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    private static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }

    private static func hash(_ bytes: [UInt8], seed: UInt64) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ (seed &* 0x9e37_79b9_7f4a_7c15)
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        h ^= h >> 33; h = h &* 0xff51_afd7_ed55_8ccd; h ^= h >> 33
        return h
    }
}
