/// Character classes of Unicode scalars, with an ASCII fast path: the one definition the
/// tokenizer, the NER features and the entity scanners share. Each test has a `Unicode.Scalar`
/// and a raw `UInt32` form (the NER features keep scalars as `UInt32` buffers).
public enum CharacterClass {
    @inline(__always) public static func isLetter(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return (v >= 65 && v <= 90) || (v >= 97 && v <= 122) }
        return c.properties.isAlphabetic
    }

    @inline(__always) public static func isLetter(_ v: UInt32) -> Bool {
        if v < 0x80 { return (v >= 65 && v <= 90) || (v >= 97 && v <= 122) }
        return Unicode.Scalar(v).map(isLetter) ?? false
    }

    /// A decimal digit in any script (`0`–`9`, `٣`, `३` …).
    @inline(__always) public static func isDigit(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return v >= 48 && v <= 57 }
        return c.properties.numericType == .decimal
    }

    @inline(__always) public static func isDigit(_ v: UInt32) -> Bool {
        if v < 0x80 { return v >= 48 && v <= 57 }
        return Unicode.Scalar(v).map(isDigit) ?? false
    }

    /// `0`–`9` only: what number patterns (money, percentages, dates) read.
    @inline(__always) public static func isASCIIDigit(_ c: Unicode.Scalar) -> Bool { (c.value &- 48) < 10 }

    @inline(__always) public static func isUpper(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return v >= 65 && v <= 90 }
        return c.properties.isUppercase
    }

    @inline(__always) public static func isUpper(_ v: UInt32) -> Bool {
        if v < 0x80 { return v >= 65 && v <= 90 }
        return Unicode.Scalar(v).map(isUpper) ?? false
    }

    @inline(__always) public static func isLower(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return v >= 97 && v <= 122 }
        return c.properties.isLowercase
    }

    @inline(__always) public static func isLower(_ v: UInt32) -> Bool {
        if v < 0x80 { return v >= 97 && v <= 122 }
        return Unicode.Scalar(v).map(isLower) ?? false
    }

    /// A scalar that belongs inside a word: letters, digits, combining marks. The apostrophe,
    /// the soft hyphen and zero-width characters do not.
    @inline(__always) public static func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 128 { return (v &- 48) < 10 || (v &- 65) < 26 || (v &- 97) < 26 }
        if v == 0x2019 || v == 0x00AD || v == 0x200B || v == 0xFEFF { return false }
        let p = s.properties
        return p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
    }

    /// Any white space, line breaks included.
    @inline(__always) public static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return v == 32 || (v >= 9 && v <= 13) }
        return c.properties.isWhitespace
    }

    /// White space within a line: space, tab, no-break and typographic spaces, zero-width space.
    @inline(__always) public static func isSpaceInLine(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v == 32 || v == 9 { return true }
        if v < 128 { return false }
        return v == 0xA0 || (v >= 0x2000 && v <= 0x200B) || v == 0x202F || v == 0x205F || v == 0x3000 || v == 0xFEFF
    }

    /// A line break: LF, CR, VT, FF, NEL, LINE and PARAGRAPH SEPARATOR.
    @inline(__always) public static func isNewline(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v == 10 || v == 13 || v == 0x0B || v == 0x0C || v == 0x85 || v == 0x2028 || v == 0x2029
    }

    @inline(__always) public static func isApostrophe(_ c: Unicode.Scalar) -> Bool {
        c == "'" || c == "\u{2019}"
    }

    /// The scalar with typographic quotes and dashes made ASCII (`’` → `'`, `–` → `-`), so that
    /// names typed either way match.
    @inline(__always) public static func plain(_ v: UInt32) -> UInt32 {
        if v < 0x2010 { return v }
        switch v {
        case 0x2018, 0x2019, 0x2032: return 39                    // ' variants
        case 0x201C, 0x201D: return 34                            // " variants
        case 0x2010, 0x2011, 0x2012, 0x2013, 0x2212: return 45    // hyphens, en dash, minus
        default: return v
        }
    }

    /// Lowercase for matching: one scalar in, one out (uppercase letters with a one-scalar
    /// lowercase mapping are lowered; typographic quotes and dashes made plain).
    @inline(__always) public static func folded(_ s: Unicode.Scalar) -> UInt32 {
        let v = s.value
        if v < 128 { return (v &- 65) < 26 ? v + 32 : v }
        if s.properties.isUppercase, let l = s.properties.lowercaseMapping.unicodeScalars.first { return l.value }
        return plain(v)
    }

    /// The lowercase of a scalar when it is one scalar, else the scalar itself.
    @inline(__always) public static func lowercased(_ v: UInt32) -> UInt32 {
        if v < 0x80 { return (v >= 65 && v <= 90) ? v + 32 : v }
        guard let c = Unicode.Scalar(v), c.properties.isUppercase else { return v }
        let m = c.properties.lowercaseMapping.unicodeScalars
        return m.count == 1 ? m.first!.value : v
    }
}
