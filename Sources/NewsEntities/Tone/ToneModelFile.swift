import Foundation

/// The model file: little-endian binary.
///
///     "TONEMDL1"                      magic and format version
///     u32 n, n bytes                  feature configuration (`key=value` lines, UTF-8)
///     u32 n, n bytes                  labels, one per line, in class order
///     u32 n, n bytes                  training information (free text)
///     3 × f32                         biases
///     f32                             weight scale
///     u32 rows                        buckets with a non-zero weight
///     rows × LEB128                   bucket gaps (ascending buckets)
///     rows × 3 × i16                  weights / scale
///     u8                              1 if a financial-context gate follows, else 0
///     [f32 bias, f32 scale, u32 rows, rows × LEB128 gaps, rows × i16]   the gate
///     u64                             FNV-1a of every byte before it
enum ToneModelFile {
    static let magic = Array("TONEMDL1".utf8)

    static func quantize(_ w: [Float]) -> (values: [Int16], scale: Float) {
        let m = w.reduce(Float(0)) { max($0, abs($1)) }
        let scale = m > 0 ? m / 32767 : 1
        return (w.map { Int16(max(-32767, min(32767, ($0 / scale).rounded()))) }, scale)
    }

    static func encode(_ model: ToneModel) -> Data {
        var out: [UInt8] = magic
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func f32(_ v: Float) { u32(v.bitPattern) }
        func text(_ s: String) { let b = Array(s.utf8); u32(UInt32(b.count)); out.append(contentsOf: b) }
        text(model.config.serialized)
        text(ToneModel.labels.map(\.rawValue).joined(separator: "\n"))
        text(model.info)
        for b in model.bias { f32(b) }
        let scale = model.weightScale
        let q = (values: model.weights.map { Int16(($0 / scale).rounded()) }, scale: scale)
        f32(q.scale)
        let k = ToneModel.labels.count
        var rows: [Int] = []
        for r in 0..<(q.values.count / k) where (0..<k).contains(where: { q.values[r * k + $0] != 0 }) { rows.append(r) }
        u32(UInt32(rows.count))
        writeGaps(rows, &out)
        for r in rows { for c in 0..<k { withUnsafeBytes(of: q.values[r * k + c].littleEndian) { out.append(contentsOf: $0) } } }
        if let gate = model.gate {
            out.append(1)
            f32(gate.bias); f32(gate.scale)
            let gv = gate.weights.map { Int16(($0 / gate.scale).rounded()) }
            let gr = gv.indices.filter { gv[$0] != 0 }
            u32(UInt32(gr.count))
            writeGaps(gr, &out)
            for r in gr { withUnsafeBytes(of: gv[r].littleEndian) { out.append(contentsOf: $0) } }
        } else {
            out.append(0)
        }
        var h = ToneHash.fnvOffset
        for b in out { h ^= UInt64(b); h = h &* ToneHash.fnvPrime }
        withUnsafeBytes(of: h.littleEndian) { out.append(contentsOf: $0) }
        return Data(out)
    }

    static func writeGaps(_ rows: [Int], _ out: inout [UInt8]) {
        var last = 0
        for r in rows {
            var gap = UInt32(r - last); last = r
            repeat {
                let byte = UInt8(gap & 0x7f); gap >>= 7
                out.append(gap > 0 ? byte | 0x80 : byte)
            } while gap > 0
        }
    }

    static func read(_ data: Data) throws -> ToneModel {
        let bytes = [UInt8](data)
        guard bytes.count >= magic.count + 8, bytes.prefix(magic.count).elementsEqual(magic) else {
            throw ToneError.format("not a tone model (bad magic or version)")
        }
        var h = ToneHash.fnvOffset
        for b in bytes[..<(bytes.count - 8)] { h ^= UInt64(b); h = h &* ToneHash.fnvPrime }
        var stored: UInt64 = 0
        for i in 0..<8 { stored |= UInt64(bytes[bytes.count - 8 + i]) << (8 * UInt64(i)) }
        guard stored == h else { throw ToneError.format("checksum mismatch") }
        var p = magic.count
        let end = bytes.count - 8
        func need(_ n: Int) throws { if p + n > end { throw ToneError.format("truncated") } }
        func u32() throws -> UInt32 {
            try need(4)
            let v = UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24
            p += 4; return v
        }
        func f32() throws -> Float { Float(bitPattern: try u32()) }
        func text() throws -> String {
            let n = Int(try u32()); try need(n)
            defer { p += n }
            return String(decoding: bytes[p..<(p + n)], as: UTF8.self)
        }
        let config = try ToneFeatureConfig(serialized: try text())
        let labels = try text().split(separator: "\n").map(String.init)
        guard labels == ToneModel.labels.map(\.rawValue) else { throw ToneError.format("labels \(labels) differ from \(ToneModel.labels)") }
        let info = try text()
        let k = labels.count
        var bias: [Float] = []
        for _ in 0..<k { bias.append(try f32()) }
        let scale = try f32()
        let dim = 1 << config.hashBits
        func readIndex() throws -> [Int] {
            let rows = Int(try u32())
            guard rows <= dim else { throw ToneError.format("too many rows") }
            var index = [Int](repeating: 0, count: rows)
            var last = 0
            for r in 0..<rows {
                var v = 0, shift = 0
                while true {
                    try need(1)
                    let b = bytes[p]; p += 1
                    v |= Int(b & 0x7f) << shift; shift += 7
                    if b & 0x80 == 0 { break }
                    if shift > 28 { throw ToneError.format("bad varint") }
                }
                last += v
                guard last < dim, r == 0 || v > 0 else { throw ToneError.format("bad bucket index") }
                index[r] = last
            }
            return index
        }
        func i16() -> Int16 {
            defer { p += 2 }
            return Int16(bitPattern: UInt16(bytes[p]) | UInt16(bytes[p + 1]) << 8)
        }
        let index = try readIndex()
        try need(index.count * k * 2)
        var weights = [Float](repeating: 0, count: dim * k)
        for r in index { for c in 0..<k { weights[r * k + c] = Float(i16()) * scale } }
        try need(1)
        let hasGate = bytes[p]; p += 1
        var gate: ToneGate? = nil
        if hasGate == 1 {
            let gb = try f32(), gs = try f32()
            let gi = try readIndex()
            try need(gi.count * 2)
            var gw = [Float](repeating: 0, count: dim)
            for r in gi { gw[r] = Float(i16()) * gs }
            gate = ToneGate(exact: gw, bias: gb, scale: gs)
        } else if hasGate != 0 { throw ToneError.format("bad gate flag") }
        guard p == end else { throw ToneError.format("trailing bytes") }
        return ToneModel(exact: config, weights: weights, scale: scale, bias: bias, gate: gate, info: info)
    }
}
