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

/// Writes a file for the user as `writeOutput` does, never over the files in `protecting`.
func writeOutputFile(_ bytes: [UInt8], to path: String, force: Bool, protecting: [String]) throws(DisclosureError) {
    let file = try OutputFile(path: path, force: force, protecting: protecting)
    try file.write(bytes)
    try file.commit()
}
