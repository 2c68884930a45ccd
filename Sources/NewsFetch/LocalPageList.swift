import Foundation

/// The pages of a folder listing, kept compact: each page's relative path as UTF-8 in shared
/// 64 KB chunks with its size and time (its path's bytes and 32 more), and its folder's name, path
/// and base URL once per folder. A `LocalPage` (three strings, about 500 bytes with their allocations) is
/// made only when one is read, so the night's listing, held for the whole fetch, stays small
/// (issue 16.5: 100,000 pages took about 50 MB as `[LocalPage]`).
///
/// A page's `source` is its folder's name, "/" and its relative path (the relative path alone when
/// the name is empty), and its `file` the folder's path, "/" and the relative path, as
/// `FolderListing` names them. Pages given whole that do not decompose so are kept as they are.
public struct LocalPageList: RandomAccessCollection, Sendable, Equatable {
    struct Folder: Hashable, Sendable {
        var sourceName: String
        var rootPath: String
        var baseUrl: String?
    }

    struct Entry: Sendable {
        /// Index into `folders`, or `-1 - i` for `verbatim[i]`.
        var folder: Int32
        var length: Int32
        /// Where the path is: chunk `start >> chunkShift`, from byte `start & (chunkBytes - 1)`.
        var start: Int
        var size: Int
        var modified: Double
    }

    private var folders: [Folder] = []
    private var folderIndex: [Folder: Int] = [:]
    /// The relative paths' bytes, in chunks of `chunkBytes` (a path never spans two; one longer
    /// than a chunk has a chunk of its own). One growing buffer held twice its bytes while it
    /// doubled and again while it was copied to its size: 22 MB at the peak for 100,000 pages,
    /// the part of the fetch stage's memory that grew with the night (issue 16.5).
    private var chunks: [[UInt8]] = []
    private static let chunkShift = 16
    private static let chunkBytes = 1 << chunkShift
    private var entries: [Entry] = []
    private var verbatim: [LocalPage] = []

    public init() {}

    /// The pages given, in their order (a frozen plan's, tests').
    public init(_ pages: some Sequence<LocalPage>) {
        for page in pages { append(page) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }

    public subscript(position: Int) -> LocalPage {
        let entry = entries[position]
        if entry.folder < 0 { return verbatim[Int(-1 - entry.folder)] }
        let folder = folders[Int(entry.folder)]
        let relative = relativePath(entry)
        return LocalPage(source: Self.source(folder.sourceName, relative), file: "\(folder.rootPath)/\(relative)", size: entry.size,
                         modified: entry.modified, baseUrl: folder.baseUrl, relativePath: relative)
    }

    /// A page's source name, without making the rest of the page.
    public func source(at position: Int) -> String { source(of: entries[position]) }

    /// The bytes the list holds (its buffers' capacities and the folders), for the memory checks.
    public var storedBytes: Int {
        chunks.reduce(0) { $0 + $1.capacity } + chunks.capacity * MemoryLayout<[UInt8]>.stride + entries.capacity * MemoryLayout<Entry>.stride + verbatim.capacity * MemoryLayout<LocalPage>.stride
            + folders.reduce(0) { $0 + $1.sourceName.utf8.count + $1.rootPath.utf8.count + ($1.baseUrl?.utf8.count ?? 0) + 64 }
    }

    private func relativePath(_ entry: Entry) -> String {
        let offset = entry.start & (Self.chunkBytes - 1)
        return String(decoding: chunks[entry.start >> Self.chunkShift][offset ..< offset + Int(entry.length)], as: UTF8.self)
    }

    /// A page's source name from its entry (`source(at:)`).
    private func source(of entry: Entry) -> String {
        if entry.folder < 0 { return verbatim[Int(-1 - entry.folder)].source }
        return Self.source(folders[Int(entry.folder)].sourceName, relativePath(entry))
    }

    private static func source(_ name: String, _ relative: String) -> String {
        name.isEmpty ? relative : "\(name)/\(relative)"
    }

    // MARK: - Building

    /// The folder a listing's pages are in; returns its number for `append(folder:…)`.
    mutating func addFolder(sourceName: String, rootPath: String, baseUrl: String?) -> Int {
        let folder = Folder(sourceName: sourceName, rootPath: rootPath, baseUrl: baseUrl)
        if let known = folderIndex[folder] { return known }
        folders.append(folder)
        folderIndex[folder] = folders.count - 1
        return folders.count - 1
    }

    /// A page of folder `folder` (from `addFolder`).
    mutating func append(folder: Int, relativePath: String, size: Int, modified: Double) {
        let length = relativePath.utf8.count
        if chunks.isEmpty || chunks[chunks.count - 1].count + length > Self.chunkBytes {
            var chunk: [UInt8] = []
            chunk.reserveCapacity(Swift.max(length, Self.chunkBytes))
            chunks.append(chunk)
        }
        let last = chunks.count - 1
        let start = last << Self.chunkShift | chunks[last].count
        chunks[last].append(contentsOf: relativePath.utf8)
        entries.append(Entry(folder: Int32(folder), length: Int32(length), start: start, size: size, modified: modified))
    }

    /// A page given whole: kept compact when its source and file are its folder's name and path
    /// followed by its relative path, else as it is.
    public mutating func append(_ page: LocalPage) {
        // Compared as bytes, so the page rebuilt from the parts has exactly the strings given.
        let relative = Array(page.relativePath.utf8), file = Array(page.file.utf8), source = Array(page.source.utf8)
        let n = relative.count, slash = UInt8(ascii: "/")
        if n > 0, file.count > n, file[file.count - n - 1] == slash, file.suffix(n).elementsEqual(relative),
           source.count == n || (source.count > n + 1 && source[source.count - n - 1] == slash), source.suffix(n).elementsEqual(relative) {
            let folder = addFolder(sourceName: source.count == n ? "" : String(decoding: source.dropLast(n + 1), as: UTF8.self),
                                   rootPath: String(decoding: file.dropLast(n + 1), as: UTF8.self), baseUrl: page.baseUrl)
            append(folder: folder, relativePath: page.relativePath, size: page.size, modified: page.modified)
            return
        }
        verbatim.append(page)
        entries.append(Entry(folder: Int32(-verbatim.count), length: 0, start: 0, size: page.size, modified: page.modified))
    }

    /// Every page of `other`, after these (`other` itself when this list is empty: the night's one
    /// folder source is not copied page by page).
    public mutating func append(contentsOf other: LocalPageList) {
        if entries.isEmpty && folders.isEmpty && verbatim.isEmpty {
            self = other
            return
        }
        for position in other.indices { append(other[position]) }
    }

    /// Sorts the pages by source name (as `[LocalPage].sort { $0.source < $1.source }` would,
    /// comparing the same strings), making each name only for the comparison. The entries are
    /// sorted in place (a sorted copy of them, and of their order, were 4 MB more at 100,000 pages).
    public mutating func sortBySource() {
        var sorted = entries
        entries = []
        let list = self
        sorted.sort { list.source(of: $0) < list.source(of: $1) }
        entries = sorted
    }

    public static func == (a: LocalPageList, b: LocalPageList) -> Bool {
        a.count == b.count && a.elementsEqual(b)
    }
}
