import DisclosureCore
import Foundation

/// A JSON value with object keys kept in the order written, so output reads naturally.
public enum JSON: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func str(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
    public static func date(_ d: CivilDate?) -> JSON { d.map { .string($0.description) } ?? .null }

    /// The pretty-printed text and a newline, as bytes (a server's response body).
    public func encoded() -> [UInt8] {
        let out = ByteSink(capacity: 1 << 12)
        write(into: out, depth: 0)
        out.append(0x0A)
        return out.bytes
    }

    /// Prints the pretty-printed text and a newline on standard output, as `print` would, without
    /// making a String of it first (the board's JSON can run to megabytes).
    public func printOut() {
        let out = ByteSink(capacity: 1 << 16)
        write(into: out, depth: 0)
        out.append(0x0A)
        // Anything printed earlier through stdio goes first.
        fflush(nil)
        out.write(to: 1)
    }

    /// Prints a JSON array whose items `produce` hands over one at a time, written out as they come, in
    /// the same form as `JSON.array(items).printOut()`.
    public static func printArray(
        _ produce: (_ item: (JSON) -> Void) throws(DisclosureError) -> Void
    ) throws(DisclosureError) {
        let out = ByteSink(capacity: 1 << 16)
        fflush(nil)
        try writeArray(into: out, flushingAt: 1 << 15, produce)
        out.flush(to: 1)
    }

    /// The bytes of a JSON array whose items `produce` hands over one at a time, in the same form as
    /// `JSON.array(items).encoded()`, without an array of the items in between (a server's board).
    public static func encodeArray(
        _ produce: (_ item: (JSON) -> Void) throws(DisclosureError) -> Void
    ) throws(DisclosureError) -> [UInt8] {
        let out = ByteSink(capacity: 1 << 16)
        try writeArray(into: out, flushingAt: nil, produce)
        return out.bytes
    }

    /// Writes the array and a newline; with `flushingAt`, to standard output whenever that much is held.
    private static func writeArray(
        into out: ByteSink, flushingAt threshold: Int?,
        _ produce: (_ item: (JSON) -> Void) throws(DisclosureError) -> Void
    ) throws(DisclosureError) {
        var count = 0
        out.append(UInt8(ascii: "["))
        try produce { item in
            member(count, out, depth: 0)
            count += 1
            item.write(into: out, depth: 1)
            if let threshold, out.count >= threshold { out.flush(to: 1) }
        }
        close(UInt8(ascii: "]"), members: count, out, depth: 0)
        out.append(0x0A)
    }

    /// Spaces for indentation.
    private static let spaces: StaticString = "                                                                "

    private static func newline(_ out: ByteSink, _ depth: Int) {
        out.append(0x0A)
        var n = 2 * depth
        while n > 0 {
            let k = min(n, spaces.utf8CodeUnitCount)
            out.append(UnsafeRawBufferPointer(start: spaces.utf8Start, count: k))
            n -= k
        }
    }

    /// Starts the `index`-th member of a container at `depth`: a comma after the one before, a new line.
    private static func member(_ index: Int, _ out: ByteSink, depth: Int) {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        newline(out, depth + 1)
    }

    /// Ends a container at `depth`: on its own line after members, straight after the opening when empty.
    private static func close(_ bracket: UInt8, members: Int, _ out: ByteSink, depth: Int) {
        if members > 0 { newline(out, depth) }
        out.append(bracket)
    }

    private static func literal(_ s: StaticString, _ out: ByteSink) {
        out.append(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Appends the value, pretty-printed with two spaces per level from `depth`.
    public func write(into out: ByteSink, depth: Int) {
        switch self {
        case .null: JSON.literal("null", out)
        case .bool(let b): JSON.literal(b ? "true" : "false", out)
        case .int(let n): out.append(decimal: n)
        case .string(let s): JSON.quote(s, into: out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                JSON.member(i, out, depth: depth)
                item.write(into: out, depth: depth + 1)
            }
            JSON.close(UInt8(ascii: "]"), members: items.count, out, depth: depth)
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (i, field) in fields.enumerated() {
                JSON.member(i, out, depth: depth)
                JSON.quote(field.0, into: out)
                out.append(UInt8(ascii: ":"))
                out.append(UInt8(ascii: " "))
                field.1.write(into: out, depth: depth + 1)
            }
            JSON.close(UInt8(ascii: "}"), members: fields.count, out, depth: depth)
        }
    }

    /// The value on one line, with no spaces (a log line).
    public func compactEncoded() -> [UInt8] {
        let out = ByteSink(capacity: 256)
        writeCompact(into: out)
        return out.bytes
    }

    private func writeCompact(into out: ByteSink) {
        switch self {
        case .null, .bool, .int, .string: write(into: out, depth: 0)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.writeCompact(into: out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (i, field) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.quote(field.0, into: out)
                out.append(UInt8(ascii: ":"))
                field.1.writeCompact(into: out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `s` as a JSON string literal, escaping on UTF-8 bytes and copying clean runs whole.
    public static func quote(_ s: String, into out: ByteSink) {
        out.append(0x22)
        var s = s
        s.withUTF8 { buf in
            guard let base = buf.baseAddress else { return }
            var start = 0
            for i in 0..<buf.count {
                let b = base[i]
                if b >= 0x20 && b != 0x22 && b != 0x5C { continue }
                out.append(UnsafeRawBufferPointer(start: base + start, count: i - start))
                out.append(0x5C)
                switch b {
                case 0x22, 0x5C: out.append(b)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    let hex = UInt8(ascii: "0")
                    let alpha = UInt8(ascii: "a") - 10
                    let hi = b >> 4
                    let lo = b & 0xF
                    out.append(UInt8(ascii: "u"))
                    out.append(hex)
                    out.append(hex)
                    out.append(hi < 10 ? hex + hi : alpha + hi)
                    out.append(lo < 10 ? hex + lo : alpha + lo)
                }
                start = i + 1
            }
            out.append(UnsafeRawBufferPointer(start: base + start, count: buf.count - start))
        }
        out.append(0x22)
    }
}

/// A growing byte buffer for output: appends without the uniqueness and capacity checks of an Array
/// on every byte, which dominated printing the board.
public final class ByteSink {
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    public private(set) var count = 0

    public init(capacity: Int) {
        self.capacity = max(capacity, 16)
        buffer = .allocate(capacity: self.capacity)
    }

    deinit { buffer.deallocate() }

    private func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        var newCapacity = capacity * 2
        while newCapacity < count + extra { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: buffer, count: count)
        buffer.deallocate()
        buffer = bigger
        capacity = newCapacity
    }

    @inline(__always)
    public func append(_ b: UInt8) {
        if count == capacity { reserve(1) }
        buffer[count] = b
        count += 1
    }

    public func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (buffer + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
    }

    /// `n` in decimal.
    public func append(decimal n: Int) {
        var text = String(n)
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// A copy of what was written.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: buffer, count: count)) }

    /// Writes everything to a file descriptor.
    public func write(to fd: Int32) {
        writeAll(fd, UnsafeRawBufferPointer(start: buffer, count: count))
    }

    /// Writes everything to a file descriptor and empties the buffer.
    public func flush(to fd: Int32) {
        write(to: fd)
        count = 0
    }
}

/// Writes all of `bytes` to `fd`, retrying short writes: `write(2)` directly, because Foundation's
/// FileHandle traps on an error such as a full disk.
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress else { return }
    var done = 0
    while done < bytes.count {
        let n = write(fd, base + done, bytes.count - done)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        done += n
    }
}

extension JSON {
    /// Reads JSON text with object members kept in order (a server's answer, read by the CLI), or nil
    /// when it is not JSON this program writes (no fractions: every number here is whole).
    public static func parse(_ bytes: [UInt8]) -> JSON? {
        var p = JSONReader(bytes: bytes)
        guard let v = p.value() else { return nil }
        p.skipSpace()
        return p.i == bytes.count ? v : nil
    }

    /// The member `name` of an object.
    public subscript(name: String) -> JSON? {
        guard case .object(let fields) = self else { return nil }
        return fields.first(where: { $0.0 == name })?.1
    }

    /// The text of a string value.
    public var text: String? {
        guard case .string(let s) = self else { return nil }
        return s
    }
}

private struct JSONReader {
    let bytes: [UInt8]
    var i = 0
    var depth = 0

    mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
    }

    mutating func literal(_ word: String, _ v: JSON) -> JSON? {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { return nil }
        i += w.count
        return v
    }

    mutating func value() -> JSON? {
        skipSpace()
        guard i < bytes.count, depth < 200 else { return nil }
        switch bytes[i] {
        case UInt8(ascii: "n"): return literal("null", .null)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "\""): return string().map(JSON.string)
        case UInt8(ascii: "["):
            i += 1
            depth += 1
            defer { depth -= 1 }
            var items: [JSON] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                i += 1
                return .array(items)
            }
            while true {
                guard let v = value() else { return nil }
                items.append(v)
                skipSpace()
                guard i < bytes.count else { return nil }
                i += 1
                if bytes[i - 1] == UInt8(ascii: "]") { return .array(items) }
                guard bytes[i - 1] == UInt8(ascii: ",") else { return nil }
            }
        case UInt8(ascii: "{"):
            i += 1
            depth += 1
            defer { depth -= 1 }
            var fields: [(String, JSON)] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                i += 1
                return .object(fields)
            }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), let k = string() else { return nil }
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                guard let v = value() else { return nil }
                fields.append((k, v))
                skipSpace()
                guard i < bytes.count else { return nil }
                i += 1
                if bytes[i - 1] == UInt8(ascii: "}") { return .object(fields) }
                guard bytes[i - 1] == UInt8(ascii: ",") else { return nil }
            }
        default:
            let start = i
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            return Int(String(decoding: bytes[start..<i], as: UTF8.self)).map(JSON.int)
        }
    }

    mutating func hex4() -> UInt32? {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16)
        else { return nil }
        i += 4
        return v
    }

    mutating func string() -> String? {
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            switch b {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard i < bytes.count else { return nil }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard var code = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(code) {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u")
                        else { return nil }
                        i += 2
                        guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { return nil }
                    out += Array(String(Character(scalar)).utf8)
                default: out.append(e)
                }
            default:
                guard b >= 0x20 else { return nil }
                out.append(b)
            }
        }
        return nil
    }
}
