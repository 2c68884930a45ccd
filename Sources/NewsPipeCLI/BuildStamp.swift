// scripts/package replaces the value below for the build it makes, then puts this file back.
enum BuildStamp {
    static let commit: String? = nil
}
