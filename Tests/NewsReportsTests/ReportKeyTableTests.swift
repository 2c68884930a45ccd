import Foundation
import NewsIO
import NewsRecords
import Testing
@testable import NewsReports

/// `ReportKeyTable` gives what the `[String]` of ids and `[String: Int32]` index it replaced gave,
/// and the cluster records spilled to disk give back the members read.
@Suite struct ReportKeyTableTests {
    /// Slots in order of first insertion, repeats found, unknown keys absent, keys read back.
    @Test func insertsFindsAndReadsBack() {
        var table = ReportKeyTable()
        #expect(table.isEmpty && table.slot(of: "org:x") == nil)
        #expect(table.insert("org:x") == (0, true))
        #expect(table.insert("person:émile-zola") == (1, true))
        #expect(table.insert("") == (2, true))
        #expect(table.insert("org:x") == (0, false))
        #expect(table.insert("") == (2, false))
        #expect(table.count == 3)
        #expect(table.slot(of: "person:émile-zola") == 1 && table.slot(of: "") == 2 && table.slot(of: "org:y") == nil)
        #expect(table[0] == "org:x" && table[1] == "person:émile-zola" && table[2] == "")
        table.fit()
        #expect(table.slot(of: "org:x") == 0 && table[1] == "person:émile-zola")
    }

    /// Many keys (the table grows many times, keys that are prefixes of others, near misses)
    /// agree with a dictionary, and `precedes` is the byte-wise order `reportPrecedes` gives.
    @Test func manyKeysAgreeWithADictionary() {
        var table = ReportKeyTable()
        var index: [String: Int32] = [:]
        var keys: [String] = []
        for n in 0 ..< 50_000 {
            let key = n % 7 == 0 ? "org:\(n / 7)" : n % 7 == 1 ? "org:\(n / 7)x" : n % 7 == 2 ? "person:Ä\(n * 31 % 977)" : "k\(n)"
            let (slot, inserted) = table.insert(key)
            if let existing = index[key] {
                #expect(!inserted && slot == existing)
            } else {
                #expect(inserted && slot == Int32(keys.count))
                index[key] = slot
                keys.append(key)
            }
        }
        #expect(table.count == keys.count)
        for (slot, key) in keys.enumerated() {
            #expect(table[slot] == key)
            #expect(table.slot(of: key) == Int32(slot))
        }
        #expect(table.slot(of: "org:") == nil && table.slot(of: "k50000") == nil && table.slot(of: "org:1xx") == nil)
        let sorted = keys.indices.sorted { table.precedes($0, $1) }.map { keys[$0] }
        #expect(sorted == keys.sorted(by: reportPrecedes))
    }

    /// Appended keys (the entities' names) get a slot each, repeats too, in order; they read back
    /// and compare as inserted keys do, and the table keeps no hash slots for them.
    @Test func appendedKeysGetASlotEach() {
        var appended = ReportKeyTable(), inserted = ReportKeyTable()
        let keys = ["Ford", "Émile Zola", "", "Ford", "Fo"] + (0 ..< 200).map { "name \($0 % 50)" }
        for (slot, key) in keys.enumerated() {
            #expect(appended.append(key) == Int32(slot))
            inserted.insert(key)
        }
        #expect(appended.count == keys.count)
        for (slot, key) in keys.enumerated() {
            #expect(appended[slot] == key)
            #expect(appended.key(slot, is: key))
        }
        #expect(!appended.key(0, is: "Fo") && !appended.key(4, is: "Ford"))
        let sorted = keys.indices.sorted { appended.precedes($0, $1) }.map { keys[$0] }
        #expect(sorted == keys.sorted(by: reportPrecedes))
        #expect(inserted.count == 54)
        // The same distinct keys take less appended than inserted (no hash slots).
        var distinctAppended = ReportKeyTable(), distinctInserted = ReportKeyTable()
        for n in 0 ..< 1_000 { distinctAppended.append("k\(n)"); distinctInserted.insert("k\(n)") }
        #expect(distinctAppended.heldBytes < distinctInserted.heldBytes)
    }

    /// Keys whose hashes collide in a small table (every key lands in a 16-slot table before
    /// it grows, so probes wrap around its end) are all found.
    @Test func collidingKeysAreAllFound() {
        var table = ReportKeyTable()
        let keys = (0 ..< 12).map { String(repeating: "a", count: $0) }
        for key in keys { table.insert(key) }
        for (slot, key) in keys.enumerated() { #expect(table.slot(of: key) == Int32(slot)) }
        #expect(table.slot(of: String(repeating: "a", count: 12)) == nil)
    }

    /// A cluster's members come back from the spill file as its record listed them; a repeated
    /// cluster id keeps the first record.
    @Test func clusterMembersComeBackFromDisk() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keytable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func member(_ id: String, _ site: String?) -> ClusterMember {
            ClusterMember(id: id, source: "pages/\(id).html", url: site.map { "https://\($0)/\(id)" }, site: site,
                          published: "2026-12-01", similarity: 0.9, containment: 0.95)
        }
        let clusters = [
            MirrorCluster(clusterId: "c2", canonicalId: "d1", members: [member("d1", "a.com"), member("d2", "b.com"), member("d3", nil)]),
            MirrorCluster(clusterId: "c1", canonicalId: "d4", members: [member("d4", "a.com"), member("d5", "c.com")]),
            MirrorCluster(clusterId: "c2", canonicalId: "d9", members: [member("d9", "z.com")]),
        ]
        let url = folder.appendingPathComponent("clusters.jsonl")
        try JSONLines.write(clusters, to: url)
        var corpus = ReportCorpus(pairCap: 12, spillFolder: folder)
        try corpus.readClusters(url)
        #expect(corpus.stories.map(\.clusterId) == ["c1", "c2"])
        #expect(try corpus.members(of: corpus.stories[0]) == clusters[1].members)
        #expect(try corpus.members(of: corpus.stories[1]) == clusters[0].members)
        #expect(corpus.stories.map(\.mirrors) == [1, 2] && corpus.stories[1].pagesWithoutSite == 1)
        #expect(corpus.stories[1].sites == ["a.com", "b.com"])
    }
}
