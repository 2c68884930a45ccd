import Foundation
import NewsTestSupport
import Testing
@testable import ArticleExtraction
@testable import MarkupTree
@testable import NewsText

/// Replays every input `scripts/fuzz` ever found crashing (Fixtures/fuzz), plus the generated
/// hostile pages, through the extractor: an article or a rejection, never a crash.
@Suite struct StripFuzzRegressionTests {
    static func inputs() -> [(String, [UInt8])] {
        var inputs: [(String, [UInt8])] = []
        if let folder = Bundle.module.url(forResource: "fuzz", withExtension: nil, subdirectory: "Fixtures"),
           let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) {
            for name in names.sorted() where !name.hasPrefix(".") {
                inputs.append((name, [UInt8](FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) ?? Data())))
            }
        }
        for (name, bytes) in HostilePages.pages() where bytes.count < 5_000_000 { inputs.append((name, bytes)) }
        return inputs.sorted { $0.0 < $1.0 }
    }

    @Test func everyInputGivesAnArticleOrARejection() {
        ArticleExtractor.prepareLibrary()
        let extractor = ArticleExtractor()
        let inputs = Self.inputs()
        #expect(inputs.count >= 10)
        for (name, bytes) in inputs {
            for contentType in [nil, "text/html; charset=windows-1252", "text/html; charset=shift_jis"] {
                switch extractor.extract(bytes, url: "https://fuzz.example/\(name)", contentType: contentType) {
                case let .success(article):
                    #expect(!article.text.unicodeScalars.contains("\u{0}"), "\(name)")
                    #expect(article.words > 0, "\(name)")
                case let .failure(rejection):
                    #expect(!rejection.reason.isEmpty, "\(name)")
                }
            }
        }
    }
}
