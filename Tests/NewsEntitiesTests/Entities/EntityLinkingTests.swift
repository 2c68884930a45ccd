import Foundation
import Testing
@testable import NewsEntities
@testable import NERTraining
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords

@Suite("Entities: linking, NER merge and in-document coreference")
struct EntityLinkingTests {
    @Test func personAndPlacePassThroughWithCanonicalIds() {
        let text = "Satya Nadella spoke in Seattle on Tuesday. Nadella said Microsoft Corp. would grow. Later, Mr. Nadella left."
        let ner = [entitySpan("Satya Nadella", in: text, "PER", 0.93), entitySpan("Seattle", in: text, "LOC", 0.88),
                   entitySpan("Nadella", in: text, "PER", 0.81, occurrence: 1), entitySpan("Mr. Nadella", in: text, "PER", 0.7)]
        let m = entityAnnotate(text, ner: ner)
        let people = m.filter { $0.type == .person }
        #expect(people.map(\.surface) == ["Satya Nadella", "Nadella", "Mr. Nadella"])
        #expect(people.allSatisfy { $0.entityId == "per:satya-nadella" && $0.canonicalName == "Satya Nadella" })
        #expect(people.map(\.confidence) == [0.93, 0.81, 0.7])
        let seattle = m.filter { $0.type == .location }
        #expect(seattle.map(\.entityId) == ["loc:seattle"])
        let msft = m.filter { $0.entityId == "org:microsoft" }
        #expect(msft.map(\.surface) == ["Microsoft Corp."])
    }

    @Test func shorterCompanyReferenceLinksToEarlierName() {
        let text = "Microsoft Corp. said sales rose. Microsoft also said costs fell."
        let m = entityAnnotate(text).filter { $0.type == .organization }
        #expect(m.map(\.surface) == ["Microsoft Corp.", "Microsoft"])
        #expect(Set(m.map(\.entityId)) == ["org:microsoft"])
    }

    @Test func unknownOrganisationsGetIdsFromTheirNormalisedName() {
        let text = "Acme Robotics Inc. hired staff. Acme Robotics said more. Acme later grew."
        let ner = [entitySpan("Acme Robotics Inc.", in: text, "ORG", 0.9), entitySpan("Acme Robotics", in: text, "ORG", 0.8, occurrence: 1),
                   entitySpan("Acme", in: text, "ORG", 0.7, occurrence: 2)]
        let m = entityAnnotate(text, ner: ner)
        #expect(m.map(\.entityId) == ["org:acme-robotics", "org:acme-robotics", "org:acme-robotics"])
        #expect(m.first?.canonicalName == "Acme Robotics")
    }

    @Test func ordinaryWordInsideALongerNameIsNotTheCompany() {
        let text = "The News Agency of Nigeria said Red Star won. The Scottish Labour Party met; Scottish voters agreed."
        let ner = [entitySpan("News Agency of Nigeria", in: text, "ORG"), entitySpan("Red Star", in: text, "ORG"),
                   entitySpan("Scottish Labour Party", in: text, "ORG"), entitySpan("Scottish", in: text, "ORG", 0.6, occurrence: 1)]
        let m = entityAnnotate(text, ner: ner)
        #expect(m.map(\.entityId) == ["org:news-agency-of-nigeria", "org:red-star", "org:scottish-labour-party", "org:scottish"])
    }

    @Test func knownCompanyInsideALongerNERNameKeepsItsLink() {
        let text = "Kia Motor Corp and Tarawa Holdings Group agreed."
        let ner = [entitySpan("Kia Motor Corp", in: text, "ORG", 0.8), entitySpan("Tarawa Holdings Group", in: text, "ORG", 0.8)]
        let m = entityAnnotate(text, ner: ner)
        #expect(m.map(\.surface) == ["Kia Motor Corp", "Tarawa Holdings Group"])
        #expect(m.map(\.entityId) == ["org:kia", "org:tarawa-holdings-group"])
    }

    @Test func initialismLinksToEarlierName() {
        let text = "The Securities and Exchange Commission sued. The SEC said more. The ECB did not."
        let ner = [entitySpan("Securities and Exchange Commission", in: text, "ORG"), entitySpan("SEC", in: text, "ORG"),
                   entitySpan("ECB", in: text, "ORG")]
        let m = entityAnnotate(text, ner: ner)
        #expect(m.map(\.entityId) == ["org:securities-and-exchange-commission", "org:securities-and-exchange-commission", "org:ecb"])
    }

    @Test func repeatedUnknownNamesAreFoundAgain() {
        let text = "Zorblax Dynamics filed papers. Investors liked Zorblax Dynamics. Zorblax Dynamics Labs is another firm."
        let m = entityAnnotate(text, ner: [entitySpan("Zorblax Dynamics", in: text, "ORG", 0.9)])
        #expect(m.map(\.surface) == ["Zorblax Dynamics", "Zorblax Dynamics"])
        #expect(m.map(\.entityId) == ["org:zorblax-dynamics", "org:zorblax-dynamics"])
        #expect(m.map(\.confidence) == [0.9, 0.765])
    }

    @Test func allCapsUnknownNamesGetReadableCanonicalNames() {
        let text = "SAN FRANCISCO (Wire) - Rain fell."
        let m = entityAnnotate(text, ner: [entitySpan("SAN FRANCISCO", in: text, "LOC")])
        #expect(m.first?.canonicalName == "San Francisco")
        #expect(m.first?.entityId == "loc:san-francisco")
    }

    @Test func nerPossessiveIsTrimmed() {
        let text = "Zorblax's chief spoke. Zorblax’s board agreed."
        let ner = [NERSpan(start: 0, end: 9, label: "ORG", confidence: 0.8),
                   entitySpan("Zorblax’s", in: text, "ORG", 0.8)]
        let m = entityAnnotate(text, ner: ner)
        #expect(m.map(\.surface) == ["Zorblax", "Zorblax"])
        #expect(m.allSatisfy { $0.entityId == "org:zorblax" })
    }

    @Test func dictionaryWinsOverlappingNERForKnownCompanies() {
        let text = "Google Cloud Platform grew fast, said Amazon Web Services staff."
        // NER cuts the names differently and calls one of them MISC.
        let ner = [entitySpan("Google Cloud", in: text, "ORG", 0.6), entitySpan("Amazon Web Services staff", in: text, "MISC", 0.5)]
        let m = entityAnnotate(text, ner: ner)
        #expect(m.map(\.surface) == ["Google Cloud Platform", "Amazon Web Services"])
        #expect(m.map(\.entityId) == ["org:alphabet", "org:amazon"])
        #expect(m.allSatisfy { $0.type == .organization && $0.confidence >= 0.95 })
    }

    @Test func sentenceInitialWordInNERSpanDoesNotStretchAKnownName() {
        let text = "While Microsoft waited, Amazon moved."
        let m = entityAnnotate(text, ner: [entitySpan("While Microsoft", in: text, "ORG", 0.6)])
        #expect(m.map(\.surface) == ["Microsoft", "Amazon"])
    }

    @Test func nerWinsForALongerNameOfAnotherKind() {
        let text = "The Amazon River flooded. Harrison Ford visited Ford Motor plants."
        let ner = [entitySpan("Amazon River", in: text, "LOC", 0.9), entitySpan("Harrison Ford", in: text, "PER", 0.95)]
        let m = entityAnnotate(text, ner: ner)
        #expect(m.first { $0.surface == "Amazon River" }?.entityId == "loc:amazon-river")
        #expect(!m.contains { $0.surface == "Amazon" })
        #expect(m.first { $0.surface == "Harrison Ford" }?.entityId == "per:harrison-ford")
        #expect(m.first { $0.surface == "Ford Motor" }?.entityId == "org:ford")
    }

    @Test func nerOrgLinksToKnowledgeBaseThroughNormalisedName() {
        let text = "MICROSOFT CORPORATION filed papers."
        let m = entityAnnotate(text, ner: [entitySpan("MICROSOFT CORPORATION", in: text, "ORG", 0.7)])
        #expect(m.map(\.entityId) == ["org:microsoft"])
        #expect(m.first?.ticker == "MSFT")
        #expect(m.first?.confidence == 0.85)
    }

    @Test func ordinaryWordNamesNeedConfirmation() {
        // "Target" the word vs Target the retailer.
        let plain = entityAnnotate("Target prices rose. The target is clear.")
        #expect(!plain.contains { $0.entityId == "org:target" })
        let text = "Target said sales fell."
        let confirmed = entityAnnotate(text, ner: [entitySpan("Target", in: text, "ORG", 0.8)])
        #expect(confirmed.map(\.entityId) == ["org:target"])
        let suffixed = entityAnnotate("Target Corp. said sales fell. Target also cut jobs.")
        #expect(suffixed.map(\.entityId) == ["org:target", "org:target"])
    }

    @Test func caseSensitiveWordBoundaries() {
        let m = entityAnnotate("The metaverse and an apple; Metaphor is not Meta Platforms. Googleplex is not Google.")
        #expect(m.map(\.surface) == ["Meta Platforms", "Google"])
    }

    @Test func sentenceIndexComesFromGivenSentences() {
        let text = "Apple shares rose. Intel shares fell."
        let m = entityTestAnnotator.annotate(documentId: "x", text: text, sentences: [0..<18, 19..<37], nerSpans: [], published: nil)
        #expect(m.map(\.sentence) == [0, 1])
        #expect(m.map(\.tone) == [.bullish, .bearish])
    }

    @Test func sentenceNumbersAreTheCallersEvenWithEmptyRanges() {
        let text = "Apple rose. Intel fell."
        let m = entityTestAnnotator.annotate(documentId: "x", text: text, sentences: [0..<0, 12..<23, 0..<11], nerSpans: [], published: nil)
        #expect(m.map(\.sentence) == [2, 1])
    }

    @Test func emptyAndOddInput() {
        #expect(entityAnnotate("").isEmpty)
        #expect(entityAnnotate("   \n\n ").isEmpty)
        // Spans outside the text are clipped, not a crash.
        let m = entityAnnotate("Zorblax", ner: [NERSpan(start: 3, end: 99, label: "PER", confidence: 0.5),
                                                NERSpan(start: -4, end: 2, label: "XYZ", confidence: 0.5)])
        #expect(m.count == 1 && m[0].surface == "blax")
    }
}

@Suite("Entities: tone attribution")
struct EntityToneTests {
    @Test func cueGoesToTheEntityItIsAbout() {
        let m = entityAnnotate("Microsoft beat estimates while Amazon missed expectations.")
        #expect(m.first { $0.entityId == "org:microsoft" }?.tone == .bullish)
        #expect(m.first { $0.entityId == "org:microsoft" }?.cue == "beat estimates")
        #expect(m.first { $0.entityId == "org:amazon" }?.tone == .bearish)
        #expect(m.first { $0.entityId == "org:amazon" }?.cue == "missed expectations")
    }

    @Test func forConstructionWinsOverNearestName() {
        let m = entityAnnotate("Analysts at Goldman Sachs called the deal bearish for Intel.")
        #expect(m.first { $0.entityId == "org:intel" }?.tone == .bearish)
        #expect(m.first { $0.entityId == "org:goldman-sachs" }?.tone == .neutral)
    }

    @Test func objectOfUpgrade() {
        let m = entityAnnotate("Morgan Stanley upgraded Nvidia to buy on Monday.")
        #expect(m.first { $0.entityId == "org:nvidia" }?.tone == .bullish)
        #expect(m.first { $0.entityId == "org:morgan-stanley" }?.tone == .neutral)
    }

    @Test func sharesFellGoesToSubject() {
        let m = entityAnnotate("Tesla shares fell after Ford reported results.")
        #expect(m.first { $0.entityId == "org:tesla" }?.tone == .bearish)
        #expect(m.first { $0.entityId == "org:tesla" }?.cue == "shares fell")
        #expect(m.first { $0.entityId == "org:ford" }?.tone == .neutral)
    }

    @Test func analystOfARatingActionTakesNoTone() {
        let m = entityAnnotate("Volkswagen missed targets. The results were weak, and JPMorgan downgraded the stock to underweight.")
        #expect(m.first { $0.entityId == "org:jpmorgan-chase" }?.tone == .neutral)
        let passive = entityAnnotate("Intel was downgraded by JPMorgan on Monday.")
        #expect(passive.first { $0.entityId == "org:intel" }?.tone == .bearish)
        #expect(passive.first { $0.entityId == "org:jpmorgan-chase" }?.tone == .neutral)
    }

    @Test func contrastingClauseKeepsItsCue() {
        let m = entityAnnotate("Shares of Tesla closed at $180, up 2%, while the index fell 0.2%.")
        #expect(m.first { $0.entityId == "org:tesla" }?.tone == .neutral)
        let n = entityAnnotate("Despite weak demand, Apple beat estimates.")
        #expect(n.first { $0.entityId == "org:apple" }?.tone == .bullish)
        #expect(n.first { $0.entityId == "org:apple" }?.cue == "beat estimates")
    }

    @Test func newsOutletsTakeNoTone() {
        let m = entityAnnotate("Apple said on Monday, Reuters reported, that shares fell.")
        #expect(m.first { $0.entityId == "org:thomson-reuters" }?.tone == .neutral)
        #expect(m.first { $0.entityId == "org:apple" }?.tone == .bearish)
    }

    @Test func negationCancelsTheCue() {
        let m = entityAnnotate("Intel did not beat estimates. Apple isn't bullish.")
        #expect(m.allSatisfy { $0.tone == .neutral })
    }

    /// "Declined" has a refusal sense ("declined to comment") that says nothing of the company, and
    /// "jumped at the chance" is no rise; the price sense keeps its tone.
    @Test func otherSensesOfCueWordsAreNeutral() {
        let refusal = entityAnnotate("Infosys declined to comment because it is in a quiet period. Starbucks declines to say how many stores will close.")
        #expect(refusal.first { $0.entityId == "org:infosys" }?.tone == .neutral)
        #expect(refusal.first { $0.entityId == "org:starbucks" }?.tone == .neutral)
        let price = entityAnnotate("Shares of Infosys declined 3% on Monday after Starbucks declined to comment.")
        #expect(price.first { $0.entityId == "org:infosys" }?.tone == .bearish)
        #expect(price.first { $0.entityId == "org:starbucks" }?.tone == .neutral)
        let idiom = entityAnnotate("After the merger fell through, Nvidia jumped at the chance to hire its engineers.")
        #expect(idiom.first { $0.entityId == "org:nvidia" }?.tone == .neutral)
    }

    /// A weak one-word cue says nothing of a company's business without a financial word, money or a
    /// percentage in its sentence: member benefits, a game won, concerns shrugged off.
    @Test func weakCuesNeedAFinancialContext() {
        let m = entityAnnotate("Intel gains a new fan club. Apple rose to the occasion.")
        #expect(m.filter { $0.ticker != nil }.allSatisfy { $0.tone == .neutral })
        let f = entityAnnotate("Intel gains as its sales grow. Apple shares rose 3%.")
        #expect(f.first { $0.surface == "Intel" }?.tone == .bullish)
        #expect(f.first { $0.surface == "Apple" }?.tone == .bullish)
        // A phrase or a strong word needs no financial word around it.
        #expect(entityAnnotate("Analysts were bearish for Microsoft.").first { $0.surface == "Microsoft" }?.tone == .bearish)
    }

    @Test func noCueNoTone() {
        let m = entityAnnotate("Apple and Microsoft met in Paris.")
        #expect(m.allSatisfy { $0.tone == .neutral && $0.cue == nil })
    }

    @Test func replacementLexicon() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("entities-tone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("tone.tsv")
        try "# custom\nto the moon\tbullish\t2\nrekt\tbearish\n".write(to: url, atomically: true, encoding: .utf8)
        let lexicon = try ToneLexicon.load(from: url)
        #expect(lexicon.count == 2)
        let annotator = EntityAnnotator(knowledge: try EntityKnowledgeBase.loadDefault(), lexicon: lexicon)
        let m = entityAnnotate("Tesla is going to the moon. Intel shares fell.", annotator: annotator)
        #expect(m.first { $0.entityId == "org:tesla" }?.tone == .bullish)
        #expect(m.first { $0.entityId == "org:tesla" }?.cue == "to the moon")
        #expect(m.first { $0.entityId == "org:intel" }?.tone == .neutral)   // default cues replaced

        // A neutral phrase masks the cue it starts with; it carries no weight.
        try "rekt\tbearish\nrekt by\tneutral\n".write(to: url, atomically: true, encoding: .utf8)
        let masking = EntityAnnotator(knowledge: try EntityKnowledgeBase.loadDefault(), lexicon: try ToneLexicon.load(from: url))
        let masked = entityAnnotate("Intel got rekt by nobody. Tesla got rekt.", annotator: masking)
        #expect(masked.first { $0.entityId == "org:intel" }?.tone == .neutral)
        #expect(masked.first { $0.entityId == "org:tesla" }?.tone == .bearish)
        try "rekt by\tneutral\t2\n".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: FileError.self) { try ToneLexicon.load(from: url) }

        try "phrase\tsideways\n".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: FileError.self) { try ToneLexicon.load(from: url) }
    }
}

@Suite("Entities: robustness")
struct EntityRobustnessTests {
    /// Deterministic pseudo-random texts built from tricky pieces, with random NER spans: the
    /// annotator must not crash and every mention must be a valid slice of the text.
    @Test func oddTextsAndSpans() {
        let pieces = ["$", "US$", "€", "¥", "5", "1,2", "3.", ".4", "%", " per cent", "bn", "m", "(", ")", "NASDAQ", ":", " ",
                      "\n", "\t", "Microsoft", "Corp.", "'s", "’s", "AMZN", "shares", "of", "April", "13", ",", "2026", "-",
                      "Monday", "last", "year", "bearish", "for", "not", "Google Cloud", "Platform", "é", "👍🏽", "\u{301}",
                      "Target", "Nadella", "Satya", "May", "Jan.", "$GOOGL", "MSFT", "|", "Share", "the", "a", "GPT-4", "Ford"]
        var state: UInt64 = 7
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        for round in 0..<300 {
            var text = ""
            for _ in 0..<(next() % 40) { text += pieces[next() % pieces.count] + (next() % 3 == 0 ? " " : "") }
            let n = text.unicodeScalars.count
            var spans: [NERSpan] = []
            for _ in 0..<(next() % 5) {
                let a = next() % (n + 3) - 1, b = a + next() % 12
                spans.append(NERSpan(start: a, end: b, label: ["PER", "ORG", "LOC", "MISC", "B-ORG", "X"][next() % 6], confidence: Double(next() % 100) / 100))
            }
            var sentences: [Range<Int>] = []
            if round % 2 == 0 && n > 2 { sentences = [0..<(n / 2), (n / 2)..<n] }
            let published: String? = round % 3 == 0 ? nil : "2026-02-28"
            let m = entityTestAnnotator.annotate(documentId: "f", text: text, sentences: sentences, nerSpans: spans, published: published)
            let scalars = Array(text.unicodeScalars)
            for x in m {
                #expect(x.start >= 0 && x.start < x.end && x.end <= n)
                var s = String.UnicodeScalarView()
                s.append(contentsOf: scalars[max(0, x.start)..<min(n, max(x.start, x.end))])
                #expect(String(s) == x.surface)
                #expect(!x.entityId.isEmpty && x.confidence > 0 && x.confidence <= 1)
            }
            #expect(m == entityTestAnnotator.annotate(documentId: "f", text: text, sentences: sentences, nerSpans: spans, published: published))
        }
    }
}
