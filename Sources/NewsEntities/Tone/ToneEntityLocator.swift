/// Finds where named entities stand in a text when only their names are known.
public enum ToneEntityLocator {
    /// One Unicode-scalar range per name (nil when the name does not occur). Prefers whole-word,
    /// case-sensitive occurrences; skips occurrences inside a longer name of the same list
    /// ("HDFC" inside "HDFC Bank"), and gives distinct names distinct occurrences where possible.
    public static func spans(of names: [String], in text: String) -> [Range<Int>?] {
        let s = Array(text.unicodeScalars)
        let lower = s.map(fold)
        var found: [[Range<Int>]] = []
        var exact: [[Bool]] = []
        for name in names {
            let n = Array(name.unicodeScalars)
            let ln = n.map(fold)
            var hits: [Range<Int>] = []
            var isExact: [Bool] = []
            if !n.isEmpty && n.count <= s.count {
                for i in 0...(s.count - n.count) where lower[i] == ln[0] {
                    var ok = true
                    for j in 1..<max(n.count, 1) where j < n.count && lower[i + j] != ln[j] { ok = false; break }
                    if ok { hits.append(i..<(i + n.count)); isExact.append(s[i..<(i + n.count)].elementsEqual(n)) }
                }
            }
            found.append(hits); exact.append(isExact)
        }
        var out: [Range<Int>?] = []
        for (a, hits) in found.enumerated() {
            var best: (score: Int, range: Range<Int>)? = nil
            for (h, r) in hits.enumerated() {
                // Inside a longer name's occurrence?
                var covered = false
                for (b, other) in found.enumerated() where b != a && names[b].unicodeScalars.count > names[a].unicodeScalars.count {
                    if other.contains(where: { $0.lowerBound <= r.lowerBound && $0.upperBound >= r.upperBound }) { covered = true; break }
                }
                let boundary = (r.lowerBound == 0 || !isWordChar(s[r.lowerBound - 1]))
                    && (r.upperBound == s.count || !isWordChar(s[r.upperBound]))
                let score = (covered ? 0 : 4) + (boundary ? 2 : 0) + (exact[a][h] ? 1 : 0)
                if best == nil || score > best!.score { best = (score, r) }
            }
            out.append(best?.range)
        }
        return out
    }

    @inline(__always) private static func fold(_ c: Unicode.Scalar) -> UInt32 {
        c.value >= 0x41 && c.value <= 0x5a ? c.value | 0x20 : c.value
    }

    private static func isWordChar(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || (c.value >= 0x30 && c.value <= 0x39)
    }
}
