import Foundation
import MirrorDedup
import NewsIO
import NewsRecords
import PipelineKit

/// Stage 3: finds mirrored and syndicated copies, in two steps as array jobs need them. Each shard
/// signs the strip documents of its shard that the index does not know yet; the merge step adds
/// them to the index kept across nights, clusters the whole index once, and writes the canonical
/// documents of each shard for the entities stage.
public struct DedupStage: PipelineStage {
    public let id = StageName.dedup.id
    public let summary = "find mirrored and syndicated copies, keep one canonical document per story"
    public let version = 1
    public let parameters: DedupParameters
    public let settingsFingerprint: String
    /// Shard files are final only after the merge step has clustered every shard.
    public let shardOutputIsFinal = false

    /// What dedup publishes.
    public enum Outputs {
        static let stage = StageName.dedup.id
        /// The canonical documents of each shard, as strip wrote them.
        public static let documents = ShardedRecords<ArticleRecord>(
            stage: stage, name: "documents", summary: "the canonical documents of each shard (mirrors removed)")
        public static let clusters = RecordFile<MirrorCluster>(
            stage: stage, name: "clusters.jsonl", summary: "stories carried by more than one page: canonical and mirrors")
        public static let removed = RecordFile<RemovedMirror>(
            stage: stage, name: "removed.jsonl", summary: "pages dropped as mirrors, with the reason and similarity")
        /// Signatures of one shard's new documents, for the merge step.
        static let signatures = StageFile(stage: stage, name: "signatures", form: .perShard(fileExtension: "bin"),
                                          summary: "MinHash signatures of the shard's new documents")
        /// The index kept across nights (under the stage's cache folder).
        static let index = StageFile(stage: stage, name: "cache/signatures-<key>.bin", form: .single, isDurable: true,
                                     summary: "signature index of every night so far")
    }

    public var reads: [StageFile] { [StripStage.Outputs.documents.file] }
    public var writes: [StageFile] { [Outputs.signatures, Outputs.clusters.file, Outputs.removed.file, Outputs.documents.file, Outputs.index] }

    public init(parameters: DedupParameters = .init(), settingsFingerprint: String = "") {
        self.parameters = parameters
        self.settingsFingerprint = settingsFingerprint
    }

    /// The signature index of earlier nights. Its name carries the settings and the version of the
    /// documents it signs, so a change of either starts a new index instead of mixing
    /// incompatible signatures.
    func indexURL(_ layout: OutputLayout) -> URL {
        let key = ContentHash.hex("\(settingsFingerprint)/strip-v\(StripStage.Outputs.documents.file.version)", prefix: 16)
        return layout.cacheFolder(id).appendingPathComponent("signatures-\(key).bin")
    }

    func loadIndex(_ layout: OutputLayout) throws -> SignatureIndex {
        try SignatureIndex.loadIfPresent(from: indexURL(layout), parameters: parameters)
    }

    /// Signs this shard's new documents.
    public func run(shard: Shard, context: StageContext) throws -> StageCounts {
        let index = try loadIndex(context.layout)
        let signer = MinHashSigner(parameters: parameters)
        var counts = StageCounts()
        var pending: [DedupDocument] = []
        try StripStage.Outputs.documents.forEach(in: context.layout, shard: shard) { article in
            if index.contains(id: article.id) { counts.cached += 1; return }
            pending.append(DedupDocument(article: article))
        }
        var signatures = SignatureIndex(parameters: parameters)
        try context.processInBatches(pending, stage: id, shard: shard, transform: { signer.sign($0) },
                                     consume: { _, signature in signatures.add(signature) })
        counts.processed = pending.count
        try signatures.save(to: Outputs.signatures.url(in: context.layout, shard: shard))
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
        var index = try loadIndex(layout)
        var signedNow = Set<String>()
        for shard in Shard.all(shards) {
            let signatures = try SignatureIndex.load(from: Outputs.signatures.url(in: layout, shard: shard), parameters: parameters)
            for signature in signatures.signatures {
                signedNow.insert(signature.id)
                if !index.contains(id: signature.id) { index.add(signature) }
            }
        }
        let established = Set(index.signatures.lazy.map(\.id).filter { !signedNow.contains($0) })
        let result = MirrorClusterer.cluster(Array(index.signatures), parameters: parameters, established: established)
        try Outputs.clusters.write(result.clusters, in: layout)
        try Outputs.removed.write(result.removed, in: layout)
        CrashPoint.documentDone(stage: "dedup-merge", cancellation: context.cancellation)

        // The canonical documents of tonight's strip output, shard for shard.
        var counts = StageCounts()
        var removedTonight = 0
        for shard in Shard.all(shards) {
            let writer = try AtomicFile(Outputs.documents.url(in: layout, shard: shard))
            try StripStage.Outputs.documents.forEachLine(in: layout, shard: shard) { line in
                guard let id = Self.documentId(in: line) else { return }
                guard result.canonicalIds.contains(id) else { removedTonight += 1; return }
                try writer.write(line)
                try writer.write([0x0A])
                counts.output += 1
            }
            try writer.commit()
        }
        try index.save(to: indexURL(layout))
        CrashPoint.documentDone(stage: "dedup-merge", cancellation: context.cancellation)
        context.logger.info("clustered", metadata: ["clusters": "\(result.clusters.count)", "mirrors.removed": "\(removedTonight)",
                                                    "index.documents": "\(index.count)"])
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
