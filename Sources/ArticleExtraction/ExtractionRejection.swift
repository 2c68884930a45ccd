/// Why a page yielded no article; `reason` is a short kebab-case code for counting and filtering.
public struct ExtractionRejection: Error, Sendable, Equatable {
    /// One of `empty`, `binary`, `too-large`, `timeout`, `not-html`, `no-article`,
    /// `section-front`, `error-page`, `login-wall`, `parse-failed`.
    public var reason: String
    /// Human-readable specifics (sizes, counts) for the drop log; for rejects decided after the
    /// extraction it ends with the best candidate text's length and first words, so a false
    /// reject can be judged without opening the page.
    public var detail: String
    /// Words of the best article candidate the extractor had when it rejected (nil before one).
    public var candidateWords: Int?
    /// The first words of that candidate.
    public var candidateStart: String?

    public init(reason: String, detail: String = "", candidateWords: Int? = nil, candidateStart: String? = nil) {
        self.reason = reason
        self.detail = detail
        self.candidateWords = candidateWords
        self.candidateStart = candidateStart
    }

    /// The rejection with the candidate appended to `detail`.
    func withCandidate(words: Int, text: String) -> ExtractionRejection {
        var copy = self
        copy.candidateWords = words
        let start = ExtractionRejection.firstWords(text, count: ExtractionRejection.candidateWordsShown)
        copy.candidateStart = start
        copy.detail += (detail.isEmpty ? "" : "; ") + "best candidate \(words) words"
            + (start.isEmpty ? "" : ": \"\(start)\"")
        return copy
    }

    /// Words of the candidate quoted in `detail`.
    static let candidateWordsShown = 12

    static func firstWords(_ text: String, count: Int) -> String {
        var words: [Substring] = []
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            words.append(word)
            if words.count == count { break }
        }
        let joined = words.joined(separator: " ")
        return words.count == count ? joined + " …" : joined
    }
}
