// swift-tools-version:6.0
import PackageDescription

// The module map (README "Layout"): data flows fetch → strip → dedup → entities → report.
//
//   NewsIO, NewsText, MarkupTree, NewsRecords      building blocks every module may use
//   ArticleExtraction · MirrorDedup · NewsEntities · NewsFetch · NewsReports
//                                                  engines: no pipeline types, no engine imports another
//   PipelineKit                                    runner, shards, layout, locks; knows no stage
//   NewsPipe                                       the manifest and the five stage adapters
//   NewsPipeCLI → newspipe                         the commands, and a three-line executable
//   NERTraining, NewsBench                         the model trainer and the benchmarks, kept out of NewsPipe
//
// `Tests/ArchitectureTests` reads `swift package dump-package` and fails when an edge breaks these rules.

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let nioSSL = Target.Dependency.product(name: "NIOSSL", package: "swift-nio-ssl")
let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
]

let package = Package(
    name: "newspipe",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "newspipe", targets: ["newspipe"]),
        .library(name: "NewsPipe", targets: ["NewsPipe"]),
        .library(name: "ArticleExtraction", targets: ["ArticleExtraction"]),
        .library(name: "MirrorDedup", targets: ["MirrorDedup"]),
        .library(name: "NewsEntities", targets: ["NewsEntities"]),
        .library(name: "NewsFetch", targets: ["NewsFetch"]),
        .library(name: "NewsReports", targets: ["NewsReports"]),
        .library(name: "PipelineKit", targets: ["PipelineKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.60.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.0.0"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Building blocks.
        .target(name: "NewsIO", dependencies: ["CZlib", "CSQLite", crypto]),
        .target(name: "NewsText"),
        .target(name: "MarkupTree", dependencies: ["CLibXML2"]),
        .target(name: "NewsRecords"),

        // Engines.
        .target(name: "ArticleExtraction", dependencies: ["MarkupTree", "NewsText"]),
        .target(name: "MirrorDedup", dependencies: ["NewsIO", "NewsText", "NewsRecords"]),
        .target(name: "NewsEntities", dependencies: ["NewsIO", "NewsText", "NewsRecords"], resources: [.copy("Resources")]),
        .target(
            name: "NewsFetch",
            dependencies: ["MarkupTree", "NewsIO", "NewsRecords", "CZlib", logging,
                           .product(name: "AsyncHTTPClient", package: "async-http-client"), nioSSL] + nio),
        .target(name: "NewsReports", dependencies: ["NewsIO", "NewsText", "NewsRecords", "CSQLite", "CZlib"]),

        // The pipeline.
        .target(name: "PipelineKit", dependencies: ["NewsIO", logging]),
        .target(
            name: "NewsPipe",
            dependencies: ["PipelineKit", "NewsIO", "NewsRecords", "ArticleExtraction", "MirrorDedup", "NewsEntities",
                           "NewsFetch", "NewsReports", logging]),
        .target(name: "NERTraining", dependencies: ["NewsEntities", "NewsIO"]),
        .target(name: "NewsBench", dependencies: ["NewsPipe", "PipelineKit", "NewsIO", "ArticleExtraction", "MirrorDedup", "NewsEntities", "NewsFetch"] + nio),
        .target(
            name: "NewsPipeCLI",
            dependencies: ["NewsPipe", "PipelineKit", "NewsIO", "NewsRecords", "ArticleExtraction", "MirrorDedup", "NewsEntities",
                           "NewsFetch", "NewsReports", "NERTraining", "NewsBench", argumentParser, logging]),
        .executableTarget(name: "newspipe", dependencies: ["NewsPipeCLI"]),

        // Tests: one target per engine (each depends on its engine alone, so it shows the engine
        // works as a library without the pipeline), and the pipeline's own end-to-end tests.
        .testTarget(name: "ArticleExtractionTests", dependencies: ["ArticleExtraction", "MarkupTree", "NewsText", "NewsTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "MirrorDedupTests", dependencies: ["MirrorDedup", "NewsIO", "NewsRecords"]),
        .testTarget(name: "NewsEntitiesTests", dependencies: ["NewsEntities", "NERTraining", "NewsIO", "NewsText", "NewsRecords"],
                    resources: [.copy("Fixtures")]),
        // NewsTestSupport makes its TLS certificates with swift-certificates (tests only).
        .target(name: "NewsTestSupport",
                dependencies: ["NewsFetch", nioSSL, crypto, .product(name: "X509", package: "swift-certificates")] + nio,
                path: "Tests/NewsTestSupport"),
        .testTarget(name: "NewsFetchTests", dependencies: ["NewsFetch", "MarkupTree", "NewsIO", "NewsRecords", "NewsTestSupport", nioSSL] + nio),
        .testTarget(name: "NewsReportsTests", dependencies: ["NewsReports", "NewsIO", "NewsRecords"]),
        // Public API only: each engine used the way another program would (no pipeline types).
        .testTarget(name: "EngineLibraryTests", dependencies: ["ArticleExtraction", "MirrorDedup", "NewsEntities", "NewsFetch", "NewsReports", "NewsRecords"]),
        .testTarget(
            name: "NewsPipeTests",
            dependencies: ["NewsPipeCLI", "NewsPipe", "PipelineKit", "NewsIO", "NewsText", "NewsRecords", "ArticleExtraction",
                           "MirrorDedup", "NewsEntities", "NewsFetch", "NewsReports", "NERTraining", "NewsBench", "NewsTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
