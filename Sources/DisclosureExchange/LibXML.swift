internal import CLibXML2
import DisclosureCore
import Foundation
import Synchronization

/// One problem libxml2 reported, with where it is.
public struct XMLProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String
    public var description: String { "\(line):\(column): \(message)" }

    /// The problem in the user's language: in Chinese what it is about, then libxml2's own words.
    public func text(_ lang: Language) -> String {
        guard lang == .zh, let zh = Self.chinese(message) else { return message }
        return "\(zh)（原文：\(message)）"
    }

    /// The gist of libxml2's common findings in Chinese; nil for the rest (shown as they are).
    static func chinese(_ m: String) -> String? {
        // The reader's own refusals carry their Chinese gist in brackets: "… (根元素不符), …".
        if let open = m.firstIndex(of: "("), let close = m[open...].firstIndex(of: ")") {
            let inside = m[m.index(after: open)..<close]
            if let first = inside.unicodeScalars.first, first.properties.isIdeographic { return String(inside) }
        }
        // Element names without their namespace: {urn:disclosure:case-file:1}case reads as case.
        var plain = ""
        var inBraces = false
        for c in m {
            if c == "{" { inBraces = true } else if c == "}" { inBraces = false } else if !inBraces { plain.append(c) }
        }
        func quoted(after marker: String) -> String? {
            guard let r = plain.range(of: marker) else { return nil }
            let rest = plain[r.upperBound...]
            guard let end = rest.firstIndex(of: "'") else { return nil }
            return String(rest[..<end])
        }
        func expected() -> String {
            guard let r = plain.range(of: "Expected is ( "), let end = plain[r.upperBound...].range(of: " )") else {
                return ""
            }
            return "，应为 " + plain[r.upperBound..<end.lowerBound]
        }
        let element = quoted(after: "Element '").map { "元素 \($0)：" } ?? ""
        if plain.contains("Missing child element") { return element + "缺少子元素" + expected() }
        if plain.contains("This element is not expected") { return element + "此处不应出现该元素" + expected() }
        if plain.contains("No matching global declaration available for the validation root") {
            return element + "根元素不是本格式定义的元素（命名空间或名称不对）"
        }
        if let a = quoted(after: "The attribute '"), plain.contains("is required but missing") {
            return element + "缺少必需的属性 \(a)"
        }
        if let a = quoted(after: "The attribute '"), plain.contains("is not allowed") { return element + "不允许属性 \(a)" }
        if let v = quoted(after: "The value '"), plain.contains("[facet 'enumeration']") {
            return element + "取值“\(v)”不在允许的取值中"
        }
        if let v = quoted(after: "The value '"), plain.contains("[facet 'pattern']") { return element + "取值“\(v)”格式不对" }
        if plain.contains("[facet 'maxLength']") || plain.contains("[facet 'maxInclusive']") {
            return element + "取值超出上限"
        }
        if plain.contains("[facet 'minLength']") || plain.contains("[facet 'minInclusive']") {
            return element + "取值低于下限或为空"
        }
        if plain.contains("is not a valid value of the atomic type") || plain.contains("is not a valid value of") {
            return element + "取值不符合类型"
        }
        if plain.contains("Opening and ending tag mismatch") { return "开始标签与结束标签不匹配" }
        if plain.contains("Premature end of data") || plain.contains("EndTag: '</' not found") {
            return "文件在元素结束前中断（结构不完整）"
        }
        if plain.contains("Document is empty") { return "文件为空或不是 XML" }
        if plain.contains("Start tag expected") { return "找不到 XML 的开始标签" }
        if plain.contains("Extra content at the end of the document") { return "文件末尾有多余内容" }
        if plain.contains("not well-formed") || plain.contains("invalid character") { return "含有 XML 不允许的字符" }
        return nil
    }
}

/// Collects the errors libxml2 reports for one reader (handed to C as an opaque pointer).
final class ProblemLog {
    var problems: [XMLProblem] = []
    /// Where the parser stands, for findings libxml2 reports without a column (schema validity).
    var column: (() -> Int)?
    /// Problems reported beyond this many are counted, not kept: a hostile file must not fill memory.
    let keep = 1000
    var dropped = 0

    func add(_ p: XMLProblem) {
        if problems.count < keep { problems.append(p) } else { dropped += 1 }
    }
}

enum LibXML {
    /// xmlInitParser must run once before any parsing, from one thread.
    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    static func start() { _ = initialised }

    /// Parser options for untrusted input: no network, no entity substitution, no DTD loading, no
    /// lifting of the parser's size limits.
    static let untrustedOptions = Int32(XML_PARSE_NONET.rawValue)

    /// The C callback: turns libxml2's structured error into an XMLProblem in the log.
    static let errorHandler: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        let log = Unmanaged<ProblemLog>.fromOpaque(context).takeUnretainedValue()
        let e = error.pointee
        var message = e.message.map { String(cString: $0) } ?? "unknown XML error"
        while message.last == "\n" { message.removeLast() }
        let column = e.int2 > 0 ? Int(e.int2) : (log.column?() ?? 0)
        log.add(XMLProblem(line: Int(e.line), column: column, message: message))
    }

    /// A compiled XML schema from forms/ (parsed once per process).
    final class Schema: @unchecked Sendable {
        // Immutable after creation; libxml2 allows one compiled schema to serve several validations.
        let pointer: xmlSchemaPtr

        init(named name: String) throws(DisclosureError) {
            LibXML.start()
            guard let text = EmbeddedForms.schemas[name] else {
                throw DisclosureError(.io, zh: "程序缺少表单定义 \(name)", en: "the program lacks the schema \(name)")
            }
            let bytes = Array(text.utf8)
            let parsed: xmlSchemaPtr? = bytes.withUnsafeBufferPointer { buf in
                buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { p in
                    guard let ctxt = xmlSchemaNewMemParserCtxt(p, Int32(buf.count)) else { return nil }
                    defer { xmlSchemaFreeParserCtxt(ctxt) }
                    return xmlSchemaParse(ctxt)
                }
            }
            guard let parsed else {
                throw DisclosureError(.io, zh: "表单定义 \(name) 无法解析", en: "the schema \(name) cannot be compiled")
            }
            pointer = parsed
        }

        deinit { xmlSchemaFree(pointer) }
    }


    /// The compiled case-file schema.
    static func caseFile() throws(DisclosureError) -> Schema { try cached("case-file.xsd") }

    /// The compiled calendar schema.
    static func calendar() throws(DisclosureError) -> Schema { try cached("calendar.xsd") }

    /// The compiled annual-report schema.
    static func annualReport() throws(DisclosureError) -> Schema { try cached("annual-report.xsd") }

    private static let schemas = Mutex<[String: Schema]>([:])

    private static func cached(_ name: String) throws(DisclosureError) -> Schema {
        if let s = schemas.withLock({ $0[name] }) { return s }
        let s = try Schema(named: name)
        schemas.withLock { $0[name] = s }
        return s
    }
}
