/// Finds the article's container: Readability's paragraph scoring on the flat tree.
///
/// Paragraph-like blocks (`p`, `pre`, `td`, `div`s without block children, loose text runs)
/// of at least 25 characters give their parent `1 + commas + min(length / 100, 3)` and their
/// grandparent half that; candidates start from a tag prior plus class hints and are scaled
/// by `1 - link density`. The best candidate and its qualifying siblings form the article,
/// which is then cleaned conditionally (lists, tables and divs that look like navigation).
struct StripContentScorer {
    private typealias R = ReadabilityConstants

    /// The outcome: which subtrees hold the article and which parts of them to drop.
    struct Selection {
        /// Roots of the article parts, in document order.
        var roots: [Int]
        /// `true` for nodes whose subtree is excluded from the text.
        var removed: [Bool]
        /// Score of the winning candidate (0 when the whole body was taken).
        var bestScore: Double
        var bestIndex: Int
    }

    let tree: StripTree
    let tuning: StripTuning
    private(set) var removed: [Bool]
    private var length: [Int]
    private var linkLength: [Int]
    private var commas: [Int]
    private var hasBlockChild: [Bool]
    /// Nearest earlier sibling with text (-1 when none), for Readability's neighbour check.
    private var previousSibling: [Int?]
    /// Characters of low-link paragraph text in each subtree (after unlikely removal).
    private var prose: [Int]

    init(tree: StripTree, tuning: StripTuning = .init()) {
        self.tree = tree
        self.tuning = tuning
        removed = Array(repeating: false, count: tree.count)
        length = tree.textLength
        linkLength = tree.linkLength
        commas = tree.commas
        hasBlockChild = Array(repeating: false, count: tree.count)
        previousSibling = []
        prose = Array(repeating: 0, count: tree.count)
    }

    /// `dropUnlikely` false is Readability's second pass, for pages whose article wrapper
    /// carries a boilerplate-looking class.
    /// `clean` false keeps the container whole (the last pass before a page is given up).
    mutating func select(dropUnlikely: Bool = true, clean: Bool = true) -> Selection {
        let body = max(tree.body, 0)
        guard tree.count > 0 else {
            return Selection(roots: [], removed: removed, bestScore: 0, bestIndex: 0)
        }
        if dropUnlikely { markUnlikely(body) }
        recomputeSums()
        computePreviousSiblings()
        var scores = scoreParagraphs(body)
        var p = tree.count - 1
        while p > 0 {
            let up = tree.parent[p]
            if up >= 0 && !removed[p] { prose[up] += prose[p] }
            p -= 1
        }
        var best = -1
        var bestScore = -Double.infinity
        for index in scores.indices {
            let score = scores.values[index]
            let scaled = score * (1 - linkDensity(index))
            scores[index] = scaled
            if scaled > bestScore || (scaled == bestScore && index < best) {
                bestScore = scaled
                best = index
            }
        }
        var protectedChain = Set<Int>()
        if best >= 0 {
            let original = best
            (best, bestScore) = refine(best, bestScore, scores: scores, body: body)
            // The original winner and the wrappers between it and the new root stay whole.
            var step = original
            while step > best && step >= 0 {
                protectedChain.insert(step)
                step = tree.parent[step]
            }
        }
        var roots: [Int]
        if best < 0 {
            best = body
            bestScore = 0
            roots = [body]
        } else {
            roots = siblings(of: best, score: bestScore, scores: scores)
        }
        if clean { for root in roots { cleanConditionally(root, scores: scores, protected: protectedChain) } }
        return Selection(roots: roots, removed: removed, bestScore: bestScore, bestIndex: best)
    }

    // MARK: - Unlikely candidates

    private mutating func markUnlikely(_ body: Int) {
        var i = body + 1
        while i < tree.end[body] {
            let tag = tree.tag[i]
            if tag == .text { i += 1; continue }
            var drop = false
            switch tag {
            case .nav, .aside, .footer:
                drop = true
            case .noscript:
                drop = !tree.isSwallowedContent(i)
            case .article, .main, .body, .a, .td, .tr, .tbody, .table:
                drop = false
            default:
                let hint = tree.hintID[i]
                if hint != 0 {
                    let prose = tree.textLength[i] - tree.linkLength[i]
                    if tree.hints.isUnlikely(hint, proseLength: prose) { drop = true }
                }
            }
            if drop {
                removed[i] = true
                i = tree.end[i]
            } else {
                i += 1
            }
        }
    }

    /// Subtree sums without removed parts, and which elements have block-level children.
    private mutating func recomputeSums() {
        var i = tree.count - 1
        for k in 0..<tree.count where tree.tag[k] != .text {
            length[k] = 0; linkLength[k] = 0; commas[k] = 0
        }
        while i > 0 {
            let p = tree.parent[i]
            if p >= 0 && !removed[i] {
                length[p] += length[i]
                linkLength[p] += linkLength[i]
                commas[p] += commas[i]
                if tree.tag[i].breaksDivParagraph { hasBlockChild[p] = true }
            }
            i -= 1
        }
    }

    func linkDensity(_ index: Int) -> Double {
        let total = length[index]
        return total > 0 ? Double(linkLength[index]) / Double(total) : 0
    }

    // MARK: - Paragraph scoring

    private func prior(_ index: Int) -> Double {
        var score: Double
        switch tree.tag[index] {
        case .div, .article, .main, .section: score = 5
        case .pre, .td, .blockquote: score = 3
        case .address, .ol, .ul, .dl, .dd, .dt, .li, .form: score = -3
        case .h1, .h2, .h3, .h4, .h5, .h6, .th: score = -5
        default: score = 0
        }
        score += Double(tree.hints.weight(tree.hintID[index]))
        return score
    }

    private mutating func scoreParagraphs(_ body: Int) -> StripScoreTable {
        var scores = StripScoreTable(count: tree.count)
        func credit(_ parent: Int, _ length: Int, _ commas: Int) {
            guard length >= R.minParagraphLength, parent >= 0 else { return }
            let score = 1 + Double(commas + 1) + min(Double(length) / R.charactersPerPoint, R.maxLengthPoints)
            // Readability.js: the parent gets it all, the grandparent half, and three more
            // ancestors a share that shrinks with distance.
            var ancestor = parent
            var level = 0
            while ancestor >= 0 && level < R.scoredAncestors {
                let divider: Double = level == 0 ? 1 : (level == 1 ? 2 : Double(level) * 3)
                scores.add(ancestor, score / divider, prior: prior(ancestor))
                if tree.tag[ancestor] == .body { break }
                ancestor = tree.parent[ancestor]
                level += 1
            }
        }
        var i = body
        while i < tree.end[body] {
            if removed[i] { i = tree.end[i]; continue }
            let tag = tree.tag[i]
            if tag == .text { i += 1; continue }
            let paragraphLike = tag == .p || tag == .pre || tag == .td
                || (tag == .div && !hasBlockChild[i])
            // Readability.js also scores sections and sub-headings as a whole: an article
            // split into sections then credits the wrapper that holds them all.
            if tag == .section || (tag.isHeading && tag != .h1) {
                credit(tree.parent[i], length[i], commas[i])
                if tag != .section { i = tree.end[i]; continue }
                i += 1
                continue
            }
            if paragraphLike {
                credit(tree.parent[i], length[i], commas[i])
                if tag != .td && length[i] >= 25 && linkLength[i] * 4 < length[i] {
                    prose[i] += length[i] - linkLength[i]
                }
                if tag != .td {
                    i = tree.end[i]
                    continue
                }
            } else if hasBlockChild[i] && (tag == .div || tag == .section || tag == .article
                                            || tag == .main || tag == .td || tag == .body) {
                // Loose text between block children counts as paragraphs of this element.
                var runLength = 0
                var runCommas = 0
                var runLinks = 0
                for child in stripChildren(tree, i) where !removed[child] {
                    if tree.tag[child].breaksDivParagraph || tree.tag[child] == .br {
                        if tree.tag[child] != .br || runLength > 0 {
                            credit(i, runLength, runCommas)
                            if runLength >= 25 && runLinks * 4 < runLength {
                                prose[i] += runLength - runLinks
                            }
                            runLength = 0; runCommas = 0; runLinks = 0
                        }
                    } else {
                        runLength += length[child]
                        runCommas += commas[child]
                        runLinks += linkLength[child]
                    }
                }
                credit(i, runLength, runCommas)
                if runLength >= 25 && runLinks * 4 < runLength { prose[i] += runLength - runLinks }
            }
            i += 1
        }
        return scores
    }

    // MARK: - Top candidate

    /// Readability.js's corrections of the winner: a common ancestor of several near-equal
    /// candidates (articles split into one box per section), a parent that scores higher,
    /// and wrappers whose only child is the winner.
    private func refine(_ start: Int, _ startScore: Double, scores: StripScoreTable,
                        body: Int) -> (Int, Double) {
        var best = start
        var bestScore = startScore
        let top = scores.indices.sorted {
            scores.values[$0] > scores.values[$1] || (scores.values[$0] == scores.values[$1] && $0 < $1)
        }.prefix(R.topCandidates)
        let alternatives = top.filter { $0 != best && scores.values[$0] / max(bestScore, 0.0001) >= R.alternativeScoreShare }
        if alternatives.count >= R.minAlternatives {
            var ancestor = tree.parent[best]
            while ancestor >= 0 && ancestor != body {
                let contained = alternatives.filter { tree.isInside($0, ancestor) }.count
                if contained >= R.minAlternatives {
                    best = ancestor
                    bestScore = scores[ancestor] ?? bestScore
                    break
                }
                ancestor = tree.parent[ancestor]
            }
        }
        var lastScore = scores[best] ?? bestScore
        let threshold = lastScore / R.ancestorScoreDivisor
        var ancestor = tree.parent[best]
        while ancestor >= 0 && tree.tag[ancestor] != .body {
            guard let parentScore = scores[ancestor] else {
                ancestor = tree.parent[ancestor]
                continue
            }
            if parentScore < threshold { break }
            if parentScore > lastScore {
                best = ancestor
                bestScore = parentScore
                break
            }
            lastScore = parentScore
            ancestor = tree.parent[ancestor]
        }
        // An article split over several boxes: climb while the parent holds clearly more
        // prose than the winner without turning into a page of links.
        var climbs = 0
        while climbs < R.maxProseClimbs {
            let parent = tree.parent[best]
            guard parent >= 0, tree.tag[parent] != .body, tree.tag[parent] != .html else { break }
            let gain = prose[parent] - prose[best]
            guard tuning.proseClimbGain > 0 && Double(gain) >= tuning.proseClimbGain && Double(prose[parent]) >= Double(prose[best]) * R.proseClimbRatio
                    && linkDensity(parent) < R.proseClimbMaxLinkDensity else { break }
            best = parent
            bestScore = max(bestScore, scores[parent] ?? bestScore)
            climbs += 1
        }
        while true {
            let parent = tree.parent[best]
            guard parent >= 0, tree.tag[parent] != .body, tree.tag[parent] != .html else { break }
            var onlyChild = true
            for child in stripChildren(tree, parent) where child != best {
                if tree.tag[child] != .text || tree.textLength[child] > 0 { onlyChild = false; break }
            }
            if !onlyChild { break }
            best = parent
            bestScore = max(bestScore, scores[parent] ?? 0)
        }
        return (best, bestScore)
    }

    // MARK: - Siblings

    private func siblings(of best: Int, score: Double, scores: StripScoreTable) -> [Int] {
        let parent = tree.parent[best]
        guard parent >= 0 else { return [best] }
        let threshold = max(R.minSiblingScore, score * tuning.siblingScoreShare)
        let bestClass = tree.hint(best)
        var roots: [Int] = []
        for sibling in stripChildren(tree, parent) where !removed[sibling] {
            if sibling == best { roots.append(sibling); continue }
            let tag = tree.tag[sibling]
            if tag == .text { continue }
            // Same class as the winner: another part of the same article (Readability.js).
            let bonus = !bestClass.isEmpty && tree.tag[sibling] == tree.tag[best]
                && stripFirstClass(tree.hint(sibling)) == stripFirstClass(bestClass) ? score * tuning.siblingScoreShare : 0
            if let s = scores[sibling], s + bonus >= threshold {
                // A box of the same class that is a teaser of another story is not a part of this one.
                if s < threshold && tuning.teaserSiblingTest > 0 && looksLikeTeaser(sibling) { continue }
                roots.append(sibling)
                continue
            }
            if tag == .p {
                let density = linkDensity(sibling)
                let len = length[sibling]
                if len > R.siblingParagraphLength && density < R.siblingParagraphMaxLinkDensity {
                    roots.append(sibling)
                } else if len <= R.siblingParagraphLength && len > 0 && density == 0 {
                    let text = tree.plainText(sibling)
                    if text.hasSuffix(".") || text.contains(". ") { roots.append(sibling) }
                }
            }
        }
        return roots
    }

    /// A teaser card: mostly link text, or a heading that is a link (another story's headline).
    private func looksLikeTeaser(_ index: Int) -> Bool {
        if linkDensity(index) > 0.5 { return true }
        var i = index + 1
        while i < tree.end[index] {
            if tree.tag[i].isHeading && length[i] > 0 && linkLength[i] * 2 > length[i] { return true }
            i += 1
        }
        return false
    }

    // MARK: - Conditional cleaning

    private mutating func cleanConditionally(_ root: Int, scores: StripScoreTable,
                                             protected: Set<Int>) {
        // Headings that are links or carry negative hints.
        var i = root
        while i < tree.end[root] {
            if removed[i] { i = tree.end[i]; continue }
            let tag = tree.tag[i]
            // Readability.js keeps linked headings (section titles that link out); only
            // negative class hints remove them.
            if tag.isHeading, tree.hints.weight(tree.hintID[i]) < 0 {
                removed[i] = true
                i = tree.end[i]
                continue
            }
            if tag == .form && length[i] < 500 { removed[i] = true; i = tree.end[i]; continue }
            i += 1
        }
        // One reverse pre-order pass: every element is judged after all of its descendants,
        // on sums that already exclude what was dropped inside it (as Readability does on its
        // live tree), without walking any subtree twice.
        let stop = tree.end[root]
        var dead = Array(repeating: false, count: stop - root)
        var j = root
        while j < stop {
            let p = tree.parent[j]
            dead[j - root] = removed[j] || (j > root && p >= root && dead[p - root])
            j += 1
        }
        var cLength = Array(repeating: 0, count: stop - root)
        var cLinks = Array(repeating: 0, count: stop - root)
        var cCommas = Array(repeating: 0, count: stop - root)
        var cParagraphs = Array(repeating: 0, count: stop - root)
        var cImages = Array(repeating: 0, count: stop - root)
        var cItems = Array(repeating: 0, count: stop - root)
        var cEmbeds = Array(repeating: 0, count: stop - root)
        var cListText = Array(repeating: 0, count: stop - root)
        var k = stop - 1
        while k >= root {
            defer { k -= 1 }
            let local = k - root
            if dead[local] { continue }
            let tag = tree.tag[k]
            switch tag {
            case .text:
                cLength[local] = tree.textLength[k]
                cLinks[local] = tree.linkLength[k]
                cCommas[local] = tree.commas[k]
            case .p: cParagraphs[local] += 1
            case .div where !hasBlockChild[k]: cParagraphs[local] += 1
            case .img: cImages[local] += 1
            case .li:
                cItems[local] += 1
                cListText[local] = cLength[local]
            case .embed, .iframe, .object: cEmbeds[local] += 1
            default: break
            }
            var drop = false
            if k != root && !protected.contains(k) && (tag == .table || tag == .ul || tag == .div || tag == .aside
                || tag == .header || tag == .footer || tag == .section || tag == .ol) {
                let weight = Double(tree.hints.weight(tree.hintID[k]))
                let contentScore = scores[k] ?? 0
                // Prose is kept despite a negative class, unless the class names a block that is
                // never the article's (comments, related, promo, author bio …).
                let proseGuarded = tuning.proseGuardCharacters > 0
                    && Double(cLength[local] - cLinks[local]) >= tuning.proseGuardCharacters
                    && cLinks[local] * 5 < cLength[local]
                    && !tree.hints.matchesInArticleBoilerplate(tree.hintID[k])
                if weight + contentScore < 0 && !proseGuarded {
                    drop = true
                } else if cCommas[local] < 10 {
                    let paragraphs = cParagraphs[local]
                    let images = cImages[local]
                    let items = cItems[local] - 100
                    let embeds = cEmbeds[local]
                    let contentLength = cLength[local]
                    let density = contentLength > 0
                        ? Double(cLinks[local]) / Double(contentLength) : 0
                    // Readability.js spares lists from the length and link-density rules:
                    // a list of links inside the article is usually its own reference list.
                    let isList = tag == .ul || tag == .ol
                        || (contentLength > 0 && cListText[local] * 10 > contentLength * 9)
                    if paragraphs > 0 && Double(images) > 1 + Double(paragraphs) * 1.3 {
                        drop = true
                    } else if items > paragraphs && !isList {
                        drop = true
                    } else if !isList && contentLength < 25 && (images == 0 || images > 2) {
                        drop = true
                    } else if !isList && weight < 25 && density > tuning.cleanLinkDensity {
                        drop = true
                    } else if weight >= 25 && density > 0.5 {
                        drop = true
                    } else if (embeds == 1 && contentLength < 75) || embeds > 1 {
                        drop = true
                    }
                    if drop {
                        // Keep it when its neighbours are long prose: it sits inside the story.
                        var neighbours = 0
                        var sawNeighbour = false
                        if let next = nextNonEmptySibling(k, forward: true) {
                            neighbours += length[next]; sawNeighbour = true
                        }
                        if let previous = previousSibling[k], previous >= 0 {
                            neighbours += length[previous]; sawNeighbour = true
                        }
                        if sawNeighbour && neighbours > 1000 { drop = false }
                    }
                }
            }
            if drop {
                removed[k] = true
                continue
            }
            let p = tree.parent[k]
            if k > root && p >= root {
                let up = p - root
                cLength[up] += cLength[local]
                cLinks[up] += cLinks[local]
                cCommas[up] += cCommas[local]
                cParagraphs[up] += cParagraphs[local]
                cImages[up] += cImages[local]
                cItems[up] += cItems[local]
                cEmbeds[up] += cEmbeds[local]
                cListText[up] += cListText[local]
            }
        }
    }

    private mutating func computePreviousSiblings() {
        previousSibling = Array(repeating: nil, count: tree.count)
        var lastChild = Array(repeating: -1, count: tree.count)
        for index in 1..<max(tree.count, 1) {
            let parent = tree.parent[index]
            guard parent >= 0 else { continue }
            previousSibling[index] = lastChild[parent]
            if !removed[index] && length[index] > 0 { lastChild[parent] = index }
        }
    }

    private func nextNonEmptySibling(_ index: Int, forward: Bool) -> Int? {
        let parent = tree.parent[index]
        guard parent >= 0 else { return nil }
        var s = tree.end[index]
        while s < tree.end[parent] {
            if !removed[s] && length[s] > 0 { return s }
            s = tree.end[s]
        }
        return nil
    }
}

/// Direct children of `parent`, found by jumping over each child's subtree range.
func stripChildren(_ tree: StripTree, _ parent: Int) -> [Int] {
    var out: [Int] = []
    var child = parent + 1
    let stop = tree.end[parent]
    while child < stop {
        out.append(child)
        child = tree.end[child]
    }
    return out
}

/// Candidate scores by node index; `indices` lists scored nodes in the order first scored.
struct StripScoreTable {
    var values: [Double]
    private var scored: [Bool]
    private(set) var indices: [Int] = []

    init(count: Int) {
        values = Array(repeating: 0, count: count)
        scored = Array(repeating: false, count: count)
    }

    subscript(index: Int) -> Double? {
        get { scored[index] ? values[index] : nil }
        set {
            if let newValue {
                if !scored[index] { scored[index] = true; indices.append(index) }
                values[index] = newValue
            }
        }
    }

    mutating func add(_ index: Int, _ amount: Double, prior: @autoclosure () -> Double) {
        if !scored[index] {
            scored[index] = true
            indices.append(index)
            values[index] = prior()
        }
        values[index] += amount
    }
}

/// First class name of a hint ("story-body story-body-2" -> "story-body").
private func stripFirstClass(_ hint: String) -> Substring {
    hint.split(separator: " ", maxSplits: 1).first ?? ""
}

/// The content scorer's numbers. Most are Mozilla Readability.js's own (named after its
/// constants and `_grabArticle` steps); the prose climb is this extractor's addition, set by hand
/// on the development sets.
enum ReadabilityConstants {
    /// Paragraphs shorter than this (characters) are not scored (`_grabArticle`: 25).
    static let minParagraphLength = 25
    /// One point per this many characters, at most `maxLengthPoints` (`_grabArticle`: 100, 3).
    static let charactersPerPoint = 100.0, maxLengthPoints = 3.0
    /// A paragraph's score goes to this many ancestors (parent, grandparent, then shares).
    static let scoredAncestors = 5
    /// Top candidates compared (`DEFAULT_N_TOP_CANDIDATES`: 5).
    static let topCandidates = 5
    /// Candidates scoring this share of the best are alternatives; this many of them inside one
    /// ancestor make the ancestor the article (`MINIMUM_TOPCANDIDATES`: 3, ratio 0.75).
    static let alternativeScoreShare = 0.75, minAlternatives = 3
    /// Climbing stops at an ancestor scoring below the winner's score divided by this (3).
    static let ancestorScoreDivisor = 3.0
    /// Siblings join at `max(minSiblingScore, best × siblingScoreShare)` (10 and 0.2); a sibling
    /// with the winner's class gets the same share as a bonus.
    static let minSiblingScore = 10.0, siblingScoreShare = 0.2
    /// Sibling `<p>`s longer than this (characters) join below this link density (80, 0.25).
    static let siblingParagraphLength = 80, siblingParagraphMaxLinkDensity = 0.25
    /// Prose climb (this extractor, dev sets): up to `maxProseClimbs` parents that add at least
    /// `proseClimbGain` characters of prose, `proseClimbRatio` times the winner's, with link
    /// density under `proseClimbMaxLinkDensity`.
    static let maxProseClimbs = 4, proseClimbGain = 200, proseClimbRatio = 1.2, proseClimbMaxLinkDensity = 0.3
}
