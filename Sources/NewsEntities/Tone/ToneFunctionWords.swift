/// Closed-class English words the feature extractor treats specially. These are general grammar
/// (conjunctions, negators, modal verbs), not sentiment words: what they mean for tone is learned.
public struct ToneFunctionWords: Sendable {
    /// Words that start a new clause ("X gains as Y slips", "X up but Y down").
    public let clauseWords: Set<UInt64>
    /// Punctuation that ends a clause (`;`, `:`, and `,` when the configuration splits at commas).
    public let clausePunct: Set<UInt64>
    /// Negators; each negates the few words after it, up to the end of its clause.
    public let negators: Set<UInt64>
    /// Stems that negate when followed by "to" ("fails to", "unable to").
    public let negatingBeforeTo: Set<UInt64>
    /// Modal verbs and hedges ("may", "could", "likely").
    public let hedges: Set<UInt64>
    public let to: UInt64
    public let possessive: UInt64
    public let percentWords: Set<UInt64>
    public let percentSign: UInt64
    public let plus: UInt64
    public let minus: Set<UInt64>
    public let questionMark: UInt64
    public let spacedDashes: Set<UInt64>

    public init(splitAtComma: Bool) {
        func words(_ w: [String]) -> Set<UInt64> { Set(w.map(ToneTokenizer.wordHash)) }
        clauseWords = words(["as", "while", "but", "whereas", "although", "though", "however", "yet"])
        var p: Set<UInt64> = [ToneTokenizer.punctHash(0x3b), ToneTokenizer.punctHash(0x3a)]
        if splitAtComma { p.insert(ToneTokenizer.punctHash(0x2c)) }
        clausePunct = p
        negators = words(["not", "no", "never", "n't", "without", "nor", "neither", "cannot", "none"])
        negatingBeforeTo = Set(["fail", "unable"].map(ToneTokenizer.wordStemHash))
        hedges = words(["may", "might", "could", "can", "would", "should", "likely", "unlikely", "possibly",
                        "probably", "perhaps", "maybe"])
        to = ToneTokenizer.wordHash("to")
        possessive = ToneTokenizer.wordHash("'s")
        percentWords = words(["percent", "pct"])
        percentSign = ToneTokenizer.punctHash(0x25)
        plus = ToneTokenizer.punctHash(0x2b)
        minus = [ToneTokenizer.punctHash(0x2d), ToneTokenizer.punctHash(0x2212)]
        questionMark = ToneTokenizer.punctHash(0x3f)
        spacedDashes = [ToneTokenizer.punctHash(0x2d), ToneTokenizer.punctHash(0x2013), ToneTokenizer.punctHash(0x2014)]
    }
}
