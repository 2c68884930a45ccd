/// Collapses whitespace runs to one space while appending text pieces, counting words as it goes
/// (the count `stripWordCount` would give for the finished text).
struct StripTextBuffer {
    private var bytes: [UInt8] = []
    private var pendingSpace = false
    private var inWord = false
    /// Whitespace-separated words so far.
    private(set) var wordRuns = 0
    /// Lead bytes of kana and CJK ideographs (U+3000...U+9FFF): two count as one more word.
    private var wide = 0

    var isEmpty: Bool { bytes.isEmpty }
    /// `stripWordCount` of the text so far.
    var words: Int { wordRuns + wide / 2 }

    mutating func appendBytes(_ buffer: UnsafeBufferPointer<UInt8>) {
        let n = buffer.count
        guard n > 0 else { return }
        bytes.reserveCapacity(bytes.count + n + 1)
        var i = 0
        while i < n {
            let byte = buffer[i]
            switch stripByteClass[Int(byte)] {
            case 0: // ASCII, not a space
                if pendingSpace { bytes.append(0x20); pendingSpace = false }
                if !inWord { wordRuns += 1; inWord = true }
                bytes.append(byte)
                i += 1
                continue
            case 1: // ASCII whitespace
                if !bytes.isEmpty { pendingSpace = true }
                inWord = false
                i += 1
                continue
            case 2: // C2: U+00A0 is a space
                if i + 1 < n, buffer[i + 1] == 0xA0 {
                    if !bytes.isEmpty { pendingSpace = true }
                    inWord = false
                    i += 2
                    continue
                }
            case 3: // E2 80 80...8B, AF: Unicode spaces; U+200B (zero width) collapses to nothing
                if i + 2 < n, buffer[i + 1] == 0x80,
                   (buffer[i + 2] >= 0x80 && buffer[i + 2] <= 0x8B) || buffer[i + 2] == 0xAF {
                    if buffer[i + 2] != 0x8B, !bytes.isEmpty { pendingSpace = true; inWord = false }
                    i += 3
                    continue
                }
            case 4: // E3...E9: lead byte of kana or CJK ideographs
                wide += 1
            default:
                break
            }
            if pendingSpace { bytes.append(0x20); pendingSpace = false }
            if !inWord { wordRuns += 1; inWord = true }
            bytes.append(byte)
            i += 1
        }
    }

    func finish() -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// 0 ASCII non-space, 1 ASCII whitespace, 2 0xC2, 3 0xE2, 4 0xE3...0xE9, 5 other bytes >= 0x80.
private let stripByteClass: [UInt8] = (0 ..< 256).map { byte in
    switch byte {
    case 0x20, 0x0A, 0x09, 0x0D, 0x0C: return 1
    case 0 ..< 0x80: return 0
    case 0xC2: return 2
    case 0xE2: return 3
    case 0xE3 ... 0xE9: return 4
    default: return 5
    }
}
