/// Limited-memory BFGS for a smooth convex objective; deterministic (no randomness, fixed order).
struct ToneLBFGS {
    var memory = 10
    var maxIterations = 400
    /// Stop when the objective improves by less than this fraction over 5 iterations.
    var relativeTolerance = 1e-7
    /// Stop when the largest gradient component is below this.
    var gradientTolerance = 1e-6

    struct Result { var x: [Double]; var value: Double; var iterations: Int; var evaluations: Int }

    /// Minimises `f`, which returns the value and writes the gradient into its second argument.
    func minimize(_ x0: [Double], _ f: ([Double], inout [Double]) -> Double) -> Result {
        let n = x0.count
        var x = x0
        var g = [Double](repeating: 0, count: n)
        var fx = f(x, &g)
        var evals = 1
        var s: [[Double]] = [], y: [[Double]] = [], rho: [Double] = []
        var history: [Double] = [fx]
        var xNew = x, gNew = g
        var iter = 0
        while iter < maxIterations {
            if g.reduce(0, { max($0, abs($1)) }) < gradientTolerance { break }
            // Two-loop recursion: d = -H g.
            var q = g
            var alpha = [Double](repeating: 0, count: s.count)
            for i in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[i] = rho[i] * dot(s[i], q)
                axpy(-alpha[i], y[i], &q)
            }
            var gamma = 1.0
            if let ls = s.last, let ly = y.last { gamma = dot(ls, ly) / max(dot(ly, ly), 1e-300) }
            else { gamma = 1.0 / max(sqrt(dot(g, g)), 1e-12) }
            for i in 0..<n { q[i] *= gamma }
            for i in 0..<s.count {
                let beta = rho[i] * dot(y[i], q)
                axpy(alpha[i] - beta, s[i], &q)
            }
            var d = q
            for i in 0..<n { d[i] = -d[i] }
            var slope = dot(g, d)
            if slope >= 0 {  // not a descent direction: restart with steepest descent
                s.removeAll(); y.removeAll(); rho.removeAll()
                d = g.map { -$0 }; slope = dot(g, d)
            }
            // Backtracking line search (Armijo).
            var step = 1.0
            var fNew = 0.0
            var accepted = false
            for _ in 0..<40 {
                for i in 0..<n { xNew[i] = x[i] + step * d[i] }
                fNew = f(xNew, &gNew); evals += 1
                if fNew <= fx + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            if !accepted { break }
            var si = [Double](repeating: 0, count: n), yi = [Double](repeating: 0, count: n)
            for i in 0..<n { si[i] = xNew[i] - x[i]; yi[i] = gNew[i] - g[i] }
            let sy = dot(si, yi)
            if sy > 1e-12 {
                if s.count == memory { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
                s.append(si); y.append(yi); rho.append(1 / sy)
            }
            swap(&x, &xNew); swap(&g, &gNew)
            fx = fNew
            iter += 1
            history.append(fx)
            if history.count > 5 {
                let old = history[history.count - 6]
                if (old - fx) / max(abs(fx), 1e-12) < relativeTolerance { break }
            }
        }
        return Result(x: x, value: fx, iterations: iter, evaluations: evals)
    }

    @inline(__always) private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in for i in 0..<pa.count { s += pa[i] * pb[i] } } }
        return s
    }

    @inline(__always) private func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
        x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { py in for i in 0..<px.count { py[i] += a * px[i] } } }
    }
}

import Foundation
import NewsEntities
