import Testing
@testable import NewsEntities
@testable import NERTraining

@Suite struct ToneFeatureExtractorTests {
    let extractor = ToneFeatureExtractor(config: ToneFeatureConfig())

    func features(_ text: String, _ names: [String], target: Int) -> [UInt32] {
        let doc = ToneDocument(text: text)
        let toks = ToneEntityLocator.spans(of: names, in: text).map { doc.tokenRange(covering: $0!) }
        var out: [UInt32] = []
        extractor.features(doc, target: toks[target], others: toks.enumerated().filter { $0.offset != target }.map(\.element), into: &out)
        return out
    }

    func units(_ text: String, _ names: [String], target: Int) -> (u: [ToneFeatureExtractor.Unit], t: Int, clauses: [Range<Int>]) {
        let doc = ToneDocument(text: text)
        let toks = ToneEntityLocator.spans(of: names, in: text).map { doc.tokenRange(covering: $0!) }
        var (u, t) = extractor.units(doc, target: toks[target], others: toks.enumerated().filter { $0.offset != target }.map(\.element))
        let c = extractor.clauses(u)
        extractor.markNegation(&u, c)
        return (u, t, c)
    }

    @Test func entityIsMasked() {
        // The entity's own words never reach the features: two names give identical features.
        let a = features("EXL beats profit estimates, cuts outlook", ["EXL"], target: 0)
        let b = features("Larsen & Toubro beats profit estimates, cuts outlook", ["Larsen & Toubro"], target: 0)
        #expect(a.sorted() == b.sorted())
        // Masking the other entity too: its name does not matter either.
        let c = features("Gold shines; Silver dull", ["Gold", "Silver"], target: 0)
        let d = features("Gold shines; Copper Futures dull", ["Gold", "Copper Futures"], target: 0)
        #expect(c.sorted() == d.sorted())
        let (u, t, _) = units("Gold shines; Silver dull", ["Gold", "Silver"], target: 1)
        #expect(u[t].kind == .target)
        #expect(u.filter { $0.kind == .other }.count == 1)
        #expect(u.filter { $0.kind == .target }.count == 1)
    }

    @Test func targetAndOtherDifferByRole() {
        let gold = features("Gold shines as Silver slips", ["Gold", "Silver"], target: 0)
        let silver = features("Gold shines as Silver slips", ["Gold", "Silver"], target: 1)
        #expect(gold.sorted() != silver.sorted())
    }

    @Test func clauseOfTheEntityIsSelected() {
        let dull = ToneTokenizer.wordHash("dull"), shines = ToneTokenizer.wordHash("shines")
        let (u, t, clauses) = units("Gold shines on seasonal demand; Silver dull", ["Gold", "Silver"], target: 1)
        let c = clauses.first { $0.contains(t) }!
        #expect(c.contains { u[$0].hash == dull })
        #expect(!c.contains { u[$0].hash == shines })
        // A contrast word starts the clause: "as Y slips".
        let (u2, t2, c2) = units("X gains as Y slips", ["X", "Y"], target: 1)
        let cl = c2.first { $0.contains(t2) }!
        #expect(u2[cl.lowerBound].hash == ToneTokenizer.wordHash("as"))
        #expect(c2.count == 2)
    }

    @Test func entityOnlyClauseJoinsTheNext() {
        // "HDFC, HDFC Bank rally": the comma does not cut HDFC off from its verb.
        let (u, t, clauses) = units("HDFC, HDFC Bank rally on hopes", ["HDFC", "HDFC Bank"], target: 0)
        let c = clauses.first { $0.contains(t) }!
        #expect(c.contains { u[$0].hash == ToneTokenizer.wordHash("rally") })
    }

    @Test func negationScope() {
        let beat = ToneTokenizer.wordHash("beat"), est = ToneTokenizer.wordHash("estimates")
        let (u, _, _) = units("Infosys does not beat estimates, shares rise", ["Infosys"], target: 0)
        #expect(u.first { $0.hash == beat }!.negated)
        #expect(u.first { $0.hash == est }!.negated)
        #expect(!u.first { $0.hash == ToneTokenizer.wordHash("rise") }!.negated)  // the clause ended
        let (v, _, _) = units("Infosys beats estimates", ["Infosys"], target: 0)
        #expect(!v.contains { $0.negated })
        let (w, _, _) = units("Infosys fails to beat estimates", ["Infosys"], target: 0)
        #expect(w.first { $0.hash == beat }!.negated)
        #expect(!w.first { $0.hash == ToneTokenizer.wordHash("to") }!.negated)
        // Negated words give different features from plain ones.
        #expect(features("Infosys does not beat estimates", ["Infosys"], target: 0).sorted()
                != features("Infosys does now beat estimates", ["Infosys"], target: 0).sorted())
    }

    @Test func signedPercentNumbers() {
        let (u, _, _) = units("Nifty -2.5% while Sensex +1%", ["Nifty", "Sensex"], target: 0)
        let nums = u.filter { $0.kind == .number }
        #expect(nums.map(\.sign) == [-1, 1])
        #expect(nums.allSatisfy { $0.percent })
        let (v, _, _) = units("Rupee at 60-62 band", ["Rupee"], target: 0)
        #expect(v.filter { $0.kind == .number }.allSatisfy { $0.sign == 0 })
    }

    @Test func featuresAreDeterministicAndInRange() {
        let a = features("Sensex at 25000 on results day? Brokers get cold feet", ["Sensex"], target: 0)
        let b = features("Sensex at 25000 on results day? Brokers get cold feet", ["Sensex"], target: 0)
        #expect(a == b)
        #expect(a.allSatisfy { Int($0) < extractor.dimension })
        #expect(!a.isEmpty)
    }
}
