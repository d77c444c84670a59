import DisclosureCore
import Foundation

/// A JSON value with object keys kept in the order written, so output reads naturally.
enum JSON {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    static func str(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
    static func date(_ d: CivilDate?) -> JSON { d.map { .string($0.description) } ?? .null }

    /// Pretty-printed text with two-space indentation.
    func render() -> String {
        // One byte buffer for the whole document: the board can print thousands of cases, and
        // joining nested strings cost more than the query behind it.
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(into: &out, depth: 0)
        return String(decoding: out, as: UTF8.self)
    }

    private static func newline(_ out: inout [UInt8], _ depth: Int) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: 2 * depth))
    }

    private func write(into out: inout [UInt8], depth: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .int(n): out.append(contentsOf: String(n).utf8)
        case let .string(s): JSON.quote(s, into: &out)
        case let .array(items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.newline(&out, depth + 1)
                item.write(into: &out, depth: depth + 1)
            }
            JSON.newline(&out, depth)
            out.append(UInt8(ascii: "]"))
        case let .object(fields):
            if fields.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (i, field) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.newline(&out, depth + 1)
                JSON.quote(field.0, into: &out)
                out.append(contentsOf: ": ".utf8)
                field.1.write(into: &out, depth: depth + 1)
            }
            JSON.newline(&out, depth)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `s` as a JSON string literal, escaping on UTF-8 bytes and copying clean runs whole.
    static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { buf in
            var start = 0
            for i in 0..<buf.count {
                let b = buf[i]
                if b >= 0x20 && b != 0x22 && b != 0x5C { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i]))
                out.append(0x5C)
                switch b {
                case 0x22, 0x5C: out.append(b)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    let hex = UInt8(ascii: "0"), alpha = UInt8(ascii: "a") - 10
                    let hi = b >> 4, lo = b & 0xF
                    out.append(UInt8(ascii: "u"))
                    out.append(hex)
                    out.append(hex)
                    out.append(hi < 10 ? hex + hi : alpha + hi)
                    out.append(lo < 10 ? hex + lo : alpha + lo)
                }
                start = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start...]))
        }
        out.append(0x22)
    }
}

/// Terminal columns a string takes: CJK and full-width characters take two.
func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { w, u in
        let v = u.value
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
        return w + (wide ? 2 : (v < 0x20 ? 0 : 1))
    }
}

/// Cuts `s` to at most `width` columns, marking the cut with an ellipsis.
func truncate(_ s: String, width: Int) -> String {
    let flat = s.replacingOccurrences(of: "\n", with: " ")
    if displayWidth(flat) <= width { return flat }
    var out = ""
    var w = 0
    for ch in flat {
        let cw = displayWidth(String(ch))
        if w + cw > width - 1 { break }
        out.append(ch)
        w += cw
    }
    return out + "…"
}

/// Lays rows out in columns aligned by display width.
func table(_ header: [String], _ rows: [[String]]) -> String {
    let all = [header] + rows
    var widths = [Int](repeating: 0, count: header.count)
    for r in all { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(c)) } }
    return all.map { r in
        var line = r.enumerated().map { i, c in
            i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - displayWidth(c))
        }.joined(separator: "  ")
        while line.last == " " { line.removeLast() }
        return line
    }.joined(separator: "\n")
}

/// Writes to standard error.
func printError(_ s: String) { writeStandardError(s + "\n") }

/// Writes raw text to standard error. write(2), not FileHandle: FileHandle traps when the write fails
/// (standard error on a full disk), and the error being reported must not become a crash.
func writeStandardError(_ s: String) {
    var s = s
    s.withUTF8 { buf in
        guard let base = buf.baseAddress else { return }
        var done = 0
        while done < buf.count {
            let n = write(2, base + done, buf.count - done)
            if n <= 0 { return }
            done += n
        }
    }
}
