// scripts/package replaces the value below for the build it makes, then puts this file back.
enum BuildStamp {
    static let commit: String? = "5f19cde25218d1dae10fc11ec099a72e1b6f383c-dirty"
}
