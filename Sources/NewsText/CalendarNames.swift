/// Month and weekday names as dates in news are written: the one table the date parsers of
/// strip (metadata, datelines) and entities (dates in text) read.
public enum CalendarNames {
    /// English months, lowercased: full names and abbreviations ("sept" included) → 1–12.
    public static let englishMonths: [String: Int] = {
        var table: [String: Int] = [:]
        for (index, name) in englishMonthNames.enumerated() {
            table[name] = index + 1
            table[String(name.prefix(3))] = index + 1
        }
        table["sept"] = 9
        return table
    }()

    /// English months plus German, French and Spanish full names (page metadata and bylines of
    /// European sites), lowercased → 1–12.
    public static let months: [String: Int] = {
        var table = englishMonths
        let european: [(String, Int)] = [
            ("januar", 1), ("februar", 2), ("märz", 3), ("mai", 5), ("juni", 6), ("juli", 7),
            ("oktober", 10), ("dezember", 12), ("janvier", 1), ("février", 2), ("mars", 3),
            ("avril", 4), ("juin", 6), ("juillet", 7), ("août", 8), ("septembre", 9),
            ("octobre", 10), ("novembre", 11), ("décembre", 12), ("enero", 1), ("febrero", 2),
            ("marzo", 3), ("abril", 4), ("mayo", 5), ("junio", 6), ("julio", 7), ("agosto", 8),
            ("septiembre", 9), ("octubre", 10), ("noviembre", 11), ("diciembre", 12),
        ]
        for (name, number) in european where table[name] == nil { table[name] = number }
        return table
    }()

    /// English weekdays, lowercased → 0 (Sunday) … 6 (Saturday).
    public static let englishWeekdays: [String: Int] = [
        "sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
    ]

    /// Lowercased month abbreviations that can carry a period ("Jan.", "Sept."); May, June and
    /// July are written in full.
    public static let monthAbbreviations: [String] = ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]

    /// Lowercased weekday abbreviations that can carry a period ("Tues.").
    public static let weekdayAbbreviations: [String] = ["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"]

    private static let englishMonthNames = ["january", "february", "march", "april", "may", "june", "july", "august",
                                            "september", "october", "november", "december"]
}
