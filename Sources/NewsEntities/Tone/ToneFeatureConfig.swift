/// Feature groups of the extractor; each can be switched off for ablation.
public struct ToneFeatureGroups: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Unigrams and bigrams of the whole sentence, entities masked (the baseline).
    public static let bagOfWords = ToneFeatureGroups(rawValue: 1 << 0)
    /// Unigrams and bigrams of the entity's own clause, and the clause's shape.
    public static let clause = ToneFeatureGroups(rawValue: 1 << 1)
    /// Words and bigrams left and right of the entity.
    public static let window = ToneFeatureGroups(rawValue: 1 << 2)
    /// Other entities: how many, in the same clause or not, before or after.
    public static let others = ToneFeatureGroups(rawValue: 1 << 3)
    /// Negation scope ("not", "no", "fails to") marks the words it covers.
    public static let negation = ToneFeatureGroups(rawValue: 1 << 4)
    /// Modal verbs, hedges and question marks.
    public static let hedges = ToneFeatureGroups(rawValue: 1 << 5)
    /// Numbers with sign and percent.
    public static let numbers = ToneFeatureGroups(rawValue: 1 << 6)
    /// The first words after the entity in its clause (the predicate).
    public static let verbs = ToneFeatureGroups(rawValue: 1 << 7)
    /// Stemmed words in the clause and window.
    public static let stems = ToneFeatureGroups(rawValue: 1 << 8)
    /// The entity's own words (off by default: the entity is masked).
    public static let entityWords = ToneFeatureGroups(rawValue: 1 << 9)

    /// Every word of the sentence tagged with its side of the entity (before/after).
    public static let sides = ToneFeatureGroups(rawValue: 1 << 10)

    /// Character 4-grams of the words of the entity's clause and window.
    public static let chars = ToneFeatureGroups(rawValue: 1 << 11)

    /// The entity's lower-case words (generic nouns such as "stocks", "futures"; names stay masked).
    public static let entityNouns = ToneFeatureGroups(rawValue: 1 << 12)

    public static let standard: ToneFeatureGroups = [.bagOfWords, .clause, .window, .others, .negation, .hedges,
                                                     .numbers, .verbs, .stems, .entityNouns]

    public static let named: [(String, ToneFeatureGroups)] = [
        ("bow", .bagOfWords), ("clause", .clause), ("window", .window), ("others", .others),
        ("negation", .negation), ("hedges", .hedges), ("numbers", .numbers), ("verbs", .verbs),
        ("stems", .stems), ("sides", .sides), ("chars", .chars), ("nouns", .entityNouns), ("entity", .entityWords),
    ]

    /// Comma-separated names, as `named` spells them.
    public var names: String { Self.named.filter { contains($0.1) }.map(\.0).joined(separator: ",") }

    public init?(names: String) {
        var g: ToneFeatureGroups = []
        for n in names.split(separator: ",") where !n.isEmpty {
            guard let f = Self.named.first(where: { $0.0 == n }) else { return nil }
            g.insert(f.1)
        }
        self = g
    }
}

/// Everything that decides which feature indices a text gives; saved in the model file.
public struct ToneFeatureConfig: Sendable, Equatable {
    public var groups: ToneFeatureGroups = .standard
    /// Words on each side of the entity in the window features.
    public var window: Int = 4
    /// The feature space has 2^hashBits buckets.
    public var hashBits: Int = 20
    public var hashSeed: UInt64 = 0x746f_6e65_2d76_3031
    /// Commas end clauses, as ";" and ":" do.
    public var splitAtComma: Bool = true
    /// Words after a negator that it covers (within its clause).
    public var negationScope: Int = 3
    /// The features of the entity's own clause count this many times (the clause is weighted).
    public var clauseWeight: Int = 1
    /// Feature values are 1/sqrt(number of features) instead of 1 (unit-length vectors).
    public var normalize: Bool = false

    public init() {}

    /// The value every feature of an example with `count` features takes.
    @inline(__always) public func featureValue(count: Int) -> Double {
        normalize && count > 0 ? 1 / Double(count).squareRoot() : 1
    }

    /// `key=value` lines, as stored in the model file.
    public var serialized: String {
        [
            "groups=\(groups.names)", "window=\(window)", "hashBits=\(hashBits)", "hashSeed=\(hashSeed)",
            "splitAtComma=\(splitAtComma)", "negationScope=\(negationScope)", "normalize=\(normalize)", "clauseWeight=\(clauseWeight)",
        ].joined(separator: "\n")
    }

    public init(serialized: String) throws {
        for line in serialized.split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw ToneError.format("bad config line \(line)") }
            switch kv[0] {
            case "groups":
                guard let g = ToneFeatureGroups(names: kv[1]) else { throw ToneError.format("bad groups \(kv[1])") }
                groups = g
            case "window": window = try Self.int(kv[1])
            case "hashBits": hashBits = try Self.int(kv[1])
            case "hashSeed":
                guard let v = UInt64(kv[1]) else { throw ToneError.format("bad seed") }
                hashSeed = v
            case "splitAtComma": splitAtComma = kv[1] == "true"
            case "negationScope": negationScope = try Self.int(kv[1])
            case "normalize": normalize = kv[1] == "true"
            case "clauseWeight": clauseWeight = try Self.int(kv[1])
            default: throw ToneError.format("unknown config key \(kv[0])")
            }
        }
        guard (8...24).contains(hashBits), (0...10).contains(window), (1...4).contains(clauseWeight) else { throw ToneError.format("config out of range") }
    }

    private static func int(_ s: String) throws -> Int {
        guard let v = Int(s) else { throw ToneError.format("bad integer \(s)") }
        return v
    }
}

public enum ToneError: Error, CustomStringConvertible, Sendable {
    case format(String)
    case io(String)
    case data(String)

    public var description: String {
        switch self {
        case .format(let s): "model file: \(s)"
        case .io(let s): "i/o: \(s)"
        case .data(let s): "data: \(s)"
        }
    }
}
