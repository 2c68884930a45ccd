import Crypto
import Foundation

/// Stage 3: finds mirrored and syndicated copies, in two steps as array jobs need them. Each shard
/// signs the strip documents of its shard that the index does not know yet
/// (`signatures-<shard>.bin`); the merge step adds them to the index kept across nights, clusters
/// the whole index once, and writes the canonical documents of each shard for the entities stage.
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

    static func loadIndex(_ context: StageContext) throws -> SignatureIndex {
        try SignatureIndex.loadIfPresent(from: indexURL(context), parameters: context.manifest.dedup)
    }

    static func shardSignatures(_ context: StageContext, _ shard: Shard) -> URL {
        context.layout.stageFolder(.dedup).appendingPathComponent("signatures-\(shard.fileTag).bin")
    }

    /// Signs this shard's new documents.
    public func run(shard: Shard, context: StageContext) throws -> StageCounts {
        let index = try Self.loadIndex(context)
        let signer = MinHashSigner(parameters: context.manifest.dedup)
        var counts = StageCounts()
        var pending: [DedupDocument] = []
        let input = context.layout.shardFile(.strip, "documents", shard)
        if FileManager.default.fileExists(atPath: input.path) {
            try JSONLines.forEach(ArticleRecord.self, in: input) { article in
                if index.contains(id: article.id) { counts.cached += 1; return }
                pending.append(DedupDocument(article: article))
            }
        }
        var signatures = SignatureIndex(parameters: context.manifest.dedup)
        try context.processInBatches(pending, stage: .dedup, shard: shard, transform: { signer.sign($0) },
                                     consume: { _, signature in signatures.add(signature) })
        counts.processed = pending.count
        try signatures.save(to: Self.shardSignatures(context, shard))
        return counts
    }

    /// Adds every shard's signatures to the index, clusters, and writes the canonical documents.
    ///
    /// Documents the index held before this attempt are established: a copy arriving on a later
    /// night never displaces a story already passed on as canonical. "Before this attempt" is read
    /// from the shard files, not from the index, so a merge step killed after saving the index
    /// gives the same result when it runs again.
    public func finish(shards: Int, context: StageContext) throws -> StageCounts {
        let layout = context.layout
        var index = try Self.loadIndex(context)
        var signedNow = Set<String>()
        for shard in (0 ..< shards).map({ Shard(index: $0, count: shards) }) {
            let signatures = try SignatureIndex.load(from: Self.shardSignatures(context, shard), parameters: context.manifest.dedup)
            for signature in signatures.signatures {
                signedNow.insert(signature.id)
                if !index.contains(id: signature.id) { index.add(signature) }
            }
        }
        let established = Set(index.signatures.lazy.map(\.id).filter { !signedNow.contains($0) })
        let result = MirrorClusterer.cluster(Array(index.signatures), parameters: context.manifest.dedup, established: established)
        try JSONLines.write(result.clusters, to: layout.stageFolder(.dedup).appendingPathComponent("clusters.jsonl"))
        try JSONLines.write(result.removed, to: layout.stageFolder(.dedup).appendingPathComponent("removed.jsonl"))
        CrashPoint.documentDone(stage: "dedup-merge", cancellation: context.cancellation)

        // The canonical documents of tonight's strip output, shard for shard.
        var counts = StageCounts()
        var removedTonight = 0
        for shard in (0 ..< shards).map({ Shard(index: $0, count: shards) }) {
            let writer = try AtomicFile(layout.shardFile(.dedup, "documents", shard))
            let input = layout.shardFile(.strip, "documents", shard)
            if FileManager.default.fileExists(atPath: input.path) {
                try JSONLines.forEachLine(in: input) { line in
                    guard let id = Self.documentId(in: line) else { return }
                    guard result.canonicalIds.contains(id) else { removedTonight += 1; return }
                    try writer.write(line)
                    try writer.write([0x0A])
                    counts.output += 1
                }
            }
            try writer.commit()
        }
        try index.save(to: Self.indexURL(context))
        CrashPoint.documentDone(stage: "dedup-merge", cancellation: context.cancellation)
        context.logger.info("dedup: \(result.clusters.count) clusters, \(removedTonight) mirrors removed, index holds \(index.count) documents")
        return counts
    }

    /// Reads `"id":"…"` from a record line without decoding the whole article (keys are sorted and
    /// string values escaped, so the first unescaped `"id":"` is the key).
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
