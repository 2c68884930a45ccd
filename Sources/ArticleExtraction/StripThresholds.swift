/// The hand-set numbers of the extractor, each with what it is and where it came from.
///
/// "Dev sets" are the four development page sets (scrapinghub, readability, cleanportaleval,
/// cleaneval) and the sample corpus: these values were set by hand looking at them, so they are
/// in-sample choices. The content scorer's own constants follow Mozilla's Readability.js and are
/// named in `StripContentScorer`.
enum StripThresholds {
    /// An `<a>` whose text is at least this many characters and that wraps block elements is an
    /// unclosed anchor the parser stretched over the page, not a link (dev sets).
    static let stretchedAnchorLength = 2000
    /// Author meta values this long or longer are descriptions, not names (dev sets).
    static let maxMetaAuthorLength = 100
    /// A strict extraction shorter than this many characters is retried keeping "unlikely"
    /// elements, as Readability.js retries (its `charThreshold` is 500; 250 on the dev sets).
    static let retryBelowCharacters = 250

    /// Pages with an error headline are error pages when the article has fewer words (dev sets).
    static let errorPageMaxWords = 150
    /// A subscription prompt means a login wall when the article has fewer words (sample
    /// corpus paywall pages and dev sets).
    static let loginWallMaxWords = 120
    /// Short page texts (in characters) searched for a withheld-content prompt.
    static let wallPromptLength = 9 ..< 80
    /// Section fronts are only considered for articles under this many words (dev sets).
    static let sectionFrontMaxWords = 300
    /// Link text lengths (characters) that read as a headline teaser.
    static let teaserLinkLength = 30 ... 160
    /// A "prose paragraph" for the reject evidence: a `<p>` of at least this many characters
    /// (about 35 words, longer than a teaser's summary), under a fifth link text, with a sentence
    /// end. Set a priori from the rule, not tuned.
    static let proseParagraphCharacters = 200, proseParagraphMaxLinkShareDivisor = 5
    /// This many prose paragraphs under one parent make a page an article, never a section front
    /// or "no article" (a priori, not tuned).
    static let proseRunParagraphs = 3
    /// A published date more than this many days before the date in the URL is wrong (a copyright
    /// year, a related story's date): a month of slack for URLs dated when the story was started.
    static let maxDaysBeforeURLDate = 31
    /// A site name beside the headline in `<title>` has at most this many words (a priori, not tuned).
    static let siteNameMaxWords = 6
    /// Datelines are looked for in this many top paragraphs, each at most this many words.
    static let datelineParagraphs = 8, datelineMaxWords = 14

    /// Confidence = base + scorer share + length share (+ bonus for article metadata), clamped
    /// to 0...1: an ordering of extractions, not a calibrated probability (hand-set, dev sets).
    static let confidenceBase = 0.3
    static let confidenceScoreCap = 60.0, confidenceScoreScale = 150.0
    static let confidenceWordCap = 600.0, confidenceWordScale = 3000.0
    static let confidenceArticleBonus = 0.1
}
