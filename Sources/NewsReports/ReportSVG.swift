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

    // MARK: Lines over days

    struct Series {
        var name: String
        var values: [Int]
    }

    /// One line per series over `days` (x axis), markers on every point, names at the line ends.
    static func lines(id: String, title: String, description: String, days: [String], series: [Series],
                      width: Int = 560, height: Int = 300) -> String {
        let left = 44.0, right = 70.0, top = 14.0, bottom = 34.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let scale = niceScale(series.flatMap(\.values).max() ?? 0)
        let e = ReportHTML.escape
        func x(_ index: Int) -> Double {
            days.count <= 1 ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(days.count - 1)
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
        // Label at most ~8 days so dates do not collide.
        let every = max(1, (days.count + 7) / 8)
        let labelled = days.indices.filter { $0 % every == 0 && ($0 == days.count - 1 || days.count - 1 - $0 >= every) }
            + (days.count > 1 && (days.count - 1) % every != 0 ? [days.count - 1] : [])
        for index in labelled {
            let day = days[index]
            svg += "<text class=\"tick\" x=\"\(n(x(index)))\" y=\"\(n(Double(height) - bottom + 18))\" text-anchor=\"middle\">\(e(String(day.dropFirst(5))))</text>"
        }
        svg += "</g>"
        // Names at the line ends, nudged apart so they do not overlap.
        var labelYs: [(index: Int, y: Double)] = series.enumerated().map { ($0.offset, y($0.element.values.last ?? 0) + 4) }
        labelYs.sort { $0.y != $1.y ? $0.y < $1.y : $0.index < $1.index }
        for k in labelYs.indices.dropFirst() where labelYs[k].y - labelYs[k - 1].y < 13 {
            labelYs[k].y = labelYs[k - 1].y + 13
        }
        // A stack pushed below the plot moves up as a whole.
        if let last = labelYs.last?.y, last > top + plotHeight + 4 {
            let shift = last - (top + plotHeight + 4)
            for k in labelYs.indices { labelYs[k].y -= shift }
        }
        let labelY = Dictionary(uniqueKeysWithValues: labelYs.map { ($0.index, $0.y) })
        for (index, line) in series.enumerated() {
            let colour = Self.series[index % Self.series.count]
            let points = line.values.enumerated().map { "\(n(x($0.offset))),\(n(y($0.element)))" }.joined(separator: " ")
            svg += "<g class=\"series\"><title>\(e(line.name)): \(e(zip(days, line.values).map { "\($0.0) \($0.1)" }.joined(separator: ", ")))</title>"
            if line.values.count > 1 {
                svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2.5\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
            }
            // Markers help to read a few days; over many days they would bury the lines.
            let radius = days.count > 14 ? "2" : "3.5"
            for (offset, value) in line.values.enumerated() {
                svg += "<circle cx=\"\(n(x(offset)))\" cy=\"\(n(y(value)))\" r=\"\(radius)\" fill=\"#fff\" stroke=\"\(colour)\" stroke-width=\"2\"><title>\(e(line.name)) \(e(days[offset])): \(value) mentions</title></circle>"
            }
            svg += "<text class=\"series-label\" x=\"\(n(x(max(0, line.values.count - 1)) + 8))\" y=\"\(n(labelY[index] ?? 0))\" fill=\"\(colour)\">\(e(fit(line.name, width: right - 10)))</text></g>"
        }
        return svg + "</svg>"
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
