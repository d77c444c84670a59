import Foundation
import Testing

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The built `disclosure` binary: $DISCLOSURE_BIN (set by `make test`), else the debug build.
let binary: String = {
    if let b = ProcessInfo.processInfo.environment["DISCLOSURE_BIN"], !b.isEmpty { return b }
    return packageRoot.appendingPathComponent(".build/debug/disclosure").path
}()

struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
}

/// A scratch office: its own folder and database, and a way to run the CLI against it.
final class Office: Sendable {
    let dir: URL
    let db: String
    let environment: [String: String]

    init(language: String = "zh") {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("disclosure-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        db = dir.appendingPathComponent("office.db").path
        var env = ProcessInfo.processInfo.environment
        env["DISCLOSURE_DB"] = db
        env["DISCLOSURE_LANG"] = language
        env["DISCLOSURE_ACTOR"] = "王科员"
        environment = env
    }

    /// Runs `disclosure ARGS…` and waits for it.
    @discardableResult
    func run(_ args: [String], env extra: [String: String] = [:], executable: String = binary) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.environment = environment.merging(extra) { $1 }
        p.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read before waiting so that a large output cannot block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @discardableResult
    func run(_ args: String...) throws -> Result { try run(args) }

    /// Runs a command that must succeed, recording its stderr if it does not.
    @discardableResult
    func ok(_ args: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        try ok(args, sourceLocation: sourceLocation)
    }

    @discardableResult
    func ok(_ args: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let r = try run(args)
        #expect(r.status == 0, "\(args.joined(separator: " ")) failed: \(r.stderr)", sourceLocation: sourceLocation)
        return r
    }

    static func initialised(language: String = "zh") throws -> Office {
        let o = Office(language: language)
        let r = try o.run("init", "--agency", "测试市人民政府办公室", "--code", "TEST")
        #expect(r.status == 0, "init failed: \(r.stderr)")
        return o
    }

    /// Registers an application and returns its case number.
    func register(_ received: String, applicant: String = "张三", request: String = "某项目环评批复",
                  asOf: String = "2026-12-31") throws -> String {
        let r = try run("register", "--received", received, "--channel", "online", "--applicant", applicant,
                        "--applicant-type", "person", "--request", request, "--as-of", asOf, "--json")
        #expect(r.status == 0, "register failed: \(r.stderr)")
        return r.object["number"] as? String ?? "?"
    }

    func caseCount() throws -> Int { try run("list", "--json").array.count }

    /// Drafts, approves (by someone else) and issues a reply of `outcome` on `day`.
    func reply(_ n: String, _ outcome: String, on day: String, basis: String = "依据条例", asOf: String = "2027-06-30",
               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let a = ["--as-of", asOf]
        try ok(["reply", "draft", n, "--outcome", outcome, "--basis", basis, "--on", day] + a, sourceLocation: sourceLocation)
        try ok(["reply", "review", n, "--approve", "--actor", "李主任", "--on", day] + a, sourceLocation: sourceLocation)
        try ok(["reply", "issue", n, "--on", day] + a, sourceLocation: sourceLocation)
    }
}

/// Runs another program (xmllint, sqlite3, chromium, …) to completion: its exit status and what it
/// printed on standard output, trimmed. HOME is the working folder, so nothing lands in the real one.
@discardableResult
func tool(_ path: String, _ args: [String], in dir: URL? = nil) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    if let dir {
        p.currentDirectoryURL = dir
        p.environment = ProcessInfo.processInfo.environment.merging(["HOME": dir.path]) { $1 }
    }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}

/// Whether xmllint accepts `file` against `schema` of forms/.
func xmllint(_ file: String, schema: String = "case-file.xsd") throws -> Int32 {
    try tool("/usr/bin/xmllint", ["--noout", "--schema", packageRoot.appendingPathComponent("forms/\(schema)").path, file]).status
}
