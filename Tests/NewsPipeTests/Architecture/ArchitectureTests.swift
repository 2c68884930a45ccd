import Foundation
import Testing
@testable import NewsPipe
@testable import PipelineKit

/// The module boundaries, checked on the package description and the sources: the compiler keeps
/// what `Package.swift` says; these tests keep `Package.swift` saying what the architecture is.
@Suite struct ArchitectureTests {
    /// Building blocks: any module may use them; they use no module of ours but each other.
    static let buildingBlocks: Set<String> = ["NewsIO", "NewsText", "MarkupTree", "NewsRecords"]
    static let engines: Set<String> = ["ArticleExtraction", "MirrorDedup", "NewsEntities", "NewsFetch", "NewsReports"]
    static let kernel = "PipelineKit"
    static let systemLibraries: Set<String> = ["CLibXML2", "CZlib", "CSQLite"]

    struct Target {
        var name: String
        var type: String
        /// Targets of this package it depends on (by name or as a target).
        var targets: Set<String>
        /// Products of other packages.
        var products: Set<String>
    }

    static func targets(packagePath: URL = PipelineHarness.repository) throws -> [String: Target] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // A scratch folder of its own: the `swift test` running this holds the lock on `.build`.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dump-package-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        process.arguments = ["swift", "package", "--package-path", packagePath.path, "--scratch-path", scratch.path, "dump-package"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "swift package dump-package failed")
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let targets = try #require(json["targets"] as? [[String: Any]])
        var result: [String: Target] = [:]
        for target in targets {
            let name = try #require(target["name"] as? String)
            var dependsOn = Set<String>(), products = Set<String>()
            for dependency in target["dependencies"] as? [[String: Any]] ?? [] {
                if let byName = dependency["byName"] as? [Any], let first = byName.first as? String { dependsOn.insert(first) }
                if let target = dependency["target"] as? [Any], let first = target.first as? String { dependsOn.insert(first) }
                if let product = dependency["product"] as? [Any], let first = product.first as? String { products.insert(first) }
            }
            result[name] = Target(name: name, type: target["type"] as? String ?? "", targets: dependsOn, products: products)
        }
        return result
    }

    @Test func noEngineDependsOnAnotherEngineTheManifestOrTheKernel() throws {
        let targets = try Self.targets()
        for engine in Self.engines {
            let target = try #require(targets[engine], "no target \(engine)")
            let ours = target.targets.subtracting(Self.systemLibraries)
            #expect(ours.isSubset(of: Self.buildingBlocks), "\(engine) depends on \(ours.subtracting(Self.buildingBlocks).sorted())")
        }
    }

    @Test func buildingBlocksAndTheKernelStandAlone() throws {
        let targets = try Self.targets()
        for block in Self.buildingBlocks {
            let target = try #require(targets[block])
            let ours = target.targets.subtracting(Self.systemLibraries)
            #expect(ours.isSubset(of: Self.buildingBlocks), "\(block) depends on \(ours.sorted())")
        }
        // The kernel knows no stage, no engine and no manifest: only the file building block.
        let kernel = try #require(targets[Self.kernel])
        #expect(kernel.targets == ["NewsIO"], "PipelineKit depends on \(kernel.targets.sorted())")
    }

    @Test func theProductLibraryShipsNeitherTheTrainerNorTheBenchmarks() throws {
        let targets = try Self.targets()
        let newsPipe = try #require(targets["NewsPipe"])
        #expect(newsPipe.targets.isDisjoint(with: ["NERTraining", "NewsBench", "NewsPipeCLI"]), "\(newsPipe.targets.sorted())")
        #expect(newsPipe.products.isDisjoint(with: ["ArgumentParser"]), "the stage library parses no command line")
        let executable = try #require(targets["newspipe"])
        #expect(executable.type == "executable")
        #expect(executable.targets == ["NewsPipeCLI"])
        let entry = try String(contentsOf: PipelineHarness.repository.appendingPathComponent("Sources/newspipe/main.swift"), encoding: .utf8)
        #expect(entry.split(separator: "\n").filter { !$0.isEmpty }.count == 2, "the executable stays a couple of lines: \(entry)")
    }

    @Test func eachEngineTestTargetUsesItsEngineAlone() throws {
        let targets = try Self.targets()
        for engine in Self.engines {
            let tests = try #require(targets["\(engine)Tests"], "no test target for \(engine)")
            let engines = tests.targets.intersection(Self.engines)
            #expect(engines == [engine], "\(engine)Tests depends on \(engines.sorted())")
            #expect(!tests.targets.contains("NewsPipe") && !tests.targets.contains(Self.kernel))
        }
        // One target uses every engine through its public API alone (plain imports), with no
        // pipeline type: each engine is a library another program can call.
        let library = try #require(targets["EngineLibraryTests"])
        #expect(Self.engines.isSubset(of: library.targets), "\(library.targets.sorted())")
        #expect(library.targets.isDisjoint(with: ["NewsPipe", "NewsPipeCLI", Self.kernel]), "\(library.targets.sorted())")
        let source = try String(contentsOf: PipelineHarness.repository.appendingPathComponent("Tests/EngineLibraryTests/EngineLibraryTests.swift"), encoding: .utf8)
        #expect(!source.split(separator: "\n").contains { $0.hasPrefix("@testable") }, "the library test must use public API only")
    }

    @Test func theFuzzTargetBuildsAgainstTheExtractionEngineAlone() throws {
        let targets = try Self.targets(packagePath: PipelineHarness.repository.appendingPathComponent("Fuzz"))
        let fuzz = try #require(targets["newspipe-fuzz"])
        #expect(fuzz.products == ["ArticleExtraction"], "\(fuzz.products.sorted())")
    }

    /// Only the module that wraps libxml2 imports it.
    @Test func libxml2IsImportedByTheMarkupModuleAlone() throws {
        for (path, text) in try Self.sources() where text.contains("import CLibXML2") {
            #expect(path.hasPrefix("Sources/MarkupTree/"), "\(path) imports libxml2")
        }
    }

    /// No stage names another stage's file or folder: every name a stage declares appears as a
    /// string literal only in that stage's own source file. The runner's own file names
    /// (`stage.json`, `attempt.json`, `rejects`) appear only in the kernel's layout.
    @Test func noStageNamesAnotherStagesFiles() throws {
        let manifest = try Manifest.parse(Data("{}".utf8), baseFolder: PipelineHarness.repository)
        var owners: [String: Set<String>] = [:]
        for stage in NewsPipeline.stages(manifest) {
            let file = "Sources/NewsPipe/Stages/\(stage.id.rawValue.prefix(1).uppercased())\(stage.id.rawValue.dropFirst())Stage.swift"
            #expect(FileManager.default.fileExists(atPath: PipelineHarness.repository.appendingPathComponent(file).path), "\(file)")
            for output in stage.writes {
                for component in output.name.split(separator: "/") where component != "cache" {
                    owners[String(component.split(separator: "-").first ?? component), default: []].insert(file)
                }
            }
        }
        for name in ["stage.json", "attempt.json", "rejects", "plan.json"] {
            owners[name, default: []].insert(name == "plan.json" ? "Sources/NewsPipe/RunPlan.swift" : "Sources/PipelineKit/OutputLayout.swift")
        }
        #expect(owners["documents"]?.count == 2)  // strip and dedup each publish their own
        let checked = try Self.sources().filter { path, _ in
            ["Sources/NewsPipe/", "Sources/NewsPipeCLI/", "Sources/PipelineKit/", "Sources/NewsBench/"].contains { path.hasPrefix($0) }
        }
        for (path, text) in checked {
            for (name, files) in owners where !files.contains(path) {
                // The name as a path: a path component, a shard-file prefix, a file with its extension.
                let escaped = NSRegularExpression.escapedPattern(for: name)
                let pattern = #"appendingPathComponent\(""# + escaped + #"|"# + #""\#(escaped)(-|/|\.(jsonl|json|bin)")|/\#(escaped)("|/)"#
                let regex = try NSRegularExpression(pattern: pattern)
                let found = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
                #expect(found == nil, "\(path) names \(name), which \(files.sorted()) owns")
            }
        }
    }

    /// Every Swift source under `Sources/`, by repository-relative path.
    static func sources() throws -> [(String, String)] {
        let root = PipelineHarness.repository
        let sources = root.appendingPathComponent("Sources")
        var result: [(String, String)] = []
        let enumerator = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            result.append((relative, try String(contentsOf: url, encoding: .utf8)))
        }
        return result.sorted { $0.0 < $1.0 }
    }
}
