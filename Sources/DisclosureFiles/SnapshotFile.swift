import DisclosureCore

#if canImport(Glibc)
import Glibc
#endif

/// A private copy of an input file, taken once with its SHA-256, so that what is recorded as read
/// (the digest) is what is then parsed, however often, even if the original is replaced meanwhile.
/// The copy has no name (`O_TMPFILE` in the temporary folder) and vanishes with the process.
public final class SnapshotFile {
    public let sha256: String
    private let descriptor: Int32

    /// A path that opens the copy (for libraries that read by path).
    public var path: String { "/proc/self/fd/\(descriptor)" }

    public init(copying source: String) throws(DisclosureError) {
        let input = try FileReading.open(source)
        defer { close(input) }
        var folder = "/tmp"
        if let t = getenv("TMPDIR"), t.pointee != 0 { folder = String(cString: t) }
        let fd = open(folder, 0o20_000_000 | O_DIRECTORY | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DisclosureError(
                .io, field: "FILE", zh: "无法在 \(folder) 建立临时副本：\(String(cString: strerror(errno)))",
                en: "cannot make a private copy in \(folder): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        var h = SHA256()
        try FileReading.pieces(of: input, named: source) { (piece: ArraySlice<UInt8>) throws(DisclosureError) in
            h.update(piece)
            var written = piece.startIndex
            while written < piece.endIndex {
                let w = piece[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else {
                    throw DisclosureError(
                        .io, field: "FILE", zh: "临时副本写入失败（磁盘已满？）",
                        en: "cannot write the private copy (disk full?)")
                }
                written += w
            }
        }
        sha256 = SHA256.hexString(h.finalize())
    }

    deinit { close(descriptor) }
}

/// Files read in pieces of 64 KiB: a case file or a backup may be larger than memory allows.
public enum FileReading {
    /// Opens `path` for reading, or says why it cannot.
    public static func open(_ path: String) throws(DisclosureError) -> Int32 {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw DisclosureError(
                .io, field: "FILE", zh: "无法读取 \(path)：\(String(cString: strerror(errno)))",
                en: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    /// Hands each piece read from `fd` (opened on `path`, named in errors) to `body`, to the end.
    public static func pieces(
        of fd: Int32, named path: String, _ body: (ArraySlice<UInt8>) throws(DisclosureError) -> Void
    ) throws(DisclosureError) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else {
                throw DisclosureError(.io, field: "FILE", zh: "读取 \(path) 出错", en: "error reading \(path)")
            }
            if n == 0 { return }
            try body(buffer[0..<n])
        }
    }

    /// The SHA-256 of a file's bytes.
    public static func sha256(path: String) throws(DisclosureError) -> String {
        let fd = try open(path)
        defer { close(fd) }
        var h = SHA256()
        try pieces(of: fd, named: path) { (piece: ArraySlice<UInt8>) throws(DisclosureError) in h.update(piece) }
        return SHA256.hexString(h.finalize())
    }
}
