import ArgumentParser
import DisclosureApp
import DisclosureCore
import DisclosureFiles
import DisclosureStore
import Foundation

/// The office's own folder of this user's settings: `$XDG_CONFIG_HOME/disclosure` (default `~/.config`).
func configFolder() -> String {
    let env = Environment.variables
    let base =
        env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
        ?? (homeFolder(env) as NSString).appendingPathComponent(".config")
    return (base as NSString).appendingPathComponent("disclosure")
}

/// The checkpoint key's default place for an office.
func defaultKeyPath(office code: String) -> String {
    (configFolder() as NSString).appendingPathComponent("checkpoint-\(code).key")
}

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "审计：校验记录、签署锚点、机关日志 / audit: verify the record, sign checkpoints, the journal",
        subcommands: [
            AuditVerify.self, AuditCheckpoint.self, AuditKey.self, AuditJournal.self, AuditAccess.self,
            AuditSecurity.self,
        ])
}

struct AuditVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "校验两条哈希链、全部派生数据、附件和编号，并可核对锚点 / check everything the record can prove")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("checkpoint"), parsing: .upToNextOption, help: "锚点文件 / checkpoint files")
    var checkpoints: [String] = []
    @Option(help: "所信任的机关公钥：公钥文件、base64 公钥或指纹（ed25519:…）/ the office key trusted")
    var publicKey: String?
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let zh = global.language == .zh
        if let remote = try global.remote() {
            // Checkpoints are files the checker holds, outside the database: checked where they are.
            guard checkpoints.isEmpty else {
                throw DisclosureError(
                    .invalidValue, field: "--checkpoint",
                    zh: "锚点须在持有锚点文件的机器上对数据库文件核对（--db）", en: "checkpoints are checked against the file itself (--db)")
            }
            let answer = try remote.perform(APICall(path: "/api/v1/audit/verify"))
            guard let view = JSON.parse(answer.body) else { throw RemoteOffice.error(answer, lang: remote.lang) }
            return try show(view)
        }
        let desk = try global.openDesk(readOnly: true)
        if !checkpoints.isEmpty && publicKey == nil {
            throw DisclosureError(
                .missingField, field: "--public-key", zh: "核对锚点须给出所信任的机关公钥（来自数据库之外）",
                en: "checking checkpoints needs the office key you trust (from outside the database)")
        }
        let report: AuditReport
        var findings: [CheckpointFinding] = []
        if let publicKey, !checkpoints.isEmpty {
            (report, findings) = try desk.verify(checkpoints: checkpoints, trusting: try TrustedKey.parse(publicKey))
        } else {
            report = try desk.verifyAudit()
        }
        func verdict(_ f: CheckpointFinding) -> String {
            let at =
                f.checkpoint.map { zh ? "（\($0.at)，\($0.head.events)条事件）" : " (\($0.at), \($0.head.events) events)" }
                ?? ""
            switch f.verdict {
            case .intact:
                return zh
                    ? "锚点 \(f.file)\(at)：此前的记录与签署时一致" : "checkpoint \(f.file)\(at): the record before it is as signed"
            case .recordedRestore(let r):
                return zh
                    ? "锚点 \(f.file)\(at)：数据库已于 \(r.recordedAt) 从备份恢复（理由：\(r.reason)），回到\(r.backup.events)条事件；此为有记录的恢复"
                    : "checkpoint \(f.file)\(at): the database was restored from a backup on \(r.recordedAt) (reason: \(r.reason)), "
                        + "back to \(r.backup.events) events; a restore on record"
            case .untrusted(let t):
                return (zh ? "锚点 \(f.file)：不可信：" : "checkpoint \(f.file): not trusted: ") + t(global.language)
            case .broken(let t): return (zh ? "锚点 \(f.file)\(at)：" : "checkpoint \(f.file)\(at): ") + t(global.language)
            }
        }
        try show(
            CaseViews(lang: global.language, calendar: desk.calendar, asOf: desk.today).audit(
                report, checkpoints: findings.map { (file: $0.file, ok: $0.ok, verdict: verdict($0)) }))
    }

    /// Prints the verdict from its view (the same through the server), and exits 1 unless it passed.
    func show(_ view: JSON) throws {
        let zh = global.language == .zh
        func count(_ k: String) -> Int { if case .int(let n)? = view[k] { n } else { 0 } }
        var lines: [String] = []
        let problems: [String] = if case .array(let items)? = view["problems"] { items.compactMap(\.text) } else { [] }
        if count("problem_count") == 0 {
            let (events, cases) = (count("events"), count("cases"))
            let (journal, files) = (count("journal"), count("attachments"))
            lines.append(
                zh
                    ? "审计通过：\(events)条事件、\(cases)件案件、\(journal)条机关日志、\(files)个附件均与记录相符"
                    : "audit passed: \(events) events, \(cases) cases, \(journal) journal "
                        + "entries and \(files) attachments agree with the record")
        } else {
            let n = count("problem_count")
            lines.append(zh ? "审计未通过：发现\(n)处问题" : "audit FAILED: \(n) problems")
            for p in problems { lines.append("  " + p) }
            if count("problem_count") > problems.count {
                lines.append(zh ? "  （仅列出前\(problems.count)处）" : "  (the first \(problems.count) are listed)")
            }
        }
        if case .array(let found)? = view["checkpoints"] { lines += found.compactMap { $0["verdict"]?.text } }
        emit(json, view, lines.joined(separator: "\n"))
        if case .bool(true)? = view["ok"] { return }
        throw ExitCode(1)
    }
}

struct AuditKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "机关的锚点签名密钥 / the office's checkpoint key", subcommands: [AuditKeyCreate.self])
}

struct AuditKeyCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "生成锚点签名密钥（负责人保管，不存入数据库）/ make the checkpoint key (kept by the head, never in the database)")
    @OptionGroup var global: GlobalOptions
    @Option(help: "密钥文件（默认 $XDG_CONFIG_HOME/disclosure/checkpoint-机关代码.key）/ key file") var key: String?

    func run() throws {
        let desk = try global.openDesk()
        try desk.requireRole(.checkpoint)
        let path = key ?? defaultKeyPath(office: desk.office.code)
        let made = try CheckpointKey.create(at: path)
        let zh = global.language == .zh
        print(
            zh
                ? "已生成锚点签名密钥：\(path)（仅本人可读，请妥善保管并另行备份）\n公钥：\(path).pub\n指纹：\(made.fingerprint)\n请将指纹报送上级机关或写入年度报告，核对锚点时以此为准。"
                : "made the checkpoint key \(path) (yours alone; keep a copy elsewhere)\npublic key: \(path).pub\n"
                    + "fingerprint: \(made.fingerprint)\nsend the fingerprint to the superior body or print it in the "
                    + "annual report: checkpoints are checked against it.")
    }
}

struct AuditCheckpoint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "以机关密钥签署当前哈希链的末端，保存锚点文件 / sign where the chains end now, with the office key")
    @OptionGroup var global: GlobalOptions
    @Option(help: "密钥文件（默认 $XDG_CONFIG_HOME/disclosure/checkpoint-机关代码.key）/ key file") var key: String?
    @Option(help: "锚点文件（默认 $XDG_CONFIG_HOME/disclosure/checkpoints/）/ checkpoint file") var out: String?
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let desk = try global.openDesk()
        try desk.requireRole(.checkpoint)
        let keyPath = key ?? defaultKeyPath(office: desk.office.code)
        let cp = try desk.createCheckpoint(key: try CheckpointKey.load(from: keyPath))
        let stamp = cp.at.prefix(19).replacingOccurrences(of: ":", with: "")
        let path: String
        if let out {
            path = out
        } else {
            let folder = (configFolder() as NSString).appendingPathComponent("checkpoints")
            try? FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            path = (folder as NSString).appendingPathComponent("\(cp.office)-\(stamp).txt")
        }
        let zh = global.language == .zh
        let note =
            zh
            ? "# 审计锚点：\(desk.office.name)（\(cp.office)），\(cp.at)，\(cp.head.events)条事件、\(cp.head.journal)条机关日志，密钥指纹 \(cp.fingerprint)\n"
            : "# Audit checkpoint: \(desk.office.name) (\(cp.office)), \(cp.at), \(cp.head.events) events, "
                + "\(cp.head.journal) journal entries, key \(cp.fingerprint)\n"
        try writeOutput(Array((note + cp.line + "\n").utf8), to: path, force: false, desk: desk)
        emit(
            json,
            .object([
                ("file", .string(path)), ("line", .string(cp.line)), ("at", .string(cp.at)),
                ("fingerprint", .string(cp.fingerprint)), ("head", CaseViews.chainHead(cp.head)),
            ]),
            (zh
                ? "已签署审计锚点，保存于 \(path)（密钥指纹 \(cp.fingerprint)）：\n"
                : "checkpoint signed and saved to \(path) (key \(cp.fingerprint)):\n")
                + cp.line)
    }
}

struct AuditJournal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "机关日志：放假安排、年度锁定、导入、账号、备份、恢复、锚点 / the office journal")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let entries = try views(global, APICall(path: "/api/v1/audit/journal")) {
            try global.openDesk(readOnly: true).journal().map(CaseViews.journalEntry)
        }
        emit(
            json,
            .array(entries),
            table(
                global.language == .zh ? ["序号", "事项", "经办人", "时间", "内容"] : ["#", "Kind", "By", "At", "Facts"],
                entries.map {
                    [
                        $0.cell("id") ?? "", journalKindLabel($0.cell("kind") ?? "", global.language),
                        ($0.cell("actor") ?? "").isEmpty
                            ? (global.language == .zh ? "（程序）" : "(program)") : $0.cell("actor") ?? "",
                        $0.cell("recorded_at") ?? "", String(($0.cell("payload") ?? "").prefix(100)),
                    ]
                }))
    }
}

struct AuditAccess: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "谁查看过本案的个人信息（身份证件号码、联系方式、附件）/ who looked at a case's personal data")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let n = try CaseNumber.parse(number)
        let entries = try views(global, APICall(path: "/api/v1/cases/\(segment(n.description))/access")) {
            try global.openDesk(readOnly: true).dataAccess(n).map(CaseViews.dataAccess)
        }
        let zh = global.language == .zh
        emit(
            json,
            .array(entries),
            entries.isEmpty
                ? (zh ? "\(n)：没有查看个人信息的记录" : "\(n): nobody has looked at its personal data")
                : table(
                    zh ? ["时间", "账号", "查看内容", "地址"] : ["Time", "Account", "What", "Address"],
                    entries.map { e in ["time", "account", "what", "address"].map { e.cell($0) ?? "—" } }))
    }
}

struct AuditSecurity: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "security",
        abstract: "安全日志：登录、失败、退出、令牌（管理员）/ the security log: sign-ins, failures, tokens (admin)")
    @OptionGroup var global: GlobalOptions
    @Option(help: "最多列出 / at most this many, newest first") var limit: Int = 200
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        guard (1...100_000).contains(limit) else {
            throw DisclosureError(.invalidValue, field: "--limit", zh: "须为1至100000", en: "must be 1 to 100,000")
        }
        let entries = try views(global, APICall(path: "/api/v1/audit/security", query: [("limit", String(limit))])) {
            try global.openDesk(readOnly: true).securityLog(limit: limit).map(CaseViews.securityEntry)
        }
        let zh = global.language == .zh
        emit(
            json,
            .array(entries),
            table(
                zh ? ["时间", "事项", "账号", "地址", "说明"] : ["Time", "Kind", "Account", "Address", "Detail"],
                entries.map {
                    [
                        $0.cell("time") ?? "", $0.cell("kind") ?? "",
                        $0.cell("account") ?? ($0.cell("name_typed").map { "“\($0)”" } ?? "—"),
                        $0.cell("address") ?? "—",
                        $0.cell("detail") ?? "",
                    ]
                }))
    }
}

/// A journal entry's kind as the office reads it, with the code the JSON and the README use.
func journalKindLabel(_ kind: String, _ lang: Language) -> String {
    let zh: [String: String] = [
        "baseline": "基线", "created": "建库", "calendar": "放假安排", "report-lock": "年度锁定",
        "report-unlock": "解除锁定", "staff": "账号变更", "office": "机关设置", "import": "导入案卷",
        "restore-cases": "恢复案件", "backup": "备份", "restore": "恢复数据库", "checkpoint": "审计锚点",
        "proactive-lead": "纳入主动公开", "proactive-lead-withdrawn": "撤销纳入主动公开",
    ]
    guard lang == .zh, let label = zh[kind] else { return kind }
    return "\(label)（\(kind)）"
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "备份整个数据库（运行中亦一致，仅本人可读，已校验）/ a consistent, checked copy of the database")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "备份文件 / backup file") var file: String
    @Flag(help: "覆盖已有的文件 / replace an existing file") var force = false

    func run() throws {
        let r = try global.openDesk().backup(to: file, force: force)
        print(
            global.language == .zh
                ? "已备份到 \(r.path)：\(r.head.events)条事件、\(r.head.journal)条机关日志，SHA-256 \(r.sha256)"
                : "backed up to \(r.path): \(r.head.events) events, \(r.head.journal) journal entries, SHA-256 "
                    + "\(r.sha256)"
        )
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "以备份替换数据库（负责人；记录理由和被替换的记录）/ put a backup in the database's place, on record")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "备份文件 / backup file") var file: String
    @Option(help: "理由（必填）/ reason (required)") var reason: String
    @Option(help: "机关的锚点签名密钥，签署恢复记录（默认同 audit checkpoint）/ the office key, which signs the record")
    var key: String?

    func run() throws {
        let desk = try global.openDesk()
        try desk.requireRole(.restore)
        let keyPath = key ?? defaultKeyPath(office: desk.office.code)
        let r = try desk.restore(from: file, reason: reason, key: try CheckpointKey.load(from: keyPath))
        let zh = global.language == .zh
        var lines = [
            zh
                ? "已从 \(file) 恢复：回到\(r.restored.events)条事件（被替换的数据库有\(r.replaced.events)条事件、"
                    + "\(r.replaced.journal)条机关日志，已记入机关日志并以机关密钥签署；原数据库保存为 \(r.kept)）"
                : "restored from \(file): back to \(r.restored.events) events (the database replaced had \(r.replaced.events) "
                    + "events and \(r.replaced.journal) journal entries; this is on record in the journal, "
                        + "signed with the "
                    + "office key; the replaced database is kept as \(r.kept))"
        ]
        if r.lostCount > 0 {
            let next = r.nextSerials.sorted { $0.key < $1.key }.map { "\($0.key)-\(String(format: "%06d", $0.value))" }
                .joined(separator: "、")
            lines.append(
                zh
                    ? "备份之后登记的\(r.lostCount)件案件不在恢复后的数据库中（其编号不再使用，新案件从 \(next) 起编号；"
                        + "如需找回，从原数据库导出这些案件，再以 import --restore 导入，仍用原编号）："
                    : "\(r.lostCount) cases registered after the backup are not in the restored database (their "
                        + "numbers are "
                        + "not given again: new cases start at \(next); to bring them back, export them from "
                            + "the replaced "
                        + "database and import them with --restore, under their own numbers):")
            lines.append("  " + r.lost.map(\.description).joined(separator: " "))
        }
        lines.append(
            zh ? "恢复前的登录均已失效，请重新登录（disclosure login 账号名）"
                : "sign-ins made before the restore no longer hold: sign in again (disclosure login NAME)")
        print(lines.joined(separator: "\n"))
    }
}

/// The board's reminder (on standard error, so that the board itself reads the same) when the
/// office's newest checkpoint is older than `DISCLOSURE_CHECKPOINT_DAYS` days (default 30).
func remindCheckpoint(_ desk: Desk, lang: Language) throws {
    let limit = Int(Environment.variables["DISCLOSURE_CHECKPOINT_DAYS"] ?? "") ?? 30
    guard let last = try desk.lastCheckpoint(), let signed = CivilDate(iso: String(last.prefix(10))) else {
        // Never anchored: remind once the office has existed that long.
        guard let created = CivilDate(iso: String(desk.office.createdAt.prefix(10))),
            created.days(to: desk.today) > limit
        else { return }
        printError(
            lang == .zh
                ? "提示：本机关尚未签署过审计锚点；请负责人运行 disclosure audit key create 和 disclosure audit checkpoint"
                : "note: this office has never signed an audit checkpoint; the head should run disclosure audit "
                    + "key create "
                    + "and disclosure audit checkpoint")
        return
    }
    let age = signed.days(to: desk.today)
    guard age > limit else { return }
    printError(
        lang == .zh
            ? "提示：最近一次审计锚点签署于\(signed)，已过\(age)天；请负责人运行 disclosure audit checkpoint"
            : "note: the last audit checkpoint was signed on \(signed), \(age) days ago; the head should run "
                + "disclosure audit checkpoint"
    )
}
