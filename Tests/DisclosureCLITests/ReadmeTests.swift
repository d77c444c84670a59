import Foundation
import Testing

/// One `$ command` of a console block in README.md and the output printed under it.
struct ReadmeExample {
    let line: Int
    let command: String
    var expected: [String]
}

/// Splits a command line as a POSIX shell would for the plain quoting the README uses.
func shellWords(_ s: String) -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var quote: Character?
    for ch in s {
        if let q = quote {
            if ch == q { quote = nil } else { current.append(ch) }
        } else if ch == "\"" || ch == "'" {
            quote = ch
            inWord = true
        } else if ch == " " {
            if inWord { words.append(current); current = ""; inWord = false }
        } else {
            current.append(ch)
            inWord = true
        }
    }
    if inWord { words.append(current) }
    return words
}

/// The console blocks of the README, in order.
func readmeExamples(_ text: String) -> [ReadmeExample] {
    var examples: [ReadmeExample] = []
    var inConsole = false
    for (i, line) in text.components(separatedBy: "\n").enumerated() {
        if line == "```console" { inConsole = true; continue }
        if inConsole && line == "```" { inConsole = false; continue }
        guard inConsole else { continue }
        if line.hasPrefix("$ ") {
            examples.append(ReadmeExample(line: i + 1, command: String(line.dropFirst(2)), expected: []))
        } else if !examples.isEmpty {
            examples[examples.count - 1].expected.append(line)
        }
    }
    return examples
}

/// Recorded times differ on every run; everything else must be exactly as printed.
func normalised(_ lines: [String]) -> [String] {
    lines.map { line in
        var l = line.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d"#, with: "<time>", options: .regularExpression)
        while l.last == " " { l.removeLast() }
        return l
    }
}

@Suite("README")
struct ReadmeTests {
    @Test("every example in README.md runs and prints exactly what is shown")
    func examplesRunAsPrinted() throws {
        let readmeURL = packageRoot.appendingPathComponent("README.md")
        let text = try String(contentsOf: readmeURL, encoding: .utf8)
        let examples = readmeExamples(text)
        #expect(examples.count > 30)
        let office = Office()
        // The examples run where a newcomer runs them: beside the repository's forms/.
        try FileManager.default.createSymbolicLink(at: office.dir.appendingPathComponent("forms"),
                                                   withDestinationURL: packageRoot.appendingPathComponent("forms"))
        var env: [String: String] = [:]
        var outputs: [Int: [String]] = [:]
        for ex in examples {
            let words = shellWords(ex.command)
            if words.first == "export" {
                for assignment in words.dropFirst() {
                    let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                    if parts.count == 2 { env[parts[0]] = parts[1] }
                }
                continue
            }
            // `echo TEXT | …` feeds standard input; `faketime 'DATE TIME' disclosure …` runs on that day.
            var rest = words[...]
            var input: String?
            if rest.first == "echo", let bar = rest.firstIndex(of: "|") {
                input = rest[rest.index(after: rest.startIndex)..<bar].joined(separator: " ") + "\n"
                rest = rest[rest.index(after: bar)...]
            }
            var prefix: [String] = []
            if rest.first == "faketime", rest.count > 2 {
                prefix = [faketime, rest[rest.index(after: rest.startIndex)]]
                rest = rest.dropFirst(2)
            }
            guard rest.first == "disclosure" else { continue }
            let merged = office.environment.merging(env) { $1 }.merging(["DISCLOSURE_LANG": "zh"]) { a, _ in a }
            let r = prefix.isEmpty
                ? try office.launch(Array(rest.dropFirst()), env: merged, input: input)
                : try office.launch(Array(prefix.dropFirst()) + [binary] + Array(rest.dropFirst()), env: merged, input: input,
                                    executable: faketime)
            var actual = (r.stdout + r.stderr).components(separatedBy: "\n")
            if actual.last == "" { actual.removeLast() }
            outputs[ex.line] = actual
            #expect(normalised(actual) == normalised(ex.expected), "README.md:\(ex.line): \(ex.command)")
        }
        // `README_REGENERATE=1 swift test --filter examplesRunAsPrinted` rewrites the outputs after a deliberate change.
        if ProcessInfo.processInfo.environment["README_REGENERATE"] == "1" {
            var lines = text.components(separatedBy: "\n")
            for ex in examples.reversed() {
                guard let out = outputs[ex.line] else { continue }
                lines.replaceSubrange(ex.line..<(ex.line + ex.expected.count), with: out)
            }
            try lines.joined(separator: "\n").write(to: readmeURL, atomically: true, encoding: .utf8)
        }
    }
}
