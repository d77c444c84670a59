import DisclosureApp
import DisclosureCore
import DisclosureFiles
import Foundation

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
    try writeOutputFile(bytes, to: path, force: force, protecting: desk.databaseFiles)
}

/// A document for the user (a letter, a report): to `out` as `writeOutput` writes (never over the
/// database of `desk`, when the command opened one), saying so in `wrote`, or to standard output.
func emitDocument(_ bytes: [UInt8], to out: String?, force: Bool, desk: Desk?, wrote: Text, _ lang: Language) throws {
    guard let out else {
        bytes.withUnsafeBytes { writeAll(1, $0) }
        return
    }
    try writeOutputFile(bytes, to: out, force: force, protecting: desk?.databaseFiles ?? [])
    printError(wrote(lang))
}

/// Writes a file for the user as `writeOutput` does, never over the files in `protecting`.
func writeOutputFile(_ bytes: [UInt8], to path: String, force: Bool, protecting: [String]) throws(DisclosureError) {
    let file = try OutputFile(path: path, force: force, protecting: protecting)
    try file.write(bytes)
    try file.commit()
}
