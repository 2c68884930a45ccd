import Foundation
import NewsIO
import NewsText

/// What the linker knows about one English word (`Resources/entities/words.tsv`).
struct EntityWordInfo: Sendable, Equatable {
    /// Frequency on the Zipf scale (log10 per billion words), from wordfreq; 0 when unknown.
    var zipf: Float
    /// The SCOWL dictionary has the word in lower case: it is written as an ordinary word.
    var lowerDictionary: Bool
    /// Share of the 1990 US census population (percent) with this surname / first name.
    var surname: Float
    var firstName: Float
    /// Occurrences in the middle of a sentence in a cased news corpus: in lower case, capitalised.
    var midLower: UInt32
    var midCapitalised: UInt32

    /// Share of the mid-sentence occurrences written in lower case, when the corpus saw the word
    /// often enough to say.
    var lowerShare: Double? {
        let total = Double(midLower) + Double(midCapitalised)
        return total >= EntityEvidenceThresholds.caseEvidenceMinimum ? Double(midLower) / total : nil
    }
}

/// The constants of the ambiguity and evidence decisions, each with the data it was chosen on.
enum EntityEvidenceThresholds {
    /// Mid-sentence occurrences the cased corpus must have before its case share decides whether a
    /// word is ordinary (below it, the dictionary and wordfreq decide). Entities research §3: the
    /// share is stable from about 5 occurrences on the 995 dev documents.
    static let caseEvidenceMinimum = 5.0
    /// A word written in lower case at least this often mid-sentence is an ordinary word. Chosen in
    /// the entities research (§3, `case_ratio.py`, dev pages): right company links have a median
    /// share of 0.00 (46 of 48 below 0.15), wrong ones 0.58.
    static let ordinaryLowerShare = 0.2
    /// Without case evidence: a dictionary word at least this frequent (once per million words) is
    /// ordinary (research `build_ambiguity.py`, COMMON_ZIPF).
    static let ordinaryZipf: Float = 3.0
    /// A surname or first name carried by at least this share (percent) of the 1990 census
    /// population makes a one-word company name "also a person's name" (roughly the top 15k).
    static let personNameShare: Float = 0.001
    /// A sentence-initial one-word name whose word is written in lower case at least this often
    /// mid-sentence is an ordinary word that was capitalised by position ("Oh", "Therefore", "Read");
    /// research §6: drops 3,064 of 10,869 such names on the dev pages, keeps Apple, China, Trump.
    static let sentenceInitialLowerShare = 0.5
    /// A surname or first name this common (percent of the 1990 census population, about the top
    /// 1,500 surnames) keeps a sentence-initial word a name: chosen on CoNLL-2003 eng.testa, where it
    /// keeps May, Brown, Green, Woods, Wall and drops Obviously, Imagine, Read (0.006).
    static let commonNameShare: Float = 0.01
    /// Without case evidence, a sentence-initial dictionary word this frequent is not a name.
    static let sentenceInitialZipf: Float = 4.5
    /// Words on either side of a company mention searched for financial or corporate cues
    /// (research §4: the 8-word window of `evidence.py`).
    static let evidenceWindow = 8
    /// The same window for an ordinary word capitalised by its place at the start of a sentence:
    /// the next two words ("Block shares rose", "Target said sales fell"). Dev-page judgements: the
    /// 8-word window linked "On the other hand" (ONON, 6) and "Here ..." (HERE, 3), all wrong; two
    /// words drop all but "Here, we forecast" and keep every right link.
    static let positionalEvidenceWindow = 2
    /// A person's or place's name of a company needs positive evidence unless the company is at
    /// least this well known (2: named in the team's alias file or a user's list; 1: S&P 500 only;
    /// 0: SEC file only). Chosen on the dev-page judgements (extraction truth texts minus the
    /// gold pages): links without evidence of rank 2 names were 42 right / 4 wrong (Apple, Fox,
    /// Ford), of rank 0-1 names 0 right / 14 wrong (Williams, Dover, Dow, Ferrari, Lilly).
    static let noConflictMinimumRank = 2
    /// Companies at least this well known (1: S&P 500) are read as named when their name is ordinary
    /// words ("General Motors", "Home Depot"); SEC-only filers named so need evidence ("Information
    /// Services", "Public Policy"): the analyst read of the dev pages (64e447c) found 14 such SEC-only
    /// links, none right, and no wrong S&P 500 one.
    static let prominentRank = 1
}

/// English word statistics for deciding when a name is also an ordinary word or a person's name.
///
/// Built by `scripts/build-entity-lexicon` from wordfreq (CC BY-SA 4.0), the SCOWL dictionary,
/// the 1990 US census name lists and case counts of a cased news corpus (see `entities/NOTICE`).
struct EntityWords: Sendable {
    let table: EntityScanHashTable<EntityWordInfo>
    let count: Int

    static let empty = EntityWords(table: EntityScanHashTable(), count: 0)

    /// The shipped table (loaded once per process).
    static func loadDefault() throws -> EntityWords { try cachedDefault.get() }

    private static let cachedDefault: Result<EntityWords, FileError> = {
        do {
            let r = try EntityKnowledgeBase.resource("words", "tsv")
            return .success(try parse(r.text, path: r.path))
        } catch let error as FileError {
            return .failure(error)
        } catch {
            return .failure(.io(path: "Resources/entities/words.tsv", reason: error.localizedDescription))
        }
    }()

    /// `word<TAB>zipf<TAB>lower_dict<TAB>surname<TAB>first<TAB>mid_lower<TAB>mid_cap`, `#` comments.
    static func parse(_ text: String, path: String) throws -> EntityWords {
        var table = EntityScanHashTable<EntityWordInfo>(minimumCapacity: 120_000)
        var n = 0
        var lineNumber = 0
        var bytes = Array(text.utf8)
        bytes.append(10)
        var start = 0
        var fields: [Range<Int>] = []
        fields.reserveCapacity(8)
        func number(_ r: Range<Int>) -> Float {
            // Plain decimals ("4.88", "0.003", "0"): parsed by hand, Float(String) is slow.
            var value: Float = 0, scale: Float = 0
            for i in r {
                let b = bytes[i]
                if b == 46 { scale = 1; continue }
                guard b >= 48 && b <= 57 else { continue }
                if scale > 0 { scale /= 10; value += Float(b - 48) * scale } else { value = value * 10 + Float(b - 48) }
            }
            return value
        }
        for i in 0..<bytes.count where bytes[i] == 10 {
            lineNumber += 1
            defer { start = i + 1 }
            guard i > start, bytes[start] != 35 else { continue }
            fields.removeAll(keepingCapacity: true)
            var f = start
            for j in start..<i where bytes[j] == 9 { fields.append(f..<j); f = j + 1 }
            fields.append(f..<i)
            guard fields.count >= 7 else {
                throw FileError.io(path: path, reason: "line \(lineNumber): expected 7 tab-separated fields")
            }
            var h = EntityScanHash.seed
            for s in String(decoding: bytes[fields[0]], as: UTF8.self).unicodeScalars { h = EntityScanHash.mix(h, CharacterClass.folded(s)) }
            table[h] = EntityWordInfo(zipf: number(fields[1]), lowerDictionary: bytes[fields[2].lowerBound] == 49,
                                      surname: number(fields[3]), firstName: number(fields[4]),
                                      midLower: UInt32(number(fields[5])), midCapitalised: UInt32(number(fields[6])))
            n += 1
        }
        return EntityWords(table: table, count: n)
    }

    func info(_ foldHash: UInt64) -> EntityWordInfo? { table[foldHash] }

    /// A word written in lower case in ordinary English ("block", "click", "target", "shell"), by
    /// the cased corpus when it saw the word often enough, else by frequency and the dictionary.
    func isOrdinaryWord(_ foldHash: UInt64) -> Bool {
        guard let w = table[foldHash] else { return false }
        if let share = w.lowerShare { return share >= EntityEvidenceThresholds.ordinaryLowerShare }
        return w.lowerDictionary && w.zipf >= EntityEvidenceThresholds.ordinaryZipf
    }

    /// A first name or surname of many people ("Ford", "Williams", "Bill").
    func isPersonName(_ foldHash: UInt64) -> Bool {
        guard let w = table[foldHash] else { return false }
        return w.surname >= EntityEvidenceThresholds.personNameShare || w.firstName >= EntityEvidenceThresholds.personNameShare
    }

    /// A surname or first name carried by many people ("Brown", "May", "Green"): capitalised at
    /// the start of a sentence it is as likely a name as a word.
    func isCommonName(_ foldHash: UInt64) -> Bool {
        guard let w = table[foldHash] else { return false }
        return w.surname >= EntityEvidenceThresholds.commonNameShare || w.firstName >= EntityEvidenceThresholds.commonNameShare
    }

    func isFirstName(_ foldHash: UInt64) -> Bool {
        guard let w = table[foldHash] else { return false }
        return w.firstName >= EntityEvidenceThresholds.personNameShare
    }

    /// A word that, capitalised at the start of a sentence or heading, is most likely just that
    /// word ("Oh", "Therefore", "Click", "Read"), not a name.
    func isCapitalisedByPosition(_ foldHash: UInt64) -> Bool {
        guard let w = table[foldHash] else { return false }
        if let share = w.lowerShare { return share >= EntityEvidenceThresholds.sentenceInitialLowerShare }
        return w.lowerDictionary && w.zipf >= EntityEvidenceThresholds.sentenceInitialZipf
    }
}
