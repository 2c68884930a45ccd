import Foundation

/// How the canonical copy of a cluster is chosen: one rule of `DedupParameters.canonicalOrder`.
public enum CanonicalRule: String, Codable, CaseIterable, Sendable {
    /// The copy published first (undated copies come after dated ones).
    case earliest
    /// The copy from the most preferred of `preferredSources`.
    case preferred
    /// The copy with the most words.
    case longest
}

/// Settings of the dedup stage: how pages are signed, which candidates count as mirrors, and which
/// copy of a story is kept.
///
/// Only `shingleSize`, `permutations` and `seed` change signatures (see `signatureScheme`); the
/// others may change between nights without re-signing the index.
public struct DedupParameters: Codable, Sendable, Equatable {
    /// Words per shingle.
    public var shingleSize: Int = 5
    /// MinHash values per document.
    public var permutations: Int = 128
    /// Estimated Jaccard similarity at or above which two pages are near duplicates.
    public var threshold: Double = 0.5
    /// LSH bands and rows per band; nil: chosen for `threshold` (see `banding`).
    public var bands: Int? = nil
    public var rows: Int? = nil
    /// A candidate is also accepted when this share of the smaller page's shingles is in the larger
    /// one (truncated mirrors: "Read more at ...").
    public var containment: Double = 0.8
    /// Pages with fewer distinct shingles than this are matched by exact text only: on very short
    /// texts a few shared phrases would look like a mirror.
    public var minShingles: Int = 20
    /// Seed of the MinHash permutations.
    public var seed: UInt64 = 1
    /// Which member of a cluster is kept, by priority: `earliest` (published), `preferred`
    /// (`preferredSources`), `longest` (words). Ties go to the smallest id.
    public var canonicalOrder: [CanonicalRule] = [.earliest, .preferred, .longest]
    /// Site names (`reuters.com`) or URL / source prefixes, most preferred first.
    public var preferredSources: [String] = []

    public init(shingleSize: Int = 5, permutations: Int = 128, threshold: Double = 0.5,
                bands: Int? = nil, rows: Int? = nil, containment: Double = 0.8,
                minShingles: Int = 20, seed: UInt64 = 1,
                canonicalOrder: [CanonicalRule] = [.earliest, .preferred, .longest],
                preferredSources: [String] = []) {
        self.shingleSize = shingleSize; self.permutations = permutations; self.threshold = threshold
        self.bands = bands; self.rows = rows; self.containment = containment
        self.minShingles = minShingles; self.seed = seed; self.canonicalOrder = canonicalOrder
        self.preferredSources = preferredSources
    }

    // Missing keys take their defaults, so manifests only name what they change.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = DedupParameters()
        shingleSize = try c.decodeIfPresent(Int.self, forKey: .shingleSize) ?? d.shingleSize
        permutations = try c.decodeIfPresent(Int.self, forKey: .permutations) ?? d.permutations
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold) ?? d.threshold
        bands = try c.decodeIfPresent(Int.self, forKey: .bands)
        rows = try c.decodeIfPresent(Int.self, forKey: .rows)
        containment = try c.decodeIfPresent(Double.self, forKey: .containment) ?? d.containment
        minShingles = try c.decodeIfPresent(Int.self, forKey: .minShingles) ?? d.minShingles
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        canonicalOrder = try c.decodeIfPresent([CanonicalRule].self, forKey: .canonicalOrder) ?? d.canonicalOrder
        preferredSources = try c.decodeIfPresent([String].self, forKey: .preferredSources) ?? d.preferredSources
    }

    /// What a signature depends on; signatures of different schemes cannot be compared.
    public var signatureScheme: DedupSignatureScheme {
        DedupSignatureScheme(shingleSize: max(1, shingleSize), permutations: max(1, permutations), seed: seed)
    }

    /// Problems that make these parameters unusable, for the manifest check (empty when fine).
    public func validationErrors() -> [String] {
        var errors: [String] = []
        if shingleSize < 1 { errors.append("shingle_size must be at least 1") }
        if permutations < 1 || permutations > 4096 { errors.append("permutations must be in 1...4096") }
        if !(threshold > 0 && threshold <= 1) { errors.append("threshold must be in (0, 1]") }
        if !(containment > 0 && containment <= 1) { errors.append("containment must be in (0, 1]") }
        if (bands == nil) != (rows == nil) { errors.append("bands and rows go together: set both or neither") }
        if let b = bands, let r = rows, b < 1 || r < 1 || b * r > permutations {
            errors.append("bands x rows must be at least 1 and at most permutations (\(permutations))")
        }
        return errors
    }

    /// LSH bands and rows: the given ones, or those that minimise the weighted areas of false
    /// positives below and false negatives above `lshTarget` under the S-curve 1 - (1 - s^r)^b
    /// (datasketch's rule). Every candidate is verified, so a false positive costs one signature
    /// comparison while a false negative loses a mirror: false negatives weigh 0.8, false positives 0.2.
    public var banding: (bands: Int, rows: Int) {
        let k = max(1, permutations)
        if let b = bands, let r = rows, b >= 1, r >= 1, b * r <= k { return (b, r) }
        return DedupParameters.optimalBanding(threshold: lshTarget, permutations: k,
                                              falsePositiveWeight: 0.2, falseNegativeWeight: 0.8)
    }

    /// Largest size ratio (larger / smaller shingle set) at which the containment route is expected
    /// to apply: a mirror cut by up to half, or one whose page added up to as much again.
    static let containmentSizeRatio = 2.0

    /// The lowest Jaccard similarity the candidate check accepts for mirrors LSH should find: the
    /// threshold itself, or a pair at the containment bar whose larger copy is twice the smaller
    /// (J = c / (ρ + 1 - c)), whichever is lower.
    public var lshTarget: Double {
        let c = min(max(containment, 0.01), 1.0)
        let rho = DedupParameters.containmentSizeRatio
        return min(threshold, c / (rho + 1 - c))
    }

    static func optimalBanding(threshold: Double, permutations k: Int,
                               falsePositiveWeight: Double = 0.5,
                               falseNegativeWeight: Double = 0.5) -> (bands: Int, rows: Int) {
        let t = min(max(threshold, 0.0), 1.0)
        func collision(_ s: Double, _ b: Int, _ r: Int) -> Double {
            1 - pow(1 - pow(s, Double(r)), Double(b))
        }
        // Composite Simpson's rule: the curves are smooth, 200 panels are plenty.
        func integrate(_ lo: Double, _ hi: Double, _ f: (Double) -> Double) -> Double {
            guard hi > lo else { return 0 }
            let n = 200
            let h = (hi - lo) / Double(n)
            var sum = f(lo) + f(hi)
            for i in 1 ..< n { sum += f(lo + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
            return sum * h / 3
        }
        var best = (bands: 1, rows: k)
        var bestError = Double.infinity
        for b in 1 ... k {
            for r in 1 ... (k / b) {
                let fp = integrate(0, t) { collision($0, b, r) }
                let fn = integrate(t, 1) { 1 - collision($0, b, r) }
                let error = fp * falsePositiveWeight + fn * falseNegativeWeight
                if error < bestError - 1e-15 { bestError = error; best = (b, r) }
            }
        }
        return best
    }
}

/// The parameters a MinHash signature depends on.
public struct DedupSignatureScheme: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    public var shingleSize: Int
    public var permutations: Int
    public var seed: UInt64
    /// Bumped when text normalisation or hashing changes, so old indexes are detected as stale.
    public var version: Int

    public static let currentVersion = 1

    public init(shingleSize: Int, permutations: Int, seed: UInt64, version: Int = DedupSignatureScheme.currentVersion) {
        self.shingleSize = shingleSize; self.permutations = permutations; self.seed = seed
        self.version = version
    }

    public var description: String {
        "shingle_size \(shingleSize), permutations \(permutations), seed \(seed), scheme version \(version)"
    }
}
