import Foundation
import MirrorDedup
import NewsIO
import NewsRecords
import PipelineKit

/// Stage 3: finds mirrored and syndicated copies, in two steps as array jobs need them. Each shard
/// signs the strip documents of its shard that the index does not know yet; the merge step adds
/// them to the index kept across nights (`MirrorIndex`: it queries only the new documents against
/// the persisted LSH bands and re-clusters only the clusters they touch), then writes tonight's
/// clusters, the mirrors removed tonight, and the canonical documents of each shard for the
/// entities stage.
public struct DedupStage: PipelineStage {
    public let id = StageName.dedup.id
    public let summary = "find mirrored and syndicated copies, keep one canonical document per story"
    /// 2: an incremental index; `clusters.jsonl` and `removed.jsonl` hold tonight's documents' clusters.
    public let version = 2
    public let parameters: DedupParameters
    public let settingsFingerprint: String
    public let retention: Manifest.RetentionSettings
    /// Shard files are final only after the merge step has clustered every shard.
    public let shardOutputIsFinal = false

    /// What dedup publishes.
    public enum Outputs {
        static let stage = StageName.dedup.id
        /// The canonical documents of each shard, as strip wrote them.
        public static let documents = ShardedRecords<ArticleRecord>(
            stage: stage, name: "documents", summary: "the canonical documents of each shard (mirrors removed)")
        public static let clusters = RecordFile<MirrorCluster>(
            stage: stage, name: "clusters.jsonl", summary: "tonight's stories carried by more than one page: canonical and mirrors (earlier nights' included)")
        public static let removed = RecordFile<RemovedMirror>(
            stage: stage, name: "removed.jsonl", summary: "tonight's pages dropped as mirrors, with the reason and similarity")
        /// Signatures of one shard's new documents, for the merge step.
        static let signatures = StageFile(stage: stage, name: "signatures", form: .perShard(fileExtension: "bin"),
                                          summary: "MinHash signatures of the shard's new documents")
        /// The index kept across nights (under the stage's cache folder).
        static let index = StageFile(stage: stage, name: "cache/mirrors-<key>", form: .folder, isDurable: true,
                                     summary: "mirror index of every night so far: mirrors.sqlite (signatures, clusters) and sorted LSH band runs")
        /// The index before it became incremental: every signature in one file, clustered whole.
        static let legacyIndexPrefix = "signatures-"
    }

    /// Signatures handed to the index at a time by the merge step.
    static let mergeBatch = 1024

    public var reads: [StageFile] { [StripStage.Outputs.documents.file] }
    public var writes: [StageFile] { [Outputs.signatures, Outputs.clusters.file, Outputs.removed.file, Outputs.documents.file, Outputs.index] }

    public init(parameters: DedupParameters = .init(), settingsFingerprint: String = "", retention: Manifest.RetentionSettings = .init()) {
        self.parameters = parameters
        self.settingsFingerprint = settingsFingerprint
        self.retention = retention
    }

    /// The index folder. Its name carries the settings and the version of the documents it signs,
    /// so a change of either starts a new index instead of mixing incompatible signatures.
    func indexFolder(_ layout: OutputLayout) -> URL {
        layout.cacheFolder(id).appendingPathComponent("mirrors-\(indexKey)")
    }

    var indexKey: String { ContentHash.hex("\(settingsFingerprint)/strip-v\(StripStage.Outputs.documents.file.version)", prefix: 16) }

    /// Signs this shard's new documents; the texts are streamed and signed by the workers.
    public func run(shard: Shard, context: StageContext) throws -> StageCounts {
        let folder = indexFolder(context.layout)
        let index = FileManager.default.fileExists(atPath: folder.appendingPathComponent(MirrorIndex.databaseName).path)
            ? try MirrorIndex(folder: folder, parameters: parameters, readOnly: true) : nil
        defer { index?.close() }
        let signer = MinHashSigner(parameters: parameters)
        var counts = StageCounts()
        // Written as they come (spooled beside the file), never held whole: a shard's memory
        // does not grow with its documents.
        let signatures = try SignatureFileWriter(Outputs.signatures.url(in: context.layout, shard: shard), parameters: parameters)
        let reader = try JSONLinesReader(StripStage.Outputs.documents.url(in: context.layout, shard: shard))
        try context.processInOrder(total: 0, stage: id, shard: shard, next: { () -> ArraySlice<UInt8>? in
            while let line = try reader.next() {
                guard let documentId = Self.documentId(in: line) else { continue }
                if try index?.contains(id: documentId) == true { counts.cached += 1; continue }
                return line
            }
            return nil
        }, transform: { line -> DocumentSignature? in
            (try? JSONLines.makeDecoder().decode(ArticleRecord.self, from: Data(line))).map { signer.sign(DedupDocument(article: $0)) }
        }, consume: { _, signature in
            if let signature {
                try signatures.add(signature)
                counts.processed += 1
            }
        })
        try signatures.commit()
        return counts
    }

    /// Adds every shard's signatures to the index as tonight's night, then writes tonight's
    /// outputs from the index. The night is added once per attempt (a merge step killed after the
    /// index committed finds it there and only writes the outputs again), and the outputs depend only
    /// on the index and tonight's documents, so a rerun gives the same files.
    public func finish(shards: Int, context: StageContext) throws -> StageCounts {
        let layout = context.layout
        let index = try MirrorIndex(folder: indexFolder(layout), parameters: parameters)
        defer { index.close() }
        let summary = try index.addNight(attempt: context.attempt.isEmpty ? "attempt" : context.attempt,
                                         day: Timestamp.day(context.runStartedAt)) { add in
            // A batch at a time: the merge step never holds a shard's signatures whole.
            for shard in Shard.all(shards) {
                try SignatureFile.forEachBatch(in: Outputs.signatures.url(in: layout, shard: shard), parameters: parameters,
                                               batchSize: Self.mergeBatch) { try add($0) }
            }
        }
        CrashPoint.documentDone(stage: "dedup-merge", cancellation: context.cancellation)

        try index.markTonight(day: Timestamp.day(context.runStartedAt)) { mark in
            for shard in Shard.all(shards) {
                try StripStage.Outputs.documents.forEachLine(in: layout, shard: shard) { line in
                    if let id = Self.documentId(in: line) { try mark(id) }
                }
            }
        }
        let encoder = JSONLines.makeEncoder()
        let clusters = try AtomicFile(Outputs.clusters.url(in: layout))
        var clusterCount = 0
        try index.tonightsClusters { cluster in
            try clusters.write(try JSONLines.line(cluster, encoder: encoder))
            clusterCount += 1
        }
        try clusters.commit()
        let removed = try AtomicFile(Outputs.removed.url(in: layout))
        try index.tonightsRemoved { mirror in try removed.write(try JSONLines.line(mirror, encoder: encoder)) }
        try removed.commit()

        // The canonical documents of tonight's strip output, shard for shard.
        var counts = StageCounts()
        var removedTonight = 0
        for shard in Shard.all(shards) {
            let writer = try AtomicFile(Outputs.documents.url(in: layout, shard: shard))
            try StripStage.Outputs.documents.forEachLine(in: layout, shard: shard) { line in
                guard let id = Self.documentId(in: line) else { return }
                guard try index.isCanonical(id: id) else { removedTonight += 1; return }
                try writer.write(line)
                try writer.write([0x0A])
                counts.output += 1
            }
            try writer.commit()
        }
        CrashPoint.documentDone(stage: "dedup-merge", cancellation: context.cancellation)
        let held = try index.counts()
        context.logger.info("clustered", metadata: [
            "clusters": "\(clusterCount)", "mirrors.removed": "\(removedTonight)", "index.documents": "\(held.documents)",
            "index.nights": "\(held.nights)", "candidates": "\(summary.candidatePairs)", "clusters.joined": "\(summary.clustersJoined)",
        ])
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

    // MARK: - Storage over the years

    /// The index as one file of every signature (`cache/signatures-<key>.bin`).
    public func legacyStorage(_ layout: OutputLayout) -> [String] {
        legacyIndexes(layout).map { "every signature in one file clustered whole each night: \($0.path)" }
    }

    func legacyIndexes(_ layout: OutputLayout) -> [URL] {
        let cache = layout.cacheFolder(id)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cache.path)) ?? []
        return names.filter { $0.hasPrefix(Outputs.legacyIndexPrefix) && $0.hasSuffix(".bin") }.sorted().map { cache.appendingPathComponent($0) }
    }

    /// Moves the signatures of the old index into the incremental one as one night (they all
    /// arrived before anything new), clustered as the old index was, then removes the old file. An
    /// index made with other settings than today's is only removed: it could not be used either.
    public func migrateStorage(_ context: StageContext) throws -> [String] {
        var done: [String] = []
        for file in legacyIndexes(context.layout) {
            if file.lastPathComponent == "\(Outputs.legacyIndexPrefix)\(indexKey).bin" {
                let old = try SignatureIndex.load(from: file, parameters: parameters)
                let index = try MirrorIndex(folder: indexFolder(context.layout), parameters: parameters)
                let summary = try index.addNight(attempt: "migrated-\(indexKey)", day: Timestamp.day(context.runStartedAt)) { add in
                    var start = 0
                    while start < old.signatures.count {
                        try add(Array(old.signatures[start ..< min(start + MirrorIndex.chunkSize, old.signatures.count)]))
                        start += MirrorIndex.chunkSize
                    }
                }
                index.close()
                done.append("\(summary.added) signatures moved from \(file.path) into \(indexFolder(context.layout).path)")
            } else {
                done.append("removed \(file.path): made with other dedup settings than the manifest's")
            }
            CrashPoint.documentDone(stage: "migrate", cancellation: nil)
            try FileManager.default.removeItem(at: file)
        }
        return done
    }

    /// Drops documents not seen for `retention.indexDays` from the index (tonight's never: they
    /// were seen tonight and the cutoff is at least a day back).
    public func collectGarbage(_ context: StageContext) throws -> [String] {
        guard let days = retention.indexDays else { return [] }
        let folder = indexFolder(context.layout)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(MirrorIndex.databaseName).path) else { return [] }
        let cutoff = Timestamp.day(context.runStartedAt.addingTimeInterval(-Double(max(1, days)) * 86_400))
        let index = try MirrorIndex(folder: folder, parameters: parameters)
        defer { index.close() }
        let removed = try index.prune(before: cutoff)
        CrashPoint.documentDone(stage: "gc", cancellation: context.cancellation)
        return removed > 0 ? ["dedup index: \(removed) documents older than \(days) days dropped"] : []
    }
}
