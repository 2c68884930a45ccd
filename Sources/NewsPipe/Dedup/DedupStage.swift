import Crypto
import Foundation

/// Stage 3: finds mirrored and syndicated copies. Signs every new strip document (in parallel,
/// shard by shard), adds the signatures to the index kept across nights, clusters the whole index
/// in one merge step, and writes the canonical documents of each shard for the entities stage.
public struct DedupStage: PipelineStage {
    public let name = StageName.dedup
    public let version = 1

    public init() {}

    /// The signature index of earlier nights. Its name carries the settings and the strip version,
    /// so a change of either starts a new index instead of mixing incompatible signatures.
    static func indexURL(_ context: StageContext) -> URL {
        let key = SHA256.hash(data: Array("\(context.manifest.fingerprint(of: .dedup))/strip-v\(StripStage().version)".utf8)).hexString.prefix(16)
        return context.layout.cacheFolder(.dedup).appendingPathComponent("signatures-\(key).bin")
    }

    public func run(shard: Shard, context: StageContext) throws -> StageCounts {
        let layout = context.layout
        let parameters = context.manifest.dedup
        let indexURL = Self.indexURL(context)
        var index = FileManager.default.fileExists(atPath: indexURL.path) ? (try? SignatureIndex.load(from: indexURL)) ?? SignatureIndex() : SignatureIndex()
        let signer = MinHashSigner(parameters: parameters)
        var counts = StageCounts()
        var currentIds = Set<String>()
        let inputs = layout.shardFiles(.strip, "documents")

        // Sign what the index does not know yet, one strip shard at a time (bounded memory).
        for (position, file) in inputs.enumerated() {
            var pending: [DedupDocument] = []
            try JSONLines.forEach(ArticleRecord.self, in: file) { article in
                currentIds.insert(article.id)
                if index.contains(id: article.id) { counts.cached += 1; return }
                counts.processed += 1
                pending.append(DedupDocument(id: article.id, source: article.source, url: article.canonical ?? article.url,
                                             site: article.site, published: article.published, text: article.text, words: article.words))
            }
            try context.processInBatches(pending, label: "dedup sign \(position + 1)/\(inputs.count)",
                                         transform: { signer.sign($0) }, consume: { _, signature in index.add(signature) })
        }
        try index.save(to: indexURL)

        let result = MirrorClusterer.cluster(Array(index.signatures), parameters: parameters)
        try JSONLines.write(result.clusters, to: layout.stageFolder(.dedup).appendingPathComponent("clusters.jsonl"))
        try JSONLines.write(result.removed, to: layout.stageFolder(.dedup).appendingPathComponent("removed.jsonl"))

        // The canonical documents of tonight's strip output, shard for shard.
        for file in inputs {
            let target = layout.stageFolder(.dedup).appendingPathComponent(file.lastPathComponent)
            let writer = try AtomicFile(target)
            try JSONLines.forEachLine(in: file) { line in
                guard let id = Self.documentId(in: line), result.canonicalIds.contains(id) else { return }
                try writer.write(line)
                try writer.write([0x0A])
                counts.output += 1
            }
            try writer.commit()
        }
        counts.rejectsByReason = [:]
        let removedTonight = result.removed.filter { currentIds.contains($0.id) }.count
        context.logger.info("dedup: \(result.clusters.count) clusters, \(removedTonight) mirrors removed, index holds \(index.count) documents")
        return counts
    }

    /// Reads `"id":"…"` from a record line without decoding the whole article.
    static func documentId(in line: ArraySlice<UInt8>) -> String? {
        let key = Array("\"id\":\"".utf8)
        var position = line.startIndex
        while position + key.count <= line.endIndex {
            if line[position ..< position + key.count].elementsEqual(key) {
                let start = position + key.count
                guard let end = line[start...].firstIndex(of: 0x22) else { return nil }
                return String(decoding: line[start ..< end], as: UTF8.self)
            }
            position += 1
        }
        return nil
    }
}
