import Crypto
import DisclosureCore
import DisclosureFiles
import DisclosureStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A signed statement of where the office's two hash chains stood at a moment: anyone holding the
/// office's public key can later tell whether the record before it was rewritten, cut or rolled back.
public struct Checkpoint: Sendable, Hashable {
    public static let magic = "DISCLOSURE-CHECKPOINT"
    public let office: String
    public let instance: String
    public let at: String
    public let head: ChainHead
    public let publicKey: [UInt8]
    public let signature: [UInt8]

    /// The fingerprint of the key that signed it.
    public var fingerprint: String { CheckpointKey.fingerprint(publicKey) }

    /// Everything the signature covers, in one line.
    var signedText: String {
        "\(Checkpoint.magic) v1 office=\(office) instance=\(instance) at=\(at) events=\(head.events) "
            + "events-head=\(head.eventsHash) journal=\(head.journal) journal-head=\(head.journalHash) "
            + "key=\(fingerprint) pub=\(Data(publicKey).base64EncodedString())"
    }

    /// The line to keep, print in the annual report or send to the superior body.
    public var line: String { signedText + " sig=" + Data(signature).base64EncodedString() }

    /// Whether `signature` is this key's signature over the line.
    public var isSigned: Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: Data(signedText.utf8))
    }

    /// Reads the first checkpoint line of a text (a checkpoint file, or a letter that quotes one).
    public static func parse(_ text: String, field: String) throws(DisclosureError) -> Checkpoint {
        guard let line = text.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix(magic + " v1 ") }) else {
            throw DisclosureError(
                .invalidValue, field: field, zh: "其中没有审计锚点行（以“\(magic) v1”开头）",
                en: "it holds no checkpoint line (one starting “\(magic) v1”)")
        }
        var fields: [String: String] = [:]
        for part in line.split(separator: " ").dropFirst(2) {
            guard let eq = part.firstIndex(of: "=") else { continue }
            fields[String(part[..<eq])] = String(part[part.index(after: eq)...])
        }
        func need(_ k: String) throws(DisclosureError) -> String {
            guard let v = fields[k], !v.isEmpty else {
                throw DisclosureError(
                    .invalidValue, field: field, zh: "审计锚点行缺少“\(k)”", en: "the checkpoint line lacks “\(k)”")
            }
            return v
        }
        guard let events = Int(try need("events")), let journal = Int(try need("journal")),
            let pub = Data(base64Encoded: try need("pub")), let sig = Data(base64Encoded: try need("sig"))
        else {
            throw DisclosureError(
                .invalidValue, field: field, zh: "审计锚点行格式有误", en: "the checkpoint line is malformed")
        }
        return Checkpoint(
            office: try need("office"), instance: try need("instance"), at: try need("at"),
            head: ChainHead(
                events: events, eventsHash: try need("events-head"), journal: journal,
                journalHash: try need("journal-head")),
            publicKey: [UInt8](pub), signature: [UInt8](sig))
    }
}

/// The statement a restore signs: the office, the moment, the file, the reason and both databases' chains.
func restoreStatement(office: String, instance: String, at: String, file: String, reason: String,
                      replaced: ChainHead, backup: ChainHead) -> String {
    "DISCLOSURE-RESTORE v1 office=\(office) instance=\(instance) at=\(at) file=\(file) "
        + "reason=\(SHA256.hex(utf8: reason)) replaced=\(replaced.events):\(replaced.eventsHash):\(replaced.journal):"
        + "\(replaced.journalHash) backup=\(backup.events):\(backup.eventsHash):\(backup.journal):\(backup.journalHash)"
}

/// The office's checkpoint key: an Ed25519 key in a file the head keeps, never in the database.
public struct CheckpointKey: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey
    public var publicKey: [UInt8] { [UInt8](privateKey.publicKey.rawRepresentation) }
    public var fingerprint: String { CheckpointKey.fingerprint(publicKey) }

    static let header = "disclosure-checkpoint-key v1"

    /// `ed25519:` and the first 128 bits of the public key's SHA-256, in hex: short enough to read out.
    public static func fingerprint(_ publicKey: [UInt8]) -> String {
        "ed25519:" + String(SHA256.hex(publicKey).prefix(32))
    }

    /// Makes a new key at `path` (mode 0600, never over an existing file) and its `.pub` beside it.
    public static func create(at path: String) throws(DisclosureError) -> CheckpointKey {
        let key = CheckpointKey(privateKey: Curve25519.Signing.PrivateKey())
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw DisclosureError(
                    .io, field: "key", zh: "无法创建目录 \(folder)", en: "cannot create the folder \(folder)")
            }
        }
        let file = try OutputFile(path: path, force: false)
        try file.write(
            "\(header)\nprivate \(Data(key.privateKey.rawRepresentation).base64EncodedString())\n"
                + "public \(Data(key.publicKey).base64EncodedString())\n")
        try file.commit()
        let pub = try OutputFile(path: path + ".pub", force: false)
        try pub.write("ed25519 \(Data(key.publicKey).base64EncodedString()) \(key.fingerprint)\n")
        try pub.commit()
        return key
    }

    /// Reads a key file; refuses one that others could read (it signs for the office).
    public static func load(from path: String) throws(DisclosureError) -> CheckpointKey {
        // Non-blocking, so that a FIFO planted in its place cannot hang the program; then a regular file only.
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw DisclosureError(
                .io, field: "key", zh: "无法读取密钥文件 \(path)：\(String(cString: strerror(errno)))",
                en: "cannot read the key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_mode & 0o077 == 0, st.st_uid == getuid() else {
            throw DisclosureError(
                .ruleViolation, field: "key", zh: "密钥文件 \(path) 须为本人所有且仅本人可读写（chmod 600）",
                en: "the key file \(path) must be yours and readable by you alone (chmod 600)")
        }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let n = read(fd, &bytes, bytes.count)
        let text = n > 0 ? String(decoding: bytes[0..<n], as: UTF8.self) : ""
        guard text.hasPrefix(header),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("private ") }),
            let raw = Data(base64Encoded: String(line.dropFirst("private ".count))),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw DisclosureError(
                .invalidValue, field: "key", zh: "\(path) 不是本程序的审计密钥文件",
                en: "\(path) is not a Disclosure checkpoint key file")
        }
        return CheckpointKey(privateKey: key)
    }

    func sign(_ text: String) throws(DisclosureError) -> [UInt8] {
        do {
            return [UInt8](try privateKey.signature(for: Data(text.utf8)))
        } catch {
            throw DisclosureError(.storage, zh: "签名失败：\(error)", en: "signing failed: \(error)")
        }
    }
}

/// What the verifier trusts: a public key (from a `.pub` or key file, or base64), or only its fingerprint.
public enum TrustedKey: Sendable {
    case key([UInt8])
    case fingerprint(String)

    /// Reads `spec`: a file holding the public key, the key itself in base64, or a fingerprint.
    public static func parse(_ spec: String) throws(DisclosureError) -> TrustedKey {
        if spec.hasPrefix("ed25519:") && !spec.contains("/") { return .fingerprint(spec.lowercased()) }
        if let raw = Data(base64Encoded: spec), raw.count == 32 { return .key([UInt8](raw)) }
        guard let data = FileManager.default.contents(atPath: spec), let text = String(data: data, encoding: .utf8)
        else {
            throw DisclosureError(
                .invalidValue, field: "public-key",
                zh: "须为公钥文件、base64公钥或指纹（ed25519:…）",
                en: "must be a public key file, a base64 key or a fingerprint (ed25519:…)")
        }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count >= 2, parts[0] == "ed25519" || parts[0] == "public",
                let raw = Data(base64Encoded: String(parts[1])), raw.count == 32
            {
                return .key([UInt8](raw))
            }
        }
        throw DisclosureError(
            .invalidValue, field: "public-key", zh: "\(spec) 中没有公钥", en: "\(spec) holds no public key")
    }

    func trusts(_ publicKey: [UInt8]) -> Bool {
        switch self {
        case .key(let k): k == publicKey
        case .fingerprint(let f): CheckpointKey.fingerprint(publicKey) == f
        }
    }
}

/// What one checkpoint says about the database now.
public struct CheckpointFinding: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// The record up to the checkpoint is as it was signed.
        case intact
        /// The database went back before the checkpoint through a restore on record.
        case recordedRestore(RestoreRecord)
        /// Not signed by the trusted key, or for another database.
        case untrusted(Text)
        /// The record before the checkpoint was rewritten, cut or silently rolled back.
        case broken(Text)
    }
    public let file: String
    public let checkpoint: Checkpoint?
    public let verdict: Verdict
    public var ok: Bool {
        switch verdict {
        case .intact, .recordedRestore: true
        case .untrusted, .broken: false
        }
    }
}

extension Desk {
    /// Signs the chains' heads with the office key, after a full verify (a broken record is never signed),
    /// and keeps the line in the journal. Returns the checkpoint; the caller saves and prints it.
    public func createCheckpoint(key: CheckpointKey) throws(DisclosureError) -> Checkpoint {
        let account = try signedIn(.checkpoint)
        let report = try store.verifyAudit()
        if let first = report.firstBreak {
            throw DisclosureError(
                .ruleViolation, field: "database",
                zh: "审计未通过，不能签署锚点：\(first.zh)", en: "the audit fails, so no checkpoint is signed: \(first.en)")
        }
        let unsigned = Checkpoint(
            office: store.office.code, instance: try store.instanceID(), at: clock.now().stamp, head: report.head,
            publicKey: key.publicKey, signature: [])
        let signed = Checkpoint(
            office: unsigned.office, instance: unsigned.instance, at: unsigned.at, head: unsigned.head,
            publicKey: unsigned.publicKey, signature: try key.sign(unsigned.signedText))
        try store.recordCheckpoint(line: signed.line, actor: ref(account), now: clock.now().stamp)
        return signed
    }

    /// Checks every checkpoint file against the database with the key the caller trusts.
    public func verify(
        checkpoints files: [String], trusting key: TrustedKey
    ) throws(DisclosureError)
        -> (AuditReport, [CheckpointFinding])
    {
        var parsed: [(String, Checkpoint?, Text?)] = []
        for f in files {
            // A file that is not there is a mistake in the command, not a verdict on the record.
            guard let data = FileManager.default.contents(atPath: f) else {
                throw DisclosureError(
                    .io, field: "--checkpoint", zh: "无法读取锚点文件 \(f)（路径是否正确？默认保存在 "
                        + "$XDG_CONFIG_HOME/disclosure/checkpoints/）",
                    en: "cannot read the checkpoint file \(f) (is the path right? they are saved in "
                        + "$XDG_CONFIG_HOME/disclosure/checkpoints/ by default)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                parsed.append((f, nil, Text(zh: "\(f) 不是锚点文件", en: "\(f) is not a checkpoint file")))
                continue
            }
            do {
                parsed.append((f, try Checkpoint.parse(text, field: f), nil))
            } catch {
                parsed.append((f, nil, Text(zh: error.render(.zh), en: error.render(.en))))
            }
        }
        let cps = parsed.compactMap(\.1)
        let report = try store.verifyAudit(
            eventPositions: Set(cps.map(\.head.events)), journalPositions: Set(cps.map(\.head.journal)))
        let instance = try store.instanceID()
        var findings: [CheckpointFinding] = []
        for (file, cp, problem) in parsed {
            guard let cp else {
                findings.append(
                    CheckpointFinding(file: file, checkpoint: nil, verdict: .untrusted(problem ?? Text(zh: "", en: "")))
                )
                continue
            }
            findings.append(CheckpointFinding(file: file, checkpoint: cp, verdict: judge(cp, report, instance, key)))
        }
        return (report, findings)
    }

    private func judge(
        _ cp: Checkpoint, _ report: AuditReport, _ instance: String, _ key: TrustedKey
    )
        -> CheckpointFinding.Verdict
    {
        guard key.trusts(cp.publicKey) else {
            return .untrusted(
                Text(
                    zh: "锚点由另一把密钥（\(cp.fingerprint)）签署，不是所信任的机关密钥",
                    en: "signed by another key (\(cp.fingerprint)), not the office key trusted"))
        }
        guard cp.isSigned else {
            return .untrusted(Text(zh: "签名无效：锚点行被改动", en: "the signature is invalid: the line was altered"))
        }
        guard cp.office == store.office.code, cp.instance == instance else {
            return .untrusted(
                Text(
                    zh: "锚点属于另一个数据库（\(cp.office)，\(cp.instance)）",
                    en: "the checkpoint is of another database (\(cp.office), \(cp.instance))"))
        }
        // An import joined after the checkpoint was signed cannot hold events from before it.
        if let forged = report.segmentRecords.first(where: {
            $0.journalEntry > cp.head.journal && $0.firstEvent <= cp.head.events
        }) {
            return .broken(
                Text(
                    zh: "机关日志第\(forged.journalEntry)条在锚点之后才记录导入，却声称第\(forged.firstEvent)条起的事件属于它（早于锚点）：记录被改写",
                    en: "journal entry \(forged.journalEntry), recorded after the checkpoint, claims events "
                        + "from \(forged.firstEvent) "
                        + "on, before it: the record was rewritten"))
        }
        let head = report.head
        let eventsOK = cp.head.events == 0 ? true : report.eventLinks[cp.head.events] == cp.head.eventsHash
        let journalOK = cp.head.journal == 0 ? true : report.journalLinks[cp.head.journal] == cp.head.journalHash
        if eventsOK && journalOK { return .intact }
        // Shorter than signed, or different at the signed position: a restore on record explains it
        // only when it replaced a database that had reached the checkpoint.
        // Only a restore signed with the office key (the head restores with it) is taken as one.
        if let restore = report.restores.last(where: {
            // It replaced a database that had reached the checkpoint and went back before it (one that went
            // back to a point after the checkpoint leaves it to be checked as it stands).
            $0.replaced.events >= cp.head.events && $0.replaced.journal >= cp.head.journal && $0.recordedAt >= cp.at
                && ($0.backup.events < cp.head.events || $0.backup.journal < cp.head.journal)
                && signedRestore($0, instance: instance, key: key)
        }) {
            return .recordedRestore(restore)
        }
        if head.events < cp.head.events || head.journal < cp.head.journal {
            return .broken(
                Text(
                    zh:
                        "签署时有\(cp.head.events)条事件、\(cp.head.journal)条日志，现只有\(head.events)条、\(head.journal)条："
                            + "记录被截断或回退，且无恢复记录",
                    en:
                        "signed at \(cp.head.events) events and \(cp.head.journal) journal entries, now "
                            + "\(head.events) and "
                        + "\(head.journal): the record was cut or rolled back, with no restore on record"))
        }
        return .broken(
            Text(
                zh: eventsOK
                    ? "机关日志第\(cp.head.journal)条的哈希与锚点不符：此前的日志被改写"
                    : "第\(cp.head.events)条事件的哈希与锚点不符：此前的记录被改写（哈希链被重算）",
                en: eventsOK
                    ? "journal entry \(cp.head.journal) does not hash as signed: the journal before it was rewritten"
                    : "event \(cp.head.events) does not hash as signed: the record before it was rewritten "
                        + "(the chain was recomputed)"))
    }

    /// Whether a restore record carries the trusted key's signature over what it says.
    private func signedRestore(_ r: RestoreRecord, instance: String, key: TrustedKey) -> Bool {
        guard let at = r.signedAt, let pub = r.publicKey.flatMap({ Data(base64Encoded: $0) }),
              let sig = r.signature.flatMap({ Data(base64Encoded: $0) }), key.trusts([UInt8](pub)),
              let verifier = try? Curve25519.Signing.PublicKey(rawRepresentation: pub)
        else { return false }
        let text = restoreStatement(
            office: store.office.code, instance: instance, at: at, file: r.file, reason: r.reason,
            replaced: r.replaced, backup: r.backup)
        return verifier.isValidSignature(sig, for: Data(text.utf8))
    }

    /// The newest checkpoint's time, for the board's reminder.
    public func lastCheckpoint() throws(DisclosureError) -> String? { try store.lastCheckpointTime() }
}
