/// The article found on one page: body text plus metadata with where each field came from.
public struct ExtractedArticle: Sendable, Equatable {
    public var url: String?
    public var canonical: String?
    /// Host of the canonical (or page) URL without `www.`.
    public var site: String?
    public var siteName: String?
    public var title: String?
    public var authors: [String]
    /// ISO 8601 date or date-time.
    public var published: String?
    public var modified: String?
    /// BCP 47 primary language tag.
    public var language: String?
    public var description: String?
    /// Paragraphs separated by one blank line.
    public var text: String
    public var words: Int
    /// 0...1: how sure the extractor is that `text` is the article.
    public var confidence: Double
    /// Field name -> source (`og:title`, `json-ld`, `h1`, `html-lang`, `detector` ...).
    public var provenance: [String: String]

    public init(url: String? = nil, canonical: String? = nil, site: String? = nil,
                siteName: String? = nil, title: String? = nil, authors: [String] = [],
                published: String? = nil, modified: String? = nil, language: String? = nil,
                description: String? = nil, text: String, words: Int, confidence: Double,
                provenance: [String: String] = [:]) {
        self.url = url; self.canonical = canonical; self.site = site; self.siteName = siteName
        self.title = title; self.authors = authors; self.published = published
        self.modified = modified; self.language = language; self.description = description
        self.text = text; self.words = words; self.confidence = confidence
        self.provenance = provenance
    }
}
