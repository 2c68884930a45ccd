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

/// Lists the pages of a local source folder.
public enum FolderListing {
    /// The regular files under `root` whose relative path matches one of `include` and none of
    /// `exclude`, sorted by source name. `sourceName` prefixes each page's source.
    public static func pages(in root: URL, include: [String], exclude: [String], sourceName: String,
                             baseUrl: String?) throws -> [LocalPage] {
        let files = FileManager.default
        let root = root.standardizedFileURL
        var isFolder: ObjCBool = false
        guard files.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw FileError.io(path: root.path, reason: "source folder does not exist")
        }
        guard let enumerator = files.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey],
                                                options: [], errorHandler: { _, _ in true }) else {
            throw FileError.io(path: root.path, reason: "source folder is not readable")
        }
        let includes = include.map(PathGlob.init)
        let excludes = exclude.map(PathGlob.init)
        var pages: [LocalPage] = []
        for case let file as URL in enumerator {
            let values = try? file.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey])
            guard values?.isRegularFile == true else { continue }
            let relative = String(file.standardizedFileURL.path.dropFirst(root.path.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard includes.contains(where: { $0.matches(relative) }), !excludes.contains(where: { $0.matches(relative) }) else { continue }
            pages.append(LocalPage(source: sourceName.isEmpty ? relative : "\(sourceName)/\(relative)", file: file.path,
                                   size: values?.fileSize ?? 0,
                                   modified: values?.contentModificationDate?.timeIntervalSince1970 ?? 0,
                                   baseUrl: baseUrl, relativePath: relative))
        }
        return pages.sorted { $0.source < $1.source }
    }
}
