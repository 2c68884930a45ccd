import Foundation
import NewsIO

/// Synthetic stories and syndicated mirrors of them, for timing dedup at sizes no dev set has.
/// Stories are random sentences of real dev texts (so shingles look like news), each with a serial
/// number so no two stories match; mirrors get the perturbations syndication brings.
package struct BenchDedupCorpus: Sendable {
    package let sentences: [String]

    /// Reads sentences from `.txt` files and from `.jsonl` files (their `text` or `plaintext` field).
    package init(folder: String) throws {
        var pool: [String] = []
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        for name in names {
            let path = (folder as NSString).appendingPathComponent(name)
            var texts: [String] = []
            if name.hasSuffix(".txt") {
                texts.append(try String(contentsOfFile: path, encoding: .utf8))
            } else if name.hasSuffix(".jsonl") {
                try JSONLines.forEachLine(in: URL(fileURLWithPath: path)) { line in
                    if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                       let text = (object["text"] ?? object["plaintext"]) as? String { texts.append(text) }
                }
            }
            for text in texts {
                for part in text.components(separatedBy: CharacterSet(charactersIn: ".\n")) {
                    let sentence = part.trimmingCharacters(in: .whitespaces)
                    if sentence.split(separator: " ").count >= 6 { pool.append(sentence + ".") }
                }
            }
        }
        guard pool.count >= 50 else {
            throw FileError.io(path: folder, reason: "needs .txt or .jsonl texts with at least 50 sentences of 6+ words, found \(pool.count)")
        }
        sentences = pool
    }

    /// A story of about 500 words in paragraphs of one to three sentences.
    func story(_ serial: Int, _ rng: inout BenchRandom) -> String {
        var paragraphs = ["Story \(serial): " + sentences[Int.random(in: 0 ..< sentences.count, using: &rng)]]
        var words = 0
        while words < 480 {
            var paragraph: [String] = []
            for _ in 0 ..< Int.random(in: 1 ... 3, using: &rng) {
                let sentence = sentences[Int.random(in: 0 ..< sentences.count, using: &rng)]
                paragraph.append(sentence)
                words += sentence.split(separator: " ").count
            }
            paragraphs.append(paragraph.joined(separator: " "))
        }
        return paragraphs.joined(separator: "\n\n")
    }

    /// A syndicated copy: a random few of cut tail, byline, ad, headline case, back link, said/says
    /// and typographic quotes.
    func mirror(of text: String, _ rng: inout BenchRandom) -> String {
        var paragraphs = text.components(separatedBy: "\n\n")
        if Bool.random(using: &rng) {
            let keep = max(2, Int(Double(paragraphs.count) * Double.random(in: 0.7 ... 0.9, using: &rng)))
            paragraphs = Array(paragraphs.prefix(keep)) + ["Read more at wire.example"]
        }
        if Bool.random(using: &rng) { paragraphs.insert("By Staff Reporter | Updated 10:42", at: 1) }
        if Bool.random(using: &rng) { paragraphs.insert("ADVERTISEMENT", at: min(3, paragraphs.count)) }
        if Bool.random(using: &rng) { paragraphs[0] = paragraphs[0].uppercased() }
        if Bool.random(using: &rng) { paragraphs.insert("\u{00AB} Back", at: 0) }
        var out = paragraphs.joined(separator: "\n\n")
        if Bool.random(using: &rng) { out = out.replacingOccurrences(of: " said ", with: " says ") }
        if Bool.random(using: &rng) {
            out = out.replacingOccurrences(of: "\"", with: "\u{201C}").replacingOccurrences(of: " - ", with: " \u{2014} ")
        }
        return out
    }

    /// `size` documents, `mirrorShare` of them mirrors of one of the 200 latest stories. Same size,
    /// same documents: the seed is the size.
    package func documents(size: Int, mirrorShare: Double) -> [BenchDedupDocument] {
        var rng = BenchRandom(seed: UInt64(size))
        var recent: [(serial: Int, text: String)] = []
        var serial = 0
        var out: [BenchDedupDocument] = []
        out.reserveCapacity(size)
        for index in 0 ..< size {
            let text: String
            let storyOf: Int
            if !recent.isEmpty && Double.random(in: 0 ..< 1, using: &rng) < mirrorShare {
                let pick = recent[Int.random(in: 0 ..< recent.count, using: &rng)]
                text = mirror(of: pick.text, &rng); storyOf = pick.serial
            } else {
                serial += 1
                text = story(serial, &rng); storyOf = serial
                recent.append((serial, text))
                if recent.count > 200 { recent.removeFirst(recent.count - 200) }
            }
            out.append(BenchDedupDocument(id: String(format: "doc%07d", index), story: storyOf, text: text))
        }
        return out
    }
}

/// One synthetic document and the story it tells (the gold cluster).
package struct BenchDedupDocument: Codable, Sendable {
    package var id: String
    var story: Int
    package var text: String

    /// Words as strip counts them (spaces + 1): the dedup stage gets the count with the article.
    package var words: Int { text.utf8.reduce(into: 1) { count, byte in if byte == 0x20 { count += 1 } } }
}

/// Pairwise precision and recall of predicted clusters against the stories documents tell.
package struct BenchPairScore: Sendable {
    var truePairs = 0, foundPairs = 0, wrongPairs = 0

    package init(documents: [BenchDedupDocument], clusters: [[String]]) {
        var storyOf: [String: Int] = [:]
        var perStory: [Int: Int] = [:]
        for document in documents { storyOf[document.id] = document.story; perStory[document.story, default: 0] += 1 }
        truePairs = perStory.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        for members in clusters {
            var counts: [Int: Int] = [:]
            for id in members { counts[storyOf[id] ?? -1, default: 0] += 1 }
            let same = counts.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
            foundPairs += same
            wrongPairs += members.count * (members.count - 1) / 2 - same
        }
    }

    package var recall: Double { truePairs > 0 ? Double(foundPairs) / Double(truePairs) : 1 }
    package var precision: Double { foundPairs + wrongPairs > 0 ? Double(foundPairs) / Double(foundPairs + wrongPairs) : 1 }
    var f1: Double { precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0 }
}
