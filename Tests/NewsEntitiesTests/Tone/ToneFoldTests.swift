import Testing
@testable import NewsEntities
@testable import NERTraining

@Suite struct ToneFoldTests {
    @Test func duplicateHeadlinesShareAFoldAndFoldsAreStable() {
        var items: [ToneItem] = []
        for i in 0..<60 {
            // Every third headline repeats an earlier one with different case and punctuation.
            let text = i % 3 == 2 ? "GOLD shines; silver dull!! \(i - 2)" : "Gold shines; Silver dull \(i)"
            items.append(ToneItem(idJSON: "\(i)", text: text, entities: [("Gold", .positive), ("Silver", .negative)]))
        }
        let inst = ToneCorpus.labelled(items)
        let folds = ToneCorpus.folds(inst, k: 5, seed: 7)
        var foldOfKey: [String: Int] = [:]
        for (x, f) in zip(inst, folds) {
            if let g = foldOfKey[x.groupKey] { #expect(g == f) } else { foldOfKey[x.groupKey] = f }
        }
        #expect(Set(folds) == Set(0..<5))
        #expect(folds == ToneCorpus.folds(inst, k: 5, seed: 7))
        #expect(ToneCorpus.groupKey("GOLD shines; silver dull!! 3") == ToneCorpus.groupKey("Gold shines; Silver dull 3"))
    }
}
