/// Rows kept in blocks of a fixed size: appending never copies the rows already there (an array
/// doubling its storage holds the old and the new copy at once, 27 MB for the entities of a
/// 100,000-page night, and then needed another copy to shed the slack), and at most one block
/// is slack.
struct ReportBlockArray<Element>: RandomAccessCollection, MutableCollection {
    private static var blockShift: Int { 12 }
    private static var blockRows: Int { 1 << blockShift }
    private var blocks: [[Element]] = []
    private var rows = 0

    init() {}

    var startIndex: Int { 0 }
    var endIndex: Int { rows }
    var count: Int { rows }

    subscript(position: Int) -> Element {
        get {
            precondition(position >= 0 && position < rows, "ReportBlockArray: index \(position) out of range")
            return blocks[position >> Self.blockShift][position & (Self.blockRows - 1)]
        }
        _modify {
            precondition(position >= 0 && position < rows, "ReportBlockArray: index \(position) out of range")
            yield &blocks[position >> Self.blockShift][position & (Self.blockRows - 1)]
        }
    }

    mutating func append(_ element: Element) {
        if rows & (Self.blockRows - 1) == 0 {
            var block: [Element] = []
            block.reserveCapacity(Self.blockRows)
            blocks.append(block)
        }
        blocks[blocks.count - 1].append(element)
        rows += 1
    }
}

extension ReportBlockArray: Sendable where Element: Sendable {}
