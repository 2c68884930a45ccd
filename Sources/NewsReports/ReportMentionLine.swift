import Foundation

/// Adds members to a mention's JSON line without re-encoding what the entities stage wrote.
///
/// The line's own members keep their bytes; new members are inserted so that the keys stay in
/// byte order (the order `JSONLines` writes), and a key the line already has is not added again
/// (a later entities stage may give `sentence_start` itself). Returns nil for a line that is not
/// one flat-or-nested JSON object (the caller then keeps the line as it was).
enum ReportMentionLine {
    /// A member to add: its key (plain ASCII) and its value, already JSON.
    struct Member {
        var key: String
        var value: [UInt8]
    }

    static func adding(_ members: [Member], to line: ArraySlice<UInt8>) -> [UInt8]? {
        guard let existing = Self.members(of: line) else { return nil }
        let present = Set(existing.map(\.key))
        var merged: [(key: [UInt8], bytes: ArraySlice<UInt8>)] = existing.map { ($0.key, $0.bytes) }
        var added: [[UInt8]] = []
        for member in members where !present.contains(Array(member.key.utf8)) {
            var bytes: [UInt8] = [0x22]
            bytes.append(contentsOf: member.key.utf8)
            bytes.append(contentsOf: "\":".utf8)
            bytes.append(contentsOf: member.value)
            added.append(bytes)
            merged.append((Array(member.key.utf8), added[added.count - 1][...]))
        }
        // A stable sort keeps a repeated key of the line (invalid but possible) in its order.
        let order = merged.indices.sorted { a, b in
            merged[a].key == merged[b].key ? a < b : merged[a].key.lexicographicallyPrecedes(merged[b].key)
        }
        var out: [UInt8] = [0x7B]
        out.reserveCapacity(line.count + added.reduce(0) { $0 + $1.count + 1 } + 2)
        for (position, index) in order.enumerated() {
            if position > 0 { out.append(0x2C) }
            out.append(contentsOf: merged[index].bytes)
        }
        out.append(0x7D)
        return out
    }

    /// The top-level members of a JSON object line: each key (its raw bytes, unescaped only when
    /// plain) and the bytes of the whole member (`"key":value`).
    static func members(of line: ArraySlice<UInt8>) -> [(key: [UInt8], bytes: ArraySlice<UInt8>)]? {
        var index = line.startIndex
        let end = line.endIndex
        func skipSpace() {
            while index < end, line[index] == 0x20 || line[index] == 0x09 || line[index] == 0x0D || line[index] == 0x0A { index += 1 }
        }
        /// Moves past a string starting at `index` (a quote); false when it does not end.
        func skipString() -> Bool {
            index += 1
            while index < end {
                switch line[index] {
                case 0x5C: index += 2
                case 0x22: index += 1; return true
                default: index += 1
                }
            }
            return false
        }
        func skipValue() -> Bool {
            guard index < end else { return false }
            switch line[index] {
            case 0x22: return skipString()
            case 0x7B, 0x5B:
                var depth = 0
                while index < end {
                    switch line[index] {
                    case 0x22: if !skipString() { return false }; continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D:
                        depth -= 1
                        if depth == 0 { index += 1; return true }
                    default: break
                    }
                    index += 1
                }
                return false
            default:
                let start = index
                while index < end, line[index] != 0x2C, line[index] != 0x7D, line[index] != 0x5D,
                      line[index] != 0x20, line[index] != 0x09, line[index] != 0x0D, line[index] != 0x0A { index += 1 }
                return index > start
            }
        }
        skipSpace()
        guard index < end, line[index] == 0x7B else { return nil }
        index += 1
        skipSpace()
        var result: [(key: [UInt8], bytes: ArraySlice<UInt8>)] = []
        if index < end, line[index] == 0x7D {
            index += 1
            skipSpace()
            return index == end ? [] : nil
        }
        while true {
            skipSpace()
            guard index < end, line[index] == 0x22 else { return nil }
            let memberStart = index
            guard skipString() else { return nil }
            let key = Array(line[(memberStart + 1)..<(index - 1)])
            skipSpace()
            guard index < end, line[index] == 0x3A else { return nil }
            index += 1
            skipSpace()
            guard skipValue() else { return nil }
            result.append((key, line[memberStart..<index]))
            skipSpace()
            guard index < end else { return nil }
            if line[index] == 0x2C { index += 1; continue }
            guard line[index] == 0x7D else { return nil }
            index += 1
            break
        }
        skipSpace()
        return index == end ? result : nil
    }
}
