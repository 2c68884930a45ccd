import Crypto

/// SHA-256 in lowercase hex: the one hash every module uses for content addresses, document ids,
/// cache keys and fingerprints, so that equal bytes get equal names on every machine.
public enum ContentHash {
    /// The full 64-digit hex digest of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return hasher.finalize().hexString
    }

    /// The 32 bytes of the SHA-256 digest of `bytes`.
    public static func sha256(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return Array(hasher.finalize())
    }

    /// Lowercase hex of raw digest bytes.
    public static func hexString(_ digest: [UInt8]) -> String {
        var text = ""
        text.reserveCapacity(digest.count * 2)
        for byte in digest {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return text
    }

    private static let hexDigits = Array("0123456789abcdef")

    /// The hex digest of a string's UTF-8 bytes.
    public static func hex(_ text: String) -> String { hex(Array(text.utf8)) }

    /// The first `length` hex digits: short names where 128 bits are plenty (ids, fingerprints).
    public static func hex(_ text: String, prefix length: Int) -> String { String(hex(text).prefix(length)) }

    /// An incremental hash over several parts, each fed as UTF-8 bytes.
    /// A 64-bit checksum of `bytes` (the first 8 bytes of their SHA-256, as a signed integer for
    /// SQLite columns): what stored rows carry so that a changed byte is detected on read.
    public static func checksum64(_ bytes: some Sequence<UInt8>) -> Int64 {
        let digest = sha256(bytes)
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int64(bitPattern: value)
    }

    public struct Hasher {
        private var sha = SHA256()
        public init() {}
        public mutating func update(_ text: String) { sha.update(data: Array(text.utf8)) }
        public mutating func update(_ bytes: some Sequence<UInt8>) { sha.update(data: Array(bytes)) }
        public func finalize() -> String { sha.finalize().hexString }
    }
}

extension SHA256.Digest {
    /// Lowercase hex of the digest.
    var hexString: String {
        var text = ""
        text.reserveCapacity(64)
        for byte in self {
            text.append(Self.digits[Int(byte >> 4)])
            text.append(Self.digits[Int(byte & 0x0F)])
        }
        return text
    }

    private static let digits = Array("0123456789abcdef")

}
