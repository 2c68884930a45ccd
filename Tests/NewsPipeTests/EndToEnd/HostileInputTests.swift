import Foundation
import NewsTestSupport
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

/// Pages the web sends that must never stop or crash a run: each is processed or rejected with a
/// reason, and the whole suite stays under 1 GB of memory.
@Suite(.serialized) struct HostileInputTests {
    @Test func everyHostilePageIsProcessedOrRejectedWithAReason() throws {
        let pages = HostilePages.pages()
        let harness = try PipelineHarness(manifest: #"{"shards": 2, "stages": {"fetch": {"maxBytes": 200000000}}}"#, sampleCorpus: false, pages: pages)
        defer { harness.remove() }
        let outcome = try harness.run(["run"])
        #expect(!outcome.killed, "the run crashed: \(outcome.stderr.suffix(2000))")
        #expect(outcome.status == ExitStatus.finishedWithRejects.rawValue, "\(outcome.stderr.suffix(2000))")

        var seen: [String: String] = [:]
        for stage in ["fetch", "strip"] {
            for line in try harness.lines("work/\(stage)/rejects.jsonl") {
                let reject = try JSONLines.makeDecoder().decode(RejectRecord.self, from: Data(line.utf8))
                #expect(!reject.reason.isEmpty)
                seen[(reject.source as NSString).lastPathComponent] = "rejected: \(reject.reason)"
            }
        }
        for file in harness.shardFiles("strip", "documents") {
            for line in try harness.lines("work/strip/\(file)") {
                let article = try JSONLines.makeDecoder().decode(ArticleRecord.self, from: Data(line.utf8))
                seen[(article.source as NSString).lastPathComponent] = "article"
                #expect(!article.text.contains("\u{0}"), "NUL bytes in \(article.source)")
                #expect(!article.text.unicodeScalars.contains { (0xD800 ... 0xDFFF).contains($0.value) })
            }
        }
        #expect(Set(seen.keys) == Set(pages.keys), "unaccounted pages: \(Set(pages.keys).subtracting(seen.keys))")
        #expect(seen["control.html"] == "article")
        #expect(seen["empty.html"]?.hasPrefix("rejected") == true)
        #expect(seen["random-bytes.html"]?.hasPrefix("rejected") == true)

        // Peak memory of the pipeline processes this suite started (the largest child so far).
        // AddressSanitizer's shadow memory and redzones roughly triple a process's footprint, so
        // under `scripts/sanitizers address` the bound scales with it.
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        let underAddressSanitizer = dlsym(dlopen(nil, RTLD_NOW), "__asan_init") != nil
        let limitKB = (underAddressSanitizer ? 3 : 1) * 1024 * 1024
        #expect(usage.ru_maxrss < limitKB, "peak RSS \(usage.ru_maxrss) KB")
    }
}
