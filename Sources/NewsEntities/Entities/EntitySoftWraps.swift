import Foundation

/// Plain text wrapped at a fixed column (wire copy, mail, text files, the truth files of web
/// extraction benchmarks): there a newline inside a paragraph is layout, not a boundary. Every
/// newline ends a sentence for the tokenizer and no name is matched across one, so a wrapped
/// "JP\nMorgan Chase" or a sentence cut in three would lose its names and their context.
///
/// The soft wraps of such a text become spaces. A newline is one scalar and so is a space, so
/// every offset into the result is the same offset into the original text.
enum EntitySoftWraps {
    /// The text's wrap width is the 90th percentile of its line lengths; wrapped text is set at a
    /// column of 40–100 (72–80 by convention), where paragraphs written one to a line run longer.
    static let widthRange = 40...100
    /// A line at least this share of the wrap width that is followed by another line is full: the
    /// wrap ended it, not the writer (a heading or a paragraph's last line is shorter).
    static let fullLineShare = 0.6
    /// A text is wrapped when at least this share of its full lines end inside a sentence (on a
    /// word, a comma or a dash). Text with a paragraph to a line ends nearly every line with
    /// closing punctuation, a table of results with numbers.
    static let openEndShare = 0.5
    /// Fewer full lines than this say nothing about the layout.
    static let minimumFullLines = 3

    /// Checked on `../shared/eval/extraction`: of the truth texts, 660 of 681 cleaneval and 69 of
    /// 71 cleanportaleval texts count as wrapped (they are), 3 of 116 readability and 3 of 181
    /// scrapinghub (RFC-style pages); of the 995 texts the strip stage made of the same pages, none;
    /// of CoNLL's 216 development documents (a sentence to a line, but Reuters' own wraps kept in
    /// some), 6.
    static func joined(_ text: String) -> String {
        var bytes = Array(text.utf8)
        guard bytes.contains(0x0A) else { return text }
        struct Line { var start: Int; var end: Int; var length: Int; var openEnd: Bool; var numberEnd: Bool; var blank: Bool }
        var lines: [Line] = []
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            // Length in scalars without trailing white space; the last visible scalar.
            var last = end
            while last > start && (bytes[last - 1] == 0x20 || bytes[last - 1] == 0x09 || bytes[last - 1] == 0x0D) { last -= 1 }
            var length = 0
            for b in bytes[start..<last] where b & 0xC0 != 0x80 { length += 1 }
            lines.append(Line(start: start, end: end, length: length, openEnd: last > start && Self.endsOpen(bytes, start, last),
                              numberEnd: last > start && bytes[last - 1] >= 0x30 && bytes[last - 1] <= 0x39, blank: length == 0))
            start = end + 1
        }
        let lengths = lines.filter { !$0.blank }.map(\.length).sorted()
        guard lengths.count >= minimumFullLines + 2 else { return text }
        let width = lengths[max(0, Int(Double(lengths.count) * 0.9) - 1)]
        guard widthRange.contains(width) else { return text }
        let full = Double(width) * fullLineShare
        var wraps: [Int] = []
        var fullLines = 0, open = 0
        for i in 0..<(lines.count - 1) where !lines[i].blank && !lines[i + 1].blank && Double(lines[i].length) >= full {
            fullLines += 1
            if lines[i].openEnd { open += 1 }
            // A line ending in a number is a row of results or figures more often than a wrap.
            if !lines[i].numberEnd && !Self.startsItem(bytes, lines[i + 1].start, lines[i + 1].end)
                && !Self.isTableRow(bytes, lines[i].start, lines[i].end) && !Self.isTableRow(bytes, lines[i + 1].start, lines[i + 1].end) {
                wraps.append(lines[i].end)
            }
        }
        guard fullLines >= minimumFullLines, Double(open) >= openEndShare * Double(fullLines) else { return text }
        for newline in wraps {
            bytes[newline] = 0x20
            // "\r\n": the carriage return goes too (it is white space before the newline).
            if newline > 0 && bytes[newline - 1] == 0x0D { bytes[newline - 1] = 0x20 }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the visible line `start..<last` ends inside a sentence: on a letter, a comma or a
    /// hyphen or dash (a line ending on a number or on closing punctuation says nothing).
    private static func endsOpen(_ bytes: [UInt8], _ start: Int, _ last: Int) -> Bool {
        let b = bytes[last - 1]
        if b == UInt8(ascii: ",") || b == UInt8(ascii: "-") { return true }
        if b < 0x80 { return (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        // The last scalar, decoded: a letter, or an en or em dash.
        var k = last - 1
        while k > start && bytes[k] & 0xC0 == 0x80 { k -= 1 }
        guard let scalar = String(decoding: bytes[k..<last], as: UTF8.self).unicodeScalars.first else { return false }
        return scalar.properties.isAlphabetic || scalar == "\u{2013}" || scalar == "\u{2014}"
    }

    /// Whether a line is a row of a table laid out with white space: a tab or three spaces inside it.
    private static func isTableRow(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        var k = start
        while k < end && (bytes[k] == 0x20 || bytes[k] == 0x09) { k += 1 }
        var spaces = 0
        while k < end {
            let b = bytes[k]
            if b == 0x09 { return true }
            spaces = b == 0x20 ? spaces + 1 : 0
            if spaces >= 3 && k + 1 < end && bytes[k + 1] != 0x20 && bytes[k + 1] != 0x0D { return true }
            k += 1
        }
        return false
    }

    /// Whether a line starts a list item or a table row ("- ", "* ", "• ", "|"): its own line.
    private static func startsItem(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        var k = start
        while k < end && (bytes[k] == 0x20 || bytes[k] == 0x09) { k += 1 }
        guard k < end else { return false }
        let b = bytes[k]
        if b == UInt8(ascii: "|") || b == UInt8(ascii: ">") { return true }
        if (b == UInt8(ascii: "-") || b == UInt8(ascii: "*")) && k + 1 < end && bytes[k + 1] == 0x20 { return true }
        // • (E2 80 A2)
        return b == 0xE2 && k + 2 < end && bytes[k + 1] == 0x80 && bytes[k + 2] == 0xA2
    }
}
