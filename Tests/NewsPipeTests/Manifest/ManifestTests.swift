import Foundation
import Testing
@testable import NewsPipeCLI
@testable import NewsPipe
@testable import PipelineKit
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords
@testable import ArticleExtraction
@testable import MirrorDedup
@testable import NewsEntities
@testable import NewsFetch
@testable import NewsReports
@testable import NERTraining
@testable import NewsBench

@Suite struct ManifestTests {
    let base = URL(fileURLWithPath: "/srv/news")

    func parse(_ json: String) throws -> Manifest {
        try Manifest.parse(Data(json.utf8), baseFolder: base)
    }

    @Test func emptyObjectGivesDocumentedDefaults() throws {
        let manifest = try parse("{}")
        #expect(manifest.version == 1)
        #expect(manifest.output.path == "/srv/news/output")
        #expect(manifest.workers == 0)
        #expect(manifest.shards == 4)
        #expect(manifest.fetch.sources.count == 1)
        #expect(manifest.fetch.sources[0].path?.path == "/srv/news/corpus")
        #expect(manifest.fetch.sources[0].include == ["**/*.html", "**/*.htm"])
        #expect(manifest.dedup == DedupParameters())
        #expect(manifest.dedup.threshold == 0.5)
        #expect(manifest.dedup.shingleSize == 5)
        #expect(manifest.dedup.permutations == 128)
        #expect(manifest.strip == Manifest.StripSettings())
        #expect(manifest.entities == Manifest.EntitySettings())
        #expect(manifest.report.topEntities == 25)
    }

    @Test func relativePathsResolveAgainstTheManifestFolder() throws {
        let manifest = try parse(#"{"output": "../out", "stages": {"fetch": {"sources": [{"type": "folder", "path": "pages/today"}]}, "entities": {"companyLists": ["lists/mine.csv"]}}}"#)
        #expect(manifest.output.path == "/srv/out")
        #expect(manifest.fetch.sources[0].path?.path == "/srv/news/pages/today")
        #expect(manifest.entities.companyLists.map(\.path) == ["/srv/news/lists/mine.csv"])
    }

    @Test func absolutePathsStay() throws {
        let manifest = try parse(#"{"output": "/var/lib/newspipe"}"#)
        #expect(manifest.output.path == "/var/lib/newspipe")
    }

    @Test func settingsAreRead() throws {
        let manifest = try parse(#"{"workers": 3, "shards": 8, "stages": {"dedup": {"threshold": 0.7, "permutations": 256, "canonical": ["longest"], "preferredSources": ["reuters.com"]}, "strip": {"maxBytes": 1000}}}"#)
        #expect(manifest.workers == 3)
        #expect(manifest.shards == 8)
        #expect(manifest.dedup.threshold == 0.7)
        #expect(manifest.dedup.permutations == 256)
        #expect(manifest.dedup.canonicalOrder == [.longest])
        #expect(manifest.dedup.preferredSources == ["reuters.com"])
        #expect(manifest.strip.maxBytes == 1000)
    }

    static let badManifests: [(json: String, message: String)] = [
        (#"{"stages": {"dedup": {"threshold": "high"}}}"#, #"manifest: stages.dedup.threshold: expected a number from 0 to 1, found "high""#),
        (#"{"stages": {"dedup": {"threshold": 1.5}}}"#, "manifest: stages.dedup.threshold: expected a number from 0 to 1, found 1.5"),
        (#"{"shards": 0}"#, "manifest: shards: expected a whole number from 1 to 4096, found 0"),
        (#"{"workers": 2.5}"#, "manifest: workers: expected a whole number from 0 to 1024, found 2.5"),
        (#"{"output": 7}"#, "manifest: output: expected a string, found 7"),
        (#"{"outptu": "x"}"#, "manifest: outptu: unknown key"),
        (#"{"stages": {"strip": {"maxbytes": 10}}}"#, "manifest: stages.strip.maxbytes: unknown key"),
        (#"{"stages": {"translate": {}}}"#, "manifest: stages.translate: unknown key"),
        (#"{"stages": []}"#, "manifest: stages: expected an object, found an array"),
        (#"{"version": 2}"#, "manifest: version: expected 1, found 2"),
        (#"{"stages": {"fetch": {"sources": [{"type": "ftp", "path": "x"}]}}}"#, #"manifest: stages.fetch.sources[0].type: expected one of "folder", "urls", "feed", "sitemap", "warc", found "ftp""#),
        (#"{"stages": {"fetch": {"sources": [{"type": "feed"}]}}}"#, "manifest: stages.fetch.sources[0].urls: expected at least one URL"),
        (#"{"stages": {"fetch": {"sources": [{"type": "urls", "urls": ["ftp://x/y"]}]}}}"#, #"manifest: stages.fetch.sources[0].urls[0]: expected an http or https URL, found "ftp://x/y""#),
        (#"{"stages": {"fetch": {"http": {"retries": -1}}}}"#, "manifest: stages.fetch.http.retries: expected a whole number from 0 to 100, found -1"),
        (#"{"stages": {"fetch": {"http": {"userAgnet": "x"}}}}"#, "manifest: stages.fetch.http.userAgnet: unknown key"),
        (#"{"stages": {"fetch": {"sources": [{"type": "folder"}]}}}"#, "manifest: stages.fetch.sources[0].path: expected the folder to read pages from"),
        (#"{"stages": {"dedup": {"canonical": ["newest"]}}}"#, #"manifest: stages.dedup.canonical[0]: expected one of "earliest", "preferred", "longest", found "newest""#),
        (#"{"stages": {"dedup": {"bands": 40, "rows": 4}}}"#, "manifest: stages.dedup.bands: expected bands × rows ≤ permutations (128), found 40 × 4"),
        (#"{"stages": {"entities": {"companyLists": "mine.csv"}}}"#, #"manifest: stages.entities.companyLists: expected an array of strings, found "mine.csv""#),
        (#"{"shards": 4,"#, "manifest: not valid JSON"),
        ("[]", "manifest: expected an object, found an array"),
    ]

    @Test(arguments: badManifests)
    func badManifestNamesTheFieldAndWhatIsExpected(_ bad: (json: String, message: String)) {
        do {
            _ = try parse(bad.json)
            Issue.record("accepted \(bad.json)")
        } catch let error as ManifestError {
            #expect(error.exitStatus == .usage)
            let message = error.localizedDescription
            #expect(message.hasPrefix(bad.message), "\(message)")
            #expect(!message.contains("DecodingError"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func unknownKeyListsWhatIsAllowed() throws {
        #expect(throws: ManifestError.self) { try parse(#"{"stages": {"report": {"top": 3}}}"#) }
        do { _ = try parse(#"{"stages": {"report": {"top": 3}}}"#) } catch {
            #expect(error.localizedDescription.contains(#"allowed here: "topEntities""#))
        }
    }

    @Test func problemsNameMissingInputs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try Manifest.parse(Data(#"{"stages": {"entities": {"toneLexicon": "tone.tsv"}}}"#.utf8), baseFolder: folder)
        let problems = manifest.problems()
        #expect(problems.count == 2)
        #expect(problems[0].hasPrefix("stages.fetch.sources[0].path: expected an existing folder"))
        #expect(problems[1].hasPrefix("stages.entities.toneLexicon: expected a readable file"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("corpus"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: folder.appendingPathComponent("tone.tsv"))
        #expect(manifest.problems().isEmpty)
    }

    @Test func fingerprintsChangeOnlyForTheStageWhoseSettingsChanged() throws {
        let a = try parse("{}")
        let b = try parse(#"{"stages": {"dedup": {"threshold": 0.6}}}"#)
        #expect(a.fingerprint(of: .dedup) != b.fingerprint(of: .dedup))
        #expect(a.fingerprint(of: .strip) == b.fingerprint(of: .strip))
        #expect(a.fingerprint(of: .report) == b.fingerprint(of: .report))
    }

    @Test func resolvedJSONRoundTripsThroughTheReader() throws {
        let manifest = try parse(#"{"shards": 2, "stages": {"dedup": {"threshold": 0.6}}}"#)
        let printed = try manifest.resolvedJSON()
        #expect(printed.contains(#""threshold" : 0.6"#))
        let reread = try Manifest.parse(Data(printed.utf8), baseFolder: base)
        #expect(reread == manifest)
    }
}
