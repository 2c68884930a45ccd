#if canImport(Glibc)
import Glibc
#endif

/// Hands the heap's free pages back to the system between the report's phases.
///
/// The first pass and the merge of sorted mentions free hundreds of thousands of small blocks
/// (decoded mentions, sort records) among the night's aggregates; glibc keeps those pages, so
/// the larger moments after them (the tables, the page's ranks) came on top of memory nothing
/// used. Nothing else changes: the same blocks stay allocated. (`malloc_trim` is glibc's and not
/// in Swift's Glibc module, so it is looked up; elsewhere this does nothing.)
enum ReportHeap {
    #if canImport(Glibc)
    private typealias Trim = @convention(c) (Int) -> Int32
    private static let trim: Trim? = dlsym(nil, "malloc_trim").map { unsafeBitCast($0, to: Trim.self) }
    #endif

    static func returnFreePages() {
        #if canImport(Glibc)
        _ = trim?(0)
        #endif
    }
}
