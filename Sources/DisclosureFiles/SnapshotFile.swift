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
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            throw DisclosureError(
                .io, field: "FILE", zh: "无法读取 \(source)：\(String(cString: strerror(errno)))",
                en: "cannot read \(source): \(String(cString: strerror(errno)))")
        }
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
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else {
                throw DisclosureError(.io, field: "FILE", zh: "读取 \(source) 出错", en: "error reading \(source)")
            }
            if n == 0 { break }
            h.update(buffer[0..<n])
            var written = 0
            while written < n {
                let w = buffer[written..<n].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else {
                    throw DisclosureError(
                        .io, field: "FILE", zh: "临时副本写入失败（磁盘已满？）", en: "cannot write the private copy (disk full?)")
                }
                written += w
            }
        }
        sha256 = SHA256.hexString(h.finalize())
    }

    deinit { close(descriptor) }
}
