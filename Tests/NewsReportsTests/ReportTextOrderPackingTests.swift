import Testing
@testable import NewsReports

/// The packed bytes `ReportTextOrder.ranks` compares give the order of the 32-bit keys they
/// stand for.
@Suite struct ReportTextOrderPackingTests {
    static func packed(_ key: [UInt32]) -> [UInt8] {
        var bytes: [UInt8] = []
        ReportTextOrder.appendPacked(key, to: &bytes)
        return bytes
    }

    /// Element by element (a key before the longer keys it begins) equals byte by byte, over
    /// values at every length boundary of the encoding and every class.
    @Test func packedBytesKeepTheKeysOrder() {
        let values: [UInt32] = [0, 1, 0x30, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x1_0000, 0x10_FFFF, 0x1F_FFFF, 0x20_0000, 0xFF_FFFF]
        let elements = (1 ... 4).flatMap { kind in values.map { UInt32(kind) << 24 | $0 } }
        var keys: [[UInt32]] = [[]]
        for a in elements { keys.append([a]) }
        var state: UInt64 = 7
        for _ in 0 ..< 3_000 {
            var key: [UInt32] = []
            for _ in 0 ..< Int(state % 4) + 1 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                key.append(elements[Int(state >> 33) % elements.count])
            }
            keys.append(key)
        }
        for (i, x) in keys.enumerated() {
            for y in keys[i...].prefix(40) {
                #expect(x.lexicographicallyPrecedes(y) == Self.packed(x).lexicographicallyPrecedes(Self.packed(y)), "\(x) \(y)")
                #expect(y.lexicographicallyPrecedes(x) == Self.packed(y).lexicographicallyPrecedes(Self.packed(x)), "\(y) \(x)")
                #expect((x == y) == (Self.packed(x) == Self.packed(y)))
            }
        }
    }

    /// Ranks of texts whose keys differ only past an element of another length (accents, digits,
    /// scripts) are those of comparing their keys.
    @Test func ranksFollowTheKeys() {
        let texts: [String?] = ["b", "a", "é", "ä1", "a10", "a9", "Ω", "z", "中文", "a b", "a-b", nil, "  ", "A", "ab", "a", "𝔸", "item 007", "Item 7"]
        let ranks = ReportTextOrder.ranks(texts)
        for (i, x) in texts.enumerated() {
            for (j, y) in texts.enumerated() {
                guard let x, let y, let kx = ReportTextOrder.key(x), let ky = ReportTextOrder.key(y), kx != ky else { continue }
                #expect((ranks[i] < ranks[j]) == kx.lexicographicallyPrecedes(ky), "\(x) \(y)")
            }
        }
        #expect(ranks[11] == -1 && ranks[12] == -1 && ranks[1] == ranks[15])
    }

    /// Equal values (canonically equivalent spellings too) share a rank, even where another value
    /// with the same key sorts between their spellings by scalars; the values of one key are
    /// ordered by the scalars of each one's first occurrence; ranks stay dense.
    @Test func equalValuesShareARankWhereverTheirSpellingsSort() {
        // Every value folds to the key "e". By scalars: E (45) < e (65) < e+U+0301 < e+U+0302 < é (E9).
        let nfcFirst: [String?] = ["\u{E9}", "E", "e\u{301}", "e", "e\u{302}"]
        #expect(ReportTextOrder.ranks(nfcFirst) == [3, 0, 3, 1, 2])
        let nfdFirst: [String?] = ["e\u{301}", "E", "\u{E9}", "e", "e\u{302}"]
        #expect(ReportTextOrder.ranks(nfdFirst) == [2, 0, 2, 1, 3])
        let repeated: [String?] = ["b", nil, "a", "b", "A", "a", " "]
        #expect(ReportTextOrder.ranks(repeated) == [2, -1, 1, 2, 0, 1, -1])
    }
}
