import MarkupTree

/// Which HTML parser reads the pages (`streaming` unless comparing against libxml2).
public typealias HTMLFrontEnd = HTMLTree.FrontEnd

/// Limits and thresholds for one article extraction.
public struct ExtractionOptions: Sendable, Equatable {
    /// Pages larger than this are rejected as `too-large` before any parsing.
    public var maxBytes: Int
    /// Wall-clock budget per page; checked between extraction phases.
    public var maxMilliseconds: Int
    /// Fewer words than this in the extracted body means the page holds no article.
    public var minWords: Int
    /// The HTML parser: the streaming one, or libxml2's for comparisons.
    public var frontEnd: HTMLFrontEnd
    /// The thresholds chosen by leave-one-dataset-out cross-validation (defaults: chosen on all four sets).
    public var tuning: StripTuning

    public init(maxBytes: Int = 20_000_000, maxMilliseconds: Int = 5_000, minWords: Int = 15,
                frontEnd: HTMLFrontEnd = .streaming, tuning: StripTuning = .init()) {
        self.maxBytes = maxBytes
        self.maxMilliseconds = maxMilliseconds
        self.minWords = minWords
        self.frontEnd = frontEnd
        self.tuning = tuning
    }
}
