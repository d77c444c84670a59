import Foundation

// Built normally, this replays inputs (the seed corpus in `make test`, a crash file when fixing one):
//     disclosure-fuzz TARGET FILE_OR_FOLDER...
// Built by `make fuzz` with -sanitize=fuzzer and -DFUZZING, it hands the same targets to libFuzzer:
//     disclosure-fuzz TARGET [libFuzzer options and corpus folders]

let arguments = CommandLine.arguments
// libFuzzer runs itself again for -merge, -fork and -jobs with its own options only; the target's
// name then comes from the environment, set by the first run.
let inherited = getenv("DISCLOSURE_FUZZ_TARGET").map { String(cString: $0) }
let namedHere = arguments.count >= 2 && fuzzTargets[arguments[1]] != nil
guard let targetName = namedHere ? arguments[1] : inherited, let target = fuzzTargets[targetName] else {
    FileHandle.standardError.write(Data("usage: disclosure-fuzz \(fuzzTargets.keys.sorted().joined(separator: "|")) [FILE_OR_FOLDER…]\n".utf8))
    exit(2)
}

#if FUZZING
/// libFuzzer's entry point for a program with its own main (`LLVMFuzzerRunDriver`, libFuzzer ≥ 11).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

nonisolated(unsafe) var selected: FuzzTarget = target
setenv("DISCLOSURE_FUZZ_TARGET", targetName, 1)
// libFuzzer sees the program name and the options after the target's name.
var argv: [UnsafeMutablePointer<CChar>?] = [strdup(arguments[0])] + arguments.dropFirst(namedHere ? 2 : 1).map { strdup($0) } + [nil]
var argc = Int32(argv.count - 1)
let status = argv.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var base = buffer.baseAddress
    return LLVMFuzzerRunDriver(&argc, &base) { data, size in
        selected(size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
}
exit(status)
#else
var files: [String] = []
for path in arguments.dropFirst(namedHere ? 2 : 1) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        FileHandle.standardError.write(Data("no such file: \(path)\n".utf8))
        exit(2)
    }
    if isDirectory.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        files += names.sorted().map { path + "/" + $0 }
    } else {
        files.append(path)
    }
}
for file in files {
    guard let data = FileManager.default.contents(atPath: file) else { continue }
    target(Array(data))
}
try? FileManager.default.removeItem(atPath: scratchPath)
print("replayed \(files.count) inputs through \(targetName)")
#endif
