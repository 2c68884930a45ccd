/// Stable 64-bit hashing for tokens and features (never Swift's `Hasher`, which is seeded per process).
public enum ToneHash {
    public static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always)
    public static func fnvStep(_ h: UInt64, _ value: UInt32) -> UInt64 {
        var h = h
        h ^= UInt64(value & 0xff); h = h &* fnvPrime
        h ^= UInt64((value >> 8) & 0xff); h = h &* fnvPrime
        h ^= UInt64((value >> 16) & 0xff); h = h &* fnvPrime
        return h
    }

    /// FNV-1a over the scalars of an already case-folded string.
    public static func string(_ s: String) -> UInt64 {
        var h = fnvOffset
        for u in s.unicodeScalars { h = fnvStep(h, u.value) }
        return h
    }

    /// SplitMix64 finaliser: a strong bijective mix.
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    @inline(__always)
    public static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        mix(a ^ (b &* 0x9e37_79b9_7f4a_7c15) ^ (b >> 29))
    }
}

/// Deterministic pseudo-random generator (SplitMix64) for fold assignment and shuffles.
public struct ToneRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state = state &+ 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Fisher-Yates with this generator only (the standard library's shuffle may change between releases).
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            a.swapAt(i, j)
        }
    }
}
