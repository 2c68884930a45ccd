import Foundation
import NewsIO
import NewsRecords

/// What the report stage reads: the stored outputs of the earlier stages and the run's facts.
public struct ReportInputs: Sendable {
    /// Canonical `ArticleRecord` JSONL files (dedup output), in order.
    public var documents: [URL]
    /// `MirrorCluster` JSONL.
    public var clusters: URL?
    /// `RemovedMirror` JSONL.
    public var removed: URL?
    /// `EntityMention` JSONL files.
    public var mentions: [URL]
    public var stages: [StageSummary]
    public var manifestHash: String
    public var runStartedAt: Date
    public var runFinishedAt: Date
    /// Folder of the previous run's report, for "what changed".
    public var previousReport: URL?
    /// `CompanyTone` JSONL files (the entities stage's document-level tone per company), when
    /// the stage writes them; without them a document's tone towards a ticker is taken from the
    /// tone of its mentions.
    public var companyTone: [URL]
    /// The history database kept across nights (`history.sqlite` beside the report folders);
    /// nil writes no history and the page shows none.
    public var history: URL?
    /// The run date the report is filed under (`YYYY-MM-DD`); the day `runStartedAt` falls on
    /// when nil.
    public var night: String?
    /// The run's duration when it is known more precisely than the whole seconds of
    /// `runStartedAt` … `runFinishedAt` (a report rebuilt for a run that ended earlier).
    public var runSeconds: Double?

    public init(documents: [URL], clusters: URL? = nil, removed: URL? = nil, mentions: [URL],
                stages: [StageSummary], manifestHash: String, runStartedAt: Date, runFinishedAt: Date,
                previousReport: URL? = nil, companyTone: [URL] = [], history: URL? = nil, night: String? = nil) {
        self.documents = documents; self.clusters = clusters; self.removed = removed
        self.mentions = mentions; self.stages = stages; self.manifestHash = manifestHash
        self.runStartedAt = runStartedAt; self.runFinishedAt = runFinishedAt
        self.previousReport = previousReport; self.companyTone = companyTone; self.history = history; self.night = night
    }

    /// The run date the report is filed under.
    public var reportNight: String { night ?? String(ReportFormat.timestamp(runStartedAt).prefix(10)) }
}

/// Turns the stored stage outputs into the report files analysts open: CSV tables, a Frictionless
/// data package, a SQLite database, Markdown and HTML summaries, run metrics.
///
/// Files (all written atomically; a crash leaves the previous report intact):
/// - `entities.csv`, `tickers.csv`, `cooccurrence.csv`, `documents.csv`, `duplicates.csv`:
///   RFC 4180 (UTF-8 without BOM, CRLF, header row, fixed column order, quoting as needed). Text
///   cells starting with `=`, `+`, `-`, `@`, tab or CR get a leading `'` against spreadsheet
///   formula injection; numeric columns are never touched. Empty cell = missing value. Columns
///   and their meaning: `ReportTables` and `datapackage.json`.
/// - `mentions.jsonl`: every mention line as the entities stage wrote it (JSON Lines, offsets in
///   Unicode scalars), sorted by document id, start, end, entity id, so that the shard layout of
///   the inputs does not change the file (sorted in chunks spilled to disk, then merged).
/// - `datapackage.json`: Frictionless Tabular Data Package, one table schema per CSV.
/// - `newspipe.sqlite`: the same tables plus `mentions`, `cluster_members`, `runs`, `stages`,
///   `rejects`, indexed; built in a temporary file in one transaction, then renamed.
/// - `summary.md` and `report.html`: the run at a glance; the page is self-contained (inline CSS
///   and SVG, no scripts, no external requests) and everything in it is escaped.
/// - `run.json` and `metrics.prom` (Prometheus textfile-collector format).
/// - `report-snapshot.json`: what the next run's "what changed" compares against.
///
/// Counting rules: day = publication day in UTC (as written when the date has no zone); tone
/// balance = (bullish − bearish) / mentions; a mention counts towards a ticker when it is the
/// symbol or names a company linked to it; rankings, co-occurrence and document entity lists
/// leave out money, percent and date values; co-occurrence takes each document's
/// `pairEntitiesPerDocument` most mentioned named entities (so pairs per document are bounded)
/// and lists pairs that share `minimumPairDocuments` documents. Input files that do not exist
/// are read as empty and named in the summary, the page and run.json.
///
/// Output is deterministic: equal inputs give byte-identical files (the run's own timestamps come
/// from `ReportInputs`, never from the clock; every list is sorted by a total order; numbers
/// have fixed precision without locale), and does not depend on how the inputs are split into
/// files. Mentions are aggregated while streaming: memory holds counters per entity,
/// document-entity pair, ticker-day and entity pair, and one sort chunk, not all mentions.
public struct ReportBuilder: Sendable {
    /// Entities shown in rankings and charts.
    public var topEntities: Int
    /// Most-mentioned named entities per document that take part in co-occurrence counting.
    public var pairEntitiesPerDocument: Int
    /// Documents a pair needs to appear in to get a row in cooccurrence.csv (one shared document
    /// is mostly incidental, and single pairs would outgrow a spreadsheet's row limit).
    public var minimumPairDocuments: Int

    public static let defaultPairCap = 12

    /// The history database's file name; the report stage keeps it beside the dated folders.
    public static let historyFileName = ReportHistory.fileName

    /// Threads that decode mentions and make their contexts beside the one that counts, sorts
    /// and writes (the stage passes its `--workers`).
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    /// Mention lines sorted in memory before spilling a run to disk (tests lower it).
    var mentionSortChunk = 100_000
    /// Bytes the mention pass's counters (`ReportCorpus.heldBytes`) and the sort chunk share:
    /// past it the chunk is spilled early (not below `mentionSortMinimumChunk`), so the pass's
    /// peak is the counters plus what is left of the budget, not plus a whole chunk
    /// (`ReportMentionSorter`). A 10,000-page night's full chunks (about 39 MB) fit beside its
    /// counters (6 MB); a 100,000-page night's counters reach 47 MB and its chunks shrink to the
    /// minimum.
    var mentionSortBudget = 48 << 20
    /// The least the mention sort chunk holds before the budget spills it.
    var mentionSortMinimumChunk = 8 << 20
    /// Table keys (entities, documents, pairs …) a pool worker turns into rows at a time.
    static let tableKeysPerChunk = 128
    /// Mentions a pool worker makes the contexts of at a time (tests lower it).
    var contextBatchMentions = ReportContextBatch.mentionsPerBatch
    /// How the page stores its sentence block (tests read plain JSON more easily).
    var sentenceEncoding = ReportPage.SentenceEncoding.gzipBase64
    /// Mentions the page embeds at most (tests lower it).
    var pageMentionsMax = ReportPageData.mentionsMax
    /// Entities the page's first data block holds at most (tests lower it).
    var pageEntitiesFirstMax = ReportPageData.entitiesFirstMax

    /// Rows handed to the database thread at a time.
    static let databaseRowsPerJob = 256
    /// Context batches between returns of free heap pages in the context pass.
    static let trimBatches = 64

    /// Report file names, in the order `build` returns them (the order it writes them in, but for
    /// the snapshot, written before the context pass).
    public static let fileNames = [
        "mentions.jsonl", "entities.csv", "tickers.csv", "cooccurrence.csv", "documents.csv", "document_tickers.csv",
        "duplicates.csv", "datapackage.json", "newspipe.sqlite", "run.json", "metrics.prom", "summary.md", "report.html",
        ReportSnapshot.fileName,
    ]

    public init(topEntities: Int = 25, pairEntitiesPerDocument: Int = ReportBuilder.defaultPairCap,
                minimumPairDocuments: Int = 2) {
        self.topEntities = max(1, topEntities)
        self.pairEntitiesPerDocument = max(2, pairEntitiesPerDocument)
        self.minimumPairDocuments = max(1, minimumPairDocuments)
    }

    /// Writes every report file into `folder` (each atomically via AtomicFile), returns the file
    /// names written.
    public func build(_ inputs: ReportInputs, into folder: URL) throws -> [String] {
        ReportHeap.mapLargeBlocks()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        AtomicFile.removeStaleTemporaries(in: folder)
        // The previous report is read before any report file is written (it may be this very
        // folder): its run facts here, its snapshot when the overview is made, before the tables.
        let previousSuccess = inputs.previousReport.flatMap(ReportRunFacts.lastSuccess(in:))
        var corpus = ReportCorpus(pairCap: pairEntitiesPerDocument, minimumPairDocuments: minimumPairDocuments, spillFolder: folder)
        // A stage that wrote nothing may leave no file: the report then shows what there is and
        // names the missing file instead of failing the run.
        func present(_ url: URL) -> Bool {
            if FileManager.default.fileExists(atPath: url.path) { return true }
            corpus.missingInputs.append(url.lastPathComponent)
            return false
        }
        let pool = WorkerPool(workers: workers)
        if let clusters = inputs.clusters, present(clusters) { try corpus.readClusters(clusters, pool: pool) }
        if let removed = inputs.removed, present(removed) { try corpus.readRemoved(removed) }
        let documentFiles = inputs.documents.filter(present)
        for (index, url) in documentFiles.enumerated() { try corpus.readDocuments(url, file: index, pool: pool) }
        // The canonical documents are all known now, and so is their order on the page.
        ReportHeap.mark("documents read")
        // The headlines are ranked now, while little else is held (their sort keys are 22 MB at
        // 100,000 pages; ranked beside the mention pass, they came on top of its first sort chunk).
        let titleRanks = try ReportTitleRanking.ranks(store: corpus.detailStore,
                                                      details: corpus.orderedDocuments().map { corpus.documents[$0].details })
        ReportHeap.mark("headlines ranked")

        let database = try ReportDatabaseWriter(folder: folder)
        defer { database.abandon() }
        let tables = ReportTables.all(pairCap: pairEntitiesPerDocument, minimumPairDocuments: minimumPairDocuments)
        try database.createSchema(tables)
        // From here the database is written by a thread of its own, in order, while this thread
        // writes the other files (mentions.jsonl, the CSV tables, the page); its last job indexes,
        // commits and publishes it. Stopped before the database is abandoned (defers run last first).
        let databaseThread = ReportSerialWorker()
        defer { databaseThread.stop() }

        // One streaming pass over mentions feeds the counters and the sorter. This thread reads
        // the lines and counts and sorts the decoded mentions in order; the pool's workers decode
        // the chunks meanwhile (a few chunks in flight, so memory stays bounded).
        let sorter = ReportMentionSorter(folder: folder, chunkLines: mentionSortChunk, budgetBytes: mentionSortBudget,
                                         minimumChunkBytes: mentionSortMinimumChunk)
        for url in inputs.mentions where present(url) {
            let reader = try JSONLinesReader(url)
            var firstLine = 1
            try pool.forEachInOrder(window: workers * 2, next: { () -> [[UInt8]]? in
                var chunk: [[UInt8]] = []
                while chunk.count < ReportMentionDecoding.chunkLines, let line = try reader.next() { chunk.append(Array(line)) }
                return chunk.isEmpty ? nil : chunk
            }, transform: ReportMentionDecoding.decode(serially:), consume: { chunk, decoded in
                for (offset, (line, result)) in zip(chunk, decoded).enumerated() {
                    let mention: EntityMention
                    do { mention = try result.get() } catch {
                        throw FileError.corruptRecord(path: url.path, line: firstLine + offset, reason: "\(error)")
                    }
                    try corpus.add(mention)
                    try sorter.add(mention, line: line[...], besides: corpus.heldBytes)
                }
                firstLine += chunk.count
            })
        }
        ReportHeap.mark("mentions read (counters \(corpus.heldBytes >> 10) kB, \(sorter.runCount) runs, chunk \(sorter.chunkBytes >> 10) kB)")
        // The held chunk's records go to a run, and their pages back to the system with it
        // (`ReportMentionSorter.spill`), before the night's end.
        try sorter.spillHeld()
        try corpus.finish()
        ReportHeap.mark("after finish")
        // The night's end freed its keys and pair ranges (and the mention pass its batches)
        // among the aggregates the context pass keeps.
        ReportHeap.returnFreePages()

        // The overview, the tables and the data package come first: they read only the night's
        // counts, and what only they read goes as each is done, before the context pass and the
        // page. Each table's rows are made and put in CSV form by the pool's workers, a range of
        // keys each; this thread writes them in order and hands them to the database thread.
        var written: [String] = []
        /// Hands the rows `produce` gives to the database thread, `databaseRowsPerJob` at a time.
        func inDatabaseJobs<Row>(_ produce: (_ add: (Row) throws -> Void) throws -> Void,
                                 insert: @escaping ([Row]) throws -> Void) throws {
            var rows: [Row] = []
            func submit() throws {
                let taken = rows
                rows = []
                try databaseThread.submit { try insert(taken) }
            }
            try produce { row in
                rows.append(row)
                if rows.count >= Self.databaseRowsPerJob { try submit() }
            }
            if !rows.isEmpty { try submit() }
        }
        try corpus.sealSpills()
        // The overview (and the history row and run facts made from it) reads the night's counts,
        // the pairs among them: made first, so that each table's own inputs can go once it is
        // written (the top co-mentions after entities.csv, the pairs after cooccurrence.csv, the
        // documents' ticker counts and company tones after document_tickers.csv).
        // Only what "what changed" needs of the previous report is kept, read against tonight's
        // entity ids (`ReportPreviousNight`), and only until the overview is made.
        let overview: ReportOverview
        do {
            let previous = inputs.previousReport.flatMap { ReportPreviousNight.load(from: $0, against: corpus.entityIds) }
            overview = try ReportOverview(corpus: corpus, inputs: inputs, topEntities: topEntities, previous: previous)
        }
        let runFacts = ReportRunFacts(inputs: inputs, overview: overview, previousSuccess: previousSuccess)
        let historyNight = inputs.history == nil ? nil : ReportHistoryNight(corpus: corpus, overview: overview, facts: runFacts)
        ReportHeap.mark("overview made")
        for table in tables {
            if table.name == ReportTables.documentTickers.name {
                // Company tone is kept by the slots of the documents, entities and tickers, and
                // read only for the table that reads it.
                for url in inputs.companyTone where FileManager.default.fileExists(atPath: url.path) { try corpus.readCompanyTone(url) }
            }
            let csv = try ReportCSVWriter(table, to: folder.appendingPathComponent(table.file))
            let source = ReportTables.source(of: table, corpus)
            var nextKey = 0
            try inDatabaseJobs({ add in
                try pool.forEachInOrder(window: workers * 2, next: { () -> Range<Int>? in
                    guard nextKey < source.count else { return nil }
                    let keys = nextKey ..< min(source.count, nextKey + Self.tableKeysPerChunk)
                    nextKey = keys.upperBound
                    return keys
                }, transform: { keys in
                    Result { try keys.flatMap { try source.rows($0) }.map { (cells: $0, record: ReportCSVWriter.record($0)) } }
                }, consume: { _, made in
                    for row in try made.get() {
                        try csv.write(record: row.record, width: row.cells.count)
                        try add(row.cells)
                    }
                })
            }, insert: { rows in try database.insert(rows, into: table) })
            try csv.commit()
            written.append(table.file)
            switch table.name {
            case ReportTables.entities.name: corpus.dropCoMentions()
            case ReportTables.cooccurrence.name: corpus.dropPairs()
            case ReportTables.documentTickers.name: corpus.dropDocumentTickers()
            default: break
            }
            ReportHeap.mark("table \(table.file)")
            // Each table's rows were made and freed on three threads among the counters.
            ReportHeap.returnFreePages()
        }

        try AtomicFile.write(ReportDataPackage.make(tables: tables).rendered(),
                             to: folder.appendingPathComponent("datapackage.json"))
        written.append("datapackage.json")

        ReportHeap.mark("tables written")
        // The snapshot (every named entity in report order, streamed) is written on a thread of
        // its own while this one inserts the clusters' members: like the page's entity blocks
        // and the history row above, it is the last to read the entities' rows and names, which
        // go before the context pass (`ReportCorpus.dropEntityDetails`). It ends before the page
        // is made (beside it, the two were the largest moment after the night's counting).
        let snapshotThread = ReportSerialWorker(capacity: 1)
        defer { snapshotThread.stop() }
        try snapshotThread.submit { [corpus] in
            try ReportSnapshot.json(corpus: corpus, inputs: inputs).write(to: folder.appendingPathComponent(ReportSnapshot.fileName))
        }
        // The members are read here: only this thread reads the corpus's spill files.
        try inDatabaseJobs({ add in
            for story in corpus.stories { try add((story, try corpus.members(of: story))) }
        }, insert: { rows in try database.insert(members: rows) })
        ReportHeap.mark("members inserted")
        try snapshotThread.finish()
        ReportHeap.mark("snapshot written")
        corpus.dropTableInputs()
        ReportHeap.returnFreePages()

        // The sorted lines, one document at a time: each mention gets its context (the article
        // text is read again, one document at a time) and goes to mentions.jsonl, the database
        // and the page. The entities stage's own bytes are kept; the context is added to them.
        // This thread merges the sorted runs into batches that never split a document and
        // writes the finished batches in order; the pool's workers decode each batch and make
        // its contexts and output lines meanwhile (`ReportContextBatch`).
        ReportHeap.mark("table inputs let go")
        let page = try ReportPageData(corpus: corpus, folder: folder, mentionsMax: pageMentionsMax, entitiesFirstMax: pageEntitiesFirstMax)
        page.titleRanks = titleRanks
        corpus.dropEntityDetails()
        ReportHeap.returnFreePages()
        ReportHeap.mark("page made")
        precondition(page.titleRanks?.count == page.documentOrder.count, "ReportBuilder: title ranks for another document order")
        let texts = ReportLineFiles(documentFiles)
        let mentionsOut = try AtomicFile(folder.appendingPathComponent("mentions.jsonl"))
        try sorter.startMerge()
        var carried: ReportSortRecord?
        var batches = 0
        let batchLimit = contextBatchMentions
        try pool.forEachInOrder(window: workers * 2, next: { () -> ReportContextBatch.Work? in
            var batch = ReportContextBatch(limit: batchLimit)
            func add(_ record: ReportSortRecord) {
                batch.add(record.line, document: record.document) { id in
                    corpus.documentSlot(of: id).flatMap { corpus.documentRows[Int($0)].location }
                }
            }
            if let record = carried { add(record) }
            carried = nil
            while let record = try sorter.next() {
                if batch.isFull, !batch.continues(record.document) {
                    carried = record
                    break
                }
                add(record)
            }
            return batch.isEmpty ? nil : batch.work
        }, transform: { work in Result { try ReportContextBatch.contexts(work, texts: texts) } }, consume: { _, made in
            // The batches' blocks, made and freed on three threads among the page's growing
            // columns, left about 20 MB of pages held and unused by the pass's end at 100,000
            // pages: they go back every `trimBatches` batches.
            batches += 1
            if batches % Self.trimBatches == 0 { ReportHeap.returnFreePages() }
            let documents = try made.get()
            for document in documents {
                let embedding = page.begin(document: corpus.documentSlot(of: document.id).map(Int.init) ?? -1)
                for (mention, result) in zip(document.mentions, document.results) {
                    try mentionsOut.write(result.line)
                    try mentionsOut.write(CollectionOfOne(0x0A))
                    if embedding { try page.add(mention, context: result.context) }
                }
            }
            try databaseThread.submit {
                for document in documents {
                    for (mention, result) in zip(document.mentions, document.results) {
                        try database.insert(mention, context: result.context)
                    }
                }
            }
        })
        ReportHeap.mark("context pass end")
        try mentionsOut.commit()
        written.insert("mentions.jsonl", at: 0)
        try databaseThread.submit {
            try database.insertRun(overview: overview)
            try database.commit()
        }
        written.append(ReportDatabaseWriter.fileName)

        ReportHeap.returnFreePages()

        // The night goes into the history before the page is drawn, so the page shows it.
        var window: ReportHistoryWindow?
        if let url = inputs.history {
            let history = try ReportHistory(url: url)
            defer { history.close() }
            if let historyNight { try history.record(historyNight) }
            window = try history.window(endingAt: inputs.reportNight)
        }

        try AtomicFile.write(runFacts.json().rendered(), to: folder.appendingPathComponent("run.json"))
        try AtomicFile.write(runFacts.prometheus(), to: folder.appendingPathComponent("metrics.prom"))
        try AtomicFile.write(ReportMarkdown.render(overview), to: folder.appendingPathComponent("summary.md"))
        let html = try AtomicFile(folder.appendingPathComponent("report.html"))
        try ReportPage.write(ReportPage.Parts(
            title: ReportHTML.title(overview), header: ReportHTML.header(overview),
            staticReport: ReportHTML.staticReport(overview, trends: window.flatMap(ReportTrends.init)),
            footer: ReportHTML.footer, data: page.dataJSON(run: pageRun(overview, corpus: corpus), history: window),
            entities: page.writeEntities(to:), documents: page.writeDocuments(to:),
            mentions: page.writeMentions(to:), sentences: page.writeSentences(to:)), encoding: sentenceEncoding, workers: workers, to: html)
        ReportHeap.mark("page written")
        try html.commit()
        written += ["run.json", "metrics.prom", "summary.md", "report.html", ReportSnapshot.fileName]
        try databaseThread.finish()
        return written
    }

    /// Timelines plot publication days from 1900 to a year after the run; other dates are
    /// misreadings more often than news, and would stretch every axis over centuries.
    static let plotFirstDay = ReportDay.days(year: 1900, month: 1, day: 1)
    static let plotDaysAfterRun = 366

    private func pageRun(_ overview: ReportOverview, corpus: ReportCorpus) -> ReportPageData.Run {
        let night = overview.inputs.reportNight
        let nightDay = ReportPublished(night)?.day ?? ReportPublished(ReportFormat.timestamp(overview.inputs.runFinishedAt))?.day ?? 0
        return ReportPageData.Run(
            title: ReportHTML.headline(overview), night: night, finishedAt: ReportFormat.timestamp(overview.inputs.runFinishedAt),
            manifest: overview.inputs.manifestHash, sites: overview.siteCount, undated: overview.undatedDocuments,
            firstDay: overview.firstDay.flatMap { ReportPublished($0)?.day }, lastDay: overview.lastDay.flatMap { ReportPublished($0)?.day },
            plotFirstDay: Self.plotFirstDay, plotLastDay: nightDay + Self.plotDaysAfterRun, missingInputs: overview.missingInputs)
    }
}

/// Mention lines decoded by the builder's pool workers, a chunk each, results in line order.
enum ReportMentionDecoding {
    /// Lines a pool worker decodes at a time: the builder keeps two chunks per worker in
    /// flight, so this bounds the memory of the step (under a megabyte a chunk).
    static let chunkLines = 1_024

    static func decode(_ line: ArraySlice<UInt8>) throws -> EntityMention {
        if let scanned = ReportMentionScanner.decode(line) { return scanned }
        return try JSONLines.makeDecoder().decode(EntityMention.self, from: Data(line))
    }

    /// The chunk's lines decoded in order on the calling thread (one pool worker's share).
    @Sendable static func decode(serially lines: [[UInt8]]) -> [Result<EntityMention, Error>] {
        lines.map { line in Result { try decode(line[...]) } }
    }
}

/// Sorted mention lines gathered into a batch that never splits a document, and the step a pool
/// worker runs on a batch: decode its lines, group them by document, and make each mention's
/// context and output line.
struct ReportContextBatch {
    /// A batch handed to a worker: its lines in order, and where each of its documents' records
    /// are (by document id) for reading their texts again.
    struct Work: Sendable {
        var lines: [[UInt8]]
        var locations: [String: ReportLineLocation]
    }

    struct Document: Sendable {
        var id: String
        var mentions: [EntityMention]
        var results: [Result]
    }

    /// The line to write for a mention (the entities stage's bytes with the context added) and
    /// its context.
    struct Result: Sendable {
        var line: [UInt8]
        var context: ReportMentionContext?
    }

    /// Mentions a batch gathers before it is handed to a worker: the builder keeps two batches
    /// per worker in flight, so this bounds the memory of the step (a few MB).
    static let mentionsPerBatch = 1_024

    private let limit: Int
    private var lines: [[UInt8]] = []
    private var locations: [String: ReportLineLocation] = [:]
    /// The sort key's document part of the last line (the document id up to its first NUL byte):
    /// equal for every line of one document, so a batch cut where it changes never splits one.
    private var lastDocument: [UInt8] = []

    init(limit: Int = ReportContextBatch.mentionsPerBatch) { self.limit = max(1, limit) }

    var isFull: Bool { lines.count >= limit }
    var isEmpty: Bool { lines.isEmpty }

    /// Whether a line with this document key belongs to the document of the last line added.
    func continues(_ document: ArraySlice<UInt8>) -> Bool { !lines.isEmpty && lastDocument.elementsEqual(document) }

    /// Adds a line; `locate` gives the record location of a document id the batch has not seen.
    mutating func add(_ line: ArraySlice<UInt8>, document: ArraySlice<UInt8>, locate: (String) -> ReportLineLocation?) {
        lines.append(Array(line))
        guard lines.count == 1 || !lastDocument.elementsEqual(document) else { return }
        lastDocument = Array(document)
        let id = String(decoding: document, as: UTF8.self)
        if locations[id] == nil, let location = locate(id) { locations[id] = location }
    }

    /// What a worker gets of the batch.
    var work: Work { Work(lines: lines, locations: locations) }

    /// The batch's lines decoded and grouped by document, in order, each mention with its line
    /// to write and its context; a document's text is read from `texts` (no context when it is
    /// not available).
    static func contexts(_ work: Work, texts: ReportLineFiles) throws -> [Document] {
        var documents: [Document] = []
        var finder: ReportContextFinder?
        for line in work.lines {
            let mention = try ReportMentionDecoding.decode(line[...])
            if documents.last?.id != mention.documentId {
                documents.append(Document(id: mention.documentId, mentions: [], results: []))
                finder = work.locations[mention.documentId].flatMap(texts.line(at:)).flatMap(ReportArticleText.decode)
                    .map(ReportContextFinder.init(text:))
            }
            let context = finder?.context(of: mention)
            let members = context.map(ReportMentionLine.members(for:)) ?? []
            documents[documents.count - 1].mentions.append(mention)
            documents[documents.count - 1].results.append(
                Result(line: members.isEmpty ? line : ReportMentionLine.adding(members, to: line[...]) ?? line, context: context))
        }
        return documents
    }
}

/// The article text of a document record, read again for the sentences of its mentions.
struct ReportArticleText: Decodable {
    var text: String

    static func decode(_ line: [UInt8]) -> String? {
        try? JSONDecoder().decode(ReportArticleText.self, from: Data(line)).text
    }
}

extension ReportMentionLine {
    /// The members a context adds to a mention line (`context`, its offsets and kind, and the
    /// sentence offsets when the report found them itself).
    static func members(for context: ReportMentionContext) -> [Member] {
        func json(_ write: (inout ReportJSONBytes) -> Void) -> [UInt8] {
            var out = ReportJSONBytes(htmlSafe: false)
            write(&out)
            return out.bytes
        }
        var members = [
            Member(key: "context", value: json { $0.string(context.text) }),
            Member(key: "context_end", value: json { $0.integer(context.end) }),
            Member(key: "context_kind", value: json { $0.string(context.kind.rawValue) }),
            Member(key: "context_start", value: json { $0.integer(context.start) }),
        ]
        if let start = context.sentenceStart, let end = context.sentenceEnd {
            members.append(Member(key: "sentence_end", value: json { $0.integer(end) }))
            members.append(Member(key: "sentence_start", value: json { $0.integer(start) }))
        }
        return members
    }
}

extension ReportHistoryNight {
    init(corpus: ReportCorpus, overview: ReportOverview, facts: ReportRunFacts) {
        let inputs = overview.inputs
        // The stored order read in place (as an `[Int]` copy it was 2.2 MB at 100,000 pages).
        let named = corpus.entityOrderSlots().lazy.filter { corpus.isNamed($0) }.map { Int($0) }
        var companyOf: [String: String] = [:]
        // The rows are read directly (a `ReportEntity` makes its name's string): 272,000 entities.
        for index in named where corpus.entityRows[index].type == .organization && corpus.entityRows[index].tickerSlot >= 0 {
            let entity = corpus.entities[index]
            if let ticker = entity.ticker, companyOf[ticker] == nil { companyOf[ticker] = entity.name }
        }
        self.init(
            night: inputs.reportNight, startedAt: ReportFormat.timestamp(inputs.runStartedAt),
            finishedAt: ReportFormat.timestamp(inputs.runFinishedAt), manifestHash: inputs.manifestHash, status: facts.status,
            documents: overview.documentCount, mentions: named.reduce(0) { $0 + corpus.entityRows[$1].mentions },
            namedEntities: overview.namedEntityCount, sites: overview.siteCount, mirrorsRemoved: overview.mirrorsRemoved,
            rejected: inputs.stages.reduce(0) { $0 + $1.rejected }, firstDay: overview.firstDay, lastDay: overview.lastDay,
            tickers: corpus.tickerTotals.map {
                Count(key: $0.ticker, name: companyOf[$0.ticker] ?? "", type: EntityType.ticker.rawValue, ticker: $0.ticker,
                      mentions: $0.mentions, documents: $0.documents, sites: $0.sites, bullish: $0.bullish,
                      bearish: $0.bearish, neutral: $0.neutral)
            },
            entities: named.lazy.filter { corpus.entities[$0].type != .ticker }.prefix(ReportHistory.entitiesKept).map { slot in
                let e = corpus.entities[slot]
                return Count(key: corpus.entityId(slot), name: e.name, type: e.type.rawValue, ticker: e.ticker, mentions: e.mentions,
                             documents: e.documents, sites: e.sites, bullish: e.bullish, bearish: e.bearish, neutral: e.neutral)
            })
    }
}

/// Builds `newspipe.sqlite` in a temporary file in the report folder, in one transaction, and
/// renames it into place on `commit()`.
final class ReportDatabaseWriter {
    static let fileName = "newspipe.sqlite"
    private let database: ReportSQLiteDatabase
    private let temporary: URL
    private let destination: URL
    private var finished = false
    private var mentionInsert: ReportSQLiteStatement?
    /// Insert statements by their SQL, each prepared once.
    private var inserts: [String: ReportSQLiteStatement] = [:]

    init(folder: URL) throws {
        destination = folder.appendingPathComponent(Self.fileName)
        temporary = folder.appendingPathComponent(
            ".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max))-\(Self.fileName)")
        database = try ReportSQLiteDatabase(path: temporary.path)
        // The file is private until renamed, so a rollback journal buys nothing; FULL sync makes the
        // commit reach the disk before the rename publishes it.
        try database.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = FULL; PRAGMA user_version = 1; BEGIN")
    }

    static func sqlType(_ type: ReportColumnType) -> String {
        switch type {
        case .string, .date: return "TEXT"
        case .integer: return "INTEGER"
        case .number: return "REAL"
        }
    }

    static func quoted(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    func createSchema(_ tables: [ReportTable]) throws {
        var sql = ""
        for table in tables {
            var columns = table.columns.map { "\(Self.quoted($0.name)) \(Self.sqlType($0.type))" }
            if !table.primaryKey.isEmpty {
                columns.append("PRIMARY KEY (\(table.primaryKey.map(Self.quoted).joined(separator: ", ")))")
            }
            sql += "CREATE TABLE \(Self.quoted(table.name)) (\(columns.joined(separator: ", ")));\n"
        }
        sql += """
        CREATE TABLE "mentions" ("document_id" TEXT NOT NULL, "entity_id" TEXT NOT NULL, "canonical_name" TEXT,
          "surface" TEXT, "type" TEXT, "start" INTEGER, "end" INTEGER, "sentence" INTEGER, "ticker" TEXT,
          "value" TEXT, "confidence" REAL, "tone" TEXT, "cue" TEXT, "evidence" TEXT, "name_at_date" TEXT,
          "sentence_start" INTEGER, "sentence_end" INTEGER, "context" TEXT, "context_start" INTEGER,
          "context_end" INTEGER, "context_kind" TEXT);
        CREATE TABLE "cluster_members" ("cluster_id" TEXT NOT NULL, "document_id" TEXT NOT NULL,
          "is_canonical" INTEGER, "source" TEXT, "url" TEXT, "site" TEXT, "published" TEXT, "similarity" REAL,
          "containment" REAL);
        CREATE TABLE "runs" ("manifest_hash" TEXT, "started_at" TEXT, "finished_at" TEXT,
          "duration_seconds" REAL, "documents" INTEGER, "mentions" INTEGER, "entities" INTEGER,
          "clusters" INTEGER, "mirrors_removed" INTEGER);
        CREATE TABLE "stages" ("stage" TEXT, "status" TEXT, "processed" INTEGER, "cached" INTEGER,
          "output" INTEGER, "rejected" INTEGER, "duration_seconds" REAL, "started_at" TEXT, "finished_at" TEXT);
        CREATE TABLE "rejects" ("stage" TEXT, "reason" TEXT, "count" INTEGER);

        """
        try database.execute(sql)
        mentionInsert = try database.prepare("INSERT INTO \"mentions\" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
    }

    func insert(_ mention: EntityMention, context: ReportMentionContext?) throws {
        try mentionInsert?.run([
            .text(mention.documentId), .text(mention.entityId), .text(mention.canonicalName), .text(mention.surface),
            .text(mention.type.rawValue), .integer(mention.start), .integer(mention.end),
            .integer(mention.sentence), .text(mention.ticker), .text(mention.value),
            .number(mention.confidence, digits: 0), .text(mention.tone.rawValue), .text(mention.cue),
            .text(mention.evidence), .text(mention.nameAtDate),
            .integer(mention.sentenceStart ?? context?.sentenceStart), .integer(mention.sentenceEnd ?? context?.sentenceEnd),
            .text(context?.text), .integer(context?.start), .integer(context?.end), .text(context?.kind.rawValue),
        ])
    }

    /// Inserts rows of a report table (its statement prepared once).
    func insert(_ rows: [[ReportCell]], into table: ReportTable) throws {
        let statement = try insertStatement(into: table.name, columns: table.columns.count)
        for cells in rows { try statement.run(cells) }
    }

    private func insertStatement(into table: String, columns: Int) throws -> ReportSQLiteStatement {
        let sql = "INSERT INTO \(Self.quoted(table)) VALUES (\(Array(repeating: "?", count: columns).joined(separator: ",")))"
        if let prepared = inserts[sql] { return prepared }
        let statement = try database.prepare(sql)
        inserts[sql] = statement
        return statement
    }

    /// Inserts clusters' member rows (read from the corpus by the building thread, which owns its
    /// spill files).
    func insert(members: [(story: ReportStory, members: [ClusterMember])]) throws {
        let statement = try insertStatement(into: "cluster_members", columns: 9)
        for (story, members) in members {
            for item in members {
                try statement.run([
                    .text(story.clusterId), .text(item.id), .integer(item.id == story.canonicalId ? 1 : 0),
                    .text(item.source), .text(item.url), .text(item.site), .text(item.published),
                    .number(item.similarity, digits: 0), .number(item.containment, digits: 0),
                ])
            }
        }
    }

    func insertRun(overview: ReportOverview) throws {
        let inputs = overview.inputs
        try database.prepare("INSERT INTO \"runs\" VALUES (?,?,?,?,?,?,?,?,?)").run([
            .text(inputs.manifestHash), .text(ReportFormat.timestamp(inputs.runStartedAt)),
            .text(ReportFormat.timestamp(inputs.runFinishedAt)), .number(overview.runSeconds, digits: 0),
            .integer(overview.documentCount), .integer(overview.mentionCount), .integer(overview.entityCount),
            .integer(overview.clusterCount), .integer(overview.mirrorsRemoved),
        ])
        let stage = try database.prepare("INSERT INTO \"stages\" VALUES (?,?,?,?,?,?,?,?,?)")
        let reject = try database.prepare("INSERT INTO \"rejects\" VALUES (?,?,?)")
        for summary in inputs.stages {
            try stage.run([
                .text(summary.stage), .text(summary.status), .integer(summary.processed), .integer(summary.cached),
                .integer(summary.output), .integer(summary.rejected), .number(summary.durationSeconds, digits: 0),
                .text(summary.startedAt), .text(summary.finishedAt),
            ])
            for (reason, count) in summary.rejectsByReason.sorted(by: { reportPrecedes($0.key, $1.key) }) {
                try reject.run([.text(summary.stage), .text(reason), .integer(count)])
            }
        }
    }

    /// Indexes the tables, commits and publishes the database file.
    func commit() throws {
        try database.execute("""
        CREATE INDEX "mentions_entity" ON "mentions" ("entity_id");
        CREATE INDEX "mentions_document" ON "mentions" ("document_id");
        CREATE INDEX "mentions_ticker" ON "mentions" ("ticker") WHERE "ticker" IS NOT NULL;
        CREATE INDEX "entities_ticker" ON "entities" ("ticker");
        CREATE INDEX "tickers_ticker_day" ON "tickers" ("ticker", "day");
        CREATE INDEX "tickers_day" ON "tickers" ("day");
        CREATE INDEX "cooccurrence_b" ON "cooccurrence" ("entity_b");
        CREATE INDEX "documents_day" ON "documents" ("day");
        CREATE INDEX "documents_site" ON "documents" ("site");
        CREATE INDEX "document_tickers_ticker" ON "document_tickers" ("ticker", "tone");
        CREATE INDEX "clusters_canonical" ON "clusters" ("canonical_id");
        CREATE INDEX "cluster_members_document" ON "cluster_members" ("document_id");
        COMMIT;
        ANALYZE;
        """)
        database.close()
        if rename(temporary.path, destination.path) != 0 {
            throw FileError.io(path: destination.path, reason: "cannot publish: \(String(cString: strerror(errno)))")
        }
        finished = true
    }

    /// Drops the temporary database unless it was published.
    func abandon() {
        guard !finished else { return }
        finished = true
        database.close()
        try? FileManager.default.removeItem(at: temporary)
    }
}
