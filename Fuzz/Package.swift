// swift-tools-version:6.0
// A libFuzzer target over the article extractor alone (the ArticleExtraction library). Built only by scripts/fuzz, with
// -sanitize=fuzzer,address; it is a package of its own so the main build never needs libFuzzer.
import PackageDescription

let package = Package(
    name: "newspipe-fuzz",
    dependencies: [.package(name: "newspipe", path: "..")],
    targets: [
        .executableTarget(
            name: "newspipe-fuzz",
            dependencies: [.product(name: "ArticleExtraction", package: "newspipe")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
