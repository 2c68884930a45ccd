import Foundation
import Testing
@testable import MirrorDedup
@testable import NewsIO
@testable import NewsRecords

/// The incremental index, night by night, against clustering everything at once.
@Suite("Dedup: incremental mirror index across nights", .serialized)
struct MirrorIndexTests {
    /// A synthetic corpus: stories of random words, each with mirrors (exact copies with other
    /// spacing, copies with some words changed, truncated copies) and loners.
    static func corpus(stories: Int, seed: UInt64) -> [DedupDocument] {
        var rng = DedupTestRandom(seed: seed)
        let vocabulary = (0 ..< 3_000).map { "w\($0)x" }
        var docs: [DedupDocument] = []
        for story in 0 ..< stories {
            let words = (0 ..< Int.random(in: 120 ... 400, using: &rng)).map { _ in vocabulary[Int.random(in: 0 ..< vocabulary.count, using: &rng)] }
            let date = String(format: "2026-03-%02dT%02d:00:00Z", 1 + story % 28, Int.random(in: 0 ..< 24, using: &rng))
            docs.append(DedupDocument(id: String(format: "s%04d-0", story), source: "site\(story % 7).example/\(story)", published: date,
                                      text: words.joined(separator: " ")))
            for copy in 1 ..< Int.random(in: 1 ... 5, using: &rng) {
                var text = words
                switch copy % 3 {
                case 0: text = words.map { $0 }  // exact: only the spacing differs
                case 1: for _ in 0 ..< text.count / 12 { text[Int.random(in: 0 ..< text.count, using: &rng)] = vocabulary[Int.random(in: 0 ..< vocabulary.count, using: &rng)] }
                default: text = Array(words.prefix(words.count * 3 / 4)) + ["read", "more"]
                }
                let published = Bool.random(using: &rng) ? date : String(format: "2026-03-%02dT%02d:30:00Z", 1 + story % 28, Int.random(in: 0 ..< 24, using: &rng))
                docs.append(DedupDocument(id: String(format: "s%04d-%d", story, copy), source: "mirror\(copy).example/\(story)",
                                          published: published, text: copy % 3 == 0 ? text.joined(separator: "  ") : text.joined(separator: " ")))
            }
        }
        return docs
    }

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mirror-index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// id → canonical id, from clustering everything at once with each document's night.
    static func reference(_ signatures: [DocumentSignature], nights: [String: Int], parameters: DedupParameters) -> [String: String] {
        let result = MirrorClusterer.cluster(signatures, parameters: parameters, arrival: nights)
        var canonical = Dictionary(uniqueKeysWithValues: signatures.map { ($0.id, $0.id) })
        for cluster in result.clusters { for member in cluster.members { canonical[member.id] = cluster.canonicalId } }
        return canonical
    }

    @Test(arguments: [(nights: 5, chunk: 40, seed: UInt64(11)), (nights: 12, chunk: 1_000, seed: UInt64(12)), (nights: 2, chunk: 7, seed: UInt64(13))])
    func nightByNightEqualsClusteringEverythingAtOnce(_ setup: (nights: Int, chunk: Int, seed: UInt64)) throws {
        let parameters = DedupParameters()
        let signer = MinHashSigner(parameters: parameters)
        let signatures = signer.sign(Self.corpus(stories: 90, seed: setup.seed), workers: 2)
        var rng = DedupTestRandom(seed: setup.seed &+ 1)
        var nights: [String: Int] = [:]
        for signature in signatures { nights[signature.id] = Int.random(in: 1 ... setup.nights, using: &rng) }
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = try MirrorIndex(folder: folder, parameters: parameters, chunkSize: setup.chunk)
        var joined = 0
        for night in 1 ... setup.nights {
            let tonight = signatures.filter { nights[$0.id] == night }
            let summary = try index.addNight(attempt: "night-\(night)", day: String(format: "2026-04-%02d", night)) { add in try add(tonight) }
            #expect(summary.added == tonight.count)
            joined += summary.clustersJoined
            // Documents of earlier nights keep their canonical unless two of their clusters were joined.
            let now = try index.canonicals()
            let before = Self.reference(signatures.filter { nights[$0.id]! < night }, nights: nights, parameters: parameters)
            if summary.clustersJoined == 0 {
                for (id, canonical) in before { #expect(now[id] == canonical, "night \(night): \(id) changed canonical") }
            }
        }
        let incremental = try index.canonicals()
        let once = Self.reference(signatures, nights: nights, parameters: parameters)
        #expect(incremental.count == signatures.count)
        #expect(incremental == once)
        let mirrors = incremental.filter { $0.key != $0.value }.count
        #expect(mirrors > signatures.count / 4, "the corpus has mirrors to find (\(mirrors))")
        // A night added again (a merge step killed after its commit) changes nothing.
        let again = try index.addNight(attempt: "night-\(setup.nights)", day: "2026-04-30") { add in try add(signatures) }
        #expect(again.added == 0)
        #expect(try index.canonicals() == incremental)
        index.close()
        // Reopened from disk: the same state, and unregistered band runs are swept.
        FileManager.default.createFile(atPath: folder.appendingPathComponent("bands-999999-000.bin").path, contents: Data("junk".utf8))
        let reopened = try MirrorIndex(folder: folder, parameters: parameters)
        #expect(try reopened.canonicals() == incremental)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("bands-999999-000.bin").path))
        _ = joined
    }

    @Test func aMirrorArrivingLaterNeverDisplacesTheCanonicalPassedOnBefore() throws {
        let parameters = DedupParameters()
        let signer = MinHashSigner(parameters: parameters)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = try MirrorIndex(folder: folder, parameters: parameters)
        let late = DedupFixtures.doc("wire-late", DedupFixtures.tram, published: "2026-03-05")
        try index.addNight(attempt: "1", day: "2026-03-05") { add in try add([signer.sign(late)]) }
        // Published earlier and longer, but it arrives a night later: it is the mirror.
        let early = DedupFixtures.doc("origin-early", DedupFixtures.adsInserted(DedupFixtures.tram), published: "2026-03-01")
        let summary = try index.addNight(attempt: "2", day: "2026-03-06") { add in try add([signer.sign(early)]) }
        #expect(summary.acceptedPairs == 1)
        #expect(try index.canonicals() == ["wire-late": "wire-late", "origin-early": "wire-late"])
        try index.markTonight { mark in try mark("origin-early") }
        var removed: [RemovedMirror] = []
        try index.tonightsRemoved { removed.append($0) }
        #expect(removed.map(\.id) == ["origin-early"])
        #expect(removed.first?.canonicalId == "wire-late" && removed.first?.reason == "near-duplicate")
        var clusters: [MirrorCluster] = []
        try index.tonightsClusters { clusters.append($0) }
        #expect(clusters.map(\.canonicalId) == ["wire-late"])
        #expect(clusters.first?.members.map(\.id) == ["wire-late", "origin-early"])
        #expect(try index.isCanonical(id: "wire-late") && !(try index.isCanonical(id: "origin-early")))
    }

    @Test func retentionDropsOldNightsAndReformsTheClustersTheyWereIn() throws {
        let parameters = DedupParameters()
        let signer = MinHashSigner(parameters: parameters)
        let signatures = signer.sign(Self.corpus(stories: 40, seed: 5), workers: 2)
        var rng = DedupTestRandom(seed: 6)
        var nights: [String: Int] = [:]
        for signature in signatures { nights[signature.id] = Int.random(in: 1 ... 4, using: &rng) }
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = try MirrorIndex(folder: folder, parameters: parameters)
        for night in 1 ... 4 {
            try index.addNight(attempt: "\(night)", day: "2026-05-0\(night)") { add in try add(signatures.filter { nights[$0.id] == night }) }
        }
        let runsBefore = try index.counts().runs
        let dropped = try index.prune(before: "2026-05-03")
        #expect(dropped == signatures.filter { nights[$0.id]! <= 2 }.count)
        #expect(try index.counts().runs < runsBefore)
        let kept = signatures.filter { nights[$0.id]! > 2 }
        #expect(try index.canonicals() == Self.reference(kept, nights: nights, parameters: parameters))
        // The pruned index goes on: a new night equals clustering what is kept, at once.
        let extra = signer.sign(Self.corpus(stories: 10, seed: 99), workers: 2).map { s -> DocumentSignature in var s = s; s.id = "x-" + s.id; return s }
        for s in extra { nights[s.id] = 5 }
        try index.addNight(attempt: "5", day: "2026-05-05") { add in try add(extra) }
        #expect(try index.canonicals() == Self.reference(kept + extra, nights: nights, parameters: parameters))
    }
}
