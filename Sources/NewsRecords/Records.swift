// Records that flow between stages as JSON Lines.
//
// These types are the contract between stages: the runner and every stage share them, and the
// report reads them. Properties are camelCase in Swift; `JSONLines` writes them as snake_case with
// sorted keys so that the files are stable and easy to read from pandas or jq.

/// One page as the fetch stage stored it: where it came from and where its bytes are.
public struct FetchRecord: Codable, Sendable, Equatable {
    /// The source as the manifest named it: a file path relative to the source folder, or a URL.
    public var source: String
    /// The URL the page claims or was fetched from (`file://` for local pages without one).
    public var url: String?
    /// The URL after redirects, for HTTP sources.
    public var finalUrl: String?
    /// HTTP status, or nil for local files.
    public var status: Int?
    public var contentType: String?
    /// Charset named by the HTTP header (or nil): strip weighs it against the BOM, meta and bytes.
    public var charset: String?
    public var etag: String?
    public var lastModified: String?
    /// Size of the stored body in bytes.
    public var bytes: Int
    /// SHA-256 (hex) of the stored body; the body is at `objects/<hash[0..2]>/<hash>`.
    public var hash: String?
    public var durationMs: Double?
    public var fetchedAt: String?
    /// Why nothing was stored, when nothing was.
    public var error: String?

    public init(source: String, url: String? = nil, finalUrl: String? = nil, status: Int? = nil,
                contentType: String? = nil, charset: String? = nil, etag: String? = nil,
                lastModified: String? = nil, bytes: Int, hash: String?, durationMs: Double? = nil,
                fetchedAt: String? = nil, error: String? = nil) {
        self.source = source; self.url = url; self.finalUrl = finalUrl; self.status = status
        self.contentType = contentType; self.charset = charset; self.etag = etag
        self.lastModified = lastModified; self.bytes = bytes; self.hash = hash
        self.durationMs = durationMs; self.fetchedAt = fetchedAt; self.error = error
    }
}

/// An article as the strip stage extracted it.
public struct ArticleRecord: Codable, Sendable, Equatable {
    /// Content hash (SHA-256 hex of the raw page bytes): stable across runs and machines.
    public var id: String
    /// Where the page came from (the fetch record's `source`).
    public var source: String
    public var url: String?
    public var canonical: String?
    /// Host name of the publishing site (`www.` dropped), or the site name when no URL is known.
    public var site: String?
    public var siteName: String?
    public var title: String?
    public var authors: [String]
    /// ISO 8601 (`2026-04-13` or `2026-04-13T08:00:00Z`).
    public var published: String?
    public var modified: String?
    /// BCP 47 primary language tag (`en`, `de`).
    public var language: String?
    public var description: String?
    /// Article body: paragraphs separated by one blank line.
    public var text: String
    public var words: Int
    /// 0...1: how sure the extractor is that `text` is the article.
    public var confidence: Double
    /// Where each metadata field came from: `["title": "og:title", "published": "json-ld"]`.
    public var provenance: [String: String]

    public init(id: String, source: String, url: String? = nil, canonical: String? = nil,
                site: String? = nil, siteName: String? = nil, title: String? = nil,
                authors: [String] = [], published: String? = nil, modified: String? = nil,
                language: String? = nil, description: String? = nil, text: String, words: Int,
                confidence: Double, provenance: [String: String] = [:]) {
        self.id = id; self.source = source; self.url = url; self.canonical = canonical
        self.site = site; self.siteName = siteName; self.title = title; self.authors = authors
        self.published = published; self.modified = modified; self.language = language
        self.description = description; self.text = text; self.words = words
        self.confidence = confidence; self.provenance = provenance
    }
}

/// One member of a cluster of mirrored copies of one story.
public struct ClusterMember: Codable, Sendable, Equatable {
    public var id: String
    public var source: String
    public var url: String?
    public var site: String?
    public var published: String?
    /// Estimated Jaccard similarity of this member's shingles to the canonical's (1 for itself).
    public var similarity: Double
    /// Share of this member's shingles found in the canonical (catches truncated mirrors).
    public var containment: Double

    public init(id: String, source: String, url: String?, site: String?, published: String?,
                similarity: Double, containment: Double) {
        self.id = id; self.source = source; self.url = url; self.site = site
        self.published = published; self.similarity = similarity; self.containment = containment
    }
}

/// A story carried by more than one page: the canonical copy and its mirrors.
public struct MirrorCluster: Codable, Sendable, Equatable {
    public var clusterId: String
    public var canonicalId: String
    /// Every member, the canonical first, then by id.
    public var members: [ClusterMember]

    public init(clusterId: String, canonicalId: String, members: [ClusterMember]) {
        self.clusterId = clusterId; self.canonicalId = canonicalId; self.members = members
    }
}

/// A page dropped by dedup because it mirrors another one.
public struct RemovedMirror: Codable, Sendable, Equatable {
    public var id: String
    public var source: String
    public var url: String?
    public var site: String?
    public var canonicalId: String
    public var clusterId: String
    /// `exact-duplicate` or `near-duplicate`.
    public var reason: String
    public var similarity: Double
    public var containment: Double

    public init(id: String, source: String, url: String?, site: String?, canonicalId: String,
                clusterId: String, reason: String, similarity: Double, containment: Double) {
        self.id = id; self.source = source; self.url = url; self.site = site
        self.canonicalId = canonicalId; self.clusterId = clusterId; self.reason = reason
        self.similarity = similarity; self.containment = containment
    }
}

/// Kinds of entity mention the entities stage emits.
public enum EntityType: String, Codable, Sendable, CaseIterable, Comparable {
    case person = "PER", organization = "ORG", location = "LOC", miscellaneous = "MISC"
    case ticker = "TICKER", money = "MONEY", percent = "PERCENT", date = "DATE"

    public static func < (a: EntityType, b: EntityType) -> Bool { a.rawValue < b.rawValue }
}

/// Tone of the sentence a mention stands in, towards that mention.
public enum Tone: String, Codable, Sendable, CaseIterable {
    case bullish, bearish, neutral
}

/// One mention of an entity in one article, with offsets into the article's `text`.
///
/// Offsets count Unicode scalars (as Python's `str` indexes), `start` inclusive, `end` exclusive.
public struct EntityMention: Codable, Sendable, Equatable {
    public var documentId: String
    /// Canonical entity id shared by every mention of one entity (`org:alphabet`, `per:sam-altman`,
    /// `money:600000000000-USD`); a ticker mention carries its company's id and sets `ticker`.
    public var entityId: String
    public var canonicalName: String
    public var surface: String
    public var type: EntityType
    public var start: Int
    public var end: Int
    public var sentence: Int
    /// Ticker of the linked company, when known.
    public var ticker: String?
    /// Normalised value: `600000000000 USD` for money, `0.125` for 12.5%, `2026-04-13` for dates.
    public var value: String?
    public var confidence: Double
    public var tone: Tone
    /// The cue phrase that set the tone, if any.
    public var cue: String?
    /// Why a company link was made (`legal-suffix`, `ticker-cue`, `cashtag`, `earlier-mention`,
    /// `unambiguous-name` …), so an analyst can check it; nil for mentions that link to nothing.
    public var evidence: String?
    /// The company's name on the document's date when it differs from `canonicalName` (Google on
    /// a 2008 story whose company is Alphabet today).
    public var nameAtDate: String?
    /// Offsets (Unicode scalars, into the article's `text`) of the sentence the mention stands in.
    public var sentenceStart: Int?
    public var sentenceEnd: Int?

    public init(documentId: String, entityId: String, canonicalName: String, surface: String,
                type: EntityType, start: Int, end: Int, sentence: Int, ticker: String? = nil,
                value: String? = nil, confidence: Double, tone: Tone = .neutral, cue: String? = nil,
                evidence: String? = nil, nameAtDate: String? = nil, sentenceStart: Int? = nil, sentenceEnd: Int? = nil) {
        self.documentId = documentId; self.entityId = entityId; self.canonicalName = canonicalName
        self.surface = surface; self.type = type; self.start = start; self.end = end
        self.sentence = sentence; self.ticker = ticker; self.value = value
        self.confidence = confidence; self.tone = tone; self.cue = cue
        self.evidence = evidence; self.nameAtDate = nameAtDate
        self.sentenceStart = sentenceStart; self.sentenceEnd = sentenceEnd
    }
}

/// A company's tone in one document, from the tone of its mentions there.
public struct CompanyTone: Codable, Sendable, Equatable {
    public var documentId: String
    public var entityId: String
    public var canonicalName: String
    public var ticker: String?
    /// The document-level call: bullish, bearish or neutral.
    public var tone: Tone
    /// 0...1: how sure the tone model is of `tone`.
    public var confidence: Double
    /// Mentions of the company in the document by tone.
    public var bullish: Int
    public var bearish: Int
    public var neutral: Int

    public init(documentId: String, entityId: String, canonicalName: String, ticker: String? = nil, tone: Tone,
                confidence: Double, bullish: Int, bearish: Int, neutral: Int) {
        self.documentId = documentId; self.entityId = entityId; self.canonicalName = canonicalName; self.ticker = ticker
        self.tone = tone; self.confidence = confidence; self.bullish = bullish; self.bearish = bearish; self.neutral = neutral
    }
}

/// A span the statistical NER found, in Unicode-scalar offsets into the text it was given.
public struct NERSpan: Codable, Sendable, Equatable, Hashable {
    public var start: Int
    public var end: Int
    /// `PER`, `ORG`, `LOC` or `MISC`.
    public var label: String
    public var confidence: Double

    public init(start: Int, end: Int, label: String, confidence: Double) {
        self.start = start; self.end = end; self.label = label; self.confidence = confidence
    }
}
