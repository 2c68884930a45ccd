#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Has glibc give the report's freed memory back to the system: large blocks mapped on their
/// own (`mapLargeBlocks`, once at the start), free heap pages returned between phases
/// (`returnFreePages`).
///
/// The first pass and the merge of sorted mentions free hundreds of thousands of small blocks
/// (decoded mentions, sort records) among the night's aggregates; glibc keeps those pages, so
/// the larger moments after them (the tables, the page's ranks) came on top of memory nothing
/// used. Nothing else changes: the same blocks stay allocated. (`malloc_trim` and `mallopt` are
/// glibc's and not in Swift's Glibc module, so they are looked up; elsewhere this does nothing.)
enum ReportHeap {
    #if canImport(Glibc)
    private typealias Trim = @convention(c) (Int) -> Int32
    private static let trim: Trim? = dlsym(nil, "malloc_trim").map { unsafeBitCast($0, to: Trim.self) }
    private typealias Option = @convention(c) (Int32, Int32) -> Int32
    private static let option: Option? = dlsym(nil, "mallopt").map { unsafeBitCast($0, to: Option.self) }
    /// glibc's `M_MMAP_THRESHOLD`.
    private static let mmapThresholdOption: Int32 = -3
    #endif

    /// Blocks at least this large get pages of their own from the system, given back when freed.
    /// 1 MB: the report's batch buffers (decoded chunks, context batches, write buffers, 128 KB
    /// to 1 MB, made and freed thousands of times) stay in the heap; with 128 KB (glibc's
    /// starting bound) they were mapped and unmapped each time, 4.5 s more system time at
    /// 100,000 pages for the same peak.
    static let mappedBlockBytes: Int32 = 1 << 20

    /// Makes every block of `mappedBlockBytes` or more a mapping of its own, for the rest of the
    /// process (the report stage runs last).
    ///
    /// glibc raises its bound to the size of each large block freed (up to 32 MB), so the
    /// report's large arrays (sort chunks, counters fitted to size, the page's columns) came
    /// from the heap after the first was freed, and their pages stayed with the process: peak
    /// RSS of the 100,000-page report 249 MB with the moving bound, 228 MB with a fixed one
    /// (10,000 pages: 110 and 102 MB; `MALLOC_MMAP_THRESHOLD_`, same code, same time).
    /// Setting the bound stops it moving.
    static func mapLargeBlocks() {
        #if canImport(Glibc)
        _ = option?(mmapThresholdOption, mappedBlockBytes)
        #endif
    }

    static func returnFreePages() {
        #if canImport(Glibc)
        mark("free pages: before")
        _ = trim?(0)
        mark("free pages: after")
        #endif
    }

    #if canImport(Glibc)
    private typealias Stats = @convention(c) () -> Void
    private static let stats: Stats? = dlsym(nil, "malloc_stats").map { unsafeBitCast($0, to: Stats.self) }
    #endif

    /// When the first mark was made (the seconds `mark` prints count from it).
    private static let started = DispatchTime.now().uptimeNanoseconds

    /// A measuring aid for the report's memory, off unless `NEWSPIPE_HEAP_LOG` is set: writes
    /// `HEAP <label>:` with the seconds since the first mark, the process's resident memory now
    /// (`VmRSS`), its high-water mark so far (`VmHWM`) and the anonymous part (`RssAnon`) to
    /// standard error; with `NEWSPIPE_HEAP_LOG=2` also glibc's `malloc_stats` (bytes the heap
    /// holds and uses, per arena). The builder marks its phases, so a run shows which one sets
    /// the peak and how much of it is heap held but not used.
    static func mark(_ label: String) {
        guard let setting = getenv("NEWSPIPE_HEAP_LOG").map({ String(cString: $0) }), !setting.isEmpty else { return }
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let fields = status.split(separator: "\n")
            .filter { $0.hasPrefix("VmHWM:") || $0.hasPrefix("VmRSS:") || $0.hasPrefix("RssAnon:") }
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let since = started
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - since) / 1e9
        FileHandle.standardError.write(Data("HEAP \(label): \(String(format: "%.2f", seconds)) s, \(fields.joined(separator: ", "))\n".utf8))
        #if canImport(Glibc)
        if setting == "2" { stats?() }
        #endif
    }
}
