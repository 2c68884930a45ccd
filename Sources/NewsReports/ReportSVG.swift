import Foundation
import NewsRecords

/// Inline SVG charts for `report.html`, drawn without JavaScript.
///
/// Every chart is an `<svg role="img">` with a `<title>` and `<desc>` for screen readers, a
/// `<title>` on each mark for hover read-outs, and coordinates printed with fixed precision so the
/// markup is byte-stable. Label widths are estimated (no font metrics at build time), so long
/// labels are cut with an ellipsis and given in full in the mark's title.
enum ReportSVG {
    /// Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), yellow left out.
    static let series = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7F7F7F", "#000000"]
    static let bullish = "#009E73"
    static let bearish = "#D55E00"
    static let typeColours: [EntityType: String] = [
        .organization: "#0072B2", .person: "#E69F00", .location: "#009E73", .miscellaneous: "#CC79A7",
        .ticker: "#56B4E9", .money: "#7F7F7F", .percent: "#7F7F7F", .date: "#7F7F7F",
    ]
    static let typeNames: [EntityType: String] = [
        .organization: "Organisation", .person: "Person", .location: "Place", .miscellaneous: "Other",
        .ticker: "Ticker", .money: "Money", .percent: "Percent", .date: "Date",
    ]

    static func n(_ value: Double) -> String { ReportFormat.fixed(value, digits: 1) }

    /// Cuts `text` to about `width` pixels of 12 px sans-serif text.
    static func fit(_ text: String, width: Double, charWidth: Double = 6.6) -> String {
        let single = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        let limit = max(4, Int(width / charWidth))
        guard single.count > limit else { return single }
        return String(single.prefix(limit - 1)).trimmingCharacters(in: .whitespaces) + "…"
    }

    /// A "nice" axis maximum and tick step for values up to `maximum`.
    static func niceScale(_ maximum: Int, ticks: Int = 4) -> (top: Int, step: Int) {
        guard maximum > 0 else { return (1, 1) }
        let raw = Double(maximum) / Double(ticks)
        let magnitude = pow(10, floor(log10(raw)))
        let candidates = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }
        let step = max(1, Int(candidates.first { $0 >= raw } ?? 10 * magnitude))
        return (((maximum + step - 1) / step) * step, step)
    }

    private static func open(id: String, width: Int, height: Int, title: String, description: String) -> String {
        let e = ReportHTML.escape
        return "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
            + "role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" xmlns=\"http://www.w3.org/2000/svg\">"
            + "<title id=\"\(id)-title\">\(e(title))</title><desc id=\"\(id)-desc\">\(e(description))</desc>"
    }

    // MARK: Horizontal bars

    struct Bar {
        var label: String
        var value: Int
        var colour: String
        var tooltip: String
    }

    /// Horizontal bars, one per row, with the value printed after each bar.
    static func bars(id: String, title: String, description: String, bars: [Bar], labelWidth: Double = 190,
                     width: Int = 560) -> String {
        let rowHeight = 24.0, top = 8.0, bottom = 26.0
        let height = Int(top + Double(bars.count) * rowHeight + bottom)
        let plotLeft = labelWidth + 8, plotWidth = Double(width) - plotLeft - 40
        let scale = niceScale(bars.map(\.value).max() ?? 0)
        let e = ReportHTML.escape
        var svg = open(id: id, width: width, height: height, title: title, description: description)
        svg += "<g class=\"grid\">"
        var tick = 0
        while tick <= scale.top {
            let x = plotLeft + plotWidth * Double(tick) / Double(scale.top)
            svg += "<line x1=\"\(n(x))\" y1=\"\(n(top - 4))\" x2=\"\(n(x))\" y2=\"\(n(Double(height) - bottom + 2))\"/>"
            svg += "<text class=\"tick\" x=\"\(n(x))\" y=\"\(n(Double(height) - bottom + 16))\" text-anchor=\"middle\">\(ReportFormat.grouped(tick))</text>"
            tick += scale.step
        }
        svg += "</g>"
        for (row, bar) in bars.enumerated() {
            let y = top + Double(row) * rowHeight
            let barWidth = max(bar.value > 0 ? 2 : 0, plotWidth * Double(bar.value) / Double(scale.top))
            svg += "<g class=\"bar\"><title>\(e(bar.tooltip))</title>"
            svg += "<text class=\"label\" x=\"\(n(labelWidth))\" y=\"\(n(y + rowHeight / 2 + 4))\" text-anchor=\"end\">\(e(fit(bar.label, width: labelWidth)))</text>"
            svg += "<rect x=\"\(n(plotLeft))\" y=\"\(n(y + 4))\" width=\"\(n(barWidth))\" height=\"\(n(rowHeight - 8))\" rx=\"2\" fill=\"\(bar.colour)\"/>"
            svg += "<text class=\"value\" x=\"\(n(plotLeft + barWidth + 5))\" y=\"\(n(y + rowHeight / 2 + 4))\">\(ReportFormat.grouped(bar.value))</text></g>"
        }
        return svg + "</svg>"
    }

    // MARK: Lines over calendar time

    struct Series {
        var name: String
        /// Mentions per day (days since 1970-01-01).
        var days: [Int: Int]
    }

    /// Calendar buckets a time axis is drawn in, chosen by the span as the page's "auto" does.
    enum Bucket: String {
        case day, week, month, year

        static func fitting(span days: Int) -> Bucket {
            days <= 92 ? .day : days <= 731 ? .week : days <= 365 * 30 ? .month : .year
        }

        /// The first day of the bucket holding `day` (weeks start on Monday).
        func start(of day: Int) -> Int {
            switch self {
            case .day: return day
            case .week: return day - ((day + 3) % 7 + 7) % 7
            case .month:
                let text = ReportDay.string(day)
                return ReportDay.days(year: Int(text.prefix(4)) ?? 1970, month: Int(text.dropFirst(5).prefix(2)) ?? 1, day: 1)
            case .year: return ReportDay.days(year: Int(ReportDay.string(day).prefix(4)) ?? 1970, month: 1, day: 1)
            }
        }

        func next(after start: Int) -> Int {
            switch self {
            case .day: return start + 1
            case .week: return start + 7
            case .month:
                let text = ReportDay.string(start)
                let year = Int(text.prefix(4)) ?? 1970, month = Int(text.dropFirst(5).prefix(2)) ?? 1
                return month == 12 ? ReportDay.days(year: year + 1, month: 1, day: 1) : ReportDay.days(year: year, month: month + 1, day: 1)
            case .year: return ReportDay.days(year: (Int(ReportDay.string(start).prefix(4)) ?? 1970) + 1, month: 1, day: 1)
            }
        }

        /// How a bucket is named in a tooltip: `2019-12-30`, `week of 2019-12-30`, `2019-12`, `2019`.
        func label(_ start: Int) -> String {
            switch self {
            case .day: return ReportDay.string(start)
            case .week: return "week of " + ReportDay.string(start)
            case .month: return String(ReportDay.string(start).prefix(7))
            case .year: return String(ReportDay.string(start).prefix(4))
            }
        }
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Axis ticks on calendar boundaries for days `first ..< end`; every label carries its year.
    static func calendarTicks(first: Int, end: Int, maximum: Int) -> [(day: Int, label: String)] {
        let span = Double(end - first)
        let choices: [(Int, Bucket)] = [(1, .day), (2, .day), (7, .week), (14, .week), (1, .month), (2, .month), (3, .month),
                                        (6, .month), (1, .year), (2, .year), (5, .year), (10, .year), (20, .year), (50, .year)]
        let length: [Bucket: Double] = [.day: 1, .week: 1, .month: 30.44, .year: 365.25]
        let (step, unit) = choices.first { span / (Double($0.0) * length[$0.1]!) <= Double(maximum) } ?? (100, .year)
        var ticks: [(Int, String)] = []
        func dayLabel(_ day: Int) -> String {
            let text = ReportDay.string(day)
            return "\(Int(text.suffix(2)) ?? 1) \(monthNames[(Int(text.dropFirst(5).prefix(2)) ?? 1) - 1]) \(text.prefix(4))"
        }
        switch unit {
        case .day, .week:
            var day = unit == .week ? Bucket.week.start(of: first) : first
            while day < first { day += 7 }
            while day < end { ticks.append((day, dayLabel(day))); day += step }
        case .month:
            var day = Bucket.month.start(of: first)
            if day < first { day = Bucket.month.next(after: day) }
            while day < end {
                let text = ReportDay.string(day)
                let month = Int(text.dropFirst(5).prefix(2)) ?? 1
                if (month - 1) % step == 0 { ticks.append((day, "\(monthNames[month - 1]) \(text.prefix(4))")) }
                day = Bucket.month.next(after: day)
            }
        case .year:
            var day = Bucket.year.start(of: first)
            if day < first { day = Bucket.year.next(after: day) }
            while day < end {
                let year = Int(ReportDay.string(day).prefix(4)) ?? 1970
                if year % step == 0 { ticks.append((day, String(year))) }
                day = Bucket.year.next(after: day)
            }
        }
        return ticks
    }

    /// One line per series over calendar time from the first to the last day with data: the x
    /// axis is proportional to time (empty periods stay in place as zeros), bucketed by day,
    /// week, month or year as the span needs, labelled with dates that carry their year.
    static func timeline(id: String, title: String, description: String, series: [Series],
                         width: Int = 560, height: Int = 300) -> (svg: String, bucket: Bucket)? {
        let allDays = series.flatMap(\.days.keys)
        guard let firstDay = allDays.min(), let lastDay = allDays.max() else { return nil }
        let bucket = Bucket.fitting(span: lastDay - firstDay + 1)
        var starts: [Int] = []
        var start = bucket.start(of: firstDay)
        while start <= lastDay { starts.append(start); start = bucket.next(after: start) }
        let end = start
        let slot = Dictionary(uniqueKeysWithValues: starts.enumerated().map { ($0.element, $0.offset) })
        let values: [[Int]] = series.map { line in
            var row = Array(repeating: 0, count: starts.count)
            for (day, count) in line.days { if let index = slot[bucket.start(of: day)] { row[index] += count } }
            return row
        }
        let left = 44.0, right = 70.0, top = 14.0, bottom = 34.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let scale = niceScale(values.flatMap { $0 }.max() ?? 0)
        let e = ReportHTML.escape
        let origin = starts[0]
        // A bucket's point sits at its middle; one-bucket charts put it in the middle of the plot.
        func x(day: Double) -> Double { left + plotWidth * (day - Double(origin)) / Double(max(1, end - origin)) }
        func x(bucket index: Int) -> Double {
            let to = index + 1 < starts.count ? starts[index + 1] : end
            return x(day: (Double(starts[index]) + Double(to)) / 2)
        }
        func y(_ value: Int) -> Double { top + plotHeight * (1 - Double(value) / Double(scale.top)) }
        var svg = open(id: id, width: width, height: height, title: title, description: description)
        svg += "<g class=\"grid\">"
        var tick = 0
        while tick <= scale.top {
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(y(tick)))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(y(tick)))\"/>"
            svg += "<text class=\"tick\" x=\"\(n(left - 8))\" y=\"\(n(y(tick) + 4))\" text-anchor=\"end\">\(ReportFormat.grouped(tick))</text>"
            tick += scale.step
        }
        for mark in calendarTicks(first: origin, end: end, maximum: max(2, Int(plotWidth / 95))) {
            let at = x(day: Double(mark.day))
            svg += "<line x1=\"\(n(at))\" y1=\"\(n(top))\" x2=\"\(n(at))\" y2=\"\(n(top + plotHeight + 4))\"/>"
            svg += "<text class=\"tick\" x=\"\(n(at))\" y=\"\(n(Double(height) - bottom + 18))\" text-anchor=\"middle\">\(e(mark.label))</text>"
        }
        svg += "</g>"
        // Names at the line ends, nudged apart so they do not overlap.
        var labelYs: [(index: Int, y: Double)] = values.enumerated().map { ($0.offset, y($0.element.last ?? 0) + 4) }
        labelYs.sort { $0.y != $1.y ? $0.y < $1.y : $0.index < $1.index }
        for k in labelYs.indices.dropFirst() where labelYs[k].y - labelYs[k - 1].y < 13 {
            labelYs[k].y = labelYs[k - 1].y + 13
        }
        if let last = labelYs.last?.y, last > top + plotHeight + 4 {
            let shift = last - (top + plotHeight + 4)
            for k in labelYs.indices { labelYs[k].y -= shift }
        }
        let labelY = Dictionary(uniqueKeysWithValues: labelYs.map { ($0.index, $0.y) })
        for (index, line) in series.enumerated() {
            let colour = Self.series[index % Self.series.count]
            let row = values[index]
            let points = row.enumerated().map { "\(n(x(bucket: $0.offset))),\(n(y($0.element)))" }.joined(separator: " ")
            let busy = row.enumerated().filter { $0.element > 0 }
            svg += "<g class=\"series\"><title>\(e(line.name)): \(e(busy.map { "\(bucket.label(starts[$0.offset])) \($0.element)" }.joined(separator: ", ")))</title>"
            if row.count > 1 {
                svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(row.count > 120 ? "1.5" : "2.5")\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
            }
            // Markers on the periods with mentions help to read a few periods; over many they bury the lines.
            if row.count <= 60 {
                let radius = row.count > 14 ? "2" : "3.5"
                for (offset, value) in busy {
                    svg += "<circle cx=\"\(n(x(bucket: offset)))\" cy=\"\(n(y(value)))\" r=\"\(radius)\" fill=\"#fff\" stroke=\"\(colour)\" stroke-width=\"2\"><title>\(e(line.name)) \(e(bucket.label(starts[offset]))): \(value) mentions</title></circle>"
                }
            }
            svg += "<text class=\"series-label\" x=\"\(n(left + plotWidth + 8))\" y=\"\(n(labelY[index] ?? 0))\" fill=\"\(colour)\">\(e(fit(line.name, width: right - 10)))</text></g>"
        }
        return (svg + "</svg>", bucket)
    }

    /// A small bar chart of one value per calendar night over the last `days` nights up to
    /// `lastNight`; nights without a run show as a grey dot, not as zero.
    static func sparkline(values: [Int: Int], lastNight: Int, days: Int = 30, label: String) -> String {
        let width = 150.0, height = 30.0, barWidth = width / Double(days)
        let maximum = max(1, values.filter { $0.key > lastNight - days && $0.key <= lastNight }.map(\.value).max() ?? 1)
        var svg = "<svg class=\"spark\" viewBox=\"0 0 150 30\" width=\"150\" height=\"30\" role=\"img\" aria-label=\"\(ReportHTML.escape(label))\">"
        for offset in 0 ..< days {
            let night = lastNight - days + 1 + offset
            let x0 = Double(offset) * barWidth
            guard let value = values[night] else {
                svg += "<circle cx=\"\(n(x0 + barWidth / 2))\" cy=\"27\" r=\"1.2\" fill=\"#bcccdc\"/>"
                continue
            }
            guard value > 0 else { continue }
            let barHeight = max(1, Double(value) / Double(maximum) * (height - 2))
            svg += "<rect x=\"\(n(x0 + 0.5))\" y=\"\(n(height - barHeight))\" width=\"\(n(max(1, barWidth - 1)))\" height=\"\(n(barHeight))\" fill=\"#0072B2\"><title>\(ReportDay.string(night)): \(value)</title></rect>"
        }
        return svg + "<line x1=\"0\" y1=\"29.5\" x2=\"150\" y2=\"29.5\" stroke=\"#e4e7eb\"/></svg>"
    }

    // MARK: Diverging tone bars

    struct ToneRow {
        var label: String
        var bullish: Int
        var bearish: Int
        var neutral: Int
        var balance: Double
    }

    /// Bearish mentions to the left of a centre line, bullish to the right, tone balance at the end.
    static func diverging(id: String, title: String, description: String, rows: [ToneRow], width: Int = 560) -> String {
        let rowHeight = 24.0, top = 30.0, bottom = 26.0, labelWidth = 64.0, balanceWidth = 64.0
        let height = Int(top + Double(rows.count) * rowHeight + bottom)
        let plotLeft = labelWidth + 10, plotWidth = Double(width) - plotLeft - balanceWidth - 10
        let centre = plotLeft + plotWidth / 2
        let scale = niceScale(rows.map { max($0.bullish, $0.bearish) }.max() ?? 0, ticks: 2)
        let half = plotWidth / 2 - 18
        let e = ReportHTML.escape
        var svg = open(id: id, width: width, height: height, title: title, description: description)
        svg += "<text class=\"legend\" x=\"\(n(centre - 8))\" y=\"14\" text-anchor=\"end\" fill=\"\(bearish)\">◀ bearish</text>"
        svg += "<text class=\"legend\" x=\"\(n(centre + 8))\" y=\"14\" fill=\"\(bullish)\">bullish ▶</text>"
        svg += "<text class=\"legend muted\" x=\"\(width - 4)\" y=\"14\" text-anchor=\"end\">balance</text>"
        svg += "<g class=\"grid\">"
        var tick = 0
        while tick <= scale.top {
            for sign in tick == 0 ? [1.0] : [-1.0, 1.0] {
                let x = centre + sign * half * Double(tick) / Double(scale.top)
                svg += "<line x1=\"\(n(x))\" y1=\"\(n(top - 4))\" x2=\"\(n(x))\" y2=\"\(n(Double(height) - bottom + 2))\"\(tick == 0 ? " class=\"axis\"" : "")/>"
                svg += "<text class=\"tick\" x=\"\(n(x))\" y=\"\(n(Double(height) - bottom + 16))\" text-anchor=\"middle\">\(ReportFormat.grouped(tick))</text>"
            }
            tick += scale.step
        }
        svg += "</g>"
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight
            let bearWidth = half * Double(row.bearish) / Double(scale.top)
            let bullWidth = half * Double(row.bullish) / Double(scale.top)
            let middle = n(y + rowHeight / 2 + 4)
            svg += "<g class=\"bar\"><title>\(e(row.label)): \(row.bullish) bullish, \(row.bearish) bearish, \(row.neutral) neutral; balance \(ReportMarkdown.signed(row.balance))</title>"
            svg += "<text class=\"label\" x=\"\(n(labelWidth))\" y=\"\(middle)\" text-anchor=\"end\">\(e(fit(row.label, width: labelWidth)))</text>"
            if row.bearish > 0 {
                svg += "<rect x=\"\(n(centre - bearWidth))\" y=\"\(n(y + 4))\" width=\"\(n(bearWidth))\" height=\"\(n(rowHeight - 8))\" rx=\"2\" fill=\"\(bearish)\"/>"
                svg += "<text class=\"value\" x=\"\(n(centre - bearWidth - 4))\" y=\"\(middle)\" text-anchor=\"end\">\(ReportFormat.grouped(row.bearish))</text>"
            }
            if row.bullish > 0 {
                svg += "<rect x=\"\(n(centre))\" y=\"\(n(y + 4))\" width=\"\(n(bullWidth))\" height=\"\(n(rowHeight - 8))\" rx=\"2\" fill=\"\(bullish)\"/>"
                svg += "<text class=\"value\" x=\"\(n(centre + bullWidth + 4))\" y=\"\(middle)\">\(ReportFormat.grouped(row.bullish))</text>"
            }
            let balanceColour = row.balance > 0.0005 ? bullish : row.balance < -0.0005 ? bearish : "#52606d"
            svg += "<text class=\"balance\" x=\"\(width - 4)\" y=\"\(middle)\" text-anchor=\"end\" fill=\"\(balanceColour)\">\(ReportHTML.minus(ReportMarkdown.signed(row.balance)))</text></g>"
        }
        return svg + "</svg>"
    }
}
