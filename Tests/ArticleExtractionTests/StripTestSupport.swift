import Foundation
@testable import ArticleExtraction
@testable import MarkupTree
@testable import NewsText

/// Loads `Fixtures/strip/<name>` from the test bundle.
func stripFixture(_ name: String) throws -> [UInt8] {
    guard let base = Bundle.module.resourceURL else {
        throw StripTestFailure(message: "test bundle has no resources")
    }
    let url = base.appendingPathComponent("Fixtures/strip/" + name)
    return [UInt8](try Data(contentsOf: url))
}

/// Extracts a fixture and fails the test on rejection.
func stripArticle(_ name: String, url: String? = nil, contentType: String? = nil,
                  options: ExtractionOptions = .init()) throws -> ExtractedArticle {
    ArticleExtractor.prepareLibrary()
    let result = ArticleExtractor(options: options).extract(try stripFixture(name), url: url,
                                                            contentType: contentType)
    switch result {
    case .success(let article):
        return article
    case .failure(let rejection):
        throw StripTestFailure(message: "\(name) rejected: \(rejection.reason) \(rejection.detail)")
    }
}

/// Rejection reason for bytes, or nil when an article came out.
func stripRejection(_ bytes: [UInt8], contentType: String? = nil,
                    options: ExtractionOptions = .init()) -> ExtractionRejection? {
    ArticleExtractor.prepareLibrary()
    if case .failure(let rejection) = ArticleExtractor(options: options)
        .extract(bytes, url: nil, contentType: contentType) {
        return rejection
    }
    return nil
}

struct StripTestFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
