/// English abbreviations in news text: where a period belongs to the word, and where it may end
/// the sentence as well. The tokenizer and the sentence splitter read these; nothing else keeps a
/// list of its own.
public enum Abbreviations {
    /// Lowercased, without the final period: titles, company suffixes, months and weekdays,
    /// US state abbreviations (AP style), street words, Latin and dotted forms.
    public static let wordFinal: Set<String> = Set([
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "rev", "hon", "gen", "col",
        "lt", "maj", "capt", "cpt", "sgt", "cmdr", "adm", "gov", "sen", "rep", "pres", "supt", "insp",
        "inc", "corp", "co", "ltd", "plc", "bros", "llc", "cos", "dept", "univ", "assn", "assoc",
        "no", "nos", "vs", "v", "etc", "approx", "est", "fig", "vol", "pp", "ed", "eds", "al",
        "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan",
        "kans", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla",
        "ore", "pa", "penn", "tenn", "tex", "va", "vt", "wash", "wis", "wisc", "wyo",
        "ave", "blvd", "rd", "hwy", "sq", "apt", "bldg",
        "e.g", "i.e", "a.m", "p.m", "u.s", "u.k", "u.n", "e.u", "u.s.a", "d.c",
    ] + CalendarNames.monthAbbreviations + CalendarNames.weekdayAbbreviations)

    /// Abbreviations (lowercased, with their period) that often end a sentence too
    /// ("… bought Acme Inc. The deal …").
    public static let sentenceFinal: Set<String> = [
        "inc.", "corp.", "co.", "ltd.", "plc.", "llc.", "u.s.", "u.k.", "etc.", "jr.", "sr.", "bros.",
        "a.m.", "p.m.", "d.c.",
    ]

    /// Words that start sentences far more often than they follow an abbreviation inside one.
    public static let sentenceStarters: Set<String> = [
        "The", "A", "An", "He", "She", "It", "They", "We", "I", "But", "In", "This", "That", "Its",
        "Their", "His", "Her", "Shares", "There", "These", "Those", "On", "At", "As", "And", "So",
        "However", "Meanwhile", "For", "After", "If", "When", "While", "Analysts", "Some", "Last",
    ]
}
