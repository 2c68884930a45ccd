import Foundation
import NewsIO

/// Writes one WARC segment (`.warc.gz`, a gzip member per record) atomically: records go to a
/// temporary file in the segment's folder, and `commit()` syncs it once and renames it into place,
/// so a segment is either absent or whole. The first record is the segment's `warcinfo`.
public final class WARCSegmentWriter {
    public let name: String
    public let url: URL
    private let file: AtomicFile
    /// Bytes written so far: the offset the next record gets.
    public private(set) var offset = 0
    public private(set) var records = 0
    /// The `warcinfo` record's id, for `WARC-Warcinfo-ID`.
    public let warcinfoID: String

    /// Opens `folder/name` and writes its `warcinfo` record, dated `date` (the night's). A part
    /// (`partFile`) is a run of records to be appended to the segment `name` later: it is written
    /// to `folder/partFile`, has no `warcinfo`, and its locations name no file (`""`).
    public init(folder: URL, name: String, date: String, description: String, partFile: String? = nil) throws {
        self.name = partFile == nil ? name : ""
        url = folder.appendingPathComponent(partFile ?? name)
        file = try AtomicFile(url)
        warcinfoID = WARCRecordBuilder.recordID(name, "warcinfo")
        if partFile != nil { return }
        let fields = """
            software: newspipe/\(WARCStore.softwareVersion) (https://github.com/newspipe)\r
            format: WARC File Format 1.1\r
            conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r
            isPartOf: newspipe\r
            description: \(WARCRecordBuilder.sanitise(description))\r

            """
        _ = try append(WARCRecordBuilder.member([
            ("WARC-Type", "warcinfo"),
            ("WARC-Date", WARCRecordBuilder.warcDate(date)),
            ("WARC-Record-ID", warcinfoID),
            ("WARC-Filename", name),
            ("Content-Type", "application/warc-fields"),
        ], block: Array(fields.utf8)))
    }

    /// Appends one record's gzip member; returns where it is.
    public func append(_ member: [UInt8]) throws -> WARCLocation {
        let location = WARCLocation(file: name, offset: offset, length: member.count)
        try file.write(member)
        offset += member.count
        records += 1
        return location
    }

    /// Appends the bytes of another file of whole members (a part written earlier); returns the
    /// offset they start at.
    public func appendFile(_ part: URL) throws -> Int {
        let start = offset
        guard let handle = FileHandle(forReadingAtPath: part.path) else { throw FileError.io(path: part.path, reason: "cannot open for reading") }
        defer { try? handle.close() }
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch {
                throw FileError.io(path: part.path, reason: "read failed: \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            try file.write(chunk)
            offset += chunk.count
        }
        return start
    }

    /// Syncs the segment and renames it into place.
    public func commit() throws { try file.commit() }

    /// Drops the temporary file.
    public func abandon() { file.abandon() }
}

/// Names and constants of the WARC store.
public enum WARCStore {
    /// Written in every `warcinfo` record.
    public static let softwareVersion = "0.2"
    /// Segment file names end with this.
    public static let segmentSuffix = ".warc.gz"

    /// `newspipe-20261126-<attempt>-0001-of-0004.warc.gz`: the night (UTC day), the attempt that
    /// wrote it (so a rerun of the same attempt replaces it and a new attempt never collides), and
    /// the shard; Heritrix and Common Crawl name segments by prefix, time and serial in the same way.
    public static func segmentName(day: String, attempt: String, shardTag: String) -> String {
        "newspipe-\(day.filter(\.isNumber))-\(attempt.prefix(12))-\(shardTag)\(segmentSuffix)"
    }

    /// The night (`2026-11-26`) a segment name carries, if it is one of ours.
    public static func day(ofSegment name: String) -> String? {
        let parts = name.split(separator: "-")
        guard parts.count >= 2, parts[0] == "newspipe", parts[1].count == 8, parts[1].allSatisfy(\.isNumber) else { return nil }
        let d = Array(parts[1])
        return "\(String(d[0 ..< 4]))-\(String(d[4 ..< 6]))-\(String(d[6 ..< 8]))"
    }
}
