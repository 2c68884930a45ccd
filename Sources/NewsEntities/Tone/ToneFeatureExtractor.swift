/// Turns (document, entity) into hashed feature indices. Shared by `ToneModel` and `ToneTrainer`,
/// so training and prediction see exactly the same features.
///
/// The entity is masked (`<E>`), other entities become `<O>`, numbers `<num>` (with sign and
/// percent kept as features). The sentence holding the entity is cut into clauses at contrast
/// words and `;` `:` `,`; the entity's clause gets its own features, as do the words next to it.
public struct ToneFeatureExtractor: Sendable {
    public let config: ToneFeatureConfig
    let words: ToneFunctionWords
    let shift: UInt64
    let seed: UInt64

    public init(config: ToneFeatureConfig) {
        self.config = config
        self.words = ToneFunctionWords(splitAtComma: config.splitAtComma)
        self.shift = UInt64(64 - config.hashBits)
        self.seed = ToneHash.mix(config.hashSeed)
    }

    public var dimension: Int { 1 << config.hashBits }

    // MARK: Units

    enum UnitKind: UInt8 { case word, number, punct, target, other }

    struct Unit {
        var hash: UInt64
        var stem: UInt64
        var kind: UnitKind
        var sign: Int8 = 0
        var percent = false
        var clauseWord = false
        var clausePunct = false
        var negator = false
        var hedge = false
        var question = false
        var negated = false
        /// Token index of a word unit (-1 otherwise).
        var token: Int32 = -1
    }

    static let tBOS = ToneHash.string("<s>"), tEOS = ToneHash.string("</s>")
    static let tTarget = ToneHash.string("<E>"), tOther = ToneHash.string("<O>"), tNum = ToneHash.string("<num>")

    /// Masked units of the sentence(s) holding `target`, and the unit index of the target.
    func units(_ doc: ToneDocument, target: Range<Int>, others: [Range<Int>]) -> (units: [Unit], target: Int) {
        let toks = doc.tokens
        let first = doc.sentences[doc.sentence(of: target.lowerBound)].lowerBound
        let last = doc.sentences[doc.sentence(of: max(target.lowerBound, target.upperBound - 1))].upperBound
        // 0: plain, 1: target, 2+j: other entity j.
        var mark = [Int32](repeating: 0, count: last - first)
        for (j, o) in others.enumerated() {
            for k in max(o.lowerBound, first)..<max(min(o.upperBound, last), max(o.lowerBound, first)) { mark[k - first] = Int32(2 + j) }
        }
        for k in target where k >= first && k < last { mark[k - first] = 1 }

        var u: [Unit] = []
        u.reserveCapacity(last - first)
        var tpos = -1
        var k = first
        while k < last {
            let m = mark[k - first]
            if m > 0 {
                var e = k + 1
                while e < last && mark[e - first] == m { e += 1 }
                if m == 1 {
                    if tpos < 0 { tpos = u.count }
                    u.append(Unit(hash: Self.tTarget, stem: Self.tTarget, kind: .target))
                } else {
                    u.append(Unit(hash: Self.tOther, stem: Self.tOther, kind: .other))
                }
                k = e
                continue
            }
            let t = toks[k]
            switch t.kind {
            case .number:
                var unit = Unit(hash: Self.tNum, stem: Self.tNum, kind: .number)
                if let p = u.last, p.kind == .punct, k > first, !t.spaceBefore,
                   toks[k - 1].spaceBefore || k - 1 == first,
                   p.hash == words.plus || words.minus.contains(p.hash) {
                    unit.sign = p.hash == words.plus ? 1 : -1
                    u.removeLast()
                }
                if k + 1 < last, toks[k + 1].hash == words.percentSign || words.percentWords.contains(toks[k + 1].hash) {
                    unit.percent = true
                }
                u.append(unit)
            case .word:
                var unit = Unit(hash: t.hash, stem: t.stem, kind: .word)
                unit.token = Int32(k)
                unit.clauseWord = words.clauseWords.contains(t.hash)
                unit.negator = words.negators.contains(t.hash)
                    || (words.negatingBeforeTo.contains(t.stem) && k + 1 < last && toks[k + 1].hash == words.to)
                unit.hedge = words.hedges.contains(t.hash)
                u.append(unit)
            case .punct:
                var unit = Unit(hash: t.hash, stem: t.hash, kind: .punct)
                unit.clausePunct = words.clausePunct.contains(t.hash)
                    || (words.spacedDashes.contains(t.hash) && t.spaceBefore && k + 1 < last && toks[k + 1].spaceBefore)
                unit.question = t.hash == words.questionMark
                u.append(unit)
            }
            k += 1
        }
        return (u, max(tpos, 0))
    }

    /// Clauses as unit ranges; a clause with no word or number of its own joins the next one.
    func clauses(_ u: [Unit]) -> [Range<Int>] {
        var raw: [Range<Int>] = []
        var start = 0
        for i in u.indices where i > start {
            if u[i].clauseWord || u[i - 1].clausePunct { raw.append(start..<i); start = i }
        }
        if start < u.count || raw.isEmpty { raw.append(start..<u.count) }
        func hasContent(_ r: Range<Int>) -> Bool {
            r.contains { (u[$0].kind == .word && !u[$0].clauseWord) || u[$0].kind == .number }
        }
        var out: [Range<Int>] = []
        var pending: Int? = nil
        for r in raw {
            let lo = pending ?? r.lowerBound
            if hasContent(r) { out.append(lo..<r.upperBound); pending = nil } else { pending = lo }
        }
        if let p = pending {
            if let l = out.popLast() { out.append(l.lowerBound..<u.count) } else { out.append(p..<u.count) }
        }
        return out
    }

    func markNegation(_ u: inout [Unit], _ clauses: [Range<Int>]) {
        guard config.groups.contains(.negation) else { return }
        for c in clauses {
            var i = c.lowerBound
            while i < c.upperBound {
                if u[i].negator {
                    var j = i + 1
                    if j < c.upperBound && u[j].hash == words.to { j += 1 }
                    var n = 0
                    while j < c.upperBound && n < config.negationScope && u[j].kind != .punct {
                        u[j].negated = true; j += 1; n += 1
                    }
                }
                i += 1
            }
        }
    }

    // MARK: Features

    static let g = (
        bow1: ToneHash.string("bow1"), bow2: ToneHash.string("bow2"), neg: ToneHash.string("neg"),
        c1: ToneHash.string("c1"), c2: ToneHash.string("c2"), cshape: ToneHash.string("cshape"),
        cmark: ToneHash.string("cmark"), cside: ToneHash.string("cside"), sside: ToneHash.string("sside"), char4: ToneHash.string("char4"), enoun: ToneHash.string("enoun"), cstem: ToneHash.string("cstem"),
        wpos: ToneHash.string("wpos"), wbag: ToneHash.string("wbag"), wbi: ToneHash.string("wbi"),
        wstem: ToneHash.string("wstem"),
        ocount: ToneHash.string("ocount"), oclause: ToneHash.string("oclause"), orel: ToneHash.string("orel"),
        tpos: ToneHash.string("tpos"),
        negc: ToneHash.string("negc"), negs: ToneHash.string("negs"),
        hedgec: ToneHash.string("hedgec"), hedges: ToneHash.string("hedges"), hedgenext: ToneHash.string("hedgenext"),
        qs: ToneHash.string("qs"), qc: ToneHash.string("qc"),
        numc: ToneHash.string("numc"), numw: ToneHash.string("numw"),
        verb: ToneHash.string("verb"), verbbag: ToneHash.string("verbbag"),
        ent: ToneHash.string("ent")
    )

    @inline(__always) private func put(_ h: UInt64, _ out: inout [UInt32]) {
        out.append(UInt32(truncatingIfNeeded: ToneHash.mix(h ^ seed) >> shift))
    }
    @inline(__always) private func put(_ tag: UInt64, _ a: UInt64, _ out: inout [UInt32]) {
        put(ToneHash.combine(tag, a), &out)
    }
    @inline(__always) private func put(_ tag: UInt64, _ a: UInt64, _ b: UInt64, _ out: inout [UInt32]) {
        put(ToneHash.combine(ToneHash.combine(tag, a), b), &out)
    }

    @inline(__always) private func surface(_ x: Unit) -> UInt64 {
        x.negated ? ToneHash.combine(Self.g.neg, x.hash) : x.hash
    }

    /// Appends the feature indices for the entity on tokens `target` (a non-empty token range of
    /// `doc`); `others` are the token ranges of the other entities of the text.
    public func features(_ doc: ToneDocument, target: Range<Int>, others: [Range<Int>], into out: inout [UInt32]) {
        guard !target.isEmpty, target.upperBound <= doc.tokens.count else { return }
        var (u, tpos) = units(doc, target: target, others: others)
        let cl = clauses(u)
        markNegation(&u, cl)
        let ci = cl.firstIndex { $0.contains(tpos) } ?? 0
        let c = cl[ci]
        let groups = config.groups
        let g = Self.g

        if groups.contains(.bagOfWords) {
            var prev = Self.tBOS
            for x in u {
                let h = surface(x)
                put(g.bow1, h, &out)
                put(g.bow2, prev, x.hash, &out)
                prev = x.hash
            }
            put(g.bow2, prev, Self.tEOS, &out)
        }

        if groups.contains(.clause) {
          for _ in 0..<config.clauseWeight {
            var prev = Self.tBOS
            for i in c {
                put(g.c1, surface(u[i]), &out)
                put(g.c2, prev, u[i].hash, &out)
                prev = u[i].hash
            }
            put(g.c2, prev, Self.tEOS, &out)
            for i in c where i != tpos && u[i].kind != .punct { put(g.cside, i < tpos ? 1 : 2, surface(u[i]), &out) }
          }
            let shape = UInt64(ci == 0 ? 0 : 1) | UInt64(ci == cl.count - 1 ? 2 : 0) | UInt64(min(cl.count, 4) << 2)
            put(g.cshape, shape, &out)
            put(g.cmark, c.lowerBound > 0 ? u[c.lowerBound - 1].hash : Self.tBOS,
                u[c.lowerBound].clauseWord ? u[c.lowerBound].hash : 0, &out)
        }

        if groups.contains(.sides) {
            for (i, x) in u.enumerated() where i != tpos && x.kind != .punct {
                put(g.sside, i < tpos ? 1 : 2, x.negated ? ToneHash.combine(g.neg, x.stem) : x.stem, &out)
            }
        }

        if groups.contains(.chars) && !doc.scalars.isEmpty {
            let cw = config.window
            let lo = min(c.lowerBound, max(tpos - cw, 0)), hi = max(c.upperBound, min(tpos + cw + 1, u.count))
            for i in lo..<hi where u[i].kind == .word && u[i].token >= 0 {
                let t = doc.tokens[Int(u[i].token)]
                guard t.end - t.start >= 4 else { continue }
                // ^word$ folded to ASCII lower case, 4-grams.
                var a: UInt32 = 0, b: UInt32 = 0, c3: UInt32 = 0x5e
                var valid = 1
                for p in t.start...t.end {
                    let v = p < t.end ? doc.scalars[p].value : 0x24
                    let f = v >= 0x41 && v <= 0x5a ? v | 0x20 : v
                    if valid >= 3 { put(g.char4, UInt64(a) << 42 | UInt64(b) << 21 | UInt64(c3), UInt64(f), &out) }
                    a = b; b = c3; c3 = f
                    valid += 1
                }
            }
        }

        if groups.contains(.stems) {
            for i in c where u[i].kind == .word { put(g.cstem, u[i].negated ? ToneHash.combine(g.neg, u[i].stem) : u[i].stem, &out) }
        }

        let w = config.window
        if groups.contains(.window) || groups.contains(.stems) {
            for side in 0..<2 {
                for d in 1...max(w, 1) where w > 0 {
                    let i = side == 0 ? tpos - d : tpos + d
                    let inside = i >= 0 && i < u.count
                    let h = inside ? u[i].hash : (side == 0 ? Self.tBOS : Self.tEOS)
                    if groups.contains(.window) {
                        if d <= 2 { put(g.wpos, UInt64(side * 8 + d), h, &out) }
                        put(g.wbag, UInt64(side), h, &out)
                    }
                    if groups.contains(.stems) && inside && u[i].kind == .word { put(g.wstem, UInt64(side), u[i].stem, &out) }
                    if !inside { break }
                }
            }
            if groups.contains(.window) {
                let l1 = tpos >= 1 ? u[tpos - 1].hash : Self.tBOS
                let l2 = tpos >= 2 ? u[tpos - 2].hash : (tpos >= 1 ? Self.tBOS : 0)
                let r1 = tpos + 1 < u.count ? u[tpos + 1].hash : Self.tEOS
                let r2 = tpos + 2 < u.count ? u[tpos + 2].hash : (tpos + 1 < u.count ? Self.tEOS : 0)
                put(g.wbi, ToneHash.combine(1, l2), l1, &out)
                put(g.wbi, ToneHash.combine(2, r1), r2, &out)
            }
        }

        if groups.contains(.others) {
            var nSentence = 0, nClause = 0, before = false, after = false, earlier = 0
            for (i, x) in u.enumerated() where x.kind == .other {
                nSentence += 1
                if i < tpos { earlier += 1 }
                if c.contains(i) { nClause += 1; if i < tpos { before = true } else { after = true } }
            }
            put(g.ocount, UInt64(min(nSentence, 3)), &out)
            put(g.oclause, UInt64(min(nClause, 2)), &out)
            put(g.orel, UInt64((before ? 1 : 0) | (after ? 2 : 0)), &out)
            let atStart = tpos == 0, atEnd = tpos == u.count - 1
            put(g.tpos, UInt64(min(earlier, 2)) | (atStart ? 4 : 0) | (atEnd ? 8 : 0), &out)
        }

        if groups.contains(.negation) {
            if c.contains(where: { u[$0].negator }) { put(g.negc, 1, &out) }
            if u.contains(where: { $0.negator }) { put(g.negs, 1, &out) }
        }

        if groups.contains(.hedges) {
            var hc = false, hs = false, qc = false, qs = false
            for (i, x) in u.enumerated() {
                if x.hedge {
                    hs = true
                    if c.contains(i) {
                        hc = true
                        var j = i + 1
                        while j < c.upperBound && u[j].kind != .word { j += 1 }
                        put(g.hedgenext, j < c.upperBound ? u[j].stem : Self.tEOS, &out)
                    }
                }
                if x.question { qs = true; if c.contains(i) || i == c.upperBound { qc = true } }
            }
            if hc { put(g.hedgec, 1, &out) }
            if hs { put(g.hedges, 1, &out) }
            if qc { put(g.qc, 1, &out) }
            if qs { put(g.qs, 1, &out) }
        }

        if groups.contains(.numbers) {
            for i in c where u[i].kind == .number {
                let code = UInt64(Int(u[i].sign) + 1) | (u[i].percent ? 4 : 0)
                put(g.numc, code, &out)
                if abs(i - tpos) <= max(w, 1) { put(g.numw, code | (i < tpos ? 8 : 16), &out) }
            }
        }

        if groups.contains(.verbs) {
            var n = 0
            var i = tpos + 1
            while i < c.upperBound && n < 3 {
                let x = u[i]
                if x.kind == .punct || x.kind == .other || x.clauseWord { break }
                if x.kind == .word && x.hash != words.possessive {
                    let s = x.negated ? ToneHash.combine(g.neg, x.stem) : x.stem
                    put(g.verb, UInt64(n), s, &out)
                    put(g.verbbag, s, &out)
                    n += 1
                }
                i += 1
            }
            if n == 0 { put(g.verb, 9, Self.tEOS, &out) }
        }

        if groups.contains(.entityNouns) {
            for k in target where doc.tokens[k].kind == .word && !doc.tokens[k].upperInitial
                && doc.tokens[k].hash != words.possessive { put(g.enoun, doc.tokens[k].stem, &out) }
        }

        if groups.contains(.entityWords) {
            for k in target { put(g.ent, doc.tokens[k].hash, &out) }
        }
    }
}
