import Foundation
@testable import NewsEntities
@testable import NERTraining
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords

/// Shared default annotator for the entities tests (loading the gazetteer once).
let entityTestAnnotator: EntityAnnotator = {
    EntityAnnotator(knowledge: try! EntityKnowledgeBase.loadDefault(), lexicon: try! ToneLexicon.loadDefault())
}()

/// Annotates `text` with no NER spans unless given.
func entityAnnotate(_ text: String, published: String? = "2026-04-20", ner: [NERSpan] = [],
                    annotator: EntityAnnotator = entityTestAnnotator) -> [EntityMention] {
    annotator.annotate(documentId: "t", text: text, sentences: [], nerSpans: ner, published: published)
}

/// Unicode-scalar range of the `occurrence`-th (0-based) `needle` in `text`.
func entityScalarRange(of needle: String, in text: String, occurrence: Int = 0) -> Range<Int> {
    let hay = Array(text.unicodeScalars), pin = Array(needle.unicodeScalars)
    var seen = 0
    var i = 0
    while i + pin.count <= hay.count {
        if Array(hay[i..<(i + pin.count)]) == pin {
            if seen == occurrence { return i..<(i + pin.count) }
            seen += 1
        }
        i += 1
    }
    fatalError("\(needle) not found in test text")
}

/// An NER span over the `occurrence`-th `needle`.
func entitySpan(_ needle: String, in text: String, _ label: String, _ confidence: Double = 0.9, occurrence: Int = 0) -> NERSpan {
    let r = entityScalarRange(of: needle, in: text, occurrence: occurrence)
    return NERSpan(start: r.lowerBound, end: r.upperBound, label: label, confidence: confidence)
}

func entityFixture(_ name: String) throws -> String {
    guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures/entities") else {
        throw FileError.io(path: name, reason: "fixture missing")
    }
    return try String(contentsOf: url, encoding: .utf8)
}
