import DisclosureCore

/// A report as a word-processing package (.docx) that WPS, Word and LibreOffice open and edit: the
/// smallest set of parts the format requires, in a ZIP of stored entries, the same bytes for the same
/// blocks (a locked year's report renders identically).
public enum OOXMLDocument {
    /// The bytes of a .docx holding `blocks`; `created` (ISO 8601, UTC) dates its entries and properties.
    public static func docx(_ blocks: [ReportBlock], title: String, created: String) -> [UInt8] {
        var zip = StoredZip(created: created)
        zip.add("[Content_Types].xml", contentTypes)
        zip.add("_rels/.rels", packageRelationships)
        zip.add("docProps/core.xml", core(title: title, created: created))
        zip.add("docProps/app.xml", app)
        zip.add("word/_rels/document.xml.rels", documentRelationships)
        zip.add("word/styles.xml", styles)
        zip.add("word/document.xml", document(blocks))
        return zip.finished()
    }

    /// CRC-32 (ISO 3309, as ZIP uses it).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static let wordNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    static let relNS = "http://schemas.openxmlformats.org/package/2006/relationships"
    static let officeRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/word/document.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
        <Override PartName="/word/styles.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
        <Override PartName="/docProps/core.xml" \
        ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
        <Override PartName="/docProps/app.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
        </Types>
        """

    static let packageRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="\(relNS)">\
        <Relationship Id="rId1" Type="\(officeRel)/officeDocument" Target="word/document.xml"/>\
        <Relationship Id="rId2" \
        Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" \
        Target="docProps/core.xml"/>\
        <Relationship Id="rId3" Type="\(officeRel)/extended-properties" Target="docProps/app.xml"/>\
        </Relationships>
        """

    static let documentRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="\(relNS)">\
        <Relationship Id="rId1" Type="\(officeRel)/styles" Target="styles.xml"/>\
        </Relationships>
        """

    static let app = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
        <Application>Disclosure</Application></Properties>
        """

    static func core(title: String, created: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
        <dc:title>\(escape(title))</dc:title><dc:language>zh-CN</dc:language>\
        <dcterms:created xsi:type="dcterms:W3CDTF">\(escape(created))</dcterms:created>\
        <dcterms:modified xsi:type="dcterms:W3CDTF">\(escape(created))</dcterms:modified>\
        </cp:coreProperties>
        """
    }

    /// Official documents' conventions (GB/T 9704): 仿宋 三号 body on fixed 28-point lines, 黑体 headings,
    /// a 小标宋 title; tables in 五号.
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:styles xmlns:w="\(wordNS)">\
        <w:docDefaults><w:rPrDefault><w:rPr>\
        <w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋" w:cs="Times New Roman"/>\
        <w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>\
        <w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>\
        </w:docDefaults>\
        <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>\
        <w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr></w:style>\
        <w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>\
        <w:pPr><w:spacing w:before="240" w:after="480" w:line="700" w:lineRule="exact"/><w:ind w:firstLine="0"/>\
        <w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr>\
        <w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>\
        <w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/>\
        <w:pPr><w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr></w:style>\
        <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>\
        <w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr></w:style>\
        <w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/>\
        <w:pPr><w:spacing w:line="300" w:lineRule="auto"/><w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr>\
        <w:rPr><w:rFonts w:eastAsia="宋体"/><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>\
        </w:styles>
        """

    static func document(_ blocks: [ReportBlock]) -> String {
        var body = ""
        for block in blocks {
            switch block {
            case .title(let s): body += paragraph(s, style: "Title")
            case .subtitle(let s): body += paragraph(s, style: "Subtitle")
            case .heading(let s): body += paragraph(s, style: "Heading1")
            case .paragraph(let s): body += paragraph(s, style: nil)
            case .table(let t): body += table(t) + paragraph("", style: nil)
            }
        }
        // A4, margins of GB/T 9704 (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), in twips.
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document xmlns:w="\(wordNS)" xmlns:r="\(officeRel)"><w:body>\(body)\
            <w:sectPr><w:pgSz w:w="11906" w:h="16838"/>\
            <w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" \
            w:gutter="0"/></w:sectPr></w:body></w:document>
            """
    }

    static func paragraph(_ text: String, style: String?, bold: Bool = false) -> String {
        let pPr = style.map { "<w:pPr><w:pStyle w:val=\"\($0)\"/></w:pPr>" } ?? ""
        let rPr = bold ? "<w:rPr><w:b/></w:rPr>" : ""
        // A line break in the text is a paragraph of its own, as a typist would make it.
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.isEmpty ? "<w:p>\(pPr)</w:p>"
                : "<w:p>\(pPr)<w:r>\(rPr)<w:t xml:space=\"preserve\">\(escape(String(line)))</w:t></w:r></w:p>"
        }.joined()
    }

    static func table(_ t: ReportTable) -> String {
        let columns = t.rows.map { $0.reduce(0) { $0 + $1.columnSpan } }.max() ?? 1
        // The text width of A4 less the margins, shared evenly; the first column, the rows' names, is wider.
        let width = 11906 - 1588 - 1474
        let first = columns > 1 ? (t.labelled ? width * 3 / (columns + 2) : width / columns) : width
        let other = columns > 1 ? (width - first) / (columns - 1) : 0
        let grid = (0..<columns).map { "<w:gridCol w:w=\"\($0 == 0 ? first : other)\"/>" }.joined()
        let border = ["top", "left", "bottom", "right", "insideH", "insideV"]
            .map { "<w:\($0) w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>" }.joined()
        var xml = "<w:tbl><w:tblPr><w:tblW w:w=\"\(width)\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>"
            + "<w:tblBorders>\(border)</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
            // Narrow cell margins (1 mm): table 四's fifteen columns then hold 结果维持 on two lines, not four.
            + "<w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar>"
            + "</w:tblPr>"
            + "<w:tblGrid>\(grid)</w:tblGrid>"
        for row in t.rows {
            var cells = row
            let used = cells.reduce(0) { $0 + $1.columnSpan }
            if used < columns { cells.append(ReportCell("", columnSpan: columns - used)) }
            xml += "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            var column = 0
            for c in cells {
                let w = (column..<min(columns, column + c.columnSpan)).reduce(0) { $0 + ($1 == 0 ? first : other) }
                column += c.columnSpan
                let span = c.columnSpan > 1 ? "<w:gridSpan w:val=\"\(c.columnSpan)\"/>" : ""
                let shade = c.header ? "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F2F2F2\"/>" : ""
                xml += "<w:tc><w:tcPr><w:tcW w:w=\"\(w)\" w:type=\"dxa\"/>\(span)\(shade)<w:vAlign w:val=\"center\"/>"
                    + "</w:tcPr>\(paragraph(c.text, style: "TableText", bold: c.header))</w:tc>"
            }
            xml += "</w:tr>"
        }
        return xml + "</w:tbl>"
    }

    /// XML-escaped text with the characters XML 1.0 does not allow left out.
    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                if u.value >= 0x20 && u.value != 0xFFFE && u.value != 0xFFFF { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}

/// A ZIP archive of stored (uncompressed) entries: what a .docx needs, with nothing to inflate.
struct StoredZip {
    private var bytes: [UInt8] = []
    private var directory: [UInt8] = []
    private var count = 0
    private let time: UInt16
    private let date: UInt16

    init(created: String) {
        // DOS time from "YYYY-MM-DDTHH:MM:SS…"; anything unreadable gives 1980-01-01 00:00.
        let digits = created.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        let v = digits.count >= 6 ? digits : [1980, 1, 1, 0, 0, 0]
        date = UInt16(truncatingIfNeeded: (max(v[0], 1980) - 1980) << 9 | v[1] << 5 | v[2])
        time = UInt16(truncatingIfNeeded: v[3] << 11 | v[4] << 5 | v[5] / 2)
    }

    mutating func add(_ name: String, _ text: String) {
        let data = Array(text.utf8), path = Array(name.utf8)
        let crc = OOXMLDocument.crc32(data)
        let offset = bytes.count
        var local: [UInt8] = []
        local.le32(0x0403_4B50)
        common(&local, crc: crc, size: data.count, name: path)
        bytes += local + path + data
        var central: [UInt8] = []
        central.le32(0x0201_4B50)
        central.le16(20)  // made by: version 2.0
        common(&central, crc: crc, size: data.count, name: path)
        central.le16(0)  // comment length
        central.le16(0)  // disk number
        central.le16(0)  // internal attributes
        central.le32(0)  // external attributes
        central.le32(UInt32(offset))
        directory += central + path
        count += 1
    }

    /// The fields local and central headers share, from "version needed" to "extra field length".
    private func common(_ out: inout [UInt8], crc: UInt32, size: Int, name: [UInt8]) {
        out.le16(20)  // version needed: 2.0
        out.le16(0x0800)  // names are UTF-8
        out.le16(0)  // stored
        out.le16(time)
        out.le16(date)
        out.le32(crc)
        out.le32(UInt32(size))
        out.le32(UInt32(size))
        out.le16(UInt16(name.count))
        out.le16(0)
    }

    func finished() -> [UInt8] {
        var end: [UInt8] = []
        end.le32(0x0605_4B50)
        end.le16(0)
        end.le16(0)
        end.le16(UInt16(count))
        end.le16(UInt16(count))
        end.le32(UInt32(directory.count))
        end.le32(UInt32(bytes.count))
        end.le16(0)
        return bytes + directory + end
    }
}

extension [UInt8] {
    mutating func le16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func le32(_ v: UInt32) { for k in 0..<4 { append(UInt8((v >> (8 * UInt32(k))) & 0xFF)) } }
}
