import Foundation
import NewsIO
#if canImport(Glibc)
import Glibc
#endif

/// Clocks for `newspipe bench`. The machines are shared, so rates "per core" divide by CPU seconds
/// (what this process burnt) rather than by wall time (which also counts the neighbours).
package enum BenchClock {
    package static func wall() -> Double { read(CLOCK_MONOTONIC) }

    /// CPU seconds of the calling thread: single-thread benches use it.
    package static func threadCPU() -> Double { read(CLOCK_THREAD_CPUTIME_ID) }

    /// CPU seconds of the whole process, all threads.
    package static func processCPU() -> Double { read(CLOCK_PROCESS_CPUTIME_ID) }

    private static func read(_ clock: clockid_t) -> Double {
        var t = timespec()
        clock_gettime(clock, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

/// Resident memory of this process, from `/proc/self/status` (Linux; zero elsewhere).
package enum BenchMemory {
    /// Current resident set (VmRSS) in MB.
    package static func residentMB() -> Double { field("VmRSS:") }

    /// Peak resident set since the process started (VmHWM) in MB.
    package static func peakMB() -> Double { field("VmHWM:") }

    private static func field(_ name: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let kilobytes = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Double($0) } ?? 0
            return kilobytes / 1024
        }
        return 0
    }
}

/// One value of a bench result: a number, a count or a label.
enum BenchValue: Encodable, Sendable {
    case number(Double)
    case count(Int)
    case text(String)

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .number(value): try container.encode(value.isFinite ? (value * 1000).rounded() / 1000 : 0)
        case let .count(value): try container.encode(value)
        case let .text(value): try container.encode(value)
        }
    }

    /// Table text: three significant digits at most, thousands kept whole.
    var display: String {
        switch self {
        case let .count(value): return String(value)
        case let .text(value): return value
        case let .number(value):
            if !value.isFinite { return "-" }
            let magnitude = abs(value)
            if magnitude >= 100 { return String(format: "%.0f", value) }
            if magnitude >= 10 { return String(format: "%.1f", value) }
            if magnitude >= 1 { return String(format: "%.2f", value) }
            return String(format: "%.3f", value)
        }
    }
}

/// One row of a bench table, columns in the order they are printed.
package struct BenchRow: Encodable, Sendable {
    var fields: [(key: String, value: BenchValue)] = []

    package init() {}

    package mutating func add(_ key: String, _ value: Double) { fields.append((key, .number(value))) }
    package mutating func add(_ key: String, _ value: Int) { fields.append((key, .count(value))) }
    package mutating func add(_ key: String, _ value: String) { fields.append((key, .text(value))) }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: BenchKey.self)
        for field in fields { try container.encode(field.value, forKey: BenchKey(field.key)) }
    }
}

private struct BenchKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// What one `newspipe bench` subcommand measured: printed as a table, optionally saved as JSON.
package struct BenchReport: Encodable, Sendable {
    package var bench: String
    package var settings: [String: String] = [:]
    package var rows: [BenchRow] = []
    package var notes: [String] = []
    var host = BenchHost()

    package init(bench: String, settings: [String: String] = [:], rows: [BenchRow] = []) {
        self.bench = bench; self.settings = settings; self.rows = rows
    }

    /// Prints the settings, a table with one column per row key, and the notes.
    package func printTable() {
        print("newspipe bench \(bench)  (\(host.cpus) CPUs visible, load \(host.loadAverage))")
        for key in settings.keys.sorted() { print("  \(key): \(settings[key]!)") }
        let keys = rows.reduce(into: [String]()) { keys, row in
            for field in row.fields where !keys.contains(field.key) { keys.append(field.key) }
        }
        let cells = rows.map { row in keys.map { key in row.fields.first { $0.key == key }?.value.display ?? "" } }
        let widths = keys.indices.map { i in max(keys[i].count, cells.map { $0[i].count }.max() ?? 0) }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { String(repeating: " ", count: $1 - $0.count) + $0 }.joined(separator: "  ")
        }
        print(line(keys))
        print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in cells { print(line(row)) }
        for note in notes { print("note: \(note)") }
    }

    package func write(json path: String?) throws {
        guard let path else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try AtomicFile.write([UInt8](try encoder.encode(self)) + [0x0A], to: URL(fileURLWithPath: path))
    }
}

/// The machine a figure was taken on: shared machines make absolute figures noisy.
struct BenchHost: Encodable, Sendable {
    var cpus = ProcessInfo.processInfo.activeProcessorCount
    var loadAverage: String = {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }()
    var takenAt = ISO8601DateFormatter().string(from: Date())
}

/// Reproducible random numbers (SplitMix64), so generated corpora are the same on every run.
struct BenchRandom: RandomNumberGenerator, Sendable {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Parses `10000,100000` (also `10k,100k`) into sizes.
package func benchSizes(_ text: String) -> [Int]? {
    var sizes: [Int] = []
    for part in text.split(separator: ",") {
        var digits = part.trimmingCharacters(in: .whitespaces).lowercased()
        var scale = 1
        if digits.hasSuffix("k") { scale = 1000; digits.removeLast() }
        guard let value = Int(digits), value > 0 else { return nil }
        sizes.append(value * scale)
    }
    return sizes.isEmpty ? nil : sizes
}
