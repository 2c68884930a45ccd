import Foundation
import NewsIO

/// Where the entities engine finds its shipped files (the NER model, the gazetteer, the aliases
/// and the tone lexicon), without `Bundle.module`, which stops the process when its bundle is
/// missing. A missing or unreadable file is an error that names what was looked for and where.
///
/// Looked for, in order: `$NEWSPIPE_RESOURCES` (a folder holding `entities/` and `ner/`); the
/// SwiftPM bundle next to the executable (`newspipe_NewsEntities.resources/Resources`, as
/// `swift build` and `scripts/package` lay it out); `../share/newspipe/Resources` beside the
/// executable's folder (an installed tree).
public enum EntityResources {
    /// The files the engine needs, relative to the resources folder.
    public static let requiredFiles = ["ner/model.bin", "entities/companies.tsv", "entities/aliases.tsv", "entities/tone.tsv",
                                       "entities/words.tsv", "entities/places.tsv", "entities/history.tsv", "tone/model.bin"]

    /// The environment variable that names the resources folder.
    public static let environmentVariable = "NEWSPIPE_RESOURCES"

    /// The folders searched, in order.
    public static func candidates(environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        var folders: [URL] = []
        if let explicit = environment[environmentVariable], !explicit.isEmpty {
            folders.append(URL(fileURLWithPath: explicit))
        }
        if let executable = executableFolder() {
            folders.append(executable.appendingPathComponent("newspipe_NewsEntities.resources/Resources"))
            folders.append(executable.deletingLastPathComponent().appendingPathComponent("share/newspipe/Resources"))
        }
        return folders
    }

    /// The first folder holding every required file.
    public static func folder() throws -> URL {
        let candidates = candidates()
        for folder in candidates where requiredFiles.allSatisfy({ FileManager.default.isReadableFile(atPath: folder.appendingPathComponent($0).path) }) {
            return folder
        }
        throw FileError.io(
            path: candidates.map(\.path).joined(separator: ", "),
            reason: "the entities resources (\(requiredFiles.joined(separator: ", "))) are missing or unreadable: keep the "
                + "newspipe_NewsEntities.resources folder next to the newspipe binary, or set \(environmentVariable) to a folder holding them")
    }

    /// The URL of one resource file (`entities/companies.tsv`).
    public static func url(_ relativePath: String) throws -> URL {
        try folder().appendingPathComponent(relativePath)
    }

    /// SHA-256 over the shipped files' contents (once per process): cached results and stage
    /// freshness depend on it, so new data (a gazetteer, a model) is never hidden behind old
    /// results. "missing" when the files cannot be read (the engine then fails with the reason).
    public static var contentFingerprint: String { cachedFingerprint }

    private static let cachedFingerprint: String = {
        guard let base = try? folder() else { return "missing" }
        var hasher = ContentHash.Hasher()
        for file in requiredFiles {
            hasher.update("\(file)\n")
            guard let data = try? Data(contentsOf: base.appendingPathComponent(file)) else { return "missing" }
            hasher.update(Array(data))
        }
        return hasher.finalize()
    }()

    /// The folder of the running executable (`/proc/self/exe` on Linux; the main bundle elsewhere).
    static func executableFolder() -> URL? {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: resolved).deletingLastPathComponent()
        }
        return Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent()
    }
}
