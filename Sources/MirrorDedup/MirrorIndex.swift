import Foundation
import NewsIO
import NewsRecords

/// The dedup index kept across nights, made for years of them: a night queries only its new
/// documents against what came before and re-clusters only the clusters they touch, so its cost
/// follows the night's size, not the history's.
///
/// - `mirrors.sqlite` (`.store` mode): one row per document (its signature, the night it arrived,
///   its cluster and canonical), with indexes by id, exact-text hash and cluster. Rows are appended
///   by document number, so a night writes about what it adds.
/// - `bands-<night>-<part>.bin`: the LSH band keys of each night's documents, as a sorted run
///   (key, document) written once. A night's new keys are sorted and merge-joined against every
///   run in one sequential pass (reads, which the page cache serves; never rewritten, unlike a
///   B-tree taking random inserts), and retention drops whole runs.
///
/// Canonicals follow arrival: a document of an earlier night always ranks before one of a later
/// night, then the manifest's rules. So documents of earlier nights keep their clusters and
/// canonicals, a copy arriving later is removed in favour of what was passed on before, and the
/// index equals `MirrorClusterer.cluster(all, arrival:)` run on everything at once (a test checks
/// it). One exception, the same in both: a new document similar to two clusters that were not
/// similar to each other joins them into one, whose canonical is the earlier-ranked of the two.
public final class MirrorIndex {
    public let folder: URL
    public let parameters: DedupParameters
    let database: SQLiteDatabase
    private let scheme: DedupSignatureScheme
    private let banding: (bands: Int, rows: Int)

    /// Most documents of one bucket a new document is checked against (the newest), as
    /// `MirrorClusterer.bucketWindow` bounds a bucket in the all-at-once clustering.
    public static let bucketWindow = MirrorClusterer.bucketWindow
    /// New documents handled per chunk: bounds the memory their sorted band keys take (16.8 MB
    /// for a chunk of 20,000 in heaptrack of the merge step). With 20,000 the dedup stage's peak
    /// RSS at 100,000 pages was 1.31× that at 10,000 (the smaller night never filled a chunk);
    /// 10,000 keeps any night near the memory of a 10,000-document night, for one band file per
    /// 10,000 documents.
    public static let chunkSize = 10_000
    /// This index's chunk size (tests make it small to cross chunk boundaries).
    let chunkSize: Int
    public static let databaseName = "mirrors.sqlite"
    /// SQLite's page cache for the index, in KiB.
    static let cacheKilobytes = 8_192

    /// Opens (creating) the index in `folder`. Read-only for the shards' "already signed?" question.
    public init(folder: URL, parameters: DedupParameters, readOnly: Bool = false, chunkSize: Int = MirrorIndex.chunkSize) throws {
        self.folder = folder
        self.chunkSize = max(1, chunkSize)
        self.parameters = parameters
        scheme = parameters.signatureScheme
        banding = parameters.banding
        let url = folder.appendingPathComponent(Self.databaseName)
        database = try SQLiteDatabase(path: url, mode: readOnly ? .readOnly : .store)
        guard !readOnly else { return }
        // The page cache is bounded well below a large night's index (8 MB; 100,000 documents
        // take about 70 MB of pages): a bigger cache held the merge step's memory growing with the
        // night (issue 16.5); pages beyond it come from the operating system's cache.
        try database.execute("""
            PRAGMA auto_vacuum=INCREMENTAL;
            PRAGMA cache_size=-\(Self.cacheKilobytes);
            CREATE TABLE IF NOT EXISTS documents(
                doc INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, night INTEGER NOT NULL, day TEXT NOT NULL,
                source TEXT NOT NULL, url TEXT, site TEXT, published TEXT, words INTEGER NOT NULL, exact_hash INTEGER NOT NULL,
                shingle_count INTEGER NOT NULL, minhashes BLOB NOT NULL, canonical INTEGER NOT NULL, cluster TEXT NOT NULL,
                checksum INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS documents_exact ON documents(exact_hash) WHERE exact_hash != 0;
            CREATE INDEX IF NOT EXISTS documents_cluster ON documents(cluster);
            CREATE INDEX IF NOT EXISTS documents_day ON documents(day);
            CREATE TABLE IF NOT EXISTS nights(night INTEGER PRIMARY KEY, attempt TEXT NOT NULL UNIQUE, day TEXT NOT NULL,
                documents INTEGER NOT NULL, runs TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """)
        let recorded = try database.rows("SELECT value FROM meta WHERE key = 'scheme'").first?.first ?? nil
        if let recorded, recorded != scheme.description {
            throw FileError.io(path: url.path, reason: "mirror index was built with \(recorded) but the dedup parameters give \(scheme); delete the folder (or restore the old parameters) to rebuild it")
        }
        if recorded == nil {
            try database.transaction { try database.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('scheme', ?)").run(.text(scheme.description)) }
        }
        removeUnregisteredRuns()
    }

    deinit { database.close() }
    public func close() { database.close() }

    /// Every document's id and its canonical's id (for checks and tests).
    public func canonicals() throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try database.rows("SELECT d.id, c.id FROM documents d JOIN documents c ON c.doc = d.canonical") {
            if let id = row[0], let canonical = row[1] { result[id] = canonical }
        }
        return result
    }

    // MARK: - Questions

    private var containsStatement: SQLiteStatement?

    /// Whether a document with this id is in the index (the shards skip signing it again).
    public func contains(id: String) throws -> Bool {
        if containsStatement == nil {
            guard try database.hasTable("documents") else { return false }
            containsStatement = try database.prepare("SELECT 1 FROM documents WHERE id = ?")
        }
        try containsStatement!.query(.text(id))
        return try containsStatement!.step()
    }

    /// Whether the night of this attempt is in the index already (its merge step ran before a crash).
    public func hasNight(attempt: String) throws -> Bool {
        try database.integer("SELECT 1 FROM nights WHERE attempt = ?", [.text(attempt)]) != nil
    }

    /// Documents, nights and band runs held.
    public func counts() throws -> (documents: Int, nights: Int, runs: Int) {
        (Int(try database.integer("SELECT count(*) FROM documents") ?? 0), Int(try database.integer("SELECT count(*) FROM nights") ?? 0),
         runFiles().count)
    }

    // MARK: - Adding a night

    /// What adding a night did.
    public struct NightSummary: Sendable, Equatable {
        public var night: Int
        public var added = 0
        public var candidatePairs = 0
        public var acceptedPairs = 0
        public var exactDuplicates = 0
        /// Clusters whose canonical or members changed tonight.
        public var clustersTouched = 0
        /// Clusters of earlier nights joined by a new document similar to both.
        public var clustersJoined = 0
    }

    /// Adds one night's new documents (`signatures`, each called once with a batch) as night
    /// `attempt`, in one transaction; a night already added is not added again. Returns what it did.
    @discardableResult
    public func addNight(attempt: String, day: String, signatures: ((([DocumentSignature]) throws -> Void) throws -> Void)) throws -> NightSummary {
        if try hasNight(attempt: attempt) {
            let night = Int(try database.integer("SELECT night FROM nights WHERE attempt = ?", [.text(attempt)]) ?? 0)
            return NightSummary(night: night)
        }
        let night = Int(try database.integer("SELECT coalesce(max(night), 0) + 1 FROM nights") ?? 1)
        var summary = NightSummary(night: night)
        var runNames: [String] = []
        var edges: [(Int64, Int64)] = []
        try database.transaction {
            let insert = try database.prepare("""
                INSERT INTO documents(id, night, day, source, url, site, published, words, exact_hash, shingle_count, minhashes, canonical, cluster, checksum)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
                """)
            let setCanonical = try database.prepare("UPDATE documents SET canonical = doc WHERE doc = ?")
            // `exact_hash != 0` lets SQLite use the partial index.
            let exactTwin = try database.prepare("SELECT doc FROM documents WHERE exact_hash = ? AND exact_hash != 0 AND doc != ? ORDER BY doc LIMIT 1")
            let lookup = try database.prepare("""
                SELECT id, night, source, url, site, published, words, exact_hash, shingle_count, minhashes, checksum FROM documents WHERE doc = ?
                """)
            // Each document is inserted as it arrives; a chunk keeps only its band keys (16 bytes
            // per band and document), never the signatures: candidates read their MinHash values
            // back from the rows. Memory follows the chunk, not the night.
            var entries: [MirrorBandEntry] = []
            var inChunk = 0
            func admit(_ signature: DocumentSignature) throws {
                // Exact duplicates join their twin and take no part in LSH.
                guard try !contains(id: signature.id) else { return }
                try insert.run(.text(signature.id), .int(night), .text(day), .text(signature.source), .optional(signature.url),
                               .optional(signature.site), .optional(signature.published), .int(signature.words),
                               .integer(Int64(bitPattern: signature.exactHash)), .int(signature.shingleCount),
                               .blob(Self.pack(signature.minHashes)), .text(MirrorClusterer.clusterID(canonical: signature.id)),
                               .integer(Self.rowChecksum(signature)))
                let doc = database.lastInsertRowID
                try setCanonical.run(.integer(doc))
                summary.added += 1
                if signature.exactHash != 0 {
                    try exactTwin.query(.integer(Int64(bitPattern: signature.exactHash)), .integer(doc))
                    if try exactTwin.step() {
                        edges.append((exactTwin.int64(0), doc))
                        summary.exactDuplicates += 1
                        return
                    }
                }
                guard isEligible(signature) else { return }
                signature.minHashes.withUnsafeBufferPointer { values in
                    for band in 0 ..< banding.bands {
                        entries.append(MirrorBandEntry(key: MirrorClusterer.bandKey(values, base: 0, band: band, rows: banding.rows), doc: UInt32(truncatingIfNeeded: doc)))
                    }
                }
            }
            func flushChunk() throws {
                guard inChunk > 0 else { return }
                inChunk = 0
                entries.sort()
                // Candidates: the same key in an earlier run, or twice in this chunk.
                var candidates = Set<MirrorPair>()
                let window = Self.bucketWindow
                for run in runFiles() {
                    try MirrorBandRun.join(entries, with: run, window: window) { newDoc, oldDoc in
                        candidates.insert(MirrorPair(Int64(newDoc), Int64(oldDoc)))
                    }
                }
                MirrorBandRun.selfJoin(entries, window: window) { a, b in candidates.insert(MirrorPair(Int64(a), Int64(b))) }
                let verifier = DedupPairCheck(threshold: parameters.threshold, containment: parameters.containment, permutations: scheme.permutations)
                for pair in candidates.sorted() {
                    summary.candidatePairs += 1
                    func values(_ doc: Int64) throws -> ([UInt32], Int)? {
                        try lookup.query(.integer(doc))
                        guard try lookup.step() else { return nil }
                        let stored = try signature(lookup, offset: 0, checksum: 10, doc: doc)
                        return (stored.minHashes, stored.shingleCount)
                    }
                    guard let a = try values(pair.a), let b = try values(pair.b), a.0.count == b.0.count, !a.0.isEmpty else { continue }
                    let match = verifier.compare(a.0, b.0, a.1, b.1)
                    if verifier.accepts(match) {
                        summary.acceptedPairs += 1
                        edges.append((pair.a, pair.b))
                    }
                }
                // This chunk's keys become a run, published before the transaction commits.
                let name = String(format: "bands-%06d-%03d.bin", night, runNames.count)
                let run = try AtomicFile(folder.appendingPathComponent(name))
                try MirrorBandRun.write(entries, to: run)
                try run.commit()
                runNames.append(name)
                entries.removeAll(keepingCapacity: true)
            }
            try signatures { batch in
                for signature in batch {
                    precondition(signature.scheme == scheme, "signature \(signature.id) has scheme (\(signature.scheme)), index has (\(scheme))")
                    try admit(signature)
                    inChunk += 1
                    if inChunk >= chunkSize { try flushChunk() }
                }
            }
            try flushChunk()
            let touched = try recluster(edges: edges, night: night)
            summary.clustersTouched = touched.clusters
            summary.clustersJoined = touched.joined
            try database.prepare("INSERT INTO nights(night, attempt, day, documents, runs) VALUES (?, ?, ?, ?, ?)")
                .run(.int(night), .text(attempt), .text(day), .int(summary.added), .text(runNames.joined(separator: " ")))
        }
        return summary
    }

    /// Whether a signature takes part in LSH, as in `MirrorClusterer.joinNearDuplicates`.
    func isEligible(_ signature: DocumentSignature) -> Bool {
        signature.scheme == scheme && signature.minHashes.count == scheme.permutations
            && signature.shingleCount >= max(1, parameters.minShingles)
    }

    /// Joins the components the night's edges make with the clusters they touch, and gives each
    /// component its canonical: the member that arrived first, then by the manifest's rules.
    private func recluster(edges: [(Int64, Int64)], night tonight: Int) throws -> (clusters: Int, joined: Int) {
        guard !edges.isEmpty else { return (0, 0) }
        let clusterOf = try database.prepare("SELECT cluster FROM documents WHERE doc = ?")
        let members = try database.prepare("SELECT doc FROM documents WHERE cluster = ?")
        var parent: [Int64: Int64] = [:]
        func find(_ x: Int64) -> Int64 {
            guard parent[x] != nil else { parent[x] = x; return x }
            var root = x
            while parent[root]! != root { root = parent[root]! }
            var y = x
            while parent[y]! != root { let next = parent[y]!; parent[y] = root; y = next }
            return root
        }
        func union(_ a: Int64, _ b: Int64) {
            let ra = find(a), rb = find(b)
            if ra != rb { if ra < rb { parent[rb] = ra } else { parent[ra] = rb } }
        }
        // Every member of every cluster an edge touches joins the graph with its cluster.
        var clustersSeen = Set<String>()
        for (a, b) in edges {
            union(a, b)
            for doc in [a, b] {
                try clusterOf.query(.integer(doc))
                guard try clusterOf.step(), let cluster = clusterOf.text(0), clustersSeen.insert(cluster).inserted else { continue }
                try members.query(.text(cluster))
                var list: [Int64] = []
                while try members.step() { list.append(members.int64(0)) }
                for member in list { union(member, doc) }
            }
        }
        var components: [Int64: [Int64]] = [:]
        for doc in Array(parent.keys) { components[find(doc), default: []].append(doc) }
        let load = try database.prepare("""
            SELECT doc, id, night, source, url, site, published, words, exact_hash, shingle_count, minhashes, cluster, checksum FROM documents WHERE doc = ?
            """)
        let update = try database.prepare("UPDATE documents SET canonical = ?, cluster = ? WHERE doc = ?")
        var joined = 0
        for (_, docs) in components.sorted(by: { $0.key < $1.key }) {
            var loaded: [(doc: Int64, night: Int, signature: DocumentSignature)] = []
            var earlierClusters = Set<String>()
            for doc in docs.sorted() {
                try load.query(.integer(doc))
                guard try load.step() else { continue }
                let night = load.int(2)
                try loaded.append((doc, night, signature(load, offset: 1, checksum: 12, doc: doc)))
                if night < tonight, let cluster = load.text(11) { earlierClusters.insert(cluster) }
            }
            if earlierClusters.count > 1 { joined += earlierClusters.count - 1 }
            let arrival = Dictionary(loaded.map { ($0.signature.id, $0.night) }, uniquingKeysWith: min)
            let ranker = DedupCanonicalRanker(parameters: parameters, arrival: arrival)
            guard let canonical = loaded.min(by: { ranker.ranksBefore($0.signature, $1.signature) }) else { continue }
            let cluster = MirrorClusterer.clusterID(canonical: canonical.signature.id)
            for member in loaded { try update.run(.integer(canonical.doc), .text(cluster), .integer(member.doc)) }
        }
        return (components.count, joined)
    }

    /// A signature from a row (`id, night, source, url, site, published, words, exact_hash,
    /// shingle_count, minhashes` from column `offset`, night skipped), checked against the row's
    /// checksum in column `checksum`: a changed byte is reported, never turned into a different
    /// similarity.
    func signature(_ row: SQLiteStatement, offset: Int, checksum: Int, doc: Int64? = nil) throws -> DocumentSignature {
        let signature = DocumentSignature(id: row.text(offset) ?? "", source: row.text(offset + 2) ?? "", url: row.text(offset + 3), site: row.text(offset + 4),
                                          published: row.text(offset + 5), words: row.int(offset + 6),
                                          exactHash: UInt64(bitPattern: row.int64(offset + 7)), shingleCount: row.int(offset + 8),
                                          minHashes: Self.unpack(row.blob(offset + 9)), scheme: scheme)
        guard row.int64(checksum) == Self.rowChecksum(signature) else {
            throw FileError.damaged(path: databaseURL.path, reason: "the document \"\(signature.id)\"\(doc.map { " (row \($0))" } ?? "") does not match its checksum. "
                                    + Self.damageAdvice)
        }
        return signature
    }

    /// What an operator can do about a damaged index: it cannot be rebuilt from tonight's inputs,
    /// which hold only tonight's documents.
    static let damageAdvice = "Restore the dedup cache folder from a backup, or remove it to start the index afresh "
        + "(documents of earlier nights are then no longer recognised as mirrors); `newspipe verify` lists every damaged file"

    var databaseURL: URL { folder.appendingPathComponent(Self.databaseName) }

    /// The checksum a document row carries over the fields that never change once it is added
    /// (its id, source, URL, site, date, words, hashes and MinHash values).
    static func rowChecksum(_ s: DocumentSignature) -> Int64 {
        func field(_ text: String?) -> String { text.map { "=" + $0 } ?? "-" }
        var bytes = Array("\(field(s.id))\u{0}\(field(s.source))\u{0}\(field(s.url))\u{0}\(field(s.site))\u{0}\(field(s.published))\u{0}\(s.words)\u{0}\(s.exactHash)\u{0}\(s.shingleCount)\u{0}".utf8)
        bytes += pack(s.minHashes)
        return ContentHash.checksum64(bytes)
    }

    // MARK: - Tonight's outputs

    /// Marks the documents of tonight (new or seen before) for the outputs: every id `ids` hands
    /// out. With `day`, they count as seen that day, which is what retention measures from.
    public func markTonight(day: String? = nil, _ ids: ((String) throws -> Void) throws -> Void) throws {
        try database.execute("CREATE TEMP TABLE IF NOT EXISTS tonight(doc INTEGER PRIMARY KEY); DELETE FROM tonight;")
        let mark = try database.prepare("INSERT OR IGNORE INTO tonight(doc) SELECT doc FROM documents WHERE id = ?")
        try database.transaction {
            try ids { id in try mark.run(.text(id)) }
            if let day { try database.prepare("UPDATE documents SET day = ? WHERE doc IN (SELECT doc FROM tonight) AND day < ?").run(.text(day), .text(day)) }
        }
    }

    /// Whether the document is its cluster's canonical (unknown ids are kept).
    private var canonicalStatement: SQLiteStatement?
    public func isCanonical(id: String) throws -> Bool {
        if canonicalStatement == nil { canonicalStatement = try database.prepare("SELECT canonical = doc FROM documents WHERE id = ?") }
        try canonicalStatement!.query(.text(id))
        guard try canonicalStatement!.step() else { return true }
        return canonicalStatement!.int(0) != 0
    }

    /// Every cluster of two or more documents that holds one of tonight's, with all its members,
    /// in cluster-id order.
    public func tonightsClusters(_ body: (MirrorCluster) throws -> Void) throws {
        let clusters = try database.prepare("""
            SELECT cluster FROM documents WHERE cluster IN (SELECT DISTINCT d.cluster FROM documents d JOIN tonight t ON t.doc = d.doc)
            GROUP BY cluster HAVING count(*) > 1 ORDER BY cluster
            """)
        let members = try database.prepare("""
            SELECT doc, id, night, source, url, site, published, words, exact_hash, shingle_count, minhashes, canonical, checksum
            FROM documents WHERE cluster = ? ORDER BY id
            """)
        let verifier = DedupPairCheck(threshold: parameters.threshold, containment: parameters.containment, permutations: scheme.permutations)
        try clusters.query()
        var batch: [String] = []
        while try clusters.step() { batch.append(clusters.text(0) ?? "") }
        for cluster in batch {
            try members.query(.text(cluster))
            var list: [DocumentSignature] = []
            var canonical: DocumentSignature?
            while try members.step() {
                let s = try signature(members, offset: 1, checksum: 12, doc: members.int64(0))
                if members.int64(11) == members.int64(0) { canonical = s }
                list.append(s)
            }
            guard let canonical, list.count > 1 else { continue }
            try body(MirrorClusterer.describe(canonical: canonical, members: list, verifier: verifier).0)
        }
    }

    /// Tonight's documents that mirror another, by id.
    public func tonightsRemoved(_ body: (RemovedMirror) throws -> Void) throws {
        let removed = try database.prepare("""
            SELECT d.id, d.night, d.source, d.url, d.site, d.published, d.words, d.exact_hash, d.shingle_count, d.minhashes,
                   c.id, c.night, c.source, c.url, c.site, c.published, c.words, c.exact_hash, c.shingle_count, c.minhashes, d.cluster,
                   d.checksum, c.checksum
            FROM documents d JOIN tonight t ON t.doc = d.doc JOIN documents c ON c.doc = d.canonical
            WHERE d.canonical != d.doc ORDER BY d.id
            """)
        let verifier = DedupPairCheck(threshold: parameters.threshold, containment: parameters.containment, permutations: scheme.permutations)
        try removed.query()
        while try removed.step() {
            let member = try signature(removed, offset: 0, checksum: 21), canonical = try signature(removed, offset: 10, checksum: 22)
            try body(MirrorClusterer.describe(member: member, canonical: canonical, clusterId: removed.text(20) ?? "", verifier: verifier).1)
        }
    }

    // MARK: - Retention

    /// Drops documents last seen before `day` (exclusive), with the band runs of nights none of
    /// whose documents remain, and re-forms the clusters they were in from the members that stay
    /// (pairs checked again, the canonical chosen again by arrival and rules). Entries of dropped
    /// documents in runs that stay are skipped by lookups (document numbers are never reused).
    /// Returns how many documents it dropped.
    @discardableResult
    public func prune(before day: String) throws -> Int {
        guard try database.integer("SELECT 1 FROM documents WHERE day < ? LIMIT 1", [.text(day)]) != nil else { return 0 }
        var removed = 0
        var emptied: [String] = []
        try database.transaction {
            // Clusters that lose members, with the members that stay.
            let affected = try database.rows("""
                SELECT DISTINCT cluster FROM documents WHERE day < ? AND cluster IN (SELECT cluster FROM documents WHERE day >= ?)
                """, [.text(day), .text(day)]).compactMap { $0[0] }
            try database.prepare("DELETE FROM documents WHERE day < ?").run(.text(day))
            removed = database.changes
            for cluster in affected { try reform(cluster: cluster) }
            for row in try database.rows("SELECT night, runs FROM nights WHERE night NOT IN (SELECT DISTINCT night FROM documents)") {
                emptied += (row[1] ?? "").split(separator: " ").map(String.init)
                try database.prepare("DELETE FROM nights WHERE night = ?").run(.int(Int(row[0] ?? "") ?? -1))
            }
        }
        for name in emptied { try? FileManager.default.removeItem(at: folder.appendingPathComponent(name)) }
        try database.execute("PRAGMA incremental_vacuum")
        return removed
    }

    /// Re-forms one cluster from its remaining members (all pairs checked; exact twins joined).
    private func reform(cluster: String) throws {
        let members = try database.prepare("""
            SELECT doc, id, night, source, url, site, published, words, exact_hash, shingle_count, minhashes, checksum FROM documents WHERE cluster = ? ORDER BY doc
            """)
        try members.query(.text(cluster))
        var loaded: [(doc: Int64, night: Int, signature: DocumentSignature)] = []
        while try members.step() { try loaded.append((members.int64(0), members.int(2), signature(members, offset: 1, checksum: 11, doc: members.int64(0)))) }
        guard !loaded.isEmpty else { return }
        var sets = DedupUnionFind(count: loaded.count)
        let verifier = DedupPairCheck(threshold: parameters.threshold, containment: parameters.containment, permutations: scheme.permutations)
        for i in loaded.indices {
            for j in loaded.indices where j > i {
                let a = loaded[i].signature, b = loaded[j].signature
                if a.exactHash != 0 && a.exactHash == b.exactHash { sets.union(i, j); continue }
                if isEligible(a) && isEligible(b) && verifier.accepts(verifier.compare(a, b)) { sets.union(i, j) }
            }
        }
        var groups: [Int: [Int]] = [:]
        for i in loaded.indices { groups[sets.find(i), default: []].append(i) }
        let ranker = DedupCanonicalRanker(parameters: parameters, arrival: Dictionary(loaded.map { ($0.signature.id, $0.night) }, uniquingKeysWith: min))
        let update = try database.prepare("UPDATE documents SET canonical = ?, cluster = ? WHERE doc = ?")
        for (_, group) in groups {
            let canonical = group.min { ranker.ranksBefore(loaded[$0].signature, loaded[$1].signature) }!
            let id = MirrorClusterer.clusterID(canonical: loaded[canonical].signature.id)
            for i in group { try update.run(.integer(loaded[canonical].doc), .text(id), .integer(loaded[i].doc)) }
        }
    }

    // MARK: - Integrity

    /// Everything that is not as written, each naming its file (empty when the index is sound):
    /// SQLite's page check, every document row against its checksum, every cluster's canonical
    /// (there, in the cluster, its own canonical), and every band run a night names against its
    /// digest. Reads the whole index; for `newspipe verify`.
    public func verify() -> [String] {
        let path = databaseURL.path
        var problems: [String] = []
        do {
            problems += try database.integrityProblems().map { "\(path): SQLite: \($0)" }
            let rows = try database.prepare("""
                SELECT doc, id, night, source, url, site, published, words, exact_hash, shingle_count, minhashes, checksum FROM documents ORDER BY doc
                """)
            try rows.query()
            while try rows.step() {
                do { _ = try signature(rows, offset: 1, checksum: 11, doc: rows.int64(0)) } catch let error as FileError {
                    problems.append(error.localizedDescription)
                    if problems.count > 50 { return problems }
                }
            }
            for row in try database.rows("""
                SELECT d.id FROM documents d LEFT JOIN documents c ON c.doc = d.canonical
                WHERE c.doc IS NULL OR c.cluster != d.cluster OR c.canonical != c.doc LIMIT 20
                """) {
                problems.append("\(path): the document \"\(row[0] ?? "")\" names a canonical that is missing or in another cluster")
            }
            for row in try database.rows("SELECT runs FROM nights ORDER BY night") {
                for name in (row[0] ?? "").split(separator: " ") {
                    let run = folder.appendingPathComponent(String(name))
                    do { try MirrorBandRun.join([], with: run, window: 1) { _, _ in } } catch {
                        problems.append(error.localizedDescription)
                    }
                }
            }
        } catch {
            problems.append((error as? FileError)?.localizedDescription ?? "\(path): \(error)")
        }
        return problems
    }

    // MARK: - Runs and packing

    /// The band runs of committed nights, in order.
    func runFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("bands-") && $0.hasSuffix(".bin") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// Runs no committed night names (a merge step killed before its transaction committed).
    private func removeUnregisteredRuns() {
        guard let rows = try? database.rows("SELECT runs FROM nights") else { return }
        let registered = Set(rows.flatMap { ($0[0] ?? "").split(separator: " ").map(String.init) })
        for run in runFiles() where !registered.contains(run.lastPathComponent) { try? FileManager.default.removeItem(at: run) }
        AtomicFile.removeStaleTemporaries(in: folder)
    }

    static func pack(_ values: [UInt32]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count * 4)
        for (i, v) in values.enumerated() {
            bytes[i * 4] = UInt8(v & 0xFF); bytes[i * 4 + 1] = UInt8((v >> 8) & 0xFF)
            bytes[i * 4 + 2] = UInt8((v >> 16) & 0xFF); bytes[i * 4 + 3] = UInt8(v >> 24)
        }
        return bytes
    }

    static func unpack(_ bytes: [UInt8]) -> [UInt32] {
        (0 ..< bytes.count / 4).map { i in
            UInt32(bytes[i * 4]) | UInt32(bytes[i * 4 + 1]) << 8 | UInt32(bytes[i * 4 + 2]) << 16 | UInt32(bytes[i * 4 + 3]) << 24
        }
    }
}

/// One LSH band key of one document.
struct MirrorBandEntry: Comparable {
    var key: UInt64
    var doc: UInt32
    static func < (a: MirrorBandEntry, b: MirrorBandEntry) -> Bool { a.key != b.key ? a.key < b.key : a.doc < b.doc }
}

/// A candidate pair, smaller document first.
struct MirrorPair: Hashable, Comparable {
    let a: Int64
    let b: Int64
    init(_ x: Int64, _ y: Int64) { a = min(x, y); b = max(x, y) }
    static func < (l: MirrorPair, r: MirrorPair) -> Bool { l.a != r.a ? l.a < r.a : l.b < r.b }
}

/// Sorted runs of band entries on disk: `NPBANDS2`, a count, then (key, document) pairs, 12 bytes
/// each, little-endian, sorted, then the SHA-256 of those pairs (32 bytes). Every join reads a run
/// to its end and checks the digest, so a changed byte is reported, never turned into different
/// candidate pairs. (`NPBANDS1` runs, written before the digest, are read without one.)
enum MirrorBandRun {
    static let magic = Array("NPBANDS2".utf8)
    static let magicWithoutDigest = Array("NPBANDS1".utf8)
    static let digestBytes = 32

    static func write(_ entries: [MirrorBandEntry], to file: AtomicFile) throws {
        var bytes = magic
        withUnsafeBytes(of: UInt64(entries.count).littleEndian) { bytes += $0 }
        try file.write(bytes)
        bytes.removeAll(keepingCapacity: true)
        bytes.reserveCapacity(1 << 20 + 12)
        var hasher = ContentHash.Hasher()
        for e in entries {
            withUnsafeBytes(of: e.key.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: e.doc.littleEndian) { bytes += $0 }
            if bytes.count >= 1 << 20 { hasher.update(bytes); try file.write(bytes); bytes.removeAll(keepingCapacity: true) }
        }
        hasher.update(bytes)
        try file.write(bytes)
        try file.write(hexBytes(hasher.finalize()))
    }

    static func hexBytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8?
        for unit in hex.utf8 {
            let nibble = unit <= 0x39 ? unit - 0x30 : unit - 0x61 + 10
            if let h = high { out.append(h << 4 | nibble); high = nil } else { high = nibble }
        }
        return out
    }

    /// Why a run is not what was written.
    static func damaged(_ run: URL, _ reason: String) -> FileError {
        FileError.damaged(path: run.path, reason: "band run \(reason). " + MirrorIndex.damageAdvice)
    }

    /// Streams a run and calls `match(new, old)` for each entry of `entries` (sorted) whose key the
    /// run also holds, at most `window` run documents per key (the newest). With no entries it only
    /// checks the run (`newspipe verify`).
    static func join(_ entries: [MirrorBandEntry], with run: URL, window: Int, match: (UInt32, UInt32) -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: run.path) else {
            throw FileError.io(path: run.path, reason: "cannot open the band run")
        }
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        var position = 0
        var hasher = ContentHash.Hasher()
        var hashedTo = 0
        func fill(_ need: Int) throws -> Bool {
            while buffer.count - position < need {
                if position > 0 {
                    if hashedTo < position { hasher.update(buffer[hashedTo ..< position]) }
                    buffer.removeFirst(position); position = 0; hashedTo = 0
                }
                guard let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty else { return false }
                buffer += chunk
            }
            return true
        }
        guard try fill(16) else { throw damaged(run, "is shorter than its header") }
        let header = Array(buffer[0 ..< 8])
        guard header == magic || header == magicWithoutDigest else { throw damaged(run, "does not start with \(String(decoding: magic, as: UTF8.self))") }
        let hasDigest = header == magic
        let count = buffer.withUnsafeBytes { Int(truncatingIfNeeded: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))) }
        guard count >= 0 else { throw damaged(run, "has a negative entry count") }
        position = 16
        hashedTo = 16
        var i = 0
        var group: [UInt32] = []
        var groupKey: UInt64?
        func flushGroup() {
            guard let key = groupKey else { return }
            while i < entries.count && entries[i].key < key { i += 1 }
            var j = i
            let olds = group.suffix(window)
            while j < entries.count && entries[j].key == key {
                for old in olds where old != entries[j].doc { match(entries[j].doc, old) }
                j += 1
            }
        }
        var previousKey: UInt64?
        for read in 0 ..< count {
            guard try fill(12) else { throw damaged(run, "ends before its \(count) entries") }
            let key = buffer.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt64.self)) }
            let doc = buffer.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: position + 8, as: UInt32.self)) }
            position += 12
            if let previousKey, key < previousKey { throw damaged(run, "is out of order at entry \(read)") }
            previousKey = key
            if key != groupKey {
                flushGroup()
                groupKey = key
                group.removeAll(keepingCapacity: true)
            }
            group.append(doc)
        }
        if hashedTo < position { hasher.update(buffer[hashedTo ..< position]) }
        hashedTo = position
        if hasDigest {
            guard try fill(digestBytes) else { throw damaged(run, "ends before its digest") }
            let stored = Array(buffer[position ..< position + digestBytes])
            position += digestBytes
            guard stored == hexBytes(hasher.finalize()) else { throw damaged(run, "does not match its SHA-256 digest") }
        }
        if try fill(1) { throw damaged(run, "has bytes after its end") }
        flushGroup()
    }

    /// Pairs of entries of one sorted list with equal keys (each document against the up to `window`
    /// documents before it in the bucket).
    static func selfJoin(_ entries: [MirrorBandEntry], window: Int, match: (UInt32, UInt32) -> Void) {
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count && entries[end].key == entries[start].key { end += 1 }
            if end - start > 1 {
                for y in start + 1 ..< end {
                    for x in max(start, y - window) ..< y where entries[x].doc != entries[y].doc { match(entries[y].doc, entries[x].doc) }
                }
            }
            start = end
        }
    }
}
