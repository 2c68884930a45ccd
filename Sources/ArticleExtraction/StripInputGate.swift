/// Rejects bytes that are not worth parsing: empty, too large, binary, or declared non-HTML.
enum StripInputGate {
    static func check(_ bytes: [UInt8], contentType: String?,
                      options: ExtractionOptions) -> ExtractionRejection? {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return ExtractionRejection(reason: "empty", detail: "\(bytes.count) bytes of whitespace")
        }
        if bytes.count > options.maxBytes {
            return ExtractionRejection(reason: "too-large",
                                       detail: "\(bytes.count) bytes > \(options.maxBytes)")
        }
        if let magic = binaryMagic(bytes) {
            return ExtractionRejection(reason: "binary", detail: magic)
        }
        if let contentType {
            let type = contentType.lowercased().split(separator: ";").first
                .map { String($0).stripTrimmed() } ?? ""
            let textual = type.isEmpty || type.contains("html") || type.contains("xml")
                || type == "text/plain" || type == "application/octet-stream"
            if !textual {
                if type.hasPrefix("image/") || type.hasPrefix("video/") || type.hasPrefix("audio/")
                    || type == "application/pdf" || type.contains("zip") {
                    return ExtractionRejection(reason: "binary", detail: "content type \(type)")
                }
                return ExtractionRejection(reason: "not-html", detail: "content type \(type)")
            }
        }
        // Control bytes in the first kilobyte (not UTF-16 NULs in pairs): not text at all.
        let head = bytes.prefix(1024)
        var control = 0
        var zeros = 0
        for byte in head {
            if byte == 0 { zeros += 1 }
            if byte < 0x09 || (byte > 0x0D && byte < 0x20 && byte != 0x1B) { control += 1 }
        }
        let utf16Like = zeros * 3 > head.count && zeros * 5 < head.count * 3
        if !utf16Like && control * 10 > head.count {
            return ExtractionRejection(reason: "binary", detail: "\(control) control bytes in the first KB")
        }
        if !utf16Like && !head.contains(UInt8(ascii: "<")) && !bytes.prefix(65_536).contains(UInt8(ascii: "<")) {
            return ExtractionRejection(reason: "not-html", detail: "no markup in the first 64 KB")
        }
        return nil
    }

    private static func binaryMagic(_ bytes: [UInt8]) -> String? {
        func starts(_ prefix: [UInt8]) -> Bool {
            bytes.count >= prefix.count && Array(bytes.prefix(prefix.count)) == prefix
        }
        if starts([0x25, 0x50, 0x44, 0x46]) { return "PDF signature" }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return "PNG signature" }
        if starts([0xFF, 0xD8, 0xFF]) { return "JPEG signature" }
        if starts([0x47, 0x49, 0x46, 0x38]) { return "GIF signature" }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return "ZIP signature" }
        if starts([0x1F, 0x8B]) { return "gzip signature" }
        if starts([0x52, 0x49, 0x46, 0x46]) { return "RIFF signature" }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return "ELF signature" }
        return nil
    }
}
