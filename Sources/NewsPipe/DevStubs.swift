// TEMPORARY: stand-ins until the helpers' code lands. Never committed.
import Foundation
public struct ArticleExtractor: Sendable {
    public init(options: ExtractionOptions = .init()) {}
    public static func prepareLibrary() {}
    public func extract(_ bytes: [UInt8], url: String?, contentType: String?) -> Result<ExtractedArticle, ExtractionRejection> {
        if bytes.isEmpty { return .failure(ExtractionRejection(reason: "empty")) }
        let text = String(decoding: bytes, as: UTF8.self)
        return .success(ExtractedArticle(text: text, words: text.split(separator: " ").count, confidence: 0.5))
    }
}
public struct ExtractionOptions: Sendable, Equatable { public var maxBytes = 20_000_000; public var maxMilliseconds = 5000; public var minWords = 15; public init() {} }
public struct ExtractedArticle: Sendable, Equatable {
    public var url, canonical, site, siteName, title: String?; public var authors: [String] = []; public var published, modified, language, description: String?
    public var text: String; public var words: Int; public var confidence: Double; public var provenance: [String: String] = [:]
    init(text: String, words: Int, confidence: Double) { self.text = text; self.words = words; self.confidence = confidence }
}
public struct ExtractionRejection: Error, Sendable, Equatable { public var reason: String; public var detail = "" }
public struct ReportInputs: Sendable { public var documents: [URL] = []
    public init(documents: [URL], clusters: URL?, removed: URL?, mentions: [URL], stages: [StageSummary], manifestHash: String, runStartedAt: Date, runFinishedAt: Date, previousReport: URL?) {}
}
public struct ReportBuilder: Sendable { public init(topEntities: Int) {}; public func build(_ inputs: ReportInputs, into folder: URL) throws -> [String] { try AtomicFile.write("x", to: folder.appendingPathComponent("summary.md")); return ["summary.md"] } }
