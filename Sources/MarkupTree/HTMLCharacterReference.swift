/// Character references as browsers read them (WHATWG "character reference state"): named ones
/// from the HTML5 table (`HTMLEntities.swift`), the legacy ones also without a semicolon, and
/// numeric ones with the windows-1252 remapping of 0x80–0x9F.
enum HTMLCharacterReference {
    /// Decodes the reference at `at` ('&'), reading no further than `end`: the bytes consumed and
    /// up to two scalars (0 = none), or nil when it is no reference (the '&' is then text).
    static func decode(_ page: UnsafeBufferPointer<UInt8>, _ at: Int, _ end: Int, inAttribute: Bool)
        -> (Int, UInt32, UInt32)? {
        var i = at + 1
        guard i < end else { return nil }
        if page[i] == 0x23 { return numeric(page, at, end) }
        // The common ones without a table lookup.
        if let quick = quick(page, i, end) { return quick }
        let nameStart = i
        while i < end && i - nameStart < 32 && isAlphanumeric(page[i]) { i += 1 }
        guard i > nameStart else { return nil }
        let terminated = i < end && page[i] == 0x3B
        let table = HTMLEntityIndex.shared
        if terminated, let value = table.lookup(page, nameStart, i + 1) {
            return (i + 1 - at, value.0, value.1)
        }
        // Legacy names without ';': the longest one that prefixes the run ("&copy2019" → "©2019").
        var stop = min(i, nameStart + 6) // the longest legacy name has 6 letters
        while stop > nameStart {
            if let value = table.lookup(page, nameStart, stop), table.isLegacy(page, nameStart, stop) {
                // In attribute values "&amp=…" and "&copyx" stay as written (query strings).
                if inAttribute && stop < end && (isAlphanumeric(page[stop]) || page[stop] == 0x3D) { return nil }
                return (stop - at, value.0, value.1)
            }
            stop -= 1
        }
        return nil
    }

    private static func quick(_ page: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> (Int, UInt32, UInt32)? {
        func matches(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard i + count <= end else { return false }
            let w = word.utf8Start
            for k in 0 ..< count where page[i + k] != w[k] { return false }
            return true
        }
        switch page[i] {
        case 0x61: // a
            if matches("amp;") { return (5, 0x26, 0) }
            if matches("apos;") { return (6, 0x27, 0) }
        case 0x6C: if matches("lt;") { return (4, 0x3C, 0) }
        case 0x67: if matches("gt;") { return (4, 0x3E, 0) }
        case 0x71: if matches("quot;") { return (6, 0x22, 0) }
        case 0x6E: if matches("nbsp;") { return (6, 0xA0, 0) }
        default: break
        }
        return nil
    }

    private static func numeric(_ page: UnsafeBufferPointer<UInt8>, _ at: Int, _ end: Int) -> (Int, UInt32, UInt32)? {
        var i = at + 2
        var hex = false
        if i < end && (page[i] == 0x78 || page[i] == 0x58) { hex = true; i += 1 }
        let digitsStart = i
        var value: UInt32 = 0
        while i < end {
            let b = page[i]
            let digit: UInt32
            if b >= 0x30 && b <= 0x39 { digit = UInt32(b - 0x30) }
            else if hex && (b | 0x20) >= 0x61 && (b | 0x20) <= 0x66 { digit = UInt32((b | 0x20) - 0x61 + 10) }
            else { break }
            value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + digit
            i += 1
        }
        guard i > digitsStart else { return nil }
        if i < end && page[i] == 0x3B { i += 1 }
        return (i - at, scalar(value), 0)
    }

    /// The scalar a numeric reference stands for (HTML5: NUL, surrogates and out-of-range values
    /// give U+FFFD; 0x80–0x9F are read as windows-1252).
    static func scalar(_ value: UInt32) -> UInt32 {
        if value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) { return 0xFFFD }
        if value >= 0x80 && value <= 0x9F { return windows1252C1[Int(value - 0x80)] }
        return value
    }

    private static let windows1252C1: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    @inline(__always) private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
    }
}

/// The named references, parsed once from `htmlEntityTable`.
final class HTMLEntityIndex: Sendable {
    static let shared = HTMLEntityIndex()

    private let values: [String: UInt64]

    private init() {
        var values: [String: UInt64] = [:]
        for entry in htmlEntityTable.split(separator: " ") {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            let name = String(entry[..<equals])
            let scalars = entry[entry.index(after: equals)...].split(separator: ",").compactMap { UInt32($0, radix: 16) }
            guard let first = scalars.first else { continue }
            let second = scalars.count > 1 ? scalars[1] : 0
            values[name] = UInt64(first) | UInt64(second) << 32 | (name.hasSuffix(";") ? 0 : 1 << 63)
        }
        self.values = values
    }

    func lookup(_ page: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (UInt32, UInt32)? {
        guard let packed = values[String(decoding: UnsafeBufferPointer(rebasing: page[start ..< end]), as: UTF8.self)] else { return nil }
        return (UInt32(truncatingIfNeeded: packed), UInt32(truncatingIfNeeded: (packed >> 32) & 0x7FFF_FFFF))
    }

    /// A name usable without ';' (in the table without it).
    func isLegacy(_ page: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard let packed = values[String(decoding: UnsafeBufferPointer(rebasing: page[start ..< end]), as: UTF8.self)] else { return false }
        return packed >> 63 == 1
    }
}
