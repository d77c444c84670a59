internal import CLibXML2
import DisclosureCore
import Foundation

/// An element read from the stream: enough of a tree for one case, never the whole document.
final class Element {
    let name: String
    let line: Int
    var attributes = Attributes()
    var text = ""
    /// The decoded content of an xs:base64Binary element, read straight from the parser's buffer.
    var binary: [UInt8]?
    var children: [Element] = []

    init(name: String, line: Int) {
        self.name = name
        self.line = line
    }

    func child(_ name: String) -> Element? { children.first { $0.name == name } }
}

/// An element's few attributes, in document order: searched, not hashed (a dictionary per element
/// cost more than the rest of building the tree).
struct Attributes {
    private(set) var pairs: [(key: String, value: String)] = []

    /// Adds an attribute the parser has already checked is not there (libxml2 refuses duplicates).
    mutating func append(_ key: String, _ value: String) { pairs.append((key, value)) }

    subscript(key: String) -> String? {
        get { pairs.first { $0.key == key }?.value }
        set {
            pairs.removeAll { $0.key == key }
            if let newValue { pairs.append((key, newValue)) }
        }
    }

    var dictionary: [String: String] {
        Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}

/// Reads XML documents of forms/ as untrusted input: streaming, validated against the schema while
/// reading, with DTDs, entities and network access refused.
enum StreamingReader {
    /// Reads `path`, handing each child of the root element, complete, to `body` with the root's attributes.
    /// Stops at the first problem, parser or schema, and throws it with its line and column.
    static func read(path: String, schema: LibXML.Schema, namespace: String, origin: String,
                     body: (Element, [String: String]) throws(DisclosureError) -> Void) throws(DisclosureError) {
        let problems = try stream(path: path, schema: schema, namespace: namespace, origin: origin, stopAtFirst: true, body: body)
        if let p = problems.first {
            throw DisclosureError(.invalidValue, field: "\(origin):\(p.line):\(p.column)", zh: p.text(.zh),
                en: p.message)
        }
    }

    /// Validates the whole document and returns every problem found.
    static func validate(path: String, schema: LibXML.Schema, namespace: String, origin: String) throws(DisclosureError) -> [XMLProblem] {
        try stream(path: path, schema: schema, namespace: namespace, origin: origin, stopAtFirst: false) { _, _ in }
    }

    private static func stream(path: String, schema: LibXML.Schema, namespace: String, origin: String, stopAtFirst: Bool,
                               body: (Element, [String: String]) throws(DisclosureError) -> Void) throws(DisclosureError) -> [XMLProblem] {
        LibXML.start()
        disclosure_xml_silence_generic_errors()
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw DisclosureError(.io, field: "FILE", zh: "无法读取文件 \(path)", en: "cannot read \(path)")
        }
        guard let reader = xmlReaderForFile(path, nil, LibXML.untrustedOptions) else {
            throw DisclosureError(.io, field: "FILE", zh: "无法打开 \(path)", en: "cannot open \(path)")
        }
        defer { xmlFreeTextReader(reader) }
        let log = ProblemLog()
        log.column = { Int(xmlTextReaderGetParserColumnNumber(reader)) }
        let context = Unmanaged.passRetained(log)
        defer { context.release() }
        xmlTextReaderSetStructuredErrorHandler(reader, LibXML.errorHandler, context.toOpaque())
        guard xmlTextReaderSetSchema(reader, schema.pointer) == 0 else {
            throw DisclosureError(.io, zh: "无法启用表单校验", en: "cannot enable schema validation")
        }

        /// Ends the stream on something refused outright (not merely invalid): reported like any problem.
        func refuse(_ en: String) -> [XMLProblem] {
            log.add(XMLProblem(line: Int(xmlTextReaderGetParserLineNumber(reader)),
                               column: Int(xmlTextReaderGetParserColumnNumber(reader)), message: en))
            return log.problems
        }

        var stack: [Element] = []
        var rootAttributes: [String: String] = [:]
        var sawRoot = false

        func finish(_ element: Element) throws(DisclosureError) {
            // Only children of the root are handed out, each once it is complete and valid so far.
            guard stack.isEmpty, sawRoot, log.problems.isEmpty else { return }
            try body(element, rootAttributes)
        }

        while true {
            let rc = xmlTextReaderRead(reader)
            if stopAtFirst, !log.problems.isEmpty { return log.problems }
            if rc == 0 { break }
            if rc < 0 {
                if log.problems.isEmpty {
                    log.add(XMLProblem(line: Int(xmlTextReaderGetParserLineNumber(reader)),
                                       column: Int(xmlTextReaderGetParserColumnNumber(reader)), message: "the document is not well-formed XML"))
                }
                return log.problems
            }
            switch xmlTextReaderNodeType(reader) {
            case 10: // XML_READER_TYPE_DOCUMENT_TYPE
                return refuse("documents with a DTD are refused (不接受含DTD的文件): a DTD can pull in outside files or expand entities")
            case 5, 6: // entity reference or declaration
                return refuse("entity references are refused (不接受实体引用)")
            case 1: // element
                let depth = Int(xmlTextReaderDepth(reader))
                let name = String(cString: xmlTextReaderConstLocalName(reader))
                let ns = xmlTextReaderConstNamespaceUri(reader).map { String(cString: $0) } ?? ""
                if ns != namespace {
                    return refuse("element \(name) is not in the namespace \(namespace) (元素不属于本格式的命名空间)")
                }
                // The node's own line: the parser's position has read ahead, often to the end of a small file.
                let element = Element(name: name, line: Int(xmlGetLineNo(xmlTextReaderCurrentNode(reader))))
                let empty = xmlTextReaderIsEmptyElement(reader) == 1
                while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                    if xmlTextReaderIsNamespaceDecl(reader) == 1 { continue }
                    let key = String(cString: xmlTextReaderConstLocalName(reader))
                    element.attributes[key] = xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""
                }
                xmlTextReaderMoveToElement(reader)
                if depth == 0 {
                    sawRoot = true
                    rootAttributes = element.attributes.dictionary
                    continue
                }
                stack.last?.children.append(element)
                stack.append(element)
                if empty {
                    stack.removeLast()
                    try finish(element)
                }
            case 3, 4: // text, CDATA
                if let top = stack.last, let value = xmlTextReaderConstValue(reader) {
                    top.text += String(cString: value)
                }
            case 15: // end of element
                if let done = stack.popLast() { try finish(done) }
            default:
                break
            }
        }
        if xmlTextReaderIsValid(reader) != 1, log.problems.isEmpty {
            log.add(XMLProblem(line: 0, column: 0, message: "the document does not conform to the schema"))
        }
        if log.dropped > 0 {
            log.problems.append(XMLProblem(line: 0, column: 0, message: "… and \(log.dropped) more problems"))
        }
        return log.problems
    }
}

/// Reads documents whose root holds many large children (case files) with libxml2's push parser
/// and our own SAX handlers, validating in the same pass through the schema's SAX plug.
/// libxml2's own tree builder and streaming validator each keep a whole text node, appending to it,
/// so one 16 MB attachment took a minute and several copies of itself. Here the text of a binary
/// element is decoded as it arrives and the validator sees a one-quantum stand-in for it; the
/// decoder checks the xs:base64Binary rules itself. Other text is capped long before it could fill memory.
enum SAXReader {
    /// What the root must be and which of its descendants hold base64.
    struct Root: Sendable {
        let name: String
        let child: String
        let binaryElements: Set<String>
        /// Decoded bytes allowed in one child of the root; more stops the read.
        let binaryLimit: Int
    }

    /// Text beyond this many bytes in one element is refused at once (the longest field the schema
    /// allows is 20,000 characters).
    static let textLimit = 100_000

    /// Attributes allowed on one element (a case file's have at most nine).
    static let attributeLimit: Int32 = 32

    /// Bytes of text and attribute values in one child of the root, documents apart.
    static let caseTextLimit = 8_000_000

    /// Elements deeper than this are refused at once (a case file is six levels deep).
    static let depthLimit = 24

    /// Streams the children of the root of `path` to `body`; the first problem ends it when `stopAtFirst`.
    static func stream(path: String, schema: LibXML.Schema, namespace: String, root: Root, stopAtFirst: Bool,
                       body: (Element, [String: String]) throws(DisclosureError) -> Void) throws(DisclosureError)
        -> [XMLProblem] {
        LibXML.start()
        disclosure_xml_silence_generic_errors()
        guard FileManager.default.isReadableFile(atPath: path), let file = FileHandle(forReadingAtPath: path) else {
            throw DisclosureError(.io, field: "FILE", zh: "无法读取文件 \(path)", en: "cannot read \(path)")
        }
        defer { try? file.close() }
        guard let validator = xmlSchemaNewValidCtxt(schema.pointer) else {
            throw DisclosureError(.io, zh: "无法启用表单校验", en: "cannot enable schema validation")
        }
        defer { xmlSchemaFreeValidCtxt(validator) }
        let state = SAXState(namespace: namespace, root: root)
        let stateRef = Unmanaged.passRetained(state)
        defer { stateRef.release() }
        xmlSchemaSetValidStructuredErrors(
            validator, LibXML.errorHandler, Unmanaged.passUnretained(state.log).toOpaque())
        state.log.column = { [unowned state] in state.column }

        // The validator's wrappers, around a handler that does nothing else: called from ours.
        let inner = UnsafeMutablePointer<xmlSAXHandler>.allocate(capacity: 1)
        inner.initialize(to: xmlSAXHandler())
        inner.pointee.initialized = XML_SAX2_MAGIC
        defer { inner.deallocate() }
        // The plug keeps the addresses of these two cells and writes through them when unplugged, so
        // they live on the heap until after that, not in Swift's temporary inout storage.
        let saxCell = UnsafeMutablePointer<UnsafeMutablePointer<xmlSAXHandler>?>.allocate(capacity: 1)
        saxCell.initialize(to: inner)
        let dataCell = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 1)
        dataCell.initialize(to: nil)
        defer {
            saxCell.deallocate()
            dataCell.deallocate()
        }
        guard let plug = xmlSchemaSAXPlug(validator, saxCell, dataCell), let plugged = saxCell.pointee else {
            throw DisclosureError(.io, zh: "无法启用表单校验", en: "cannot enable schema validation")
        }
        defer { xmlSchemaSAXUnplug(plug) }
        state.validating = plugged.pointee
        state.validatingData = dataCell.pointee

        var handler = SAXState.handler
        guard let parser = xmlCreatePushParserCtxt(&handler, stateRef.toOpaque(), nil, 0, path) else {
            throw DisclosureError(.io, field: "FILE", zh: "无法打开 \(path)", en: "cannot open \(path)")
        }
        defer {
            if let doc = parser.pointee.myDoc { xmlFreeDoc(doc) }
            xmlFreeParserCtxt(parser)
        }
        xmlCtxtUseOptions(parser, LibXML.untrustedOptions | Int32(XML_PARSE_BIG_LINES.rawValue))
        state.parser = parser
        xmlSchemaValidateSetLocator(validator, SAXState.locator, UnsafeMutableRawPointer(parser))

        func drain() throws(DisclosureError) {
            // Each was complete and valid when it ended, before anything later went wrong.
            let finished = state.done
            state.done.removeAll()
            for e in finished { try body(e, state.rootAttributes) }
        }
        while true {
            let chunk: Data?
            do { chunk = try file.read(upToCount: 65536) } catch {
                throw DisclosureError(.io, field: "FILE", zh: "读取 \(path) 失败", en: "reading \(path) failed")
            }
            let bytes = chunk ?? Data()
            let rc = bytes.withUnsafeBytes { b in
                xmlParseChunk(parser, b.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(b.count),
                              bytes.isEmpty ? 1 : 0)
            }
            if rc != 0, state.log.problems.isEmpty {
                // Errors the parser halts on without a structured report, such as bytes that are not
                // in the declared encoding.
                state.problem(
                    rc == Int32(XML_ERR_INVALID_ENCODING.rawValue)
                        ? "the bytes do not match the declared encoding (文件编码与声明不符)"
                        : "the document is not well-formed XML")
            }
            try drain()
            if state.stopped || (stopAtFirst && !state.log.problems.isEmpty) || bytes.isEmpty { break }
        }
        if state.log.problems.isEmpty {
            if parser.pointee.wellFormed == 0 {
                state.problem("the document is not well-formed XML")
            } else if !state.sawRoot {
                state.problem("the document has no root element")
            } else if xmlSchemaIsValid(validator) != 1 {
                state.problem("the document does not conform to the schema")
            }
        }
        if state.log.dropped > 0 {
            state.log.problems.append(XMLProblem(line: 0, column: 0, message: "… and \(state.log.dropped) more "
                + "problems"))
        }
        return state.log.problems
    }
}

/// What the SAX callbacks build: the open elements, the finished children of the root, the problems.
final class SAXState {
    let namespace: String
    let root: SAXReader.Root
    let log = ProblemLog()
    var validating = xmlSAXHandler()
    var validatingData: UnsafeMutableRawPointer?
    var parser: xmlParserCtxtPtr?
    var stack: [Element] = []
    var depth = 0
    var sawRoot = false
    var rootAttributes: [String: String] = [:]
    var done: [Element] = []
    var decoder: Base64Decoder?
    var binaryBytes = 0
    var reservedBytes = 0
    var caseBytes = 0
    var textBytes = 0
    var stopped = false

    let namespaceC: [CChar]
    /// Names as Swift strings, by the parser's pointer: libxml2 interns every element and attribute
    /// name in its dictionary for the life of the parse, so one pointer is one name.
    private var names: [UnsafePointer<xmlChar>: String] = [:]

    init(namespace: String, root: SAXReader.Root) {
        self.namespace = namespace
        self.root = root
        namespaceC = Array(namespace.utf8CString)
    }

    func name(_ p: UnsafePointer<xmlChar>) -> String {
        if let known = names[p] { return known }
        let s = String(cString: p)
        if names.count < 4096 { names[p] = s }
        return s
    }

    var line: Int { parser.map { Int(xmlSAX2GetLineNumber(UnsafeMutableRawPointer($0))) } ?? 0 }

    var column: Int { parser.map { Int(xmlSAX2GetColumnNumber(UnsafeMutableRawPointer($0))) } ?? 0 }

    func problem(_ en: String) {
        log.add(XMLProblem(line: line, column: column, message: en))
    }

    /// Records a refusal and ends the parse: nothing after it is read.
    func refuse(_ en: String) {
        problem(en)
        stopped = true
        if let parser { xmlStopParser(parser) }
    }

    static func from(_ ctx: UnsafeMutableRawPointer?) -> SAXState? {
        ctx.map { Unmanaged<SAXState>.fromOpaque($0).takeUnretainedValue() }
    }

    static let locator: xmlSchemaValidityLocatorFunc = { ctx, file, line in
        guard let ctx else { return -1 }
        file?.pointee = nil
        line?.pointee = UInt(xmlSAX2GetLineNumber(ctx))
        return 0
    }

    static var handler: xmlSAXHandler {
        var h = xmlSAXHandler()
        h.initialized = XML_SAX2_MAGIC
        h.startElementNs = startElement
        h.endElementNs = endElement
        h.characters = characters
        h.ignorableWhitespace = characters
        h.cdataBlock = characters
        h.internalSubset = { ctx, _, _, _ in
            SAXState.from(ctx)?.refuse(
                "documents with a DTD are refused (不接受含DTD的文件): a DTD can pull in outside files or expand entities")
        }
        h.reference = { ctx, _ in SAXState.from(ctx)?.refuse("entity references are refused (不接受实体引用)") }
        h.serror = { ctx, error in
            guard let me = SAXState.from(ctx), let error else { return }
            let e = error.pointee
            var message = e.message.map { String(cString: $0) } ?? "unknown XML error"
            while message.last == "\n" { message.removeLast() }
            let column = e.int2 > 0 ? Int(e.int2) : me.column
            me.log.add(XMLProblem(line: Int(e.line), column: column, message: message))
        }
        return h
    }

    static let startElement: startElementNsSAX2Func = {
        ctx, localname, prefix, uri, nsCount, namespaces, attributeCount, defaulted, attributes in
        guard let me = from(ctx), !me.stopped, let localname else { return }
        me.validating.startElementNs?(me.validatingData, localname, prefix, uri, nsCount, namespaces, attributeCount,
                                      defaulted, attributes)
        let name = me.name(localname)
        let inNamespace = uri.map { strcmp($0, me.namespaceC) == 0 } ?? false
        guard attributeCount <= SAXReader.attributeLimit else {
            me.refuse("an element has more than \(SAXReader.attributeLimit) attributes (属性过多)")
            return
        }
        var values = Attributes()
        if let attributes {
            for i in 0..<Int(attributeCount) {
                let base = attributes + 5 * i
                guard let key = base[0], let from = base[3], let to = base[4] else { continue }
                // Attributes in another namespace (xsi:) are the validator's business, not ours.
                if base[2] != nil { continue }
                let count = to - from
                guard count <= SAXReader.textLimit else {
                    me.refuse("an attribute is longer than \(SAXReader.textLimit) bytes (属性值过长)")
                    return
                }
                me.caseBytes += count
                let bytes = UnsafeBufferPointer(
                    start: UnsafeRawPointer(from).assumingMemoryBound(to: UInt8.self), count: count)
                var value = String(decoding: bytes, as: UTF8.self)
                // Without entity substitution libxml2 hands an attribute's `&` on as `&#38;` (and only
                // `&`: every other reference arrives resolved), which its validator decodes too. Looked
                // for in the bytes first: Foundation's `contains` cost a fifth of an import.
                if bytes.contains(UInt8(ascii: "&")), value.contains("&#38;") {
                    value = value.replacingOccurrences(of: "&#38;", with: "&")
                }
                values.append(me.name(key), value)
            }
        }
        // The formats nest a few levels; our own parser keeps no depth limit of its own, and a
        // deeper tree would only cost stack (its release recurses).
        guard me.depth < SAXReader.depthLimit else {
            me.refuse("elements are nested more than \(SAXReader.depthLimit) deep (嵌套过深)")
            return
        }
        defer { me.depth += 1 }
        if me.depth == 0 {
            me.sawRoot = true
            guard name == me.root.name, inNamespace else {
                me.refuse("the root element must be \(me.root.name) in the namespace \(me.namespace) (根元素不符), "
                    + "not \(name)")
                return
            }
            me.rootAttributes = values.dictionary
            return
        }
        guard inNamespace else {
            me.refuse("element \(name) is not in the namespace \(me.namespace) (元素不属于本格式的命名空间)")
            return
        }
        let element = Element(name: name, line: me.line)
        element.attributes = values
        if me.depth == 1 {
            me.binaryBytes = 0
            me.reservedBytes = 0
            me.caseBytes = 0
        }
        if let parent = me.stack.last {
            // Limits on a case's shape, enforced as it is read: the schema sets no upper bound.
            let limit =
                parent.name == "events"
                ? DossierLimits.events : parent.name == "attachments" ? DossierLimits.attachments : 32
            guard parent.children.count < limit else {
                switch parent.name {
                case "events": me.refuse("a case may hold at most \(limit) steps (一件案件最多\(limit)个步骤)")
                case "attachments": me.refuse("a case may hold at most \(limit) attachments (一件案件最多\(limit)个附件)")
                default: me.refuse("<\(parent.name)> holds more than \(limit) elements (超过上限)")
                }
                return
            }
            parent.children.append(element)
        }
        if me.caseBytes > SAXReader.caseTextLimit {
            me.refuse("a \(me.root.child) holds more than \(SAXReader.caseTextLimit) bytes of text (文字超过上限)")
            return
        }
        me.stack.append(element)
        me.textBytes = 0
        if me.root.binaryElements.contains(name) {
            // Room for the size the element declares (checked against the content later), so the
            // bytes are never copied while growing.
            let declared = values["size"].flatMap { Int($0) } ?? 0
            // What is reserved for one child stays under the limit, whatever sizes a file declares.
            let room = min(max(declared, 0), me.root.binaryLimit - me.reservedBytes)
            me.reservedBytes += room
            me.decoder = Base64Decoder(expected: room)
            // One valid quantum stands in for the content, which the decoder checks.
            me.validating.characters?(me.validatingData, "AAAA", 4)
        }
    }

    static let endElement: endElementNsSAX2Func = { ctx, localname, prefix, uri in
        guard let me = from(ctx), !me.stopped else { return }
        me.depth -= 1
        if var d = me.decoder, let top = me.stack.last {
            me.decoder = nil
            guard let bytes = d.finish() else {
                me.refuse("the content of \(top.name) is not base64 (xs:base64Binary)")
                return
            }
            top.binary = bytes
            me.binaryBytes += bytes.count
        }
        me.validating.endElementNs?(me.validatingData, localname, prefix, uri)
        guard me.depth >= 1, let finished = me.stack.popLast() else { return }
        if me.depth == 1, me.log.problems.isEmpty { me.done.append(finished) }
    }

    static let characters: charactersSAXFunc = { ctx, text, length in
        guard let me = from(ctx), !me.stopped, let text, length > 0 else { return }
        if me.decoder != nil {
            me.decoder?.feed(UnsafeBufferPointer(start: text, count: Int(length)))
            if me.binaryBytes + (me.decoder?.count ?? 0) > me.root.binaryLimit {
                me.refuse("a \(me.root.child) holds more than \(me.root.binaryLimit) bytes of documents (附件超过上限)")
            }
            return
        }
        me.validating.characters?(me.validatingData, text, length)
        guard me.depth >= 2, let top = me.stack.last else { return }
        me.textBytes += Int(length)
        me.caseBytes += Int(length)
        if me.caseBytes > SAXReader.caseTextLimit {
            me.refuse("a \(me.root.child) holds more than \(SAXReader.caseTextLimit) bytes of text (文字超过上限)")
            return
        }
        if me.textBytes > SAXReader.textLimit {
            me.refuse("the text of \(top.name) is longer than \(SAXReader.textLimit) bytes (文字过长)")
            return
        }
        top.text += String(decoding: UnsafeBufferPointer(start: text, count: Int(length)), as: UTF8.self)
    }
}

/// Decodes base64 by the lexical rules of xs:base64Binary: whitespace anywhere, at most two `=`
/// at the end, and the bits a `=` leaves over must be zero.
struct Base64Decoder {
    private var out: [UInt8] = []
    private var accumulator: UInt32 = 0
    private var bits = 0
    private var symbols = 0
    private var padding = 0
    private var last: Int8 = 0
    private var broken = false

    private static let values: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = Int8(i)
        }
        for c in [0x20, 0x09, 0x0A, 0x0D] { t[c] = -2 }
        t[Int(UInt8(ascii: "="))] = -3
        return t
    }()

    /// Bytes decoded so far.
    var count: Int { out.count }

    init(expected: Int = 0) {
        if expected > 0 { out.reserveCapacity(expected) }
    }

    mutating func feed(_ text: UnsafeBufferPointer<xmlChar>) {
        for c in text {
            let v = Self.values[Int(c)]
            if v >= 0 {
                if padding > 0 { broken = true }
                accumulator = accumulator << 6 | UInt32(v)
                bits += 6
                symbols += 1
                last = v
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                }
            } else if v == -3 {
                padding += 1
                symbols += 1
            } else if v == -1 {
                broken = true
            }
        }
    }

    /// The bytes, or nil when the text was not base64.
    mutating func finish() -> [UInt8]? {
        guard !broken, symbols % 4 == 0, padding <= 2 else { return nil }
        if padding == 1, last & 0x03 != 0 { return nil }
        if padding == 2, last & 0x0F != 0 { return nil }
        return out
    }
}

/// Reads case files (forms/case-file.xsd).
public enum CaseFileReader {
    /// Streams the cases of `path` to `body`, validating as it reads; the first problem stops it.
    /// `origin` names the file in messages (default: its name).
    public static func read(path: String, origin: String? = nil, body: (CaseDossier) throws(DisclosureError) -> Void)
        throws(DisclosureError) {
        let origin = origin ?? (path as NSString).lastPathComponent
        var count = 0
        let problems = try SAXReader.stream(
            path: path, schema: try LibXML.caseFile(), namespace: caseFileNamespace, root: caseFileRoot,
            stopAtFirst: true
        ) { (e: Element, _) throws(DisclosureError) in
            count += 1
            if count > DossierLimits.casesPerFile {
                throw DisclosureError(.invalidValue, field: origin,
                                      zh: "一个案卷文件最多\(DossierLimits.casesPerFile)件案件；请分成几个文件",
                                      en: "one case file may hold at most \(DossierLimits.casesPerFile) cases; "
                                          + "split it")
            }
            try body(try dossier(e, origin: origin))
        }
        if let p = problems.first {
            // libxml2 words its findings in English; the Chinese message says what they are about.
            let place = p.column > 0 ? "\(origin):\(p.line):\(p.column)" : "\(origin):\(p.line)"
            throw DisclosureError(
                .invalidValue, field: place, zh: "案卷文件不符合格式（forms/case-file.xsd）：\(p.text(.zh))",
                en: "the case file does not conform to the format (forms/case-file.xsd): \(p.message)")
        }
    }

    /// The root of a case file: cases, whose attachments are base64.
    static let caseFileRoot = SAXReader.Root(
        name: "caseFile", child: "case", binaryElements: ["attachment"], binaryLimit: DossierLimits.attachmentBytes)

    /// Every problem of `path` against the case-file schema (empty when valid).
    public static func validate(path: String) throws(DisclosureError) -> [XMLProblem] {
        try SAXReader.stream(path: path, schema: try LibXML.caseFile(), namespace: caseFileNamespace,
                                   root: caseFileRoot, stopAtFirst: false) { _, _ in }
    }

    static func dossier(_ c: Element, origin: String) throws(DisclosureError) -> CaseDossier {
        func fail(_ e: Element, _ what: String) -> DisclosureError {
            DisclosureError(.invalidValue, field: "\(origin):\(e.line)", zh: "案卷内容无效：\(what)", en: "invalid case file: \(what)")
        }
        func req(_ e: Element, _ name: String) throws(DisclosureError) -> Element {
            guard let x = e.child(name) else { throw fail(e, "missing <\(name)>") }
            return x
        }
        func attr(_ e: Element, _ name: String) throws(DisclosureError) -> String {
            guard let v = e.attributes[name] else { throw fail(e, "<\(e.name)> lacks @\(name)") }
            return v
        }
        /// `YYYY-MM-DDTHH:MM:SS` then `Z` or `±HH:MM`: the one form of xs:dateTime the format allows.
        func stamp(_ e: Element, _ name: String) throws(DisclosureError) -> String {
            let s = try attr(e, name)
            let u = Array(s.utf8)
            func digits(_ r: [Int]) -> Bool { r.allSatisfy { u[$0] >= 0x30 && u[$0] <= 0x39 } }
            let shapeOK = (u.count == 20 && u[19] == UInt8(ascii: "Z")) || (u.count == 25 && (u[19] == UInt8(ascii: "+") || u[19] == UInt8(ascii: "-"))
                                                                           && u[22] == UInt8(ascii: ":") && digits([20, 21, 23, 24]))
            guard shapeOK, u[10] == UInt8(ascii: "T"), u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"), digits([11, 12, 14, 15, 17, 18]),
                  CivilDate(iso: String(s.prefix(10))) != nil else {
                throw fail(e, "@\(name) “\(s)” must be YYYY-MM-DDTHH:MM:SS with an offset such as +08:00")
            }
            return s
        }
        func date(_ s: String, _ e: Element) throws(DisclosureError) -> CivilDate {
            guard let d = CivilDate(iso: s) else { throw fail(e, "bad date \(s)") }
            return d
        }
        func int(_ s: String, _ e: Element) throws(DisclosureError) -> Int {
            guard let n = Int(s) else { throw fail(e, "bad number \(s)") }
            return n
        }
        func vocab<V: Vocabulary>(_ s: String, _ e: Element) throws(DisclosureError) -> V {
            guard let v = V(rawValue: s) else { throw fail(e, "unknown value \(s)") }
            return v
        }

        let agency = try req(c, "agency")
        let numberElement = try req(c, "number")
        let number = try CaseNumber.parse(numberElement.text, field: "\(origin):\(numberElement.line)")
        let received = try req(c, "received")
        let applicant = try req(c, "applicant")
        let application = Application(
            received: try date(received.text, received), channel: try vocab(try attr(received, "channel"), received),
            applicant: Applicant(name: try req(applicant, "name").text, type: try vocab(try attr(applicant, "type"), applicant),
                                 idNumber: applicant.child("idNumber")?.text, contact: applicant.child("contact")?.text),
            request: try req(c, "request").text,
            form: try c.child("form").map { (f: Element) throws(DisclosureError) -> InfoForm in try vocab(f.text, f) },
            note: c.child("note")?.text)
        let registered = try req(c, "registered")

        var events: [RecordedEvent] = []
        for e in try req(c, "events").children {
            let on = try date(try attr(e, "on"), e)
            let served = try e.attributes["served"].map { (s: String) throws(DisclosureError) in try date(s, e) }
            let action: Action
            switch e.name {
            case "correctionRequested":
                action = .correctionRequested(items: try req(e, "items").text, periodDays: try int(try attr(e, "periodDays"), e), served: served)
            case "correctionReceived": action = .correctionReceived
            case "consultationSent":
                action = .consultationSent(id: try int(try attr(e, "id"), e), party: try vocab(try attr(e, "party"), e),
                                           to: try req(e, "to").text, served: served)
            case "consultationAnswered":
                action = .consultationAnswered(id: try int(try attr(e, "id"), e), opinion: try vocab(try attr(e, "opinion"), e))
            case "extended":
                action = .extended(days: try int(try attr(e, "days"), e), approvedBy: try req(e, "approvedBy").text,
                                   reason: try req(e, "reason").text)
            case "deferred":
                action = .deferred(until: try date(try attr(e, "until"), e), reason: try req(e, "reason").text)
            case "feeNoticed":
                action = .feeNoticed(basis: try vocab(try attr(e, "basis"), e), quantity: try int(try attr(e, "quantity"), e),
                                     amount: try int(try attr(e, "amount"), e), served: served)
            case "feePaid": action = .feePaid
            case "replyDrafted":
                action = .replyDrafted(outcome: try vocab(try attr(e, "outcome"), e), basis: e.child("basis")?.text,
                                       referTo: e.child("referTo")?.text)
            case "replyReviewed":
                action = .replyReviewed(approved: try attr(e, "approved") == "true" || e.attributes["approved"] == "1",
                                        comment: e.child("comment")?.text)
            case "replyIssued": action = .replyIssued
            case "delivered": action = .delivered(method: try vocab(try attr(e, "method"), e))
            case "archived": action = .archived
            case "reopened": action = .reopened(reason: try req(e, "reason").text)
            case "withdrawn": action = .withdrawn
            case "assigned": action = .assigned(handler: try attr(e, "handler"))
            case "abandoned": action = .abandoned(reason: try vocab(try attr(e, "reason"), e))
            case "remedyFiled":
                action = .remedyFiled(id: try int(try attr(e, "id"), e), kind: try vocab(try attr(e, "kind"), e), body: try req(e, "body").text)
            case "remedyDecided":
                action = .remedyDecided(id: try int(try attr(e, "id"), e), result: try vocab(try attr(e, "result"), e))
            case "amendmentProposed":
                action = .amendmentProposed(
                    id: try int(try attr(e, "id"), e), step: try int(try attr(e, "step"), e), field: try attr(e,
                        "field"),
                    value: try req(e, "value").text, reason: try req(e, "reason").text)
            case "amendmentDecided":
                let approved = try attr(e, "approved")
                action = .amendmentDecided(id: try int(try attr(e, "id"), e),
                    approved: approved == "true" || approved == "1")
            default: throw fail(e, "unknown step <\(e.name)>")
            }
            let letter = e.attributes["letter"]
            if letter != nil, NoticeKind.issued(by: action) == nil {
                throw fail(e, "<\(e.name)> sends no letter, so it cannot carry a document number (letter)")
            }
            events.append(RecordedEvent(event: CaseEvent(on: on, action: action, actor: try attr(e, "actor"),
                                                         lateEntry: e.attributes["lateEntry"], letter: letter),
                                        recordedAt: try stamp(e, "recorded")))
        }

        var attachments: [Attachment] = []
        for a in c.child("attachments")?.children ?? [] {
            guard let content = a.binary else { throw fail(a, "attachment content is not base64") }
            attachments.append(Attachment(seq: try int(try attr(a, "seq"), a), kind: try vocab(try attr(a, "kind"), a),
                                          name: try attr(a, "name"), size: try int(try attr(a, "size"), a),
                                          sha256: try attr(a, "sha256"), addedAt: try stamp(a, "added"), addedBy: try attr(a, "by"),
                                          content: content))
        }
        let due = c.child("due")
        let outcome = c.child("outcome")
        return CaseDossier(
            agencyCode: try attr(agency, "code"), agencyName: agency.text, number: CaseNumber(year: number.year, serial: number.serial),
            application: application, registeredAt: try stamp(registered, "at"), registeredBy: try attr(registered, "by"),
            events: events, attachments: attachments,
            due: try due.map { (d: Element) throws(DisclosureError) in try date(d.text, d) },
            provisional: due?.attributes["provisional"] == "true" || due?.attributes["provisional"] == "1",
            outcome: try outcome.map { (o: Element) throws(DisclosureError) -> Outcome in try vocab(o.text, o) },
            closedOn: try outcome.map { (o: Element) throws(DisclosureError) in try date(try attr(o, "closed"), o) },
            registrationLateEntry: registered.attributes["lateEntry"],
                registrationLetter: registered.attributes["letter"])
    }
}

/// Reads holiday schedules in XML (forms/calendar.xsd).
public enum CalendarFileReader {
    /// Parses and validates one year's schedule; the same checks as the text format apply after.
    public static func read(path: String) throws(DisclosureError) -> HolidaySchedule {
        let origin = (path as NSString).lastPathComponent
        var year = ""
        var lines: [String] = []
        // The XML line of each line given to the text parser (its first is the year), for its messages.
        var xmlLines: [Int] = [1]
        try StreamingReader.read(path: path, schema: try LibXML.calendar(), namespace: "urn:disclosure:calendar:1", origin: origin) {
            (e: Element, root: [String: String]) throws(DisclosureError) in
            year = root["year"] ?? ""
            switch e.name {
            case "source": lines.append("source \(e.text)")
            case "holiday":
                let from = e.attributes["from"] ?? ""
                let through = e.attributes["through"].map { "..\($0)" } ?? ""
                lines.append("holiday \(from)\(through) \(e.attributes["name"] ?? "")")
            case "workday": lines.append("workday \(e.attributes["date"] ?? "") \(e.attributes["name"] ?? "")")
            default: return
            }
            xmlLines.append(e.line)
        }
        // One set of rules for both formats: the text parser checks weekdays, overlaps and years.
        do {
            return try HolidaySchedule.parse((["year \(year)"] + lines).joined(separator: "\n"), origin: origin)
        } catch {
            // Its line numbers count the text it was given; the user's file is the XML.
            guard let field = error.field, field.hasPrefix(origin + ":"),
                let n = Int(field.dropFirst(origin.count + 1)), n >= 1, n <= xmlLines.count
            else { throw error }
            throw DisclosureError(
                error.code, field: "\(origin):\(xmlLines[n - 1])", zh: error.message.zh, en: error.message.en)
        }
    }

    /// Every problem of `path` against the calendar schema.
    public static func validate(path: String) throws(DisclosureError) -> [XMLProblem] {
        try StreamingReader.validate(path: path, schema: try LibXML.calendar(), namespace: "urn:disclosure:calendar:1",
                                     origin: (path as NSString).lastPathComponent)
    }
}
