import Foundation
import Testing
@testable import NewsReports

/// The page's blocks are written in pieces (gzip and Base64 on the way into the file, sentences
/// from a spill file): the bytes must be those of packing the whole block at once, however the
/// block is cut.
@Suite struct ReportStreamingTests {
    /// Deterministic pseudo-random bytes: text-like runs (which compress) and noise (which does not).
    static func sample(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let words = ["Apple", " rose", " 3.2%", " on", " Tuesday", ", ", "Nestlé", " fell", ". ", "📈", "\n"].map { Array($0.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            if next() % 8 == 0 {
                for _ in 0 ..< Int(next() % 64) { out.append(UInt8(truncatingIfNeeded: next())) }
            } else {
                out += words[Int(next() % UInt64(words.count))]
            }
        }
        return Array(out.prefix(count))
    }

    static func streamed(_ input: [UInt8], cuts: [Int], workers: Int = 1) throws -> [UInt8] {
        var written: [UInt8] = []
        let writer = ReportGzipBase64Writer(workers: workers) { written += $0 }
        var start = 0
        for cut in cuts.sorted() + [input.count] where cut >= start {
            try writer.write(Array(input[start ..< min(cut, input.count)]))
            start = min(cut, input.count)
        }
        try writer.finish()
        return written
    }

    @Test(arguments: [0, 1, 2, 3, 4, 5, 1000, 65_535, 65_536, 200_003, ReportGzip.chunkBytes, ReportGzip.chunkBytes + 1,
                      2 * ReportGzip.chunkBytes, 1_500_000])
    func gzipBase64InPiecesEqualsWhole(size: Int) throws {
        let input = Self.sample(size, seed: UInt64(size) + 1)
        let whole = ReportGzip.base64(ReportGzip.compress(input))
        #expect(try Self.streamed(input, cuts: []) == whole)
        #expect(try Self.streamed(input, cuts: [], workers: 3) == whole)
        // Cuts of every kind: single bytes, at the buffer size, at random places.
        var state = UInt64(size) &* 31 &+ 7
        var cuts: [Int] = []
        var position = 0
        while position < size {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            position += 1 + Int(state >> 33) % (size < 100 ? 2 : 70_000)
            cuts.append(position)
        }
        let pieces = try Self.streamed(input, cuts: cuts)
        #expect(pieces == whole)
        #expect(try Self.streamed(input, cuts: cuts, workers: 2) == whole)
        let decoded = try #require(Data(base64Encoded: Data(pieces)))
        #expect(ReportGzip.decompress(Array(decoded)) == input)
    }

    /// The chunked member is one ordinary gzip member: the system's gzip reads it back and checks
    /// its CRC and length, and chunking costs little against one deflate stream.
    @Test func chunkedGzipIsReadByGzipItself() throws {
        let input = Self.sample(3 * ReportGzip.chunkBytes + 12_345, seed: 99)
        let packed = ReportGzip.compress(input)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("block.gz")
        try Data(packed).write(to: file)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-t", file.path]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        let unpacked = Process()
        unpacked.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        unpacked.arguments = ["gzip", "-dc", file.path]
        let pipe = Pipe()
        unpacked.standardOutput = pipe
        try unpacked.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        unpacked.waitUntilExit()
        #expect(Array(output) == input)
        // The whole input as one chunk: one deflate stream, for the size comparison.
        let single = ReportGzip.deflateChunk(input, dictionary: [], last: true).count
        #expect(Double(packed.count) < Double(single + 18) * 1.01, "chunked \(packed.count) bytes, one stream \(single + 18)")
    }

    @Test func spillFileReadsBackWhatWasAppended() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spill = try ReportSpillFile(folder: folder, purpose: "test")
        // Unlinked at once: nothing is left in the folder, even before the file is closed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        var expected: [UInt8] = []
        var offsets: [(Int, Int)] = []
        for index in 0 ..< 400 {
            let piece = Self.sample(1 + (index * 7919) % 9000, seed: UInt64(index))
            offsets.append((spill.count, piece.count))
            try spill.append(piece)
            expected += piece
            // Reads in the middle of appending see what was appended (buffered or not).
            if index % 97 == 0 {
                let (offset, count) = offsets[index / 2]
                #expect(try spill.read(offset: offset, count: count) == Array(expected[offset ..< offset + count]))
            }
        }
        #expect(spill.count == expected.count)
        for (offset, count) in offsets.reversed() {
            #expect(try spill.read(offset: offset, count: count) == Array(expected[offset ..< offset + count]))
        }
        #expect(try spill.read(offset: 0, count: expected.count) == expected)
    }

    @Test func jsonInPiecesEqualsRendered() throws {
        let snapshot = ReportSnapshot(
            finishedAt: "2026-12-04T02:00:00Z", documents: 3,
            entities: (0 ..< 2500).map { .init(id: "org:e\($0)", name: "Entity <\($0)> & \"Co\"", type: $0 % 3 == 0 ? "PER" : "ORG", mentions: 2500 - $0, documents: $0 % 7) },
            tickers: [.init(ticker: "AAPL", mentions: 4, documents: 2, toneBalance: 0.25), .init(ticker: "X", mentions: 1, documents: 1, toneBalance: nil)])
        let json = snapshot.json()
        let whole = json.rendered()
        for pieceBytes in [1, 64, 4096, 1 << 20] {
            var pieces: [String] = []
            json.stream(pieceBytes: pieceBytes) { pieces.append($0) }
            #expect(pieces.joined() == whole)
            if pieceBytes == 4096 { #expect(pieces.count > 10) }
        }
        // Written to a folder and read back as the next night's "previous" snapshot.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("snapshot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try json.write(to: folder.appendingPathComponent(ReportSnapshot.fileName))
        #expect(try String(contentsOf: folder.appendingPathComponent(ReportSnapshot.fileName), encoding: .utf8) == whole)
        let loaded = try #require(ReportSnapshot.load(from: folder))
        #expect(loaded.json().rendered() == whole)
        #expect(loaded.entities.count == 2500 && loaded.tickers.count == 2 && loaded.tickers[1].toneBalance == nil)
    }
}
