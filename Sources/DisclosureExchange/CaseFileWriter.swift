internal import CLibXML2
import DisclosureCore
import DisclosureFiles
import Foundation

/// The case-file namespace, version 1.
public let caseFileNamespace = "urn:disclosure:case-file:1"

/// Writes case files as a stream: one case at a time goes out, nothing accumulates.
/// The output appears at its path only when `finish` succeeds; until then it is a temporary file.
public final class CaseFileWriter {
    private let writer: xmlTextWriterPtr
    private let path: String
    private let output: OutputFile
    private var finished = false
    public private(set) var count = 0
    /// Masks ID numbers and contacts for reviewers who must not see them.
    public let redact: Bool

    /// What a redacted personal field says instead.
    public static let redactedMark = "已隐去"

    /// `force` replaces an existing file; `protecting` names files never to be replaced (the database).
    /// With `redact`, attachments are left out unless `withAttachments`.
    public let withAttachments: Bool

    public init(path: String, redact: Bool = false, withAttachments: Bool = false, force: Bool = false,
                protecting: [String] = []) throws(DisclosureError) {
        LibXML.start()
        self.path = path
        self.redact = redact
        self.withAttachments = withAttachments
        output = try OutputFile(path: path, force: force, protecting: protecting)
        // The buffer writes to our descriptor and leaves closing it to `output`.
        guard let buffer = xmlOutputBufferCreateFd(output.descriptor, nil), let w = xmlNewTextWriter(buffer) else {
            throw DisclosureError(.io, field: "out", zh: "无法写入 \(path)", en: "cannot write \(path)")
        }
        writer = w
        // The cases carry their own layout (XMLFragment); the writer adds none.
        xmlTextWriterSetIndent(w, 0)
        try check(xmlTextWriterStartDocument(w, "1.0", "UTF-8", nil))
        try start("caseFile")
        try attribute("xmlns", caseFileNamespace)
        try attribute("version", "2")
        if redact { try attribute("redacted", "true") }
    }

    deinit {
        // An unfinished file has no name: closing its descriptor (in `output`) discards it.
        if !finished { xmlFreeTextWriter(writer) }
    }

    /// Writes one case: laid out here and handed to the text writer in one piece, because
    /// element-by-element calls into the writer cost more than the rest of the export together.
    public func write(_ d: CaseDossier) throws(DisclosureError) {
        let a = d.application
        var x = XMLFragment()
        x.open("case", depth: 1)
        x.element("agency", d.agencyName, attributes: [("code", d.agencyCode)], depth: 2)
        x.element("number", d.number.local, depth: 2)
        x.element("received", a.received.description, attributes: [("channel", a.channel.rawValue)], depth: 2)
        x.open("applicant", attributes: [("type", a.applicant.type.rawValue)], depth: 2)
        let t = { (s: String) -> String in self.redact ? Redaction.mask(s) : s }
        x.element("name", a.applicant.name, depth: 3)
        if let id = a.applicant.idNumber { x.element("idNumber", redact ? Self.redactedMark : id, depth: 3) }
        if let c = a.applicant.contact { x.element("contact", redact ? Self.redactedMark : c, depth: 3) }
        x.close("applicant", depth: 2)
        x.element("request", t(a.request), depth: 2)
        if let f = a.form { x.element("form", f.rawValue, depth: 2) }
        if let n = a.note { x.element("note", t(n), depth: 2) }
        x.empty("registered", attributes: [("at", d.registeredAt), ("by", d.registeredBy)]
                    + (d.registrationLateEntry.map { [("lateEntry", t($0))] } ?? [])
                    + (d.registrationLetter.map { [("letter", $0)] } ?? []), depth: 2)
        if d.events.isEmpty {
            x.empty("events", depth: 2)
        } else {
            x.open("events", depth: 2)
            for e in d.events { writeEvent(e, into: &x) }
            x.close("events", depth: 2)
        }
        if let due = d.due {
            x.element("due", due.description, attributes: [("provisional", d.provisional ? "true" : "false")], depth: 2)
        }
        if let o = d.outcome, let closed = d.closedOn {
            x.element("outcome", o.rawValue, attributes: [("closed", closed.description)], depth: 2)
        }
        if !d.attachments.isEmpty && (!redact || withAttachments) {
            x.open("attachments", depth: 2)
            for att in d.attachments {
                x.open("attachment", attributes: [
                    ("seq", String(att.seq)), ("kind", att.kind.rawValue), ("name", att.name), ("size", String(att.size)),
                    ("sha256", att.sha256), ("added", att.addedAt), ("by", att.addedBy),
                ], depth: 3)
                // The content goes out in pieces as it is encoded, never whole as text.
                try raw(x.bytes)
                x.bytes.removeAll(keepingCapacity: true)
                try writeBase64(att.content)
                x.put("</attachment>")
            }
            x.close("attachments", depth: 2)
        }
        x.close("case", depth: 1)
        try raw(x.bytes)
        count += 1
    }

    /// Closes the document and moves it into place.
    public func finish() throws(DisclosureError) {
        try raw(Array("\n".utf8))
        try end()
        try check(xmlTextWriterEndDocument(writer))
        let rc = xmlTextWriterFlush(writer)
        xmlFreeTextWriter(writer)
        finished = true
        guard rc >= 0 else {
            throw DisclosureError(.io, field: "out", zh: "无法写完 \(path)（磁盘已满或无权限？）", en: "cannot finish writing \(path) (disk full or no permission?)")
        }
        try output.commit()
    }

    /// Base64 in lines of 76 characters, each ending in a line feed, as Foundation lays it out.
    private func writeBase64(_ content: [UInt8]) throws(DisclosureError) {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(66_000)
        var i = 0
        var column = 0
        while i < content.count {
            let n = min(3, content.count - i)
            let b1 = n > 1 ? UInt32(content[i + 1]) : 0
            let b2 = n > 2 ? UInt32(content[i + 2]) : 0
            let v = UInt32(content[i]) << 16 | b1 << 8 | b2
            if column == 76 {
                out.append(0x0A)
                column = 0
            }
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(n > 1 ? alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
            out.append(n > 2 ? alphabet[Int(v & 63)] : UInt8(ascii: "="))
            column += 4
            i += 3
            if out.count >= 65_536 {
                try raw(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        if !out.isEmpty { try raw(out) }
    }

    private func writeEvent(_ r: RecordedEvent, into x: inout XMLFragment) {
        let e = r.event
        var attributes: [(String, String)] = [("on", e.on.description), ("actor", e.actor), ("recorded", r.recordedAt)]
        if let reason = e.lateEntry { attributes.append(("lateEntry", redact ? Redaction.mask(reason) : reason)) }
        if let letter = e.letter { attributes.append(("letter", letter)) }
        var children: [(String, String)] = []
        let name: String
        switch e.action {
        case let .correctionRequested(items, period, served):
            name = "correctionRequested"
            attributes.append(("periodDays", String(period)))
            if let s = served { attributes.append(("served", s.description)) }
            children.append(("items", items))
        case .correctionReceived: name = "correctionReceived"
        case let .consultationSent(id, party, to, served):
            name = "consultationSent"
            attributes += [("id", String(id)), ("party", party.rawValue)]
            if let s = served { attributes.append(("served", s.description)) }
            children.append(("to", to))
        case let .consultationAnswered(id, opinion):
            name = "consultationAnswered"
            attributes += [("id", String(id)), ("opinion", opinion.rawValue)]
        case let .extended(days, approvedBy, reason):
            name = "extended"
            attributes.append(("days", String(days)))
            children += [("approvedBy", approvedBy), ("reason", reason)]
        case let .deferred(until, reason):
            name = "deferred"
            attributes.append(("until", until.description))
            children.append(("reason", reason))
        case let .feeNoticed(basis, quantity, amount, served):
            name = "feeNoticed"
            attributes += [("basis", basis.rawValue), ("quantity", String(quantity)), ("amount", String(amount))]
            if let s = served { attributes.append(("served", s.description)) }
        case .feePaid: name = "feePaid"
        case let .replyDrafted(outcome, basis, referTo):
            name = "replyDrafted"
            attributes.append(("outcome", outcome.rawValue))
            if let b = basis { children.append(("basis", b)) }
            if let r = referTo { children.append(("referTo", r)) }
        case let .replyReviewed(approved, comment):
            name = "replyReviewed"
            attributes.append(("approved", approved ? "true" : "false"))
            if let c = comment { children.append(("comment", c)) }
        case .replyIssued: name = "replyIssued"
        case let .delivered(method):
            name = "delivered"
            attributes.append(("method", method.rawValue))
        case .archived: name = "archived"
        case let .reopened(reason):
            name = "reopened"
            children.append(("reason", reason))
        case .withdrawn: name = "withdrawn"
        case let .abandoned(reason):
            name = "abandoned"
            attributes.append(("reason", reason.rawValue))
        case let .assigned(handler):
            name = "assigned"
            attributes.append(("handler", handler))
        case let .remedyFiled(id, kind, body):
            name = "remedyFiled"
            attributes += [("id", String(id)), ("kind", kind.rawValue)]
            children.append(("body", body))
        case let .remedyDecided(id, result):
            name = "remedyDecided"
            attributes += [("id", String(id)), ("result", result.rawValue)]
        case let .amendmentProposed(id, step, field, value, reason):
            name = "amendmentProposed"
            attributes += [("id", String(id)), ("step", String(step)), ("field", field)]
            children += [("value", value), ("reason", reason)]
        case let .amendmentDecided(id, approved):
            name = "amendmentDecided"
            attributes += [("id", String(id)), ("approved", approved ? "true" : "false")]
        }
        if children.isEmpty {
            x.empty(name, attributes: attributes, depth: 3)
        } else {
            x.open(name, attributes: attributes, depth: 3)
            for (n, v) in children { x.element(n, redact ? Redaction.mask(v) : v, depth: 4) }
            x.close(name, depth: 3)
        }
    }

    // MARK: - libxml2 text writer

    private func check(_ rc: Int32) throws(DisclosureError) {
        if rc < 0 {
            throw DisclosureError(.io, field: "out", zh: "写入 \(path) 失败（磁盘已满或无权限？）", en: "writing \(path) failed (disk full or no permission?)")
        }
    }
    private func start(_ name: String) throws(DisclosureError) { try check(xmlTextWriterStartElement(writer, name)) }
    private func end() throws(DisclosureError) { try check(xmlTextWriterEndElement(writer)) }
    private func attribute(_ name: String, _ value: String) throws(DisclosureError) {
        try check(xmlTextWriterWriteAttribute(writer, name, value))
    }
    private func raw(_ bytes: [UInt8]) throws(DisclosureError) {
        let rc = bytes.withUnsafeBufferPointer { buf in xmlTextWriterWriteRawLen(writer, buf.baseAddress, Int32(buf.count)) }
        try check(rc)
    }
}

/// XML laid out with two-space indentation and escaped as XML 1.0 requires.
struct XMLFragment {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(4096) }

    mutating func indent(_ depth: Int) {
        bytes.append(0x0A)
        for _ in 0..<depth { bytes.append(0x20); bytes.append(0x20) }
    }

    mutating func startTag(_ name: String, _ attributes: [(String, String)], depth: Int) {
        indent(depth)
        bytes.append(UInt8(ascii: "<"))
        put(name)
        for (k, v) in attributes {
            bytes.append(0x20)
            put(k)
            bytes.append(UInt8(ascii: "="))
            bytes.append(UInt8(ascii: "\""))
            escape(v, attribute: true)
            bytes.append(UInt8(ascii: "\""))
        }
    }

    mutating func open(_ name: String, attributes: [(String, String)] = [], depth: Int) {
        startTag(name, attributes, depth: depth)
        bytes.append(UInt8(ascii: ">"))
    }

    mutating func empty(_ name: String, attributes: [(String, String)] = [], depth: Int) {
        startTag(name, attributes, depth: depth)
        bytes.append(UInt8(ascii: "/"))
        bytes.append(UInt8(ascii: ">"))
    }

    mutating func close(_ name: String, depth: Int) {
        indent(depth)
        bytes.append(UInt8(ascii: "<"))
        bytes.append(UInt8(ascii: "/"))
        put(name)
        bytes.append(UInt8(ascii: ">"))
    }

    mutating func element(_ name: String, _ text: String, attributes: [(String, String)] = [], depth: Int) {
        startTag(name, attributes, depth: depth)
        bytes.append(UInt8(ascii: ">"))
        escape(text, attribute: false)
        bytes.append(UInt8(ascii: "<"))
        bytes.append(UInt8(ascii: "/"))
        put(name)
        bytes.append(UInt8(ascii: ">"))
    }

    /// Appends a string's UTF-8 bytes in one copy.
    mutating func put(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Escapes markup; in attributes also line breaks and tabs, so that they survive normalisation.
    /// Characters XML 1.0 cannot carry (input validation keeps them out) become U+FFFD, never bad XML.
    mutating func escape(_ s: String, attribute: Bool) {
        var s = s
        s.withUTF8 { buf in
            // Runs that need nothing are copied whole; only the rare special byte is replaced.
            var start = 0
            var i = 0
            while i < buf.count {
                defer { i += 1 }
                let b = buf[i]
                if b > 0x3E {
                    // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters either.
                    guard b == 0xEF, i + 2 < buf.count, buf[i + 1] == 0xBF, buf[i + 2] >= 0xBE else { continue }
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i]))
                    bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    i += 2
                    start = i + 1
                    continue
                }
                // ">" too: "]]>" may not stand in text, and escaping every one is simpler than finding those.
                if b >= 0x20 && b != 0x22 && b != 0x26 && b != 0x3C && b != 0x3E { continue }
                let replacement: StaticString
                switch b {
                case 0x26: replacement = "&amp;"
                case 0x3C: replacement = "&lt;"
                case 0x3E: replacement = "&gt;"
                case 0x22: if attribute { replacement = "&quot;" } else { continue }
                case 0x0A: if attribute { replacement = "&#10;" } else { continue }
                case 0x09: if attribute { replacement = "&#9;" } else { continue }
                case 0x0D: replacement = "&#13;"
                default: replacement = "\u{FFFD}"
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i]))
                bytes.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<buf.count]))
        }
    }
}
