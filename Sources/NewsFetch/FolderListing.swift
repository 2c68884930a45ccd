import Foundation
import NewsIO

/// One local page found by listing a source folder.
public struct LocalPage: Codable, Sendable, Equatable {
    /// The name the page is known by: the folder's display name and the page's relative path.
    public var source: String
    /// Absolute path of the file.
    public var file: String
    public var size: Int
    /// Modification time, seconds since 1970.
    public var modified: Double
    /// URL prefix for pages that name no URL themselves.
    public var baseUrl: String?
    /// Path relative to the source folder.
    public var relativePath: String

    public init(source: String, file: String, size: Int, modified: Double, baseUrl: String?, relativePath: String) {
        self.source = source; self.file = file; self.size = size; self.modified = modified
        self.baseUrl = baseUrl; self.relativePath = relativePath
    }

    /// The URL the page gets from `baseUrl` and its relative path, if a base is set.
    public var url: String? {
        baseUrl.map { base in
            (base.hasSuffix("/") ? base : base + "/") + relativePath.split(separator: "/").map {
                String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0)
            }.joined(separator: "/")
        }
    }
}

/// Something under a source folder that is not read, and why: it becomes a reject with that
/// reason, never a silent gap.
public struct ListingProblem: Sendable, Equatable {
    /// The entry's name as pages are named (`<source>/<relative path>`).
    public var source: String
    /// `unreadable`, `not-a-regular-file`, `link-loop`, `link-outside-source`, `broken-link`.
    public var reason: String
    public var detail: String

    public init(source: String, reason: String, detail: String) {
        self.source = source; self.reason = reason; self.detail = detail
    }
}

/// Which symbolic links under a source folder are followed. The folder itself is always
/// followed when it is a link (a corpus mounted or linked into place).
public enum LinkPolicy: String, CaseIterable, Codable, Sendable {
    /// Links whose target stays inside the source folder (the default): a link cannot pull in
    /// files from elsewhere on the machine.
    case inside
    /// Every link (loops are still detected).
    case all
    /// No link below the folder; each is reported.
    case none
}

/// Lists the pages of a local source folder: a walk of its own (not `FileManager`'s enumerator,
/// which skips what it cannot read without a word), so every entry is either a page, filtered out
/// by the globs, or a problem with a reason.
public enum FolderListing {
    public struct Listing: Sendable {
        public var pages: LocalPageList
        public var problems: [ListingProblem]

        public init(pages: LocalPageList, problems: [ListingProblem]) {
            self.pages = pages; self.problems = problems
        }

        public init(pages: [LocalPage], problems: [ListingProblem]) {
            self.init(pages: LocalPageList(pages), problems: problems)
        }
    }

    /// The regular files under `root` whose relative path matches one of `include` and none of
    /// `exclude`, sorted by source name, and what could not be read. `sourceName` prefixes each
    /// page's source.
    public static func list(_ root: URL, include: [String], exclude: [String], sourceName: String, baseUrl: String?,
                            links: LinkPolicy = .inside) throws -> Listing {
        var walker = try walker(root, include: include, exclude: exclude, sourceName: sourceName, baseUrl: baseUrl, links: links)
        walker.walk(folder: root.standardizedFileURL.path, relative: "")
        walker.pages.sortBySource()
        return Listing(pages: walker.pages, problems: walker.problems.sorted { $0.source < $1.source })
    }

    /// Whether `list` would list at least one page under `root`: the same walk and the same
    /// errors, stopped at the first page, with nothing kept (the night check's "does this source
    /// yield pages", which every stage's process asks; listing 100,000 pages for it was most of
    /// the strip stage's heap).
    public static func hasPage(_ root: URL, include: [String], exclude: [String], links: LinkPolicy = .inside) throws -> Bool {
        var walker = try walker(root, include: include, exclude: exclude, sourceName: "", baseUrl: nil, links: links)
        walker.stopAtFirstPage = true
        walker.walk(folder: root.standardizedFileURL.path, relative: "")
        return walker.foundPage
    }

    private static func walker(_ root: URL, include: [String], exclude: [String], sourceName: String, baseUrl: String?,
                               links: LinkPolicy) throws -> Walker {
        let rootPath = root.standardizedFileURL.path
        var info = stat()
        guard stat(rootPath, &info) == 0 else {
            throw FileError.io(path: rootPath, reason: "source folder does not exist (\(String(cString: strerror(errno))))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw FileError.io(path: rootPath, reason: "source is not a folder") }
        let realRoot = URL(fileURLWithPath: rootPath).resolvingSymlinksInPath().path
        var walker = Walker(realRoot: realRoot, include: include.map(PathGlob.init), exclude: exclude.map(PathGlob.init),
                            sourceName: sourceName, baseUrl: baseUrl, links: links)
        walker.folder = walker.pages.addFolder(sourceName: sourceName, rootPath: rootPath, baseUrl: baseUrl)
        guard access(rootPath, R_OK | X_OK) == 0 else {
            throw FileError.io(path: rootPath, reason: "source folder is not readable: \(String(cString: strerror(errno)))")
        }
        walker.visited.insert(Walker.Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
        return walker
    }

    private struct Walker {
        struct Identity: Hashable { var device: UInt64; var inode: UInt64 }

        let realRoot: String
        let include: [PathGlob]
        let exclude: [PathGlob]
        let sourceName: String
        let baseUrl: String?
        let links: LinkPolicy
        /// The pages found, compact (a page's file is the root's path, "/" and its relative path).
        var pages = LocalPageList()
        var folder = 0
        var problems: [ListingProblem] = []
        /// With `stopAtFirstPage`, the walk ends at the first page (`foundPage`) and keeps none.
        var stopAtFirstPage = false
        var foundPage = false
        /// Folders entered so far (by device and inode), so a link back up is a loop, not a hang.
        var visited: Set<Identity> = []

        init(realRoot: String, include: [PathGlob], exclude: [PathGlob], sourceName: String, baseUrl: String?, links: LinkPolicy) {
            self.realRoot = realRoot; self.include = include; self.exclude = exclude
            self.sourceName = sourceName; self.baseUrl = baseUrl; self.links = links
        }

        func name(_ relative: String) -> String { sourceName.isEmpty ? relative : "\(sourceName)/\(relative)" }

        func wanted(_ relative: String) -> Bool {
            include.contains { $0.matches(relative) } && !exclude.contains { $0.matches(relative) }
        }

        mutating func problem(_ relative: String, _ reason: String, _ detail: String) {
            problems.append(ListingProblem(source: name(relative), reason: reason, detail: detail))
        }

        mutating func walk(folder path: String, relative: String) {
            let entries: [String]
            do { entries = try FileManager.default.contentsOfDirectory(atPath: path).sorted() } catch {
                problem(relative.isEmpty ? "." : relative, "unreadable", "cannot list folder \(path): \(error.localizedDescription)")
                return
            }
            for entry in entries {
                if foundPage && stopAtFirstPage { return }
                let child = relative.isEmpty ? entry : "\(relative)/\(entry)"
                visit(path: "\(path)/\(entry)", relative: child)
            }
        }

        mutating func visit(path: String, relative: String) {
            var info = stat()
            guard lstat(path, &info) == 0 else {
                problem(relative, "unreadable", "cannot stat \(path): \(String(cString: strerror(errno)))")
                return
            }
            if info.st_mode & S_IFMT == S_IFLNK {
                followLink(path: path, relative: relative)
                return
            }
            visitTarget(path: path, relative: relative, info: info)
        }

        mutating func followLink(path: String, relative: String) {
            guard links != .none else {
                if wanted(relative) { problem(relative, "link-not-followed", "\(path) is a symbolic link (links: none)") }
                return
            }
            let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            var info = stat()
            guard stat(path, &info) == 0 else {
                let reason = errno == ELOOP ? "link-loop" : "broken-link"
                problem(relative, reason, "\(path) → \(target): \(String(cString: strerror(errno)))")
                return
            }
            if links == .inside, target != realRoot, !target.hasPrefix(realRoot + "/") {
                problem(relative, "link-outside-source", "\(path) points to \(target), outside the source folder")
                return
            }
            visitTarget(path: path, relative: relative, info: info)
        }

        mutating func visitTarget(path: String, relative: String, info: stat) {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                let identity = Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
                guard visited.insert(identity).inserted else {
                    problem(relative, "link-loop", "\(path) leads back to a folder already listed")
                    return
                }
                walk(folder: path, relative: relative)
            case S_IFREG:
                guard wanted(relative) else { return }
                guard access(path, R_OK) == 0 else {
                    problem(relative, "unreadable", "cannot read \(path): \(String(cString: strerror(errno)))")
                    return
                }
                foundPage = true
                if stopAtFirstPage { return }
                let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
                pages.append(folder: folder, relativePath: relative, size: Int(info.st_size), modified: modified)
            default:
                // FIFOs, sockets, devices: reading one could block the night or read forever.
                guard wanted(relative) else { return }
                problem(relative, "not-a-regular-file", "\(path) is a \(Self.kind(info.st_mode)), not a file")
            }
        }

        static func kind(_ mode: mode_t) -> String {
            switch mode & S_IFMT {
            case S_IFIFO: return "FIFO"
            case S_IFSOCK: return "socket"
            case S_IFCHR: return "character device"
            case S_IFBLK: return "block device"
            default: return "special file"
            }
        }
    }
}
