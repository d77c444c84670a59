// The content of a report document as every format lays it out: the text, HTML, .docx and XML of the
// annual report are each one rendering of the same blocks.

/// One block of a report document, in reading order.
public enum ReportBlock: Sendable, Equatable {
    case title(String)
    case subtitle(String)
    case heading(String)
    case paragraph(String)
    case table(ReportTable)
}

/// A table; every row lists its cells left to right.
public struct ReportTable: Sendable, Equatable {
    public var rows: [[ReportCell]]
    /// The first column names the rows (and is laid out wider); false when every column holds figures.
    public var labelled: Bool
    public init(rows: [[ReportCell]], labelled: Bool = true) {
        self.rows = rows
        self.labelled = labelled
    }
}

/// One cell, spanning `columnSpan` columns of the table's grid.
public struct ReportCell: Sendable, Equatable {
    public var text: String
    public var columnSpan: Int
    public var header: Bool
    public init(_ text: String, columnSpan: Int = 1, header: Bool = false) {
        self.text = text
        self.columnSpan = max(1, columnSpan)
        self.header = header
    }
}
