import Foundation
import NewsRecords

/// The entities of one article with each company's tone in it.
public struct EntityAnalysis: Codable, Sendable, Equatable {
    public var mentions: [EntityMention]
    /// One row per company (organisation or ticker entity) named in the article.
    public var companyTones: [CompanyTone]

    public init(mentions: [EntityMention], companyTones: [CompanyTone]) {
        self.mentions = mentions
        self.companyTones = companyTones
    }
}

/// A mention's tone as the tone model gave it: the three probabilities.
public struct EntityToneScore: Sendable, Equatable {
    public var positive: Double
    public var negative: Double
    public var neutral: Double
    /// The tone model gave these probabilities (false: a lexicon call written as 0/1).
    public var fromModel: Bool

    public init(positive: Double, negative: Double, neutral: Double, fromModel: Bool = false) {
        self.positive = positive; self.negative = negative; self.neutral = neutral; self.fromModel = fromModel
    }

    static let neutralOnly = EntityToneScore(positive: 0, negative: 0, neutral: 1)

    /// The most probable tone (a mention's call; a lexicon call's own tone).
    public var tone: Tone {
        if positive > negative && positive > neutral { return .bullish }
        if negative > positive && negative > neutral { return .bearish }
        return .neutral
    }
}

/// How the tone model's mention probabilities become a call: non-neutral only when the evidence
/// clears a margin over neutral. Chosen by grouped (leave-one-document-out) cross-validation on the
/// development labels /work/dev/tonedev/labels.jsonl (49 documents, 258 company rows):
/// `newspipe tone margin-cv` (figures in Sources/NewsEntities/Resources/tone/NOTICE).
public struct CompanyToneRule: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Statistic: String, Sendable, CaseIterable, Hashable {
        /// The company's mean positive (negative) probability over its mentions minus its mean neutral one.
        case mean
        /// The one mention with the largest non-neutral-minus-neutral probability.
        case max
    }
    public var statistic: Statistic
    /// A company is non-neutral when that evidence exceeds this (1.0: never).
    public var margin: Double

    public init(statistic: Statistic, margin: Double) { self.statistic = statistic; self.margin = margin }

    /// The rule the stage uses with the tone model: chosen by leave-one-document-out CV on the
    /// development labels (tonedev: 49 documents, 258 company rows) from mean/max × margins 0…1.
    /// Every fold chose margin 1.0, which never calls a company non-neutral: on those news pages the
    /// model's probabilities do not separate positive or negative companies from neutral ones
    /// (ranking AUC 0.47–0.51), so any call it makes lowers accuracy. Figures in tone/NOTICE.
    public static let shipped = CompanyToneRule(statistic: .mean, margin: 1.0)

    public var description: String { "\(statistic.rawValue)>\(margin)" }

    /// The tone as `newspipe tone` and the labels name it: positive, negative or neutral.
    public static func label(_ t: Tone) -> String {
        switch t {
        case .bullish: "positive"
        case .bearish: "negative"
        case .neutral: "neutral"
        }
    }

    /// One mention's call under the margin.
    public func call(_ s: EntityToneScore) -> Tone {
        let (tone, p) = s.positive >= s.negative ? (Tone.bullish, s.positive) : (Tone.bearish, s.negative)
        return p - s.neutral > margin ? tone : .neutral
    }

    /// A company's call from its mentions' probabilities, and its confidence (the mean probability
    /// of the called tone over the mentions).
    public func call(_ scores: [EntityToneScore]) -> (tone: Tone, confidence: Double) {
        guard !scores.isEmpty else { return (.neutral, 1) }
        let n = Double(scores.count)
        var mean = EntityToneScore(positive: 0, negative: 0, neutral: 0)
        for s in scores { mean.positive += s.positive / n; mean.negative += s.negative / n; mean.neutral += s.neutral / n }
        let tone: Tone
        switch statistic {
        case .mean:
            tone = call(mean)
        case .max:
            var best: (d: Double, tone: Tone)? = nil
            for s in scores {
                let (t, p) = s.positive >= s.negative ? (Tone.bullish, s.positive) : (Tone.bearish, s.negative)
                if best == nil || p - s.neutral > best!.d { best = (p - s.neutral, t) }
            }
            tone = best.map { $0.d > margin ? $0.tone : .neutral } ?? .neutral
        }
        let confidence = tone == .bullish ? mean.positive : (tone == .bearish ? mean.negative : mean.neutral)
        return (tone, confidence)
    }
}

/// A company's tone in a document from the tones of its mentions.
enum EntityCompanyToneAggregator {
    /// Mentions whose tone the model gives: companies (organisations and tickers linked to a company
    /// id); news outlets, named as sources, are not.
    static func isToneTarget(type: EntityType, entityId: String, outlet: Bool) -> Bool {
        (type == .organization || type == .ticker) && entityId.hasPrefix("org:") && !outlet
    }

    /// The tone model's probabilities for the mentions at `spans` (Unicode-scalar offsets into `text`),
    /// each judged from its own sentence with the other mentions masked.
    static func modelScores(_ model: ToneModel, text: String, spans: [Range<Int>]) -> [EntityToneScore] {
        guard !spans.isEmpty else { return [] }
        let document = ToneDocument(text: text)
        let predictions = model.predict(document: document, entityTokens: spans.map { document.tokenRange(covering: $0) })
        return predictions.map { p in
            guard p.probabilities.count == 3 else { return EntityToneScore(positive: 0, negative: 0, neutral: 1, fromModel: true) }
            return EntityToneScore(positive: p.probabilities[ToneLabel.positive.index], negative: p.probabilities[ToneLabel.negative.index],
                                   neutral: p.probabilities[ToneLabel.neutral.index], fromModel: true)
        }
    }

    /// The company's call: with the tone model's probabilities, `CompanyToneRule.shipped` (non-neutral
    /// only past a margin over neutral); with the lexicon's 0/1 calls, the tone with the highest mean
    /// over its mentions. Counts are the mentions' own calls.
    static func companyTones(_ mentions: [EntityMention], scores: [EntityToneScore], documentId: String,
                             rule: CompanyToneRule = .shipped) -> [CompanyTone] {
        struct Acc { var name: String; var ticker: String?; var scores: [EntityToneScore] = []
                     var bull = 0, bear = 0, neutral = 0; var first: Int }
        var accs: [String: Acc] = [:]
        for (i, m) in mentions.enumerated() where m.type == .organization || m.type == .ticker {
            guard m.entityId.hasPrefix("org:") else { continue }
            let s = i < scores.count ? scores[i] : EntityToneScore.neutralOnly
            var a = accs[m.entityId] ?? Acc(name: m.canonicalName, ticker: m.ticker, first: i)
            if a.ticker == nil { a.ticker = m.ticker }
            a.scores.append(s)
            switch m.tone {
            case .bullish: a.bull += 1
            case .bearish: a.bear += 1
            case .neutral: a.neutral += 1
            }
            accs[m.entityId] = a
        }
        return accs.sorted { $0.value.first < $1.value.first }.map { id, a in
            let (tone, confidence) = a.scores.contains(where: \.fromModel)
                ? rule.call(a.scores) : CompanyToneRule(statistic: .mean, margin: 0).lexiconCall(a.scores)
            return CompanyTone(documentId: documentId, entityId: id, canonicalName: a.name, ticker: a.ticker, tone: tone,
                               confidence: (confidence * 1000).rounded() / 1000, bullish: a.bull, bearish: a.bear, neutral: a.neutral)
        }
    }
}

extension CompanyToneRule {
    /// The lexicon's company call: the tone with the highest mean over the mentions' 0/1 calls.
    func lexiconCall(_ scores: [EntityToneScore]) -> (tone: Tone, confidence: Double) {
        let n = Double(max(scores.count, 1))
        var mean = EntityToneScore(positive: 0, negative: 0, neutral: 0)
        for s in scores { mean.positive += s.positive / n; mean.negative += s.negative / n; mean.neutral += s.neutral / n }
        let tone = mean.tone
        return (tone, tone == .bullish ? mean.positive : (tone == .bearish ? mean.negative : mean.neutral))
    }
}

/// One company row of a document with the tone model's probabilities of its mentions.
public struct CompanyToneEvidence: Sendable {
    public var entityId: String
    public var scores: [EntityToneScore]
}

extension EntityEngine {
    /// The analysis of one article and, per company row, the tone model's probabilities of its mentions
    /// (the evidence `CompanyToneRule` calls from), computed as the stage computes them. Without a tone
    /// model the evidence is empty. For studies of the company rule (`newspipe tone margin-cv`).
    public func companyToneEvidence(documentId: String, text fullText: String, published: String?)
        -> (analysis: EntityAnalysis, evidence: [CompanyToneEvidence]) {
        let analysis = analyze(documentId: documentId, text: fullText, published: published)
        guard let model = annotator.toneModel else { return (analysis, []) }
        let text = EntitySoftWraps.joined(Self.prefix(of: fullText, scalars: maxCharacters))   // as `analyze` reads it
        let outlets = Set(annotator.knowledge.index.entries.lazy.filter(\.outlet).map(\.id))
        let mentions = analysis.mentions
        let targets = mentions.indices.filter {
            EntityCompanyToneAggregator.isToneTarget(type: mentions[$0].type, entityId: mentions[$0].entityId,
                                                     outlet: outlets.contains(mentions[$0].entityId))
        }
        let scores = EntityCompanyToneAggregator.modelScores(model, text: text, spans: targets.map { mentions[$0].start..<mentions[$0].end })
        var byCompany: [String: [EntityToneScore]] = [:]
        for (i, s) in zip(targets, scores) { byCompany[mentions[i].entityId, default: []].append(s) }
        let evidence = analysis.companyTones.map { CompanyToneEvidence(entityId: $0.entityId, scores: byCompany[$0.entityId] ?? []) }
        return (analysis, evidence)
    }
}
