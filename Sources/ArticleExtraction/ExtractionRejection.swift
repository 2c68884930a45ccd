/// Why a page yielded no article; `reason` is a short kebab-case code for counting and filtering.
public struct ExtractionRejection: Error, Sendable, Equatable {
    /// One of `empty`, `binary`, `too-large`, `timeout`, `not-html`, `no-article`,
    /// `section-front`, `error-page`, `login-wall`, `parse-failed`.
    public var reason: String
    /// Human-readable specifics (sizes, counts) for the drop log.
    public var detail: String

    public init(reason: String, detail: String = "") {
        self.reason = reason
        self.detail = detail
    }
}
