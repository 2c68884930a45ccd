import Foundation
import NewsIO
import NewsRecords

/// Fetching many pages, and importing WARC files, as the fetch stage does it. Everything here is
/// synchronous, for Dispatch-based callers; the fetcher runs its async work internally.
public enum NetworkFetch {
    /// The records of an earlier run (the JSON Lines `files`, in order), keyed by URL, keeping for
    /// each URL the last record that stored a body (failed fetches are not previous copies).
    public static func previousRecords(from files: [URL]) -> [String: FetchRecord] {
        var records: [String: FetchRecord] = [:]
        for file in files where FileManager.default.fileExists(atPath: file.path) {
            try? JSONLines.forEach(FetchRecord.self, in: file) { record in
                guard let url = record.url, record.hash != nil, record.error == nil else { return }
                records[url] = record
            }
        }
        return records
    }

    /// Fetches `requests` in batches (so memory holds one batch of responses) and hands every
    /// response to `consume` in input order. `checkStop` runs between batches (cancellation).
    public static func fetchPages(_ requests: [FetchRequest], fetcher: HTTPFetcher, batchSize: Int? = nil,
                                  checkStop: () throws -> Void = {}, consume: (FetchResponse) throws -> Void) throws {
        let size = max(1, batchSize ?? max(256, fetcher.settings.globalConcurrency * 16))
        var start = 0
        while start < requests.count {
            try checkStop()
            let batch = Array(requests[start ..< min(start + size, requests.count)])
            for response in fetcher.fetch(batch) { try consume(response) }
            start += batch.count
        }
    }

    /// Stores the HTML `response` records of a `.warc` / `.warc.gz` file and hands one response per
    /// response record to `consume` (non-HTML, non-2xx and oversized ones as `.rejected`).
    /// `owns` picks the records of this shard by their position among response records.
    public static func importWARC(_ file: URL, store: ContentStore, settings: FetchNetworkSettings,
                                  owns: (Int) -> Bool = { _ in true },
                                  checkStop: () throws -> Void = {}, consume: (FetchResponse) throws -> Void) throws {
        let reader = try WARCReader(path: file)
        var position = 0
        while let record = try reader.next(maxBlockBytes: settings.maxBytes + 64 * 1024) {
            guard record.type == "response", let uri = record.targetURI else { continue }
            defer { position += 1 }
            guard owns(position) else { continue }
            try checkStop()
            let started = ContinuousClock.now
            let request = FetchRequest(url: uri, source: uri, kind: .page)
            var result = FetchRecord(source: uri, url: uri, finalUrl: uri, bytes: 0, hash: nil, fetchedAt: record.date)
            func emit(_ disposition: FetchResponse.Disposition, _ reason: String? = nil, _ detail: String? = nil) throws {
                let elapsed = ContinuousClock.now - started
                result.durationMs = (Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000).rounded() / 1000
                if disposition == .rejected { result.error = reason }
                try consume(FetchResponse(request: request, record: result, disposition: disposition, reason: reason,
                                          detail: detail, body: nil, attempts: 0, redirects: []))
            }
            guard let block = record.block else {
                try emit(.rejected, "too-large", "WARC record of \(record.contentLength) bytes over maxBytes \(settings.maxBytes)")
                continue
            }
            let http: WARCHTTPResponse
            do {
                http = try WARCReader.parseHTTPResponse(block, maxBytes: settings.maxBytes, maxRatio: settings.maxDecompressionRatio)
            } catch let error as FetchInflateError {
                try emit(.rejected, error.reason, "WARC record at \(record.offset): \(error)")
                continue
            } catch {
                try emit(.rejected, "bad-warc-record", "WARC record at \(record.offset): \(error)")
                continue
            }
            result.status = http.status
            result.contentType = http.headers["content-type"]
            result.charset = result.contentType.flatMap(FetchHTTPEngine.charset)
            result.etag = http.headers["etag"]
            result.lastModified = http.headers["last-modified"]
            guard (200 ..< 300).contains(http.status) else { try emit(.rejected, "http-\(http.status)", "archived HTTP \(http.status)"); continue }
            if let type = result.contentType, !FetchHTTPEngine.isHTML(type) { try emit(.rejected, "not-html", "content type \(type)"); continue }
            if http.body.count > settings.maxBytes { try emit(.rejected, "too-large", "\(http.body.count) bytes over maxBytes \(settings.maxBytes)"); continue }
            result.bytes = http.body.count
            do { result.hash = try store.put(http.body) } catch {
                try emit(.rejected, "store-failed", "\(error)")
                continue
            }
            try emit(.stored)
        }
    }
}
