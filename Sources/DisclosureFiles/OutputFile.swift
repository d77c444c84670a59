import DisclosureCore

#if canImport(Glibc)
    import Glibc
#endif

/// A file the program writes for the user (export, notice, extract, chart, checkpoint, backup).
///
/// It is made unnamed (`O_TMPFILE`, mode 0600) in the target's folder, so that a kill at any moment
/// leaves nothing behind and nothing half-written is ever visible; `commit` syncs it and links it
/// into place. An existing target is refused unless `force` is given, and a target that is one of
/// the `protecting` files (the open database, by device and inode) is always refused. A planted
/// symbolic link is never followed: with `force` the link itself is replaced.
public final class OutputFile {
    public let path: String
    public let force: Bool
    /// The descriptor to write to.
    public let descriptor: Int32
    /// Set when the folder does not support unnamed files: the visible temporary name, removed on failure.
    public private(set) var temporaryPath: String?
    private var committed = false

    /// `named` asks for a temporary file with a name (for SQLite, which opens files by path).
    public init(path: String, force: Bool, protecting: [String] = [], named: Bool = false) throws(DisclosureError) {
        self.path = path
        self.force = force
        try OutputFile.checkTarget(path, force: force, protecting: protecting)
        let dir = OutputFile.folder(of: path)
        var fd: Int32 = -1
        if !named {
            // O_TMPFILE is a macro built from two flags; the generic Linux values.
            fd = open(dir, 0o20_000_000 | O_DIRECTORY | O_WRONLY | O_CLOEXEC, 0o600)
        }
        if fd < 0 {
            var template = Array((dir + "/." + OutputFile.name(of: path) + ".part-XXXXXX").utf8CString)
            fd = template.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return -1 }
                return mkstemp(base)
            }
            guard fd >= 0 else { throw OutputFile.failure(path, errno) }
            temporaryPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
            fchmod(fd, 0o600)
        }
        descriptor = fd
    }

    deinit {
        close(descriptor)
        if !committed, let temporaryPath { unlink(temporaryPath) }
    }

    /// Appends bytes, all of them or an error.
    public func write(_ bytes: [UInt8]) throws(DisclosureError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputFile.failure(path, errno)
            }
            offset += n
        }
    }

    /// Appends text as UTF-8.
    public func write(_ text: String) throws(DisclosureError) { try write(Array(text.utf8)) }

    /// Syncs the bytes to disk and gives the file its name; after this the file is the user's.
    public func commit() throws(DisclosureError) {
        guard fsync(descriptor) == 0 else { throw OutputFile.failure(path, errno) }
        if let temporaryPath {
            if force {
                guard rename(temporaryPath, path) == 0 else { throw OutputFile.failure(path, errno) }
            } else {
                // link() refuses an existing name atomically, where a check and a rename could race.
                guard link(temporaryPath, path) == 0 else { throw OutputFile.failure(path, errno) }
                unlink(temporaryPath)
            }
        } else {
            let proc = "/proc/self/fd/\(descriptor)"
            if force {
                let staged =
                    OutputFile.folder(of: path) + "/." + OutputFile.name(of: path) + ".part-\(getpid())-\(descriptor)"
                guard linkat(AT_FDCWD, proc, AT_FDCWD, staged, AT_SYMLINK_FOLLOW) == 0 else {
                    throw OutputFile.failure(path, errno)
                }
                guard rename(staged, path) == 0 else {
                    let e = errno
                    unlink(staged)
                    throw OutputFile.failure(path, e)
                }
            } else {
                guard linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 else {
                    throw OutputFile.failure(path, errno)
                }
            }
        }
        committed = true
        // The new name must survive a power cut too.
        let dirfd = open(OutputFile.folder(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }

    /// Refuses a target that exists (unless `force`) or that is one of `protecting`.
    public static func checkTarget(_ path: String, force: Bool, protecting: [String]) throws(DisclosureError) {
        var target = stat()
        // Following links: a link that points at the database is refused as the database is.
        if stat(path, &target) == 0 {
            for p in protecting {
                var other = stat()
                if stat(p, &other) == 0 && other.st_dev == target.st_dev && other.st_ino == target.st_ino {
                    throw DisclosureError(
                        .invalidValue, field: "out", zh: "输出文件 \(path) 就是正在使用的数据库，不能覆盖",
                        en: "the output \(path) is the database in use; it is never overwritten")
                }
            }
        }
        var link = stat()
        if lstat(path, &link) == 0 {
            if (link.st_mode & S_IFMT) == S_IFDIR {
                throw DisclosureError(.invalidValue, field: "out", zh: "\(path) 是一个文件夹", en: "\(path) is a folder")
            }
            if !force {
                throw DisclosureError(
                    .invalidValue, field: "out", zh: "文件 \(path) 已存在；确需覆盖请加 --force",
                    en: "\(path) already exists; add --force to replace it")
            }
        }
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func failure(_ path: String, _ code: Int32) -> DisclosureError {
        let reason = String(cString: strerror(code))
        if code == EEXIST {
            return DisclosureError(
                .invalidValue, field: "out", zh: "文件 \(path) 已存在；确需覆盖请加 --force",
                en: "\(path) already exists; add --force to replace it")
        }
        // The system's reason in words of our own where it is a common one: Chinese mode prints no English.
        let zh: String
        switch code {
        case ENOENT, ENOTDIR: zh = "所在目录 \(folder(of: path)) 不存在"
        case EACCES, EPERM, EROFS: zh = "没有写入权限"
        case ENOSPC, EDQUOT: zh = "磁盘空间不足"
        case EISDIR: zh = "这是一个目录"
        default: zh = "系统错误 \(code)"
        }
        return DisclosureError(
            .io, field: "out", zh: "无法写入 \(path)：\(zh)", en: "cannot write \(path): \(reason)")
    }
}
