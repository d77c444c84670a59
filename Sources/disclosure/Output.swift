import DisclosureApp
import DisclosureCore
import DisclosureFiles
import Foundation

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
    s.withUTF8 { writeAll(2, UnsafeRawBufferPointer($0)) }
}


/// Writes a file for the user: mode 0600, never over an existing file unless `force`, never over
/// the database, and never half-written (see `OutputFile`).
func writeOutput(_ bytes: [UInt8], to path: String, force: Bool, desk: Desk) throws(DisclosureError) {
    let file = try OutputFile(path: path, force: force, protecting: desk.databaseFiles)
    try file.write(bytes)
    try file.commit()
}
