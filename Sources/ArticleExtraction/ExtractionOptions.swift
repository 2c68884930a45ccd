/// Limits and thresholds for one article extraction.
public struct ExtractionOptions: Sendable, Equatable {
    /// Pages larger than this are rejected as `too-large` before any parsing.
    public var maxBytes: Int
    /// Wall-clock budget per page; checked between extraction phases.
    public var maxMilliseconds: Int
    /// Fewer words than this in the extracted body means the page holds no article.
    public var minWords: Int

    public init(maxBytes: Int = 20_000_000, maxMilliseconds: Int = 5_000, minWords: Int = 15) {
        self.maxBytes = maxBytes
        self.maxMilliseconds = maxMilliseconds
        self.minWords = minWords
    }
}
