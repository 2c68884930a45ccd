/// The confidence grades the entities engine gives mentions that do not come straight from the
/// NER model's own score. They are ordinal grades set by hand when the engine was written (on the
/// CoNLL-2003 development set and the seed article), not calibrated probabilities: they order
/// mentions for `minConfidence` and for the analyst, from "the text says so" down to "a guess
/// from context".
enum EntityConfidence {
    /// Unambiguous by form: an exchange-qualified ticker ("NYSE: F"), a cashtag, a percentage,
    /// money with a currency, a full date.
    static let certain = 0.97
    /// Clear by form with one assumption: a parenthesised ticker after its company, a money
    /// amount in a known currency word, a day-month date.
    static let strong = 0.95
    /// A pattern that needs context to be sure: a ticker after "shares of", a month and year.
    static let likely = 0.9
    /// An NER name found again in the knowledge base by its normalised form.
    static let knownName = 0.85
    /// A weak alias confirmed by the NER or by a fuller name, a relative date ("last week").
    static let confirmed = 0.8
    /// The most a dictionary match can reach after the NER agrees with it (it stays below certain).
    static let dictionaryCeiling = 0.99
    /// What one NER agreement adds to a dictionary match.
    static let agreementBonus = 0.03
    /// NER names below this are not searched for again elsewhere in the document.
    static let repeatableName = 0.5
    /// A repeat of an NER name found by string match keeps this share of the first mention's score.
    static let repeatDiscount = 0.85
    /// A bare year ("in 2009").
    static let bareYear = 0.85

    /// Dictionary matches by the rank of their list: SEC names, S&P 500, curated aliases,
    /// user lists.
    static func dictionary(rank: Int) -> Double { [knownName, likely, strong, strong][min(max(rank, 0), 3)] }
}
