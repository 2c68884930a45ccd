import Foundation

/// Naive-Bayes feature scaling for the tone model (NB-LR, after Wang & Manning 2012, "Baselines and
/// bigrams": logistic regression or an SVM on features scaled by their NB log-count ratios).
///
/// For class c and feature f, on the training examples only, with binary presence counts
/// (a feature counts once per example however often it occurs there) and add-α smoothing over
/// the features that occur:
///
///     p_c(f) = α + Σ_{y = c} w·[f ∈ x]      q_c(f) = α + Σ_{y ≠ c} w·[f ∈ x]
///     r_c(f) = log( (p_c(f) / Σ p_c) / (q_c(f) / Σ q_c) )
///
/// The multinomial model then scores class c with Σ_f s_c(f)·θ_c(f), where
/// s_c(f) = (1 − β) + β·|r_c(f)| / mean|r| (the mean over feature occurrences, so that the L2
/// strengths of the grid mean about the same with and without scaling). The sign of r is
/// dropped: θ is free in sign, so only |r| matters, and it acts as a per-feature prior: L2 on θ
/// is a penalty of Σ (W/s)² on the effective weight W = s·θ, light on features NB finds
/// class-specific and heavy on those it finds uninformative. β = 0 is plain logistic regression.
/// At save time W = s·θ is stored, so the model file and inference stay a plain linear model.
public enum ToneNaiveBayes {
    /// Smoothing of the presence counts.
    public static let alpha = 1.0

    /// Scales `buckets × classes` (bucket-major) for rows given in CSR form (`rowStart`, `columns`
    /// as bucket indices below `buckets`), their labels and weights, interpolated by `beta`.
    public static func scales(rowStart: [Int], columns: [Int32], labels: [Int], weights: [Double],
                              buckets: Int, classes k: Int, beta: Double) -> [Double] {
        let r = ratios(rowStart: rowStart, columns: columns, labels: labels, weights: weights, buckets: buckets, classes: k)
        // Mean |r| over feature occurrences (each class's ratio, weighted like the rows).
        var sum = 0.0, n = 0.0
        for row in 0..<labels.count {
            for p in rowStart[row]..<rowStart[row + 1] {
                let b = Int(columns[p]) * k
                for c in 0..<k { sum += weights[row] * abs(r[b + c]) }
                n += weights[row] * Double(k)
            }
        }
        let mean = n > 0 && sum > 0 ? sum / n : 1
        return r.map { (1 - beta) + beta * abs($0) / mean }
    }

    /// One-vs-rest log-count ratios r_c(f), `buckets × classes`, bucket-major.
    public static func ratios(rowStart: [Int], columns: [Int32], labels: [Int], weights: [Double],
                              buckets: Int, classes k: Int) -> [Double] {
        var count = [Double](repeating: 0, count: buckets * k)
        var seen = [Int](repeating: -1, count: buckets)
        for row in 0..<labels.count {
            for p in rowStart[row]..<rowStart[row + 1] {
                let b = Int(columns[p])
                if seen[b] == row { continue }  // binary presence
                seen[b] = row
                count[b * k + labels[row]] += weights[row]
            }
        }
        var classTotal = [Double](repeating: 0, count: k)
        for b in 0..<buckets { for c in 0..<k { classTotal[c] += count[b * k + c] } }
        let all = classTotal.reduce(0, +)
        let smoothing = alpha * Double(buckets)
        var out = [Double](repeating: 0, count: buckets * k)
        for c in 0..<k {
            let pNorm = log(classTotal[c] + smoothing), qNorm = log(all - classTotal[c] + smoothing)
            for b in 0..<buckets {
                var rowTotal = 0.0
                for j in 0..<k { rowTotal += count[b * k + j] }
                let p = alpha + count[b * k + c], q = alpha + rowTotal - count[b * k + c]
                out[b * k + c] = (log(p) - pNorm) - (log(q) - qNorm)
            }
        }
        return out
    }
}
