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
struct EntityToneScore: Sendable, Equatable {
    var positive: Double
    var negative: Double
    var neutral: Double

    static let neutralOnly = EntityToneScore(positive: 0, negative: 0, neutral: 1)

    var tone: Tone {
        if positive > negative && positive > neutral { return .bullish }
        if negative > positive && negative > neutral { return .bearish }
        return .neutral
    }
}

/// A company's tone in a document from the tones of its mentions.
enum EntityCompanyToneAggregator {
    /// The company's call is the tone with the highest mean probability over its mentions (the
    /// mentions of a sports page or a quote as a source pull towards neutral); its confidence is
    /// that mean. Counts are the mentions' own calls.
    static func companyTones(_ mentions: [EntityMention], scores: [EntityToneScore], documentId: String) -> [CompanyTone] {
        struct Acc { var name: String; var ticker: String?; var sum = EntityToneScore(positive: 0, negative: 0, neutral: 0); var n = 0
                     var bull = 0, bear = 0, neutral = 0; var first: Int }
        var accs: [String: Acc] = [:]
        for (i, m) in mentions.enumerated() where m.type == .organization || m.type == .ticker {
            guard m.entityId.hasPrefix("org:") else { continue }
            let s = i < scores.count ? scores[i] : EntityToneScore.neutralOnly
            var a = accs[m.entityId] ?? Acc(name: m.canonicalName, ticker: m.ticker, first: i)
            if a.ticker == nil { a.ticker = m.ticker }
            a.sum.positive += s.positive; a.sum.negative += s.negative; a.sum.neutral += s.neutral
            a.n += 1
            switch m.tone {
            case .bullish: a.bull += 1
            case .bearish: a.bear += 1
            case .neutral: a.neutral += 1
            }
            accs[m.entityId] = a
        }
        return accs.sorted { $0.value.first < $1.value.first }.map { id, a in
            let n = Double(max(a.n, 1))
            let mean = EntityToneScore(positive: a.sum.positive / n, negative: a.sum.negative / n, neutral: a.sum.neutral / n)
            let tone = mean.tone
            let confidence = tone == .bullish ? mean.positive : (tone == .bearish ? mean.negative : mean.neutral)
            return CompanyTone(documentId: documentId, entityId: id, canonicalName: a.name, ticker: a.ticker, tone: tone,
                               confidence: (confidence * 1000).rounded() / 1000, bullish: a.bull, bearish: a.bear, neutral: a.neutral)
        }
    }
}
