import DisclosureCore

#if canImport(Glibc)
    import Glibc
#endif

/// The SHA-256 of a file's bytes, read in pieces (a case file may be larger than memory allows).
func fileDigest(path: String) throws(DisclosureError) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
        throw DisclosureError(
            .io, field: "FILE", zh: "无法读取 \(path)：\(String(cString: strerror(errno)))",
            en: "cannot read \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    var h = SHA256()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n >= 0 else {
            throw DisclosureError(.io, field: "FILE", zh: "读取 \(path) 出错", en: "error reading \(path)")
        }
        if n == 0 { break }
        h.update(Array(buffer[0..<n]))
    }
    return SHA256.hexString(h.finalize())
}
