import Foundation
import Testing
@testable import NewsEntities
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords

/// One fixture per class of false ticker link the entities research found on real pages (texts
/// written for these tests): a name that is also an ordinary word, part of another organisation's
/// name, a person's name, an initialism of something else; and what counts as evidence.
@Suite("Entities: links need evidence")
struct EntityEvidenceTests {
    private func tickers(_ text: String, ner: [NERSpan] = [], published: String? = "2019-11-18") -> [EntityMention] {
        entityAnnotate(text, published: published, ner: ner).filter { $0.ticker != nil }
    }

    // MARK: Ambiguity from data

    @Test func ambiguityComesFromWordStatisticsNotALists() throws {
        let kb = try EntityKnowledgeBase.loadDefault()
        let profiler = kb.index.profiler
        func profile(_ name: String) -> EntityAmbiguity {
            profiler.profile(EntityScanTokenizer.tokenize(Array(name.unicodeScalars)), scalars: Array(name.unicodeScalars),
                             confirmOnly: false, ownNames: [], insideOtherName: false)
        }
        #expect(profile("Block").contains(.ordinaryWord))
        #expect(profile("Click").contains(.ordinaryWord))
        #expect(profile("CLICK").contains(.ordinaryWord))     // a word in capitals is still a word
        #expect(profile("Williams").contains(.personName))
        #expect(profile("PACS").contains(.initialism))
        #expect(profile("Nvidia").isEmpty)
        #expect(profile("eBay").isDisjoint(with: [.ordinaryWord]))  // inner capitals: a coinage
        #expect(profile("Georgia").contains(.place))
    }

    // MARK: Ordinary words

    @Test func ordinaryWordWithoutEvidenceIsNotLinked() {
        #expect(tickers("Click here to read the full story. Click the button below.").isEmpty)
        #expect(tickers("We store files in block storage; each Block is replicated.").isEmpty)
        #expect(tickers("The Target of the campaign was the youth vote.").isEmpty)
    }

    @Test func ordinaryWordWithEvidenceIsLinkedAndSaysWhy() {
        let text = "Block shares rose 4% after the payments company reported earnings."
        let shares = tickers(text, ner: [entitySpan("Block", in: text, "ORG")])
        #expect(shares.map(\.ticker) == ["XYZ"])
        #expect(shares.first?.evidence == "financial-context")
        let legal = tickers("Target Corp. cut its forecast. Target also closed stores.")
        #expect(legal.map(\.ticker) == ["TGT", "TGT"])
        #expect(legal.map(\.evidence) == ["legal-suffix", "full-name-in-document"])
        let cue = tickers("Block (NYSE: XYZ) said on Monday it would hire.")
        #expect(cue.allSatisfy { $0.ticker == "XYZ" })
        #expect(cue.contains { $0.type == .organization && $0.evidence == "ticker-cue" })
    }

    @Test func cueWordsAloneDoNotMakeAnOrdinaryWordACompany() {
        // A cue near the word, but the NER does not read the word as an organisation's name
        // ("Coffee maker", "Team owner", "Net Crown Debt"): the word stays a word.
        let text = "Block shares rose 4% after the payments company reported earnings."
        #expect(tickers(text).isEmpty)
        #expect(tickers(text, ner: [entitySpan("Block", in: text, "MISC")]).isEmpty)
        // The NER's organisation must be exactly the name, not a longer one around it.
        let longer = "Shares of Block Storage Partners, the operator, fell 4%."
        #expect(tickers(longer, ner: [entitySpan("Block Storage Partners", in: longer, "ORG")]).isEmpty)
    }

    @Test func filerNamedWithOrdinaryWordsNeedsTheNERAndNoLongerName() {
        // SEC-only filers named with ordinary words or places: Information Services Group (III),
        // Public Policy Holding (PPHC), Intuitive Machines (LUNR).
        let list = "NASA picked Astrobotic, Intuitive Machines and OrbitBeyond for lunar missions."
        #expect(tickers(list, ner: [entitySpan("Intuitive Machines", in: list, "ORG")]).map(\.ticker) == ["LUNR"])
        #expect(tickers(list).isEmpty)
        #expect(tickers("Analysts cut their targets for shares of Intuitive Machines on Monday.").map(\.ticker) == ["LUNR"])
        let inside = "If you have Internet Information Services installed, upgrade it."
        #expect(tickers(inside, ner: [entitySpan("Information Services", in: inside, "ORG")]).isEmpty)
        let committee = "the Committee on Science, Engineering, and Public Policy met."
        #expect(tickers(committee, ner: [entitySpan("Committee on Science, Engineering, and Public Policy", in: committee, "ORG")]).isEmpty)
        // Prominent companies named with ordinary words are read as named.
        #expect(tickers("General Motors recalled 10,000 cars.").map(\.ticker) == ["GM"])
    }

    @Test func markedNamesAndShortFormsNeedACueAndTheNER() {
        // The SEC list's marked one-word "Sonos" and the short form "SoFi" of "SoFi Technologies":
        // the NER's organisation alone is not enough (the dev pages' "Orion", "Alps", "Polaris"),
        // a cue alone neither; both together link.
        let text = "Sonos unveiled a speaker, and SoFi said loans grew."
        let ner = [entitySpan("Sonos", in: text, "ORG"), entitySpan("SoFi", in: text, "ORG")]
        #expect(tickers(text, ner: ner).isEmpty)
        let cued = "Shares of Sonos fell; SoFi shares rose."
        #expect(tickers(cued).isEmpty)
        let cuedNER = [entitySpan("Sonos", in: cued, "ORG"), entitySpan("SoFi", in: cued, "ORG")]
        #expect(tickers(cued, ner: cuedNER).map(\.ticker) == ["SONO", "SOFI"])
    }

    @Test func aSlashEndsTheNERsName() {
        // A photo credit: the person's name, then the outlet after the slash.
        let text = "Photo by James Martin/CNET"
        let m = entityAnnotate(text, ner: [entitySpan("James Martin/CNET", in: text, "PER")])
        #expect(m.contains { $0.surface == "James Martin" && $0.type == .person })
        #expect(m.contains { $0.surface == "CNET" && $0.ticker == "ZD" })
    }

    @Test func productsAloneCarryNoCompanyTicker() {
        let text = "Stadia streams games; the Xbox sold well."
        let m = entityAnnotate(text, ner: [entitySpan("Stadia", in: text, "MISC"), entitySpan("Xbox", in: text, "MISC")])
        #expect(m.filter { $0.surface == "Stadia" || $0.surface == "Xbox" }.map(\.entityId) == ["misc:stadia", "misc:xbox"])
        #expect(m.allSatisfy { $0.ticker == nil })
    }

    @Test func lowerCasePhraseIsNotACompany() {
        let text = "Recycling and waste management\nThe town collects waste every week."
        #expect(tickers(text, ner: [entitySpan("waste management", in: text, "ORG")]).isEmpty)
    }

    @Test func groupWordsAndCountiesAreNotLegalForms() {
        let group = "This has resulted in a 'Citizens Group' being formed to support you."
        #expect(tickers(group).isEmpty)
        let county = "From \"Family Records of Morgan Co., Ind.\", Public Library of Mooresville."
        #expect(tickers(county).isEmpty)
        #expect(tickers("Target Corp. cut its forecast.").map(\.ticker) == ["TGT"])
    }

    @Test func venuesNamedAfterSponsorsAreNotTheCompany() {
        #expect(tickers("Free clinic at HP Pavilion, today, 6-9 p.m.").isEmpty)
        #expect(tickers("The Flyers play at the Wells Fargo Center tonight.").isEmpty)
        // The venue word one name word further on.
        #expect(tickers("He enters Saturday night's race at Lowe's Motor Speedway in fifth place.").filter { $0.ticker == "LOW" }.isEmpty)
        #expect(tickers("HP said on Tuesday its printer sales fell.").map(\.ticker) == ["HPQ"])
    }

    /// The NER reads a maker's name and its product's as one name: the maker's part is the company
    /// (guidelines: the maker's name inside a product name is a mention of the maker).
    @Test func makersNameBeforeItsProduct() {
        let bravia = "GoodGearGuide Product Review: Sony Bravia KLV46X2000 (LCD TVs)"
        #expect(tickers(bravia, ner: [entitySpan("Sony Bravia", in: bravia, "ORG")]).map(\.ticker) == ["SONY"])
        let rift = "Already a hit on the Oculus Rift, this game was one of the first."
        #expect(tickers(rift, ner: [entitySpan("Oculus Rift", in: rift, "MISC")]).map(\.ticker) == ["META"])
        // A surname-like name, or the NER's person reading, needs a model number.
        let poweredge = "It defeated the Dell PowerEdge 1950 on price."
        #expect(tickers(poweredge, ner: [entitySpan("Dell PowerEdge", in: poweredge, "PER")]).map(\.ticker) == ["DELL"])
        let curry = "Dell Curry scored 20 points for the Hornets."
        #expect(tickers(curry, ner: [entitySpan("Dell Curry", in: curry, "PER")]).isEmpty)
        let saddlery = "The show features the $132,000 Grand Prix, the Dover Saddlery Medal Final and a fair."
        #expect(tickers(saddlery, ner: [entitySpan("Dover Saddlery", in: saddlery, "ORG")]).isEmpty)
        // A prominent company's initialism before its channel or station ("ESPN HD"); not a table's
        // header in capitals ("BP SINGLE MC").
        let hd = "To get ESPN HD and more channels we needed to upgrade to digital cable."
        #expect(tickers(hd, ner: [entitySpan("ESPN HD", in: hd, "ORG")]).map(\.ticker) == ["DIS"])
        let chart = "Months on chart. P L1 L2 BP SINGLE MC 1 1 1 1 Interlace - Master"
        #expect(tickers(chart, ner: [entitySpan("BP SINGLE MC", in: chart, "ORG")]).isEmpty)
        // A sponsor's event is no product.
        let series = "The final standings of the Monster Energy NASCAR Cup Series after 36 races."
        #expect(tickers(series, ner: [entitySpan("Monster Energy NASCAR Cup Series", in: series, "MISC")]).isEmpty)
    }

    /// A prominent company's initials that are its own ticker are a name of it, with the evidence an
    /// ambiguous name needs; an obscure filer's initials are not (ECG, OSS, ARR on the dev pages).
    @Test func initialsThatAreTheCompanysTicker() {
        let text = "Maurice Greenberg, the CEO of AIG insurance, spoke on Monday."
        #expect(tickers(text, ner: [entitySpan("AIG", in: text, "ORG")]).map(\.ticker) == ["AIG"])
        #expect(EntityKBIndex.initials("American International Group") == "AIG")
        #expect(EntityKBIndex.initials("Procter & Gamble") == nil)
        let ecg = "The ECG pattern was reported in 21% of the patients."
        #expect(tickers(ecg, ner: [entitySpan("ECG", in: ecg, "ORG")]).isEmpty)
    }

    /// A descriptor before the name ("oil giant Shell") is the cue an ordinary-word name needs.
    @Test func industryGiantIsACorporateCue() {
        let text = "Among the attendees will be Anglo-Dutch oil giant Shell, which opened an office in Tripoli."
        #expect(tickers(text, ner: [entitySpan("Shell", in: text, "ORG")]).map(\.ticker).first == "SHEL")
        let beach = "She found a shell on the beach."
        #expect(tickers(beach).isEmpty)
    }

    /// A prominent company's surname-like name that the NER reads as a person is the company when the
    /// document names no person with that word; with "Richard Ford" in it, "Ford" is him.
    @Test func bareSurnameWithoutAFullNameIsTheCompany() {
        let machine = "ViaVoice did not perform well on my system, a Dell 1.7GHz Pentium 4 machine."
        #expect(tickers(machine, ner: [entitySpan("Dell", in: machine, "PER", 0.99)]).map(\.ticker) == ["DELL"])
        let bailed = "If Philips hadn't bailed, I doubt we would have seen the box."
        #expect(tickers(bailed, ner: [entitySpan("Philips", in: bailed, "PER", 0.7)]).map(\.ticker) == ["PHG"])
        let novelist = "The novelist Richard Ford read from his new book. Ford said the story came slowly."
        let ner = [entitySpan("Richard Ford", in: novelist, "PER", 0.99), entitySpan("Ford", in: novelist, "PER", 0.99, occurrence: 1)]
        #expect(tickers(novelist, ner: ner).isEmpty)
    }

    /// Words the NER swept in before a prominent company's name do not hide it; a first name, a
    /// place or a landform word make another name.
    @Test func wordsSweptInBeforeAName() {
        let patcher = "Head over to the Archive Patcher GitHub project for the source code."
        #expect(tickers(patcher, ner: [entitySpan("Archive Patcher GitHub", in: patcher, "PER")]).map(\.ticker) == ["MSFT"])
        let actor = "Harrison Ford starred in the film."
        #expect(tickers(actor, ner: [entitySpan("Harrison Ford", in: actor, "PER", 0.99)]).isEmpty)
        let district = "Athol Royalston Belchertown Berkshire Hills Regional Beverly Billerica"
        #expect(tickers(district, ner: [entitySpan("Belchertown Berkshire Hills Regional", in: district, "ORG")]).isEmpty)
    }

    /// Newspapers owned by listed groups are mentions of the group; their place alone is the place,
    /// and an ordinary-word alias inside another outlet's name stays unlinked.
    @Test func newspapersAndTheirPlaces() {
        let text = "Marla Ridenour is an Akron Beacon Journal sports columnist. Akron duo helps OSU take title."
        let m = tickers(text, ner: [entitySpan("Akron Beacon Journal", in: text, "ORG"), entitySpan("Akron", in: text, "ORG", occurrence: 1)])
        #expect(m.map(\.surface) == ["Akron Beacon Journal"])
        #expect(m.first?.ticker == "TDAY")
        let uk = "(The Sunday Times, 10/09/06) A report by Channel 4 News has highlighted the cuts."
        #expect(tickers(uk).map(\.surface) == ["The Sunday Times"])
    }

    @Test func institutionsNamedAfterCompaniesAreNotTheCompany() {
        #expect(tickers("A grant from the Ford Foundation paid for the study.").filter { $0.ticker == "F" }.isEmpty)
        #expect(tickers("She teaches at the Disney Institute in Florida.").filter { $0.ticker == "DIS" }.isEmpty)
        #expect(tickers("Ford said on Tuesday it would cut 4,000 jobs.").map(\.ticker) == ["F"])
    }

    @Test func initialismJoinedToAnotherNameByAHyphen() {
        #expect(tickers("Martin enters this Saturday night's UAW-GM Quality 500 at Lowe's Motor Speedway.").filter { $0.ticker == "GM" }.isEmpty)
        #expect(tickers("GM said on Tuesday it would cut 4,000 jobs.").map(\.ticker) == ["GM"])
        // An initialism, a hyphen and a number: a part or model number.
        #expect(tickers("Item #: BP-25406, a replacement filter cartridge.").filter { $0.ticker == "BP" }.isEmpty)
    }

    @Test func sentenceInitialWordNeedsAnAdjacentCue() {
        // Capitalised by its position, with financial words further on: the word, not On Holding.
        #expect(tickers("Sales grew. On the other hand, the company's profit fell 4% in the quarter.").isEmpty)
        #expect(tickers("Here the fee adds 15 cents to each price of the shares.").isEmpty)
    }

    @Test func everyTickerLinkRecordsItsEvidence() {
        let m = tickers("Microsoft and Amazon (AMZN) met. Block shares fell 2%. Target Corp. and IBM followed.")
        #expect(!m.isEmpty)
        #expect(m.allSatisfy { $0.evidence != nil && !$0.evidence!.isEmpty })
    }

    // MARK: Part of another name

    @Test func wordGluedToAnotherNameIsThatName() {
        // "News" (News Corp's one-word SEC name) inside other outlets' names.
        let text = "BBC News and Channel 4 News reported the outage; the Daily News followed."
        #expect(!tickers(text).contains { $0.ticker == "NWSA" })
        // "Fox News" is Fox Corp's channel, not News Corp.
        let fox = tickers("Fox News said the talks stalled.")
        #expect(fox.map(\.ticker) == ["FOXA"])
    }

    @Test func longerNERNameIsAnotherOrganisation() {
        let text = "Emerald City Comic Con opened on Friday."
        let ner = [entitySpan("Emerald City Comic Con", in: text, "ORG", 0.9)]
        let m = entityAnnotate(text, ner: ner)
        #expect(!m.contains { $0.ticker != nil })
        #expect(m.contains { $0.surface == "Emerald City Comic Con" && $0.type == .organization })
    }

    // MARK: People and places

    @Test func surnameOfAPersonInTheDocumentIsThePerson() {
        let text = "The novelist John M. Ford wrote it in 1990. Ford's fans still argue about the ending."
        let ner = [entitySpan("John M. Ford", in: text, "PER", 0.95)]
        let m = entityAnnotate(text, ner: ner)
        #expect(!m.contains { $0.ticker == "F" })
        #expect(m.filter { $0.type == .person }.allSatisfy { $0.entityId == "per:john-m-ford" })
        // With the carmaker named, the same word is the company.
        let car = tickers("Ford Motor Co. raised prices. Ford also recalled trucks.")
        #expect(car.map(\.ticker) == ["F", "F"])
    }

    @Test func firstNameOrTitleBeforeASurnameIsAPerson() {
        #expect(!tickers("Coach T.J. Ford praised the team.").contains { $0.ticker == "F" })
        #expect(!tickers("Mr. Williams left early; Greedy Williams stayed.").contains { $0.ticker == "WMB" })
        #expect(!tickers("They climbed Mount Everest in May.").contains { $0.ticker == "EG" })
    }

    @Test func personsNameOfALesserKnownFilerNeedsEvidence() {
        // A common surname alone, nothing corporate around it: the person, not The Williams Companies.
        #expect(!tickers("Over the weekend, the president assailed Williams as part of the critics who oppose him.")
            .contains { $0.ticker == "WMB" })
        // The same name with a cue is the company; a well-known company's name needs none.
        #expect(tickers("Williams shares fell 3% after the pipeline operator cut its forecast.").contains { $0.ticker == "WMB" })
        let apple = tickers("Apple unveiled a new phone on Tuesday.")
        #expect(apple.map(\.ticker) == ["AAPL"])
        #expect(apple.first?.evidence == "no-conflict-in-document")
    }

    // MARK: Initialisms

    @Test func initialismSpelledOutAsSomethingElse() {
        let text = "Picture Archiving and Communication Systems (PACS) store scans. PACS vendors compete."
        #expect(tickers(text).isEmpty)
        let hp = "The farmer had hypersensitivity pneumonitis, or HP. HP is an allergic reaction."
        #expect(!tickers(hp).contains { $0.ticker == "HPQ" })
    }

    @Test func initialismUsedAsAModifier() {
        let text = "The council voted for GM-free zones and against non-GM labels; GM crops were banned."
        #expect(!tickers(text).contains { $0.ticker == "GM" })
        // Without a reading of its own, a prominent initialism is the company.
        #expect(tickers("GM said it would build the plant.").map(\.ticker) == ["GM"])
    }

    // MARK: The NER's names looked up in the knowledge base

    @Test func lookUpNeedsTheNameAsWrittenAndEvidence() {
        // "Bill" (BILL Holdings' name) is a first name and a word; "CVs" are curricula vitae.
        let text = "Bill sent the CVs on Tuesday."
        let ner = [entitySpan("Bill", in: text, "ORG", 0.7), entitySpan("CVs", in: text, "ORG", 0.6)]
        #expect(entityAnnotate(text, ner: ner).allSatisfy { $0.ticker == nil })
        let caps = "MICROSOFT CORPORATION filed papers."
        #expect(tickers(caps, ner: [entitySpan("MICROSOFT CORPORATION", in: caps, "ORG", 0.7)]).map(\.ticker) == ["MSFT"])
    }

    // MARK: Types agree with the knowledge base

    @Test func knownCompanyIsNeverAPerson() {
        let text = "Google said the change was minor."
        let m = entityAnnotate(text, ner: [entitySpan("Google", in: text, "PER", 0.93)])
        #expect(m.first?.type == .organization)
        #expect(m.first?.ticker == "GOOGL")
    }

    @Test func datelineIsAPlaceNotTheStorysOrganisation() {
        let text = "NEW YORK (Reuters) - Apple said on Tuesday it would expand."
        let m = entityAnnotate(text, ner: [entitySpan("NEW YORK", in: text, "ORG", 0.8)])
        let place = m.first { $0.surface == "NEW YORK" }
        #expect(place?.type == .location)
        #expect(place?.evidence == "dateline")
        #expect(place?.ticker == nil)
        // A results table's capitals are teams, not datelines.
        let table = "NEW YORK 74 55 .574 -"
        let t = entityAnnotate(table, ner: [entitySpan("NEW YORK", in: table, "ORG", 0.8)])
        #expect(t.first?.type == .organization)
    }

    @Test func clockTimesAreNotNames() {
        let text = "Posted 10:30 PM ET by the desk."
        let m = entityAnnotate(text, ner: [entitySpan("PM", in: text, "ORG", 0.7), entitySpan("ET", in: text, "ORG", 0.6)])
        #expect(!m.contains { $0.type == .organization })
    }

    @Test func capitalsOfPositionAreNotNames() {
        let text = "Oh, the market fell.\nTherefore investors sold.\nMost Popular\nBrown said prices would rise."
        let ner = [entitySpan("Oh", in: text, "LOC", 0.7), entitySpan("Therefore", in: text, "PER", 0.6),
                   entitySpan("Most Popular", in: text, "ORG", 0.6), entitySpan("Brown", in: text, "PER", 0.9)]
        let m = entityAnnotate(text, ner: ner)
        #expect(m.filter { $0.type != .date }.map(\.surface) == ["Brown"])
    }

    // MARK: One entity per thing

    @Test func surnameJoinsTheFullNameWhateverTheNERCalledIt() {
        let text = "Obama met Mitt Romney. Barack Obama said the talks went well, and Mr. Romney agreed. Obama left."
        let ner = [entitySpan("Obama", in: text, "ORG", 0.6), entitySpan("Mitt Romney", in: text, "PER", 0.95),
                   entitySpan("Barack Obama", in: text, "PER", 0.96), entitySpan("Mr. Romney", in: text, "PER", 0.8),
                   entitySpan("Obama", in: text, "PER", 0.7, occurrence: 2)]
        let m = entityAnnotate(text, ner: ner)
        #expect(m.filter { $0.surface.hasSuffix("Obama") }.allSatisfy { $0.entityId == "per:barack-obama" && $0.type == .person })
        #expect(m.filter { $0.surface.hasSuffix("Romney") }.allSatisfy { $0.entityId == "per:mitt-romney" })
        #expect(m.filter { $0.surface.hasSuffix("Obama") }.count == 3)
    }

    @Test func countryVariantsShareOneId() {
        let text = "The U.S. economy grew. The United States, America and the US agreed."
        let ner = ["U.S.", "United States", "America", "US"].map { entitySpan($0, in: text, "LOC", 0.9) }
        let m = entityAnnotate(text, ner: ner)
        #expect(m.count == 4)
        #expect(m.allSatisfy { $0.entityId == "loc:united-states" && $0.canonicalName == "United States" })
    }

    // MARK: Names at the time of the story

    @Test func namesAtTheStorysDate() {
        let google = entityAnnotate("Google said search revenue rose.", published: "2008-05-01")
        #expect(google.first?.canonicalName == "Alphabet")
        #expect(google.first?.nameAtDate == "Google")
        #expect(entityAnnotate("Google said search revenue rose.", published: "2019-05-01").first?.nameAtDate == nil)
        let twitter = entityAnnotate("Twitter said user numbers rose.", published: "2019-11-18")
        #expect(twitter.first?.ticker == "SPCX")
        #expect(twitter.first?.nameAtDate == "Twitter")
        let redHat = entityAnnotate("Red Hat released a new Linux version.", published: "2004-03-01")
        #expect(redHat.first?.ticker == "IBM")
        #expect(redHat.first?.nameAtDate == "Red Hat")
        // Without a date nothing is claimed.
        #expect(entityAnnotate("Google said search revenue rose.", published: nil).first?.nameAtDate == nil)
    }

    @Test func historyFileParsesAndPicksTheEarliestPeriodAfterTheDay() throws {
        let h = try EntityHistory.parse("org:x\t2015-01-01\tOld X\tsrc\norg:x\t2010-01-01\tOlder X\tsrc\nBrand\t2012-06-01\tBrand Co\tsrc\n", path: "t")
        #expect(h.name(surface: "X", entityId: "org:x", canonical: "X", on: "2009-12-31") == "Older X")
        #expect(h.name(surface: "X", entityId: "org:x", canonical: "X", on: "2012-01-01") == "Old X")
        #expect(h.name(surface: "X", entityId: "org:x", canonical: "X", on: "2016-01-01") == nil)
        #expect(h.name(surface: "Brand", entityId: "org:x", canonical: "X", on: "2011-01-01") == "Brand Co")
        #expect(throws: FileError.self) { try EntityHistory.parse("org:x\tnot-a-date\tX\n", path: "t") }
    }

    // MARK: Sentences and company tone

    @Test func everyMentionCarriesItsSentence() {
        let text = "Apple rose.\nShares of Intel fell 2% on Monday."
        let m = entityAnnotate(text)
        let scalars = Array(text.unicodeScalars)
        #expect(!m.isEmpty)
        for mention in m {
            let a = try! #require(mention.sentenceStart), b = try! #require(mention.sentenceEnd)
            #expect(a <= mention.start && mention.end <= b)
            #expect(!CharacterClass.isSpaceInLine(scalars[a]) && !CharacterClass.isNewline(scalars[b - 1]))
        }
        #expect(m.first { $0.surface == "Intel" }.map { String(String.UnicodeScalarView(scalars[$0.sentenceStart!..<$0.sentenceEnd!])) }
                == "Shares of Intel fell 2% on Monday.")
    }

    @Test func companyToneCountsTheMentions() {
        let analysis = entityTestAnnotator.analyze(documentId: "d", text: "Intel shares fell. Intel missed estimates. Apple met analysts.",
                                                   sentences: [], nerSpans: [], published: nil)
        let intel = try! #require(analysis.companyTones.first { $0.entityId == "org:intel" })
        #expect(intel.bullish + intel.bearish + intel.neutral == analysis.mentions.filter { $0.entityId == "org:intel" }.count)
        #expect(intel.tone == .bearish)
        #expect(intel.documentId == "d" && intel.ticker == "INTC")
        #expect(analysis.companyTones.map(\.entityId) == ["org:intel", "org:apple"])
    }
}

@Suite("Entities: dates as analysts say them")
struct EntityAnalystDateTests {
    struct Case: CustomStringConvertible, Sendable {
        var text: String, surface: String, value: String?
        var description: String { text }
    }

    private func dates(_ text: String, published: String?) -> [EntityMention] {
        entityAnnotate(text, published: published).filter { $0.type == .date }
    }

    // Published Monday 2019-11-18.
    static let cases: [Case] = [
        Case(text: "Profit rose in the third quarter, it said.", surface: "the third quarter", value: "2019-Q3"),
        Case(text: "Third-quarter revenue beat forecasts.", surface: "Third-quarter", value: "2019-Q3"),
        Case(text: "Sales in Q4 2018 were weak.", surface: "Q4 2018", value: "2018-Q4"),
        Case(text: "Results for the fourth quarter of 2017 came later.", surface: "the fourth quarter of 2017", value: "2017-Q4"),
        Case(text: "The plan covers fiscal 2009 and beyond.", surface: "fiscal 2009", value: "FY2009"),
        Case(text: "Guidance for FY09 was cut.", surface: "FY09", value: "FY2009"),
        Case(text: "Revenue fell in the first half as demand slowed.", surface: "the first half", value: "2019-H1"),
        Case(text: "Shares fell last week after the report.", surface: "last week", value: "2019-W46"),
        Case(text: "The deal was signed earlier this month.", surface: "earlier this month", value: "2019-11"),
        Case(text: "It expects to list next year.", surface: "next year", value: "2020"),
        Case(text: "Prices were higher a year ago.", surface: "a year ago", value: "2018"),
        Case(text: "The firm was founded in the 1990s.", surface: "the 1990s", value: "199X"),
        Case(text: "The board met yesterday.", surface: "yesterday", value: "2019-11-17"),
        Case(text: "Trading resumes on Wednesday.", surface: "Wednesday", value: "2019-11-13"),
    ]

    @Test(arguments: cases) func resolvedAgainstThePublishedDate(_ c: Case) {
        let found = dates(c.text, published: "2019-11-18")
        #expect(found.map(\.surface) == [c.surface])
        #expect(found.first?.value == c.value)
    }

    @Test func withoutADateTheWordsAreKept() {
        let found = dates("Shares fell last week and again on Monday; the third quarter was weak.", published: nil)
        #expect(found.map(\.surface) == ["last week", "Monday", "the third quarter"])
        #expect(found.allSatisfy { $0.value == nil })
        #expect(found.map(\.entityId) == ["date:last-week", "date:monday", "date:the-third-quarter"])
        // Explicit periods need no published date.
        #expect(dates("Sales in Q4 2018 and fiscal 2009.", published: nil).map(\.value) == ["2018-Q4", "FY2009"])
    }

    @Test func isoWeeksAcrossTheYear() {
        #expect(EntityPatterns.isoWeek(EntityDay(year: 2019, month: 11, day: 18)) == "2019-W47")
        #expect(EntityPatterns.isoWeek(EntityDay(year: 2021, month: 1, day: 3)) == "2020-W53")
        #expect(EntityPatterns.isoWeek(EntityDay(year: 2018, month: 12, day: 31)) == "2019-W01")
    }
}
