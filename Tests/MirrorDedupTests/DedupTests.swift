import Foundation
import Testing
@testable import MirrorDedup
@testable import NewsIO
@testable import NewsRecords

private typealias F = DedupFixtures

/// Signs and clusters documents with default parameters (plus `configure`).
private func dedupRun(_ docs: [DedupDocument], _ configure: (inout DedupParameters) -> Void = { _ in }) -> DedupResult {
    var parameters = DedupParameters()
    configure(&parameters)
    let signer = MinHashSigner(parameters: parameters)
    return MirrorClusterer.cluster(docs.map(signer.sign), parameters: parameters)
}

/// Clusters as sorted sets of ids, for comparisons.
private func dedupGroups(_ result: DedupResult) -> Set<[String]> {
    Set(result.clusters.map { $0.members.map(\.id).sorted() })
}

/// The unrelated and hard-negative stories every mirror test runs alongside.
private func dedupDistractors() -> [DedupDocument] {
    [F.doc("earnings", F.earnings), F.doc("retold", F.tramRetold), F.doc("libraries", F.libraries)]
}

@Suite("Dedup: text normalisation")
struct DedupTextTests {
    @Test func exactHashFoldsTypographyCaseAndWhiteSpace() {
        let a = DedupText.digest("The mayor said: \"It's done\" - finally.\n\nNext   paragraph.")
        let b = DedupText.digest("THE MAYOR SAID: \u{201C}It\u{2019}s done\u{201D} \u{2014} finally.\u{00A0}Next paragraph.")
        #expect(a.exactHash == b.exactHash)
        #expect(a.tokens == b.tokens)
        let c = DedupText.digest("The mayor says: \"It's done\" - finally. Next paragraph.")
        #expect(a.exactHash != c.exactHash)
    }

    @Test func compatibilityFormsFoldLikeNFKC() {
        // Full-width letters, a ligature and an upper-case accented letter need Foundation's NFKC.
        let a = DedupText.digest("\u{FF28}arbor o\u{FB03}ce \u{00C9}LAN")
        let b = DedupText.digest("harbor office élan")
        #expect(a.tokens == b.tokens)
        #expect(a.exactHash == b.exactHash)
    }

    @Test func tokensArePunctuationFreeWords() {
        let digest = DedupText.digest("U.S. stocks - up 2.5%; \"great\"")
        let words = DedupText.digest("u s stocks up 2 5 great")
        #expect(digest.tokens == words.tokens)
        #expect(digest.exactHash != words.exactHash)
    }

    @Test func fastPathAgreesWithFoundationNFKCForEveryScalar() {
        // Latin, Greek, Cyrillic, Indic, letter-like symbols, kana, Han, Cherokee, Hangul, ligatures,
        // full-width forms, mathematical letters.
        let ranges: [ClosedRange<UInt32>] = [0x80 ... 0x24FF, 0x2C00 ... 0x2E7F, 0x3000 ... 0x30FF, 0x4E00 ... 0x4F00, 0xA640 ... 0xA7FF,
                                             0xAB70 ... 0xABBF, 0xAC00 ... 0xAD00, 0xFB00 ... 0xFB4F, 0xFF00 ... 0xFFEF, 0x1D400 ... 0x1D4FF]
        var checked = 0
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let text = "Ab" + String(Character(scalar)) + "cd x" + String(Character(scalar)) + " EF"
                let fast = DedupText.digest(text), reference = DedupText.digestNormalisingFirst(text)
                if fast.tokens != reference.tokens || fast.exactHash != reference.exactHash {
                    Issue.record("U+\(String(value, radix: 16, uppercase: true)) folds differently")
                }
                checked += 1
            }
        }
        #expect(checked > 10_000)
    }

    @Test func capitalsOfOtherScriptsFoldWithoutFoundation() {
        #expect(DedupText.digest("ÜBER ÄRGER Élan ΑΘΗΝΑ МОСКВА").tokens == DedupText.digest("über ärger élan αθηνα москва").tokens)
    }

    @Test func hanAndKanaAreOneTokenPerCharacter() {
        #expect(DedupText.digest("東京都の知事").tokens.count == 6)
        #expect(DedupText.digest("東京都の知事").tokens == DedupText.digest("東京 都の 知事").tokens)
    }

    @Test func softHyphensAndZeroWidthCharactersVanish() {
        let a = DedupText.digest("trans\u{00AD}port zero\u{200B}width")
        let b = DedupText.digest("transport zerowidth")
        #expect(a.tokens == b.tokens)
    }
}

@Suite("Dedup: mirrors are found")
struct DedupMirrorTests {
    static let perturbations: [(String, @Sendable (String) -> String)] = [
        ("byline added", F.bylineAdded),
        ("end cut with read-more", { F.truncatedWithReadMore($0) }),
        ("ads inserted", F.adsInserted),
        ("quotes and dashes changed", F.typographyChanged),
        ("headline re-cased and repeated", { F.headlineRecasedAndRepeated($0, headline: F.tramHeadline) }),
        ("back link", F.backLinkAdded),
        ("small edits said/says", F.smallEdits),
        ("paragraphs merged", F.paragraphsMerged),
        ("paragraphs split", F.paragraphsSplit),
    ]

    @Test(arguments: 0 ..< perturbations.count)
    func mirrorJoinsItsOriginalAndNothingElse(_ which: Int) {
        let (name, perturb) = Self.perturbations[which]
        let mirrorText = perturb(F.tram)
        #expect(mirrorText != F.tram, "\(name) must change the text")
        let docs = [F.doc("original", F.tram), F.doc("mirror", mirrorText)] + dedupDistractors()
        let result = dedupRun(docs)
        #expect(dedupGroups(result) == [["mirror", "original"]], "\(name)")
        // Without dates the longer copy stays (ties: the smaller id).
        let (o, m) = (docs[0], docs[1])
        let expectedCanonical = o.words != m.words ? (o.words > m.words ? o.id : m.id) : nil
        if let expectedCanonical { #expect(result.clusters.first?.canonicalId == expectedCanonical, "\(name)") }
        let canonical = result.clusters.first?.canonicalId ?? "?"
        #expect(result.canonicalIds == [canonical, "earnings", "retold", "libraries"], "\(name)")
        #expect(result.removed.map(\.id) == [canonical == "original" ? "mirror" : "original"])
        // Typography and paragraph breaks fold away in the normalised text: those copies are exact.
        let exact: Set<String> = ["quotes and dashes changed", "paragraphs merged", "paragraphs split"]
        #expect(result.removed.first?.reason == (exact.contains(name) ? "exact-duplicate" : "near-duplicate"), "\(name)")
    }

    @Test func allMirrorsFormOneClusterWithTheEarliestAsCanonical() {
        var docs = [F.doc("original", F.tram, published: "2026-03-03T18:05:00Z")]
        for (i, (_, perturb)) in Self.perturbations.enumerated() {
            docs.append(F.doc("mirror-\(i)", perturb(F.tram), published: "2026-03-0\(4 + i % 5)"))
        }
        docs += dedupDistractors()
        let result = dedupRun(docs)
        #expect(result.clusters.count == 1)
        let cluster = result.clusters[0]
        #expect(cluster.canonicalId == "original")
        #expect(cluster.members.count == Self.perturbations.count + 1)
        #expect(cluster.members.first?.id == "original")
        let rest = cluster.members.dropFirst().map(\.id)
        #expect(rest == rest.sorted())
        #expect(result.removed.count == Self.perturbations.count)
        #expect(result.removed.allSatisfy { $0.canonicalId == "original" && $0.clusterId == cluster.clusterId })
        #expect(result.canonicalIds == ["original", "earnings", "retold", "libraries"])
    }

    @Test func truncatedMirrorIsCaughtByContainmentNotJaccard() {
        // Half the story: Jaccard ~0.5 or below, but nearly every shingle is in the original.
        let half = F.truncatedWithReadMore(F.tram, keep: 0.45)
        let signer = MinHashSigner(parameters: DedupParameters())
        let a = signer.sign(F.doc("original", F.tram)), b = signer.sign(F.doc("half", half))
        let check = DedupPairCheck(threshold: 0.5, containment: 0.8, permutations: 128)
        let match = check.compare(b, a)
        #expect(match.containmentOfFirst >= 0.8)
        #expect(match.jaccard < 0.6)
        let result = dedupRun([F.doc("original", F.tram), F.doc("half", half)] + dedupDistractors()) {
            $0.threshold = 0.9 // only containment can join them now
        }
        #expect(dedupGroups(result) == [["half", "original"]])
        let member = result.clusters[0].members.first { $0.id == "half" }!
        #expect(member.containment >= 0.8)
        #expect(result.clusters[0].canonicalId == "original") // longest wins without dates
    }

    @Test func exactDuplicateIsReportedAsSuch() {
        let copy = F.tram.uppercased().replacingOccurrences(of: "\n\n", with: "\n   \n")
        let result = dedupRun([F.doc("a", F.tram), F.doc("b", copy), F.doc("earnings", F.earnings)])
        #expect(dedupGroups(result) == [["a", "b"]])
        #expect(result.removed.count == 1)
        #expect(result.removed[0].reason == "exact-duplicate")
        #expect(result.removed[0].similarity == 1 && result.removed[0].containment == 1)
        #expect(result.statistics.exactDuplicates == 1)
    }

    @Test func shortTextsMatchOnlyExactly() {
        let short1 = "Quay Street closed on Sunday for the marathon."
        let short2 = "Quay Street closed on Sunday for the harbour festival."
        let result = dedupRun([F.doc("s1", short1), F.doc("s2", short2), F.doc("s3", short1.uppercased())])
        #expect(dedupGroups(result) == [["s1", "s3"]])
    }

    @Test func emptyTextsAreNeverDuplicates() {
        let result = dedupRun([F.doc("e1", ""), F.doc("e2", "  \n "), F.doc("e3", "—")])
        #expect(result.clusters.isEmpty)
        #expect(result.canonicalIds == ["e1", "e2", "e3"])
    }
}

@Suite("Dedup: hard negatives stay apart")
struct DedupHardNegativeTests {
    @Test func sameStoryRetoldByAnotherOutletIsNotAMirror() {
        let result = dedupRun([F.doc("original", F.tram), F.doc("retold", F.tramRetold)])
        #expect(result.clusters.isEmpty)
    }

    @Test func differentStoriesSharingEntitiesAreNotMirrors() {
        let result = dedupRun([F.doc("tram", F.tram), F.doc("libraries", F.libraries)])
        #expect(result.clusters.isEmpty)
    }

    @Test func sameSiteTemplateWithDifferentStoriesIsNotAMirror() {
        let docs = [F.doc("ferry", F.withBoilerplate(F.ferry)), F.doc("marathon", F.withBoilerplate(F.marathon)),
                    F.doc("tram", F.withBoilerplate(F.tram)), F.doc("libraries", F.withBoilerplate(F.libraries))]
        let result = dedupRun(docs)
        #expect(result.clusters.isEmpty)
        // ... while the same story on two such pages is still found.
        let again = dedupRun(docs + [F.doc("ferry-copy", F.withBoilerplate(F.adsInserted(F.ferry)))])
        #expect(dedupGroups(again) == [["ferry", "ferry-copy"]])
    }

    @Test func uncheckedBucketsDoNotChainClusters() {
        // One band per permutation row of 1: every shared MinHash value makes a candidate, so
        // only the check keeps unrelated stories apart.
        let docs = [F.doc("tram", F.tram), F.doc("tram-ads", F.adsInserted(F.tram)),
                    F.doc("earnings", F.earnings), F.doc("earnings-cut", F.truncatedWithReadMore(F.earnings)),
                    F.doc("retold", F.tramRetold), F.doc("libraries", F.libraries),
                    F.doc("ferry", F.withBoilerplate(F.ferry)), F.doc("marathon", F.withBoilerplate(F.marathon))]
        let result = dedupRun(docs) { $0.bands = 128; $0.rows = 1 }
        #expect(dedupGroups(result) == [["tram", "tram-ads"], ["earnings", "earnings-cut"]])
        #expect(result.statistics.candidatePairs > result.statistics.acceptedPairs)
    }
}

@Suite("Dedup: large buckets")
struct DedupBucketTests {
    @Test func thousandsOfGeneratedCopiesFormOneCluster() {
        // Generated pages that differ in one figure: one LSH bucket far above the pair window.
        // (Signed once and re-labelled: the debug build signs slowly.)
        let parameters = DedupParameters()
        let template = MinHashSigner(parameters: parameters).sign(F.doc("gen", F.tram))
        let signatures = (0 ..< 1_300).map { i in
            var s = template
            s.id = String(format: "gen%05d", i)
            s.exactHash = UInt64(i + 1)
            s.minHashes[i % 128] = UInt32(i) // near, not exact, duplicates
            return s
        }
        var shuffled = signatures
        var rng = DedupTestRandom(seed: 7)
        shuffled.shuffle(using: &rng)
        let result = MirrorClusterer.cluster(shuffled, parameters: parameters)
        #expect(result.clusters.count == 1)
        #expect(result.clusters.first?.members.count == 1_300)
        #expect(result.clusters.first?.canonicalId == "gen00000")
        #expect(result.canonicalIds == ["gen00000"])
    }
}

@Suite("Dedup: canonical choice and determinism")
struct DedupCanonicalTests {
    private func cluster(_ parameters: (inout DedupParameters) -> Void) -> MirrorCluster? {
        let docs = [
            F.doc("a-late-long", F.adsInserted(F.tram), site: "wire.example", published: "2026-03-04T09:00:00+02:00"),
            F.doc("b-early-short", F.truncatedWithReadMore(F.tram), site: "mirror.example", published: "2026-03-04T06:30:00Z"),
            F.doc("c-preferred", F.bylineAdded(F.tram), site: "gazette.example", published: "2026-03-05"),
        ]
        return dedupRun(docs, parameters).clusters.first
    }

    @Test func earliestPublishedWinsComparingTimeZones() {
        // 09:00+02:00 is 07:00Z, after 06:30Z.
        #expect(cluster { _ in }?.canonicalId == "b-early-short")
    }

    @Test func preferredSourceWinsWhenFirstInOrder() {
        let c = cluster { $0.canonicalOrder = [.preferred, .earliest, .longest]; $0.preferredSources = ["gazette.example"] }
        #expect(c?.canonicalId == "c-preferred")
        #expect(c?.members.first?.id == "c-preferred")
    }

    @Test func longestWinsWhenFirstInOrder() {
        #expect(cluster { $0.canonicalOrder = [.longest] }?.canonicalId == "a-late-long")
    }

    @Test func tiesGoToTheSmallestId() {
        let docs = [F.doc("zeta", F.tram), F.doc("alpha", F.tram), F.doc("mid", F.tram)]
        let result = dedupRun(docs)
        #expect(result.clusters.first?.canonicalId == "alpha")
        #expect(result.clusters.first?.members.map(\.id) == ["alpha", "mid", "zeta"])
    }

    @Test func shuffledInputGivesTheSameResult() {
        var docs: [DedupDocument] = []
        for (i, (_, perturb)) in DedupMirrorTests.perturbations.enumerated() {
            docs.append(F.doc("tram-\(i)", perturb(F.tram), published: i % 3 == 0 ? nil : "2026-03-0\(1 + i % 4)"))
            docs.append(F.doc("earn-\(i)", perturb(F.earnings), published: "2026-02-1\(i % 5)"))
        }
        docs += [F.doc("retold", F.tramRetold), F.doc("libraries", F.libraries), F.doc("ferry", F.ferry),
                 F.doc("dup-ferry", F.ferry)]
        let parameters = DedupParameters()
        let signatures = docs.map(MinHashSigner(parameters: parameters).sign)
        let reference = MirrorClusterer.cluster(signatures, parameters: parameters)
        #expect(reference.clusters.count == 3)
        var rng = DedupTestRandom(seed: 42)
        for _ in 0 ..< 5 {
            let shuffled = signatures.shuffled(using: &rng)
            let result = MirrorClusterer.cluster(shuffled, parameters: parameters)
            #expect(result.clusters == reference.clusters)
            #expect(result.removed == reference.removed)
            #expect(result.canonicalIds == reference.canonicalIds)
        }
    }

    @Test func clusterIdIsDerivedFromTheCanonical() {
        let first = dedupRun([F.doc("x1", F.tram, published: "2026-03-01"), F.doc("x2", F.bylineAdded(F.tram), published: "2026-03-02")])
        let second = dedupRun([F.doc("x1", F.tram, published: "2026-03-01"), F.doc("x2", F.bylineAdded(F.tram), published: "2026-03-02"),
                               F.doc("x3", F.adsInserted(F.tram))])
        #expect(first.clusters[0].canonicalId == "x1" && second.clusters[0].canonicalId == "x1")
        #expect(first.clusters[0].clusterId == second.clusters[0].clusterId)
        let other = dedupRun([F.doc("y1", F.tram), F.doc("y2", F.bylineAdded(F.tram))])
        #expect(other.clusters[0].clusterId != first.clusters[0].clusterId)
    }

    @Test func isoDatesParse() {
        #expect(DedupDate.epochSeconds("1970-01-02") == 86_400)
        #expect(DedupDate.epochSeconds("1970-01-01T01:00:00+01:00") == 0)
        #expect(DedupDate.epochSeconds("2026-04-13T08:00:00.250Z")! < DedupDate.epochSeconds("2026-04-13T08:00:01Z")!)
        #expect(DedupDate.epochSeconds("April 13") == nil)
        #expect(DedupDate.epochSeconds(nil) == nil)
    }
}

@Suite("Dedup: signature index across nights")
struct DedupIndexTests {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dedup-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func saveAndLoadRoundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let parameters = DedupParameters()
        let signer = MinHashSigner(parameters: parameters)
        var index = SignatureIndex(parameters: parameters)
        index.add(signer.sign(DedupDocument(id: "t", source: "s/t.html", url: "https://gazette.example/t",
                                            site: "gazette.example", published: "2026-03-03", text: F.tram)))
        index.add(signer.sign(F.doc("e", F.earnings)))
        index.add(signer.sign(F.doc("empty", "")))
        index.add(signer.sign(F.doc("e", F.earnings))) // same id: replaced, not duplicated
        let file = folder.appendingPathComponent("dedup/signatures.bin")
        try index.save(to: file)
        let loaded = try SignatureIndex.load(from: file, parameters: parameters)
        #expect(loaded.count == 3)
        #expect(loaded.signatures == index.signatures)
        #expect(loaded.contains(id: "t") && loaded.contains(id: "empty") && !loaded.contains(id: "x"))
        #expect(loaded.parameters == parameters)
        // Compact: no text, about 4 bytes per MinHash value plus the ids.
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int
        #expect(size < 3 * (128 * 4 + 120) + 1024)
    }

    @Test func mismatchedSigningParametersAreDetected() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("signatures.bin")
        var index = SignatureIndex(parameters: DedupParameters())
        index.add(MinHashSigner(parameters: DedupParameters()).sign(F.doc("t", F.tram)))
        try index.save(to: file)
        var other = DedupParameters(); other.shingleSize = 4
        #expect(throws: FileError.self) { try SignatureIndex.load(from: file, parameters: other) }
        // Clustering parameters may change freely.
        var looser = DedupParameters(); looser.threshold = 0.6; looser.containment = 0.9
        #expect(try SignatureIndex.load(from: file, parameters: looser).count == 1)
    }

    @Test func corruptIndexIsReported() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("signatures.bin")
        var index = SignatureIndex(parameters: DedupParameters())
        index.add(MinHashSigner(parameters: DedupParameters()).sign(F.doc("t", F.tram)))
        try index.save(to: file)
        var bytes = try Data(contentsOf: file)
        bytes.removeLast(10)
        try bytes.write(to: file)
        #expect(throws: FileError.self) { try SignatureIndex.load(from: file) }
        try Data("not an index".utf8).write(to: file)
        #expect(throws: FileError.self) { try SignatureIndex.load(from: file) }
    }

    @Test func mirrorArrivingANightLaterIsFound() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("signatures.bin")
        let parameters = DedupParameters()
        let signer = MinHashSigner(parameters: parameters)

        // Night 1: three stories, no mirrors; the index is saved.
        var night1 = try SignatureIndex.loadIfPresent(from: file, parameters: parameters)
        #expect(night1.count == 0)
        let firstNight = [F.doc("tram", F.tram, published: "2026-03-03"), F.doc("earnings", F.earnings),
                          F.doc("libraries", F.libraries)]
        let signed1 = firstNight.filter { !night1.contains(id: $0.id) }.map(signer.sign)
        let result1 = MirrorClusterer.cluster(new: signed1, index: night1, parameters: parameters)
        #expect(result1.clusters.isEmpty)
        night1.add(contentsOf: signed1)
        try night1.save(to: file)

        // Night 2: a truncated mirror of the tram story, a new story, and a page seen yesterday.
        var night2 = try SignatureIndex.loadIfPresent(from: file, parameters: parameters)
        #expect(night2.count == 3)
        let secondNight = [F.doc("tram-mirror", F.truncatedWithReadMore(F.bylineAdded(F.tram)), published: "2026-03-04"),
                           F.doc("marathon", F.marathon), F.doc("earnings", F.earnings)]
        let toSign = secondNight.filter { !night2.contains(id: $0.id) }
        #expect(toSign.map(\.id) == ["tram-mirror", "marathon"]) // yesterday's page is not re-signed
        let signed2 = toSign.map(signer.sign)
        let result2 = MirrorClusterer.cluster(new: signed2, index: night2, parameters: parameters)
        #expect(dedupGroups(result2) == [["tram", "tram-mirror"]])
        #expect(result2.clusters[0].canonicalId == "tram")
        #expect(result2.removed.map(\.id) == ["tram-mirror"])
        #expect(result2.canonicalIds == ["marathon"])
        night2.add(contentsOf: signed2)
        try night2.save(to: file)
        #expect(try SignatureIndex.load(from: file).count == 5)

        // Night 3: an earlier-dated copy arrives; yesterday's canonical is already published and stays.
        let night3 = try SignatureIndex.load(from: file, parameters: parameters)
        let early = signer.sign(F.doc("tram-early", F.adsInserted(F.tram), published: "2026-03-01"))
        let result3 = MirrorClusterer.cluster(new: [early], index: night3, parameters: parameters)
        #expect(dedupGroups(result3) == [["tram", "tram-early", "tram-mirror"]])
        #expect(result3.clusters[0].canonicalId == "tram")
        #expect(result3.removed.map(\.id) == ["tram-early"])
        #expect(result3.canonicalIds.isEmpty)
        // Clustered from scratch, the earliest copy would win.
        let fresh = MirrorClusterer.cluster(night3.signatures + [early], parameters: parameters)
        #expect(fresh.clusters.first?.canonicalId == "tram-early")
    }

    @Test func shardsSignIndependently() {
        // Signing is a pure function: shard-parallel signing equals serial signing.
        let parameters = DedupParameters()
        let signer = MinHashSigner(parameters: parameters)
        let docs = [F.doc("a", F.tram), F.doc("b", F.earnings), F.doc("c", F.libraries), F.doc("d", F.ferry)]
        #expect(signer.sign(docs, workers: 3) == docs.map(signer.sign))
        #expect(MinHashSigner(parameters: parameters).sign(docs[0]) == signer.sign(docs[0]))
        var seeded = parameters; seeded.seed = 2
        #expect(MinHashSigner(parameters: seeded).sign(docs[0]).minHashes != signer.sign(docs[0]).minHashes)
    }
}

@Suite("Dedup: parameters")
struct DedupParameterTests {
    @Test func bandingFitsThePermutationsAndFindsPairsAtTheThreshold() {
        let p = DedupParameters()
        let (b, r) = p.banding
        #expect(b * r <= p.permutations)
        func collision(_ s: Double) -> Double { 1 - pow(1 - pow(s, Double(r)), Double(b)) }
        #expect(collision(p.threshold) > 0.95)
        #expect(collision(0.05) < 0.01)
        var fixed = p; fixed.bands = 16; fixed.rows = 8
        #expect(fixed.banding == (16, 8))
    }

    @Test func decodingFillsDefaultsAndValidationCatchesMistakes() throws {
        let decoded = try JSONLines.makeDecoder().decode(DedupParameters.self, from: Data(#"{"threshold": 0.6}"#.utf8))
        var expected = DedupParameters(); expected.threshold = 0.6
        #expect(decoded == expected)
        #expect(DedupParameters().validationErrors().isEmpty)
        var bad = DedupParameters(); bad.bands = 20; bad.rows = 10
        #expect(bad.validationErrors().count == 1)
        // An unknown canonical rule cannot be expressed; decoding one is refused.
        #expect(throws: DecodingError.self) {
            try JSONLines.makeDecoder().decode(DedupParameters.self, from: Data(#"{"canonical_order": ["newest"]}"#.utf8))
        }
    }
}

/// A seeded generator so shuffles are reproducible.
struct DedupTestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

@Suite("Dedup: MinHash estimates")
struct DedupEstimateTests {
    @Test func jaccardEstimateIsUnbiasedWithBinomialSpread() {
        // Across seeds, the estimate of each pair's Jaccard similarity must centre on the exact
        // value with the spread of 128 independent permutations, sqrt(J(1-J)/128).
        let texts = [F.tram, F.truncatedWithReadMore(F.tram, keep: 0.6), F.smallEdits(F.adsInserted(F.tram)),
                     F.earnings, F.truncatedWithReadMore(F.earnings, keep: 0.5), F.paragraphsSplit(F.smallEdits(F.earnings)),
                     F.withBoilerplate(F.ferry), F.withBoilerplate(F.marathon)]
        let sets = texts.map { Set(MinHashSigner.shingleHashes(DedupText.digest($0).tokens, size: 5)) }
        var bias = 0.0, squared = 0.0, expected = 0.0, count = 0
        for seed in UInt64(1) ... 40 {
            var p = DedupParameters(); p.seed = seed
            let signer = MinHashSigner(parameters: p)
            let signatures = texts.map { signer.sign(DedupDocument(id: "x", source: "x", text: $0)) }
            for (a, b) in [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5), (6, 7), (0, 3)] {
                let exact = Double(sets[a].intersection(sets[b]).count) / Double(sets[a].union(sets[b]).count)
                let equal = zip(signatures[a].minHashes, signatures[b].minHashes).filter { $0 == $1 }.count
                let estimate = Double(equal) / 128
                bias += estimate - exact; squared += (estimate - exact) * (estimate - exact)
                expected += exact * (1 - exact) / 128; count += 1
            }
        }
        let n = Double(count)
        #expect(abs(bias / n) < 0.01)
        #expect((squared / n).squareRoot() < 1.3 * (expected / n).squareRoot())
        #expect((squared / n).squareRoot() > 0.7 * (expected / n).squareRoot())
    }
}
