import Foundation

/// The order report.html sorts text columns in (entity names, tickers, companies, document
/// titles, sites, authors), computed here so the page sorts by comparing integers.
///
/// Sorting 478,000 entity names in the page with `Intl.Collator` held its main thread for 4.7 s
/// (README, "Many entities"); the page now reads each value's rank from its data
/// (`name_rank`, `title_rank`, `symbol_rank`, `company_rank`, `dict.sites_rank`,
/// `dict.bylines_rank`) and sorts by it.
///
/// The order, for people and the same on every machine (no locale, no collation library):
/// - case and accents do not count: the text is NFKD-decomposed, combining marks dropped and
///   lower-cased ("émile" = "Emile"; "ﬁ" = "fi"), and ß, æ, œ, ø, đ, ð, þ, ł, ı, ħ read as
///   ss, ae, oe, o, d, d, th, l, i, h;
/// - runs of digits compare by their value ("Item 2" before "Item 10", "007" = "7");
/// - white space (runs collapsed, none at either end) before punctuation and symbols, before
///   digits, before letters; letters by code point after folding (Latin a–z, then Greek,
///   Cyrillic, … ); a string before the longer strings it begins;
/// - values equal under all that are ordered by their Unicode scalars ("Apple" before "apple");
///   equal strings share a rank (the page keeps their rows in table order, both directions);
/// - no value (nil, or only white space) has no rank (`nil` in the page, sorted last).
///
/// `Tests/Browser/conftest.py` (`text_order_key`) is the same rule in Python (the probe and
/// the browser test use it).
enum ReportTextOrder {
    // Classes, the top byte of a key element: lower sorts first.
    private static let space: UInt32 = 1 << 24
    private static let symbol: UInt32 = 2 << 24
    private static let number: UInt32 = 3 << 24
    private static let letter: UInt32 = 4 << 24

    /// Letters compared as two or more (after lower-casing; combining marks are dropped anyway).
    private static let expansions: [UInt32: [UInt32]] = [
        0xDF: [0x73, 0x73],   // ß
        0xE6: [0x61, 0x65],   // æ
        0x153: [0x6F, 0x65],  // œ
        0xF8: [0x6F],         // ø
        0x111: [0x64],        // đ
        0xF0: [0x64],         // ð
        0xFE: [0x74, 0x68],   // þ
        0x142: [0x6C],        // ł
        0x131: [0x69],        // ı
        0x127: [0x68],        // ħ
    ]

    /// The comparison key of `text`: compare keys element by element (a key before the longer
    /// keys it begins); nil when the text has nothing but white space.
    static func key(_ text: String) -> [UInt32]? {
        var folded: [UInt32] = []
        folded.reserveCapacity(text.utf8.count)
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in text.utf8 { folded.append(UInt32(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)) }
        } else {
            for scalar in text.decomposedStringWithCompatibilityMapping.unicodeScalars {
                for lower in scalar.properties.lowercaseMapping.unicodeScalars {
                    switch lower.properties.generalCategory {
                    case .nonspacingMark, .spacingMark, .enclosingMark: continue
                    default: break
                    }
                    if let expanded = expansions[lower.value] { folded += expanded } else { folded.append(lower.value) }
                }
            }
        }
        var key: [UInt32] = []
        key.reserveCapacity(folded.count + 2)
        var index = 0, pendingSpace = false
        while index < folded.count {
            let value = folded[index]
            if value < 0x80 {
                // ASCII without looking up properties (most names and titles).
                if value <= 0x20 || value == 0x7F {
                    pendingSpace = !key.isEmpty
                    index += 1
                    continue
                }
                if value < 0x30 || value > 0x39 {
                    if pendingSpace { key.append(space); pendingSpace = false }
                    key.append((value >= 0x61 && value <= 0x7A ? letter : symbol) | value)
                    index += 1
                    continue
                }
            }
            let scalar = Unicode.Scalar(value) ?? " "
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                pendingSpace = !key.isEmpty
                index += 1
                continue
            }
            if pendingSpace { key.append(space); pendingSpace = false }
            if let digit = decimalDigit(scalar) {
                // A run of digits: its length without leading zeros, then its digits.
                var digits: [UInt32] = [digit]
                index += 1
                while index < folded.count, let next = decimalDigit(Unicode.Scalar(folded[index]) ?? " ") {
                    if digits == [0] { digits = [next] } else { digits.append(next) }
                    index += 1
                }
                key.append(number | UInt32(min(digits.count, 0xFF_FFFF)))
                for d in digits { key.append(number | d) }
                continue
            }
            key.append((scalar.properties.isAlphabetic ? letter : symbol) | value)
            index += 1
        }
        return key.isEmpty ? nil : key
    }

    /// Appends `key` as bytes that compare (byte by byte, a sequence before the longer ones it
    /// begins) as the key does element by element: each element's class byte, then its value in
    /// UTF-8's scheme extended to 26 bits. That scheme keeps the order of values and no value's
    /// bytes begin another's, so the first differing element decides within its own bytes. An
    /// ASCII letter takes 2 bytes instead of 4.
    static func appendPacked(_ key: [UInt32], to bytes: inout [UInt8]) {
        for element in key {
            bytes.append(UInt8(truncatingIfNeeded: element >> 24))
            let value = element & 0xFF_FFFF
            func tail(_ shift: UInt32) -> UInt8 { 0x80 | UInt8(truncatingIfNeeded: (value >> shift) & 0x3F) }
            switch value {
            case ..<0x80:
                bytes.append(UInt8(truncatingIfNeeded: value))
            case ..<0x800:
                bytes.append(0xC0 | UInt8(truncatingIfNeeded: value >> 6)); bytes.append(tail(0))
            case ..<0x1_0000:
                bytes.append(0xE0 | UInt8(truncatingIfNeeded: value >> 12)); bytes.append(tail(6)); bytes.append(tail(0))
            case ..<0x20_0000:
                bytes.append(0xF0 | UInt8(truncatingIfNeeded: value >> 18))
                bytes.append(tail(12)); bytes.append(tail(6)); bytes.append(tail(0))
            default:
                bytes.append(0xF8 | UInt8(truncatingIfNeeded: value >> 24))
                bytes.append(tail(18)); bytes.append(tail(12)); bytes.append(tail(6)); bytes.append(tail(0))
            }
        }
    }

    private static func decimalDigit(_ scalar: Unicode.Scalar) -> UInt32? {
        if scalar.value >= 0x30, scalar.value <= 0x39 { return scalar.value - 0x30 }
        guard scalar.value >= 0x80, scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue,
              value >= 0, value <= 9 else { return nil }
        return UInt32(value)
    }

    /// The rank of each value in this order: 0 for the first, equal values equal ranks (dense:
    /// ranks count distinct values), -1 for no value.
    ///
    /// The values are ranked by sorting their positions, not by gathering the distinct values
    /// first: a dictionary of 272,000 entity names (16 MB) was the largest part of the report
    /// stage's largest moment at 100,000 pages. Equal values (`==`, canonical equivalence) have
    /// equal keys (the key is made of the NFKD form), so they meet in one run of equal keys and
    /// share a rank there; the run's values are ordered by the scalars of each value's first
    /// occurrence, as they were when the distinct values were sorted.
    static func ranks<C: RandomAccessCollection>(_ values: C) -> [Int32] where C.Element == String? {
        let count = values.count
        func value(_ offset: Int) -> String? { values[values.index(values.startIndex, offsetBy: offset)] }
        // Keys laid end to end as bytes (`appendPacked`): one allocation of the exact size (each
        // key is made twice: once to measure, once to store), compared in place. As 32-bit
        // elements they were 4 bytes a character, the largest part of ranking 272,000 names.
        var bounds: [Int] = [0]
        bounds.reserveCapacity(count + 1)
        var ranked: [Int32] = []
        var packed: [UInt8] = []
        for offset in 0 ..< count {
            packed.removeAll(keepingCapacity: true)
            if let text = value(offset), let key = key(text) { appendPacked(key, to: &packed) }
            bounds.append(bounds[bounds.count - 1] + packed.count)
            if !packed.isEmpty { ranked.append(Int32(offset)) }
        }
        packed = []
        var keys: [UInt8] = []
        keys.reserveCapacity(bounds[bounds.count - 1])
        for offset in 0 ..< count { if let text = value(offset), let key = key(text) { appendPacked(key, to: &keys) } }
        ReportCorpus.fit(&ranked)
        var rankOf = Array(repeating: Int32(-1), count: count)
        keys.withUnsafeBufferPointer { keys in
            bounds.withUnsafeBufferPointer { bounds in
                /// Byte by byte (a plain loop: generic slice comparisons made 459,276 names take a
                /// minute in a debug build); a key before the longer keys it begins.
                func compareKeys(_ a: Int, _ b: Int) -> Int {
                    var i = bounds[a], j = bounds[b]
                    let endA = bounds[a + 1], endB = bounds[b + 1]
                    while i < endA, j < endB {
                        if keys[i] != keys[j] { return keys[i] < keys[j] ? -1 : 1 }
                        i += 1
                        j += 1
                    }
                    if i < endA || j < endB { return i == endA ? -1 : 1 }
                    return 0
                }
                func scalarsPrecede(_ a: String, _ b: String) -> Bool {
                    a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
                }
                // Equal keys are rare (case or accents apart): their scalars are read only then;
                // equal values end up side by side, first occurrence first.
                ranked.sort { a, b in
                    let order = compareKeys(Int(a), Int(b))
                    if order != 0 { return order < 0 }
                    let (x, y) = (value(Int(a))!, value(Int(b))!)
                    if x.unicodeScalars.elementsEqual(y.unicodeScalars) { return a < b }
                    return scalarsPrecede(x, y)
                }
                var rank: Int32 = 0
                var start = 0
                while start < ranked.count {
                    var end = start + 1
                    while end < ranked.count, compareKeys(Int(ranked[start]), Int(ranked[end])) == 0 { end += 1 }
                    if end - start == 1 {
                        rankOf[Int(ranked[start])] = rank
                        rank += 1
                    } else {
                        // A run of equal keys: its distinct values (by `==`), each represented by
                        // its first occurrence, in the scalar order of those.
                        var groups: [(first: Int32, members: [Int32])] = []
                        var groupOf: [String: Int] = [:]
                        for position in start ..< end {
                            let offset = ranked[position]
                            let text = value(Int(offset))!
                            if let group = groupOf[text] {
                                groups[group].members.append(offset)
                                groups[group].first = min(groups[group].first, offset)
                            } else {
                                groupOf[text] = groups.count
                                groups.append((offset, [offset]))
                            }
                        }
                        groups.sort { scalarsPrecede(value(Int($0.first))!, value(Int($1.first))!) }
                        for group in groups {
                            for offset in group.members { rankOf[Int(offset)] = rank }
                            rank += 1
                        }
                    }
                    start = end
                }
            }
        }
        return rankOf
    }
}
