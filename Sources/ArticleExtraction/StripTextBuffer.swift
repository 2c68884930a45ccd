/// Collapses whitespace runs to one space while appending text pieces.
struct StripTextBuffer {
    private var bytes: [UInt8] = []
    private var pendingSpace = false

    var isEmpty: Bool { bytes.isEmpty }

    mutating func appendBytes(_ buffer: UnsafeBufferPointer<UInt8>) {
        var i = 0
        let n = buffer.count
        while i < n {
            let byte = buffer[i]
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                if !bytes.isEmpty { pendingSpace = true }
                i += 1
                continue
            }
            // U+00A0 (C2 A0) and the other Unicode spaces libxml2 leaves from entities.
            if byte == 0xC2, i + 1 < n, buffer[i + 1] == 0xA0 {
                if !bytes.isEmpty { pendingSpace = true }
                i += 2
                continue
            }
            if byte == 0xE2, i + 2 < n, buffer[i + 1] == 0x80,
               (buffer[i + 2] >= 0x80 && buffer[i + 2] <= 0x8B) || buffer[i + 2] == 0xAF {
                // U+2000...U+200B spaces; U+200B (zero width) collapses to nothing.
                if buffer[i + 2] != 0x8B, !bytes.isEmpty { pendingSpace = true }
                i += 3
                continue
            }
            if pendingSpace {
                bytes.append(0x20)
                pendingSpace = false
            }
            bytes.append(byte)
            i += 1
        }
    }

    func finish() -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
