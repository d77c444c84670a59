import CLibXML2
import DisclosureCore
import Foundation
import Synchronization

/// One problem libxml2 reported, with where it is.
public struct XMLProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String
    public var description: String { "\(line):\(column): \(message)" }
}

/// Collects the errors libxml2 reports for one reader (handed to C as an opaque pointer).
final class ProblemLog {
    var problems: [XMLProblem] = []
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
        log.add(XMLProblem(line: Int(e.line), column: Int(e.int2), message: message))
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
