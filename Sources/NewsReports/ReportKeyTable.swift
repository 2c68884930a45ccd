import Foundation

/// Distinct byte strings (entity ids, names) given dense slots 0, 1, 2 … in order of first
/// insertion: every key's bytes laid end to end in one buffer, found again through an
/// open-addressing hash table of 32-bit slots.
///
/// A night's 272,000 entity ids as `String`s in rows, plus a `[String: Int32]` index, were about
/// 30 MB at 100,000 pages (a heap block per id longer than 15 bytes, the dictionary's keys,
/// values and slack); here they are their bytes, 4 bytes of end offset and 5 to 11 bytes of
/// table per key. Keys compare byte-wise in place (`precedes`), the order `reportPrecedes`
/// gives their `String`s.
struct ReportKeyTable {
    /// Every key's bytes, one after another.
    private var bytes: [UInt8] = []
    /// Where key i ends in `bytes` (it starts where key i − 1 ends).
    private var ends: [UInt32] = []
    /// Open addressing, linear probing: a key's slot or -1 (empty); a power of two in size, at
    /// most three quarters full.
    private var table: [Int32] = []

    init() {}

    /// Keys held.
    var count: Int { ends.count }
    var isEmpty: Bool { ends.isEmpty }

    /// The slot of `key`, nil when it was never inserted.
    func slot(of key: String) -> Int32? {
        var key = key
        return key.withUTF8 { slot(of: $0) }
    }

    func slot(of key: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard !table.isEmpty else { return nil }
        let mask = table.count - 1
        var position = Self.hash(key) & mask
        while true {
            let slot = table[position]
            if slot < 0 { return nil }
            if equals(Int(slot), key) { return slot }
            position = (position + 1) & mask
        }
    }

    /// The slot of `key`, inserted at the end when it is new.
    @discardableResult
    mutating func insert(_ key: String) -> (slot: Int32, inserted: Bool) {
        var key = key
        return key.withUTF8 { insert($0) }
    }

    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (slot: Int32, inserted: Bool) {
        precondition(table.count > 0 || ends.isEmpty, "ReportKeyTable: insert into an appended table")
        if (ends.count + 1) * 4 > table.count * 3 { grow() }
        let mask = table.count - 1
        var position = Self.hash(key) & mask
        while true {
            let slot = table[position]
            if slot < 0 { break }
            if equals(Int(slot), key) { return (slot, false) }
            position = (position + 1) & mask
        }
        precondition(ends.count < Int(Int32.max), "ReportKeyTable: too many keys")
        precondition(bytes.count + key.count <= Int(UInt32.max), "ReportKeyTable: keys too long")
        let slot = Int32(ends.count)
        bytes.append(contentsOf: key)
        ends.append(UInt32(bytes.count))
        table[position] = slot
        return (slot, true)
    }

    /// Appends `key` in a slot of its own without looking for it: for keys that are only read by
    /// slot (the entities' names), where the hash table (2 MB at 100,000 pages) would buy nothing.
    /// A table filled this way is not searched (`slot(of:)`, `insert`).
    @discardableResult
    mutating func append(_ key: String) -> Int32 {
        precondition(table.isEmpty, "ReportKeyTable: append to a searched table")
        precondition(ends.count < Int(Int32.max), "ReportKeyTable: too many keys")
        var key = key
        key.withUTF8 { bytes.append(contentsOf: $0) }
        precondition(bytes.count <= Int(UInt32.max), "ReportKeyTable: keys too long")
        ends.append(UInt32(bytes.count))
        return Int32(ends.count - 1)
    }

    /// The key in slot `slot`.
    subscript(slot: Int) -> String {
        let range = self.range(slot)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// Whether the key in slot `slot` is `key` (byte-wise), without hashing.
    func key(_ slot: Int, is key: String) -> Bool {
        var key = key
        return key.withUTF8 { equals(slot, $0) }
    }

    /// Whether key `a` comes before key `b` byte-wise (a key before the longer keys it begins).
    func precedes(_ a: Int, _ b: Int) -> Bool {
        let (x, y) = (range(a), range(b))
        return bytes.withUnsafeBufferPointer { buffer in
            let common = min(x.count, y.count)
            if common > 0 {
                let order = memcmp(buffer.baseAddress! + x.lowerBound, buffer.baseAddress! + y.lowerBound, common)
                if order != 0 { return order < 0 }
            }
            return x.count < y.count
        }
    }

    /// Bytes its buffers take (capacity, slack included).
    var heldBytes: Int { bytes.capacity + ends.capacity * MemoryLayout<UInt32>.stride + table.count * MemoryLayout<Int32>.stride }

    /// Drops the slack the buffers grew with (after the last insertion).
    mutating func fit() {
        ReportCorpus.fit(&bytes)
        ReportCorpus.fit(&ends)
    }

    private func range(_ slot: Int) -> Range<Int> {
        (slot == 0 ? 0 : Int(ends[slot - 1])) ..< Int(ends[slot])
    }

    private func equals(_ slot: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let range = self.range(slot)
        guard range.count == key.count else { return false }
        guard !key.isEmpty else { return true }
        return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + range.lowerBound, key.baseAddress!, key.count) == 0 }
    }

    /// Doubles the table (16 slots at first) and places every key again.
    private mutating func grow() {
        let size = max(16, table.count * 2)
        table = Array(repeating: -1, count: size)
        let mask = size - 1
        bytes.withUnsafeBufferPointer { buffer in
            for slot in ends.indices {
                let range = self.range(slot)
                var position = Self.hash(UnsafeBufferPointer(rebasing: buffer[range])) & mask
                while table[position] >= 0 { position = (position + 1) & mask }
                table[position] = Int32(slot)
            }
        }
    }

    /// FNV-1a over the bytes, its bits mixed (linear probing needs the low bits to vary).
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        value ^= value >> 29
        value = value &* 0xBF58_476D_1CE4_E5B9
        value ^= value >> 32
        return Int(truncatingIfNeeded: value)
    }
}
