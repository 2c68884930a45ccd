/// What `newspipe --version` prints: the release version and the git commit the binary was built
/// from. `scripts/package` (and the Dockerfile, through it) writes the commit into
/// `BuildStamp.swift` for the build it makes and restores the file afterwards, so a release says
/// exactly which source it is; a plain `swift build` says it is a development build.
public enum BuildInfo {
    /// The release version; `scripts/package` names the tarball after it.
    public static let version = "0.1.0"

    /// The commit (40 hex digits, "-dirty" when the tree had uncommitted changes), or nil when
    /// the binary was not built by `scripts/package`.
    public static let commit: String? = BuildStamp.commit

    /// `0.1.0 (commit 3f2a…)`, or `0.1.0 (development build, commit not recorded)`.
    public static var versionLine: String {
        "\(version) (\(commit.map { "commit \($0)" } ?? "development build, commit not recorded"))"
    }
}
