import CLibXML2
import DisclosureCore
import Foundation

/// The case-file namespace, version 1.
public let caseFileNamespace = "urn:disclosure:case-file:1"

/// Writes case files as a stream: one case at a time goes out, nothing accumulates.
/// The output appears at its path only when `finish` succeeds; until then it is a temporary file.
public final class CaseFileWriter {
    private let writer: xmlTextWriterPtr
    private let path: String
    private let temporary: String
    private var finished = false
    public private(set) var count = 0
    /// Masks ID numbers and contacts for reviewers who must not see them.
    public let redact: Bool

    /// What a redacted personal field says instead.
    public static let redactedMark = "已隐去"

    public init(path: String, redact: Bool = false) throws(DisclosureError) {
        LibXML.start()
        self.path = path
        self.redact = redact
        let dir = (path as NSString).deletingLastPathComponent
        temporary = (dir.isEmpty ? "." : dir) + "/." + (path as NSString).lastPathComponent + ".part-\(getpid())"
        guard let w = xmlNewTextWriterFilename(temporary, 0) else {
            throw DisclosureError(.io, field: "--out", zh: "无法写入 \(path)", en: "cannot write \(path)")
        }
        writer = w
        xmlTextWriterSetIndent(w, 1)
        xmlTextWriterSetIndentString(w, "  ")
        try check(xmlTextWriterStartDocument(w, "1.0", "UTF-8", nil))
        try start("caseFile")
        try attribute("xmlns", caseFileNamespace)
        try attribute("version", "1")
    }

    deinit {
        if !finished {
            xmlFreeTextWriter(writer)
            unlink(temporary)
        }
    }

    /// Writes one case.
    public func write(_ d: CaseDossier) throws(DisclosureError) {
        let a = d.application
        try start("case")
        try start("agency"); try attribute("code", d.agencyCode); try text(d.agencyName); try end()
        try element("number", d.number.local)
        try start("received"); try attribute("channel", a.channel.rawValue); try text(a.received.description); try end()
        try start("applicant")
        try attribute("type", a.applicant.type.rawValue)
        try element("name", a.applicant.name)
        if let id = a.applicant.idNumber { try element("idNumber", redact ? Self.redactedMark : id) }
        if let c = a.applicant.contact { try element("contact", redact ? Self.redactedMark : c) }
        try end()
        try element("request", a.request)
        if let f = a.form { try element("form", f.rawValue) }
        if let n = a.note { try element("note", n) }
        try start("registered"); try attribute("at", d.registeredAt); try attribute("by", d.registeredBy); try end()
        try start("events")
        for e in d.events { try writeEvent(e) }
        try end()
        if let due = d.due {
            try start("due"); try attribute("provisional", d.provisional ? "true" : "false"); try text(due.description); try end()
        }
        if let o = d.outcome, let closed = d.closedOn {
            try start("outcome"); try attribute("closed", closed.description); try text(o.rawValue); try end()
        }
        if !d.attachments.isEmpty {
            try start("attachments")
            for att in d.attachments {
                try start("attachment")
                try attribute("seq", String(att.seq))
                try attribute("kind", att.kind.rawValue)
                try attribute("name", att.name)
                try attribute("size", String(att.size))
                try attribute("sha256", att.sha256)
                try attribute("added", att.addedAt)
                try attribute("by", att.addedBy)
                try base64(att.content)
                try end()
            }
            try end()
        }
        try end()
        count += 1
    }

    /// Closes the document and moves it into place.
    public func finish() throws(DisclosureError) {
        try end()
        try check(xmlTextWriterEndDocument(writer))
        let rc = xmlTextWriterFlush(writer)
        xmlFreeTextWriter(writer)
        finished = true
        guard rc >= 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw DisclosureError(.io, field: "--out", zh: "无法写完 \(path)（磁盘已满或无权限？）", en: "cannot finish writing \(path) (disk full or no permission?)")
        }
    }

    private func writeEvent(_ r: RecordedEvent) throws(DisclosureError) {
        let e = r.event
        func open(_ name: String) throws(DisclosureError) {
            try start(name)
            try attribute("on", e.on.description)
            try attribute("actor", e.actor)
            try attribute("recorded", r.recordedAt)
        }
        switch e.action {
        case let .correctionRequested(items, period, served):
            try open("correctionRequested")
            try attribute("periodDays", String(period))
            if let s = served { try attribute("served", s.description) }
            try element("items", items)
        case .correctionReceived: try open("correctionReceived")
        case let .consultationSent(id, party, to, served):
            try open("consultationSent")
            try attribute("id", String(id))
            try attribute("party", party.rawValue)
            if let s = served { try attribute("served", s.description) }
            try element("to", to)
        case let .consultationAnswered(id, opinion):
            try open("consultationAnswered")
            try attribute("id", String(id))
            try attribute("opinion", opinion.rawValue)
        case let .extended(days, approvedBy, reason):
            try open("extended")
            try attribute("days", String(days))
            try element("approvedBy", approvedBy)
            try element("reason", reason)
        case let .deferred(until, reason):
            try open("deferred")
            try attribute("until", until.description)
            try element("reason", reason)
        case let .feeNoticed(basis, quantity, amount, served):
            try open("feeNoticed")
            try attribute("basis", basis.rawValue)
            try attribute("quantity", String(quantity))
            try attribute("amount", String(amount))
            if let s = served { try attribute("served", s.description) }
        case .feePaid: try open("feePaid")
        case let .replyDrafted(outcome, basis, referTo):
            try open("replyDrafted")
            try attribute("outcome", outcome.rawValue)
            if let b = basis { try element("basis", b) }
            if let r = referTo { try element("referTo", r) }
        case let .replyReviewed(approved, comment):
            try open("replyReviewed")
            try attribute("approved", approved ? "true" : "false")
            if let c = comment { try element("comment", c) }
        case .replyIssued: try open("replyIssued")
        case let .delivered(method):
            try open("delivered")
            try attribute("method", method.rawValue)
        case .archived: try open("archived")
        case let .reopened(reason):
            try open("reopened")
            try element("reason", reason)
        case .withdrawn: try open("withdrawn")
        case let .abandoned(reason):
            try open("abandoned")
            try attribute("reason", reason.rawValue)
        }
        try end()
    }

    // MARK: - libxml2 text writer

    private func check(_ rc: Int32) throws(DisclosureError) {
        if rc < 0 {
            throw DisclosureError(.io, field: "--out", zh: "写入 \(path) 失败（磁盘已满或无权限？）", en: "writing \(path) failed (disk full or no permission?)")
        }
    }
    private func start(_ name: String) throws(DisclosureError) { try check(xmlTextWriterStartElement(writer, name)) }
    private func end() throws(DisclosureError) { try check(xmlTextWriterEndElement(writer)) }
    private func attribute(_ name: String, _ value: String) throws(DisclosureError) {
        try check(xmlTextWriterWriteAttribute(writer, name, value))
    }
    private func text(_ s: String) throws(DisclosureError) { try check(xmlTextWriterWriteString(writer, s)) }
    private func element(_ name: String, _ value: String) throws(DisclosureError) {
        try check(xmlTextWriterWriteElement(writer, name, value))
    }
    private func base64(_ bytes: [UInt8]) throws(DisclosureError) {
        // In slices, so that the writer's buffer, not one giant string, carries the document out.
        var offset = 0
        let slice = 57 * 1024
        while offset < bytes.count {
            let n = min(slice, bytes.count - offset)
            let rc = bytes.withUnsafeBufferPointer { buf in
                buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { p in
                    xmlTextWriterWriteBase64(writer, p, Int32(offset), Int32(n))
                }
            }
            try check(rc)
            offset += n
        }
    }
}
