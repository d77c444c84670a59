/// The stored form of event payloads and registrations: JSON of the same shape Swift's synthesized
/// Codable gives (`{"consultationSent":{"id":1,"party":"agency",…}}`, keys sorted), written and read
/// by hand because Foundation's coders dominated the cost of import and export.
public enum PayloadCodec {
    // MARK: - Encoding

    /// JSON for an action, keys sorted, absent optionals omitted.
    public static func encode(_ action: Action) -> String {
        var o = ObjectWriter()
        switch action {
        case let .correctionRequested(items, periodDays, served):
            o.string("items", items); o.int("periodDays", periodDays); o.date("served", served)
        case .correctionReceived, .feePaid, .replyIssued, .archived, .withdrawn: break
        case let .consultationSent(id, party, to, served):
            o.int("id", id); o.string("party", party.rawValue); o.date("served", served); o.string("to", to)
        case let .consultationAnswered(id, opinion):
            o.int("id", id); o.string("opinion", opinion.rawValue)
        case let .extended(days, approvedBy, reason):
            o.string("approvedBy", approvedBy); o.int("days", days); o.string("reason", reason)
        case let .deferred(until, reason):
            o.string("reason", reason); o.date("until", until)
        case let .feeNoticed(basis, quantity, amount, served):
            o.int("amount", amount); o.string("basis", basis.rawValue); o.int("quantity", quantity); o.date("served", served)
        case let .replyDrafted(outcome, basis, referTo):
            o.string("basis", basis); o.string("outcome", outcome.rawValue); o.string("referTo", referTo)
        case let .replyReviewed(approved, comment):
            o.bool("approved", approved); o.string("comment", comment)
        case let .delivered(method): o.string("method", method.rawValue)
        case let .reopened(reason): o.string("reason", reason)
        case let .abandoned(reason): o.string("reason", reason.rawValue)
        case let .remedyFiled(id, kind, body):
            o.string("body", body); o.int("id", id); o.string("kind", kind.rawValue)
        case let .remedyDecided(id, result):
            o.int("id", id); o.string("result", result.rawValue)
        case let .assigned(handler): o.string("handler", handler)
        case let .amendmentProposed(id, step, field, value, reason):
            o.string("field", field); o.int("id", id); o.string("reason", reason); o.int("step", step)
            o.string("value", value)
        case let .amendmentDecided(id, approved):
            o.bool("approved", approved); o.int("id", id)
        }
        var out: [UInt8] = [UInt8(ascii: "{")]
        appendQuoted(caseName(action), to: &out)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: o.finish())
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// JSON for an application, keys sorted, absent optionals omitted.
    public static func encode(_ a: Application) -> String {
        var applicant = ObjectWriter()
        applicant.string("contact", a.applicant.contact); applicant.string("idNumber", a.applicant.idNumber)
        applicant.string("name", a.applicant.name); applicant.string("type", a.applicant.type.rawValue)
        var o = ObjectWriter()
        o.raw("applicant", applicant.finish()); o.string("channel", a.channel.rawValue); o.string("form", a.form?.rawValue)
        o.string("note", a.note); o.date("received", a.received); o.string("request", a.request)
        return String(decoding: o.finish(), as: UTF8.self)
    }

    static func caseName(_ action: Action) -> String {
        switch action {
        case .correctionRequested: "correctionRequested"
        case .correctionReceived: "correctionReceived"
        case .consultationSent: "consultationSent"
        case .consultationAnswered: "consultationAnswered"
        case .extended: "extended"
        case .deferred: "deferred"
        case .feeNoticed: "feeNoticed"
        case .feePaid: "feePaid"
        case .replyDrafted: "replyDrafted"
        case .replyReviewed: "replyReviewed"
        case .replyIssued: "replyIssued"
        case .delivered: "delivered"
        case .archived: "archived"
        case .reopened: "reopened"
        case .withdrawn: "withdrawn"
        case .abandoned: "abandoned"
        case .remedyFiled: "remedyFiled"
        case .remedyDecided: "remedyDecided"
        case .assigned: "assigned"
        case .amendmentProposed: "amendmentProposed"
        case .amendmentDecided: "amendmentDecided"
        }
    }

    /// Writes one JSON object into bytes: a scan finds the rare character to escape, clean runs are copied whole.
    struct ObjectWriter {
        var out: [UInt8] = [UInt8(ascii: "{")]
        var first = true

        mutating func key(_ k: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }
        mutating func raw(_ k: StaticString, _ json: [UInt8]) { key(k); out.append(contentsOf: json) }
        mutating func string(_ k: StaticString, _ value: String?) {
            guard let value else { return }
            key(k)
            PayloadCodec.appendQuoted(value, to: &out)
        }
        mutating func int(_ k: StaticString, _ value: Int) { key(k); out.append(contentsOf: String(value).utf8) }
        mutating func bool(_ k: StaticString, _ value: Bool) { key(k); out.append(contentsOf: (value ? "true" : "false").utf8) }
        mutating func date(_ k: StaticString, _ value: CivilDate?) { string(k, value?.description) }
        mutating func finish() -> [UInt8] { out + [UInt8(ascii: "}")] }
    }

    /// Appends a JSON string literal escaped as Foundation's encoder does (slashes left alone).
    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { buf in
            var start = 0
            for i in 0..<buf.count {
                let b = buf[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i]))
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0x0F)]])
                }
                start = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<buf.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    // MARK: - Decoding

    /// Reads an action stored by `encode` (or by the synthesized Codable of earlier versions).
    public static func decodeAction(_ text: String) throws(DisclosureError) -> Action {
        guard case let .object(outer) = try parse(text), outer.count == 1, let (name, value) = outer.first,
              case let .object(f) = value else { throw corrupt(text) }
        func s(_ k: String) throws(DisclosureError) -> String {
            guard case let .string(v)? = f[k] else { throw corrupt(text) }
            return v
        }
        func os(_ k: String) throws(DisclosureError) -> String? {
            switch f[k] {
            case nil, .null?: return nil
            case let .string(v)?: return v
            default: throw corrupt(text)
            }
        }
        func i(_ k: String) throws(DisclosureError) -> Int {
            guard case let .number(v)? = f[k] else { throw corrupt(text) }
            return v
        }
        func d(_ k: String) throws(DisclosureError) -> CivilDate {
            guard let v = CivilDate(iso: try s(k)) else { throw corrupt(text) }
            return v
        }
        func od(_ k: String) throws(DisclosureError) -> CivilDate? {
            guard let v = try os(k) else { return nil }
            guard let date = CivilDate(iso: v) else { throw corrupt(text) }
            return date
        }
        func v<V: Vocabulary>(_ k: String) throws(DisclosureError) -> V {
            guard let x = V(rawValue: try s(k)) else { throw corrupt(text) }
            return x
        }
        switch name {
        case "correctionRequested": return .correctionRequested(items: try s("items"), periodDays: try i("periodDays"), served: try od("served"))
        case "correctionReceived": return .correctionReceived
        case "consultationSent": return .consultationSent(id: try i("id"), party: try v("party"), to: try s("to"), served: try od("served"))
        case "consultationAnswered": return .consultationAnswered(id: try i("id"), opinion: try v("opinion"))
        case "extended": return .extended(days: try i("days"), approvedBy: try s("approvedBy"), reason: try s("reason"))
        case "deferred": return .deferred(until: try d("until"), reason: try s("reason"))
        case "feeNoticed":
            return .feeNoticed(basis: try v("basis"), quantity: try i("quantity"), amount: try i("amount"), served: try od("served"))
        case "feePaid": return .feePaid
        case "replyDrafted": return .replyDrafted(outcome: try v("outcome"), basis: try os("basis"), referTo: try os("referTo"))
        case "replyReviewed":
            guard case let .bool(approved)? = f["approved"] else { throw corrupt(text) }
            return .replyReviewed(approved: approved, comment: try os("comment"))
        case "replyIssued": return .replyIssued
        case "delivered": return .delivered(method: try v("method"))
        case "archived": return .archived
        case "reopened": return .reopened(reason: try s("reason"))
        case "withdrawn": return .withdrawn
        case "abandoned": return .abandoned(reason: try v("reason"))
        case "remedyFiled": return .remedyFiled(id: try i("id"), kind: try v("kind"), body: try s("body"))
        case "remedyDecided": return .remedyDecided(id: try i("id"), result: try v("result"))
        case "assigned": return .assigned(handler: try s("handler"))
        case "amendmentProposed":
            return .amendmentProposed(
                id: try i("id"), step: try i("step"), field: try s("field"), value: try s("value"),
                    reason: try s("reason"))
        case "amendmentDecided":
            guard case let .bool(approved)? = f["approved"] else { throw corrupt(text) }
            return .amendmentDecided(id: try i("id"), approved: approved)
        default: throw corrupt(text)
        }
    }

    /// Reads an application stored by `encode`.
    public static func decodeApplication(_ text: String) throws(DisclosureError) -> Application {
        guard case let .object(f) = try parse(text), case let .object(a)? = f["applicant"] else { throw corrupt(text) }
        func s(_ o: Fields, _ k: String) throws(DisclosureError) -> String? {
            switch o[k] {
            case nil, .null?: return nil
            case let .string(v)?: return v
            default: throw corrupt(text)
            }
        }
        guard let name = try s(a, "name"), let type = try s(a, "type").flatMap(ApplicantType.init(rawValue:)),
              let received = try s(f, "received").flatMap(CivilDate.init(iso:)),
              let channel = try s(f, "channel").flatMap(Channel.init(rawValue:)), let request = try s(f, "request") else {
            throw corrupt(text)
        }
        var form: InfoForm?
        if let raw = try s(f, "form") {
            guard let x = InfoForm(rawValue: raw) else { throw corrupt(text) }
            form = x
        }
        return Application(received: received, channel: channel,
                           applicant: Applicant(name: name, type: type, idNumber: try s(a, "idNumber"), contact: try s(a, "contact")),
                           request: request, form: form, note: try s(f, "note"))
    }

    static func corrupt(_ text: String) -> DisclosureError {
        DisclosureError(.storage, zh: "数据库中的事件记录无法读取（文件可能被改动）：\(text.prefix(200))",
                        en: "a stored event cannot be read (the file may have been altered): \(text.prefix(200))")
    }

    /// A JSON object's fields in order; payloads have at most six, so a scan beats hashing.
    struct Fields {
        var pairs: [(String, JSONValue)] = []
        subscript(_ key: String) -> JSONValue? {
            for (k, v) in pairs where k == key { return v }
            return nil
        }
        var count: Int { pairs.count }
        var first: (String, JSONValue)? { pairs.first }
    }

    indirect enum JSONValue {
        case object(Fields)
        case string(String)
        case number(Int)
        case bool(Bool)
        case null
    }

    /// A strict parser for the subset the codec writes: objects, strings, integers, booleans, null.
    static func parse(_ text: String) throws(DisclosureError) -> JSONValue {
        var p = Parser(bytes: Array(text.utf8))
        guard let v = p.value(depth: 0) else { throw corrupt(text) }
        p.skipSpace()
        guard p.i == p.bytes.count else { throw corrupt(text) }
        return v
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        mutating func value(depth: Int) -> JSONValue? {
            guard depth < 8 else { return nil }
            skipSpace()
            guard i < bytes.count else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var fields = Fields()
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
                while true {
                    skipSpace()
                    guard let key = string() else { return nil }
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
                    i += 1
                    guard let v = value(depth: depth + 1) else { return nil }
                    fields.pairs.append((key, v))
                    skipSpace()
                    guard i < bytes.count else { return nil }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
                    return nil
                }
            case UInt8(ascii: "\""):
                return string().map(JSONValue.string)
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default:
                var negative = false
                if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
                var n = 0
                let start = i
                while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39, i - start < 18 {
                    n = n * 10 + Int(bytes[i] - 0x30)
                    i += 1
                }
                return i > start ? .number(negative ? -n : n) : nil
            }
        }

        mutating func literal(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { return false }
            i += w.count
            return true
        }

        mutating func string() -> String? {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            // Most strings hold no escapes: take them straight from the input.
            var j = i
            while j < bytes.count, bytes[j] != UInt8(ascii: "\""), bytes[j] != UInt8(ascii: "\\") { j += 1 }
            if j < bytes.count, bytes[j] == UInt8(ascii: "\"") {
                let s = String(decoding: bytes[i..<j], as: UTF8.self)
                i = j + 1
                return s
            }
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if c == UInt8(ascii: "\\") {
                    i += 1
                    guard i < bytes.count else { return nil }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case UInt8(ascii: "\\"): out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard let unit = hex4() else { return nil }
                        var scalarValue = UInt32(unit)
                        if (0xD800..<0xDC00).contains(unit) {
                            // A surrogate pair written as two escapes.
                            guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else { return nil }
                            i += 2
                            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(scalarValue) else { return nil }
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default: return nil
                    }
                } else {
                    out.append(c)
                    i += 1
                }
            }
            return nil
        }

        mutating func hex4() -> Int? {
            guard i + 4 <= bytes.count else { return nil }
            var v = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: Int
                switch c {
                case 0x30...0x39: d = Int(c - 0x30)
                case 0x41...0x46: d = Int(c - 0x41 + 10)
                case 0x61...0x66: d = Int(c - 0x61 + 10)
                default: return nil
                }
                v = v * 16 + d
                i += 1
            }
            return v
        }
    }
}
