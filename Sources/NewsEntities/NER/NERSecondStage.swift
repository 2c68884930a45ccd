import Foundation

/// Features of the second pass: what the first pass said about this token and about the same
/// word elsewhere in the document (a name tagged PER once is likely PER on its next mention).
package enum NERSecondStage {
    /// Extra feature keys per token, flattened like `NERDocumentFeatures.keys`.
    package static func features(doc: NERDocumentFeatures, firstPass tags: [Int], tagSet: NERTagSet) -> (keys: [UInt64], offsets: [Int]) {
        let n = tags.count
        // Entity type (1...4, 0 = none) and position in entity (0 B, 1 I, 2 L, 3 U) of each token.
        var type = [Int](repeating: 0, count: n)
        var pos = [Int](repeating: 0, count: n)
        for r in doc.sentences {
            let local = Array(tags[r])
            for sp in tagSet.decode(local) {
                let ty = (NERTagSet.entityTypes.firstIndex(of: sp.type) ?? 0) + 1
                for k in sp.start ..< sp.end {
                    let t = r.lowerBound + k
                    type[t] = ty
                    pos[t] = sp.end - sp.start == 1 ? 3 : (k == sp.start ? 0 : (k == sp.end - 1 ? 2 : 1))
                }
            }
        }
        // Per capitalised word: counts of (type, position) over the document, and the first label.
        struct Tally { var counts = [Int32](repeating: 0, count: 21); var firstType = -1 }
        var tally: [UInt64: Tally] = [:]
        for t in 0 ..< n where doc.capitalized[t] {
            var e = tally[doc.lowerHashes[t]] ?? Tally()
            let slot = type[t] == 0 ? 20 : (type[t] - 1) * 4 + pos[t]
            e.counts[slot] += 1
            if e.firstType < 0 { e.firstType = type[t] }
            tally[doc.lowerHashes[t]] = e
        }
        var keys: [UInt64] = []
        keys.reserveCapacity(n * 8)
        var offsets = [0]
        offsets.reserveCapacity(n + 1)
        for r in doc.sentences {
            for t in r {
                let tag = UInt64(tags[t])
                keys.append(nerCombine(NERTemplate.s1Tag, tag))
                keys.append(nerCombine(NERTemplate.s1Prev, t > r.lowerBound ? UInt64(tags[t - 1]) : 99))
                keys.append(nerCombine(NERTemplate.s1Next, t + 1 < r.upperBound ? UInt64(tags[t + 1]) : 99))
                if doc.capitalized[t], var e = tally[doc.lowerHashes[t]] {
                    let own = type[t] == 0 ? 20 : (type[t] - 1) * 4 + pos[t]
                    e.counts[own] -= 1
                    var typeTotals = [Int32](repeating: 0, count: 5)
                    for slot in 0 ..< 20 where e.counts[slot] > 0 {
                        keys.append(nerCombine(NERTemplate.s1DocLonger, UInt64(slot)))
                        typeTotals[slot / 4 + 1] += e.counts[slot]
                    }
                    typeTotals[0] = e.counts[20]
                    let others = typeTotals.reduce(0, +)
                    if others > 0 {
                        var best = 0
                        for k in 1 ..< 5 where typeTotals[k] > typeTotals[best] { best = k }
                        let share = Double(typeTotals[best]) / Double(others)
                        let bucket: UInt64 = share >= 0.99 ? 2 : (share >= 0.6 ? 1 : 0)
                        keys.append(nerCombine(NERTemplate.s1DocMajority, UInt64(best) << 4 | bucket))
                        keys.append(nerCombine(NERTemplate.s1DocType, UInt64(best) << 4 | UInt64(type[t])))
                        if e.firstType >= 0 {
                            keys.append(nerCombine(NERTemplate.s1DocFirst, UInt64(e.firstType)))
                        }
                    }
                }
                offsets.append(keys.count)
            }
        }
        return (keys, offsets)
    }
}
