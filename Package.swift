// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "newspipe",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "newspipe", targets: ["newspipe"]),
        .library(name: "NewsPipe", targets: ["NewsPipe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "NewsPipe",
            dependencies: [
                "CLibXML2",
                "CSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(name: "newspipe", dependencies: ["NewsPipe"]),
        .testTarget(
            name: "NewsPipeTests",
            dependencies: ["NewsPipe"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
