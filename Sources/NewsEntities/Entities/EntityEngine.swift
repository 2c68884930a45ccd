import Foundation
import NewsRecords
import NewsText

/// Tokenizer, model, gazetteer and lexicon together: what the stage and `newspipe ner` share.
public struct EntityEngine: Sendable {
    public let model: NERModel
    public let annotator: EntityAnnotator
    public let maxCharacters: Int

    /// What the engine is built from: the shipped resources unless a file is named.
    public struct Settings: Sendable, Equatable {
        /// A model trained with `newspipe ner train`; nil uses the shipped model.
        public var model: URL?
        /// User company lists (CSV, TSV or JSON) added to the shipped gazetteer.
        public var companyLists: [URL]
        /// A tone lexicon replacing the shipped one (its cue phrases explain the model's tone).
        public var toneLexicon: URL?
        /// A tone model (`newspipe tone train`) replacing the shipped `tone/model.bin`; when set, it gives the tone.
        public var toneModel: URL?
        /// Tone from the lexicon's cues directed at the company instead of the shipped tone model.
        /// The lexicon is the default. With the model, company tone is `CompanyToneRule.shipped` over the
        /// mentions' probabilities; grouped CV on the development labels (tonedev) chose a margin that
        /// never calls a company non-neutral (held-out accuracy 0.744 = all-neutral; lexicon 0.748), and
        /// on the held-out business-news gold set model+margin is 0.752 (= all-neutral) against 0.748 for
        /// the lexicon: no company tone at all, and on the seed article the model calls "shift from
        /// Microsoft to Amazon" bullish for Microsoft and misses "bearish for Microsoft", where the
        /// lexicon gets both. Figures and commands: Resources/tone/NOTICE.
        public var lexiconTone: Bool
        /// Longer texts are read up to this many characters (cut at a space).
        public var maxCharacters: Int

        public init(model: URL? = nil, companyLists: [URL] = [], toneLexicon: URL? = nil, toneModel: URL? = nil,
                    lexiconTone: Bool = Self.lexiconToneByDefault, maxCharacters: Int = 300_000) {
            self.model = model; self.companyLists = companyLists; self.toneLexicon = toneLexicon; self.toneModel = toneModel
            self.lexiconTone = lexiconTone
            self.maxCharacters = maxCharacters
        }

        /// Whether the stage's tone comes from the lexicon unless told otherwise (see `lexiconTone`).
        public static let lexiconToneByDefault = true
    }

    public init(settings: Settings = Settings()) throws {
        model = try settings.model.map(NERModel.load(from:)) ?? NERModel.loadDefault()
        let knowledge = try EntityKnowledgeBase.loadDefault().adding(listsAt: settings.companyLists)
        let lexicon = try settings.toneLexicon.map(ToneLexicon.load(from:)) ?? ToneLexicon.loadDefault()
        let toneModel = try settings.toneModel.map(ToneModel.load(from:)) ?? (settings.lexiconTone ? nil : ToneModel.loadDefault())
        annotator = EntityAnnotator(knowledge: knowledge, lexicon: lexicon, toneModel: toneModel)
        maxCharacters = settings.maxCharacters
    }

    /// Every mention in one article's text.
    public func mentions(in document: ArticleRecord) -> [EntityMention] {
        mentions(documentId: document.id, text: document.text, published: document.published)
    }

    public func mentions(documentId: String, text fullText: String, published: String?) -> [EntityMention] {
        analyze(documentId: documentId, text: fullText, published: published).mentions
    }

    /// Every mention in one article's text and each company's tone in it.
    public func analyze(documentId: String, text fullText: String, published: String?) -> EntityAnalysis {
        // Soft wraps become spaces: same offsets, whole sentences and names across the wrap.
        let text = EntitySoftWraps.joined(Self.prefix(of: fullText, scalars: maxCharacters))
        let tokens = NewsTokenizer.tokenize(text)
        let spans = model.tag(tokens)
        return annotator.analyze(documentId: documentId, text: text, sentences: tokens.sentenceScalarRanges(),
                                 nerSpans: spans, published: published)
    }

    /// Every mention in one article and each company's tone in it.
    public func analyze(_ document: ArticleRecord) -> EntityAnalysis {
        analyze(documentId: document.id, text: document.text, published: document.published)
    }
}

extension EntityEngine {
    /// The first `limit` scalars of `text`, cut back to the last white space so no word is split;
    /// offsets into the prefix are offsets into the whole text.
    public static func prefix(of text: String, scalars limit: Int) -> String {
        var scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        var end = scalars.index(scalars.startIndex, offsetBy: limit)
        var cut = end
        while cut > scalars.startIndex {
            let previous = scalars.index(before: cut)
            if scalars[previous].properties.isWhitespace { end = previous; break }
            cut = previous
        }
        scalars = String.UnicodeScalarView(scalars[..<end])
        return String(scalars)
    }
}

