import Foundation
import Testing
@testable import NewsIO

/// `FileBytes.read`, the fetch stage's reader of local pages: whole files, limits known without
/// reading past them, files that do not say their size, and errors that name the file.
@Suite("Storage: reading a file's bytes")
struct FileBytesTests {
    static func file(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("file-bytes-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        return url
    }

    @Test(arguments: [0, 1, 4_095, 4_096, 4_097, 200_003])
    func readsWholeFiles(_ size: Int) throws {
        let bytes = (0 ..< size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        let url = try Self.file(bytes)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try FileBytes.read(url.path) == .bytes(bytes))
        #expect(try FileBytes.read(url.path, limit: size) == .bytes(bytes), "a file exactly at the limit is read")
        if size > 0 {
            #expect(try FileBytes.read(url.path, limit: size - 1) == .tooLarge(size: size), "over the limit by its size")
        }
    }

    /// /proc files say size 0 and have content: read to end of file, and over the limit while read.
    @Test func filesThatDoNotSayTheirSizeAreReadToTheEnd() throws {
        let expected = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        guard case let .bytes(read) = try FileBytes.read("/proc/self/status") else {
            Issue.record("not read"); return
        }
        let text = String(decoding: read, as: UTF8.self)
        #expect(text.hasPrefix("Name:") && text.count > 100)
        #expect(text.split(separator: "\n").first == expected.split(separator: "\n").first)
        #expect(try FileBytes.read("/proc/self/status", limit: 10) == .tooLarge(size: nil))
    }

    @Test func errorsNameTheFile() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("file-bytes-missing-\(UUID().uuidString)").path
        #expect(throws: FileError.io(path: missing, reason: "cannot open: No such file or directory")) { try FileBytes.read(missing) }
        let folder = FileManager.default.temporaryDirectory.path
        #expect(throws: FileError.self) { try FileBytes.read(folder) }
    }
}
