import DisclosureCore
import DisclosureExchange
import DisclosureStore
import DisclosureFiles
import Foundation

extension Desk {
    /// Imports a case file in one transaction, as a head of office (restoring the office's own cases
    /// from its export: an admin); replacing or restoring needs a reason. `progress` hears the count read.
    public func importCases(
        path: String, replace: Bool, restore: Bool = false, reason: String? = nil, progress: (Int) -> Void = { _ in }
    ) throws(DisclosureError) -> ImportReport {
        let account = try signedIn(restore ? .restoreCases : .importCases)
        if let reason { try TextField.requireLine(reason, field: "reason", max: 2_000) }
        if (replace || restore) && (reason ?? "").isEmpty {
            throw DisclosureError(
                .missingField, field: "reason", zh: "替换或恢复案件须说明理由（记入办理记录）",
                en: "replacing or restoring cases needs a reason (it goes on each case's history)")
        }
        // Read once into a private copy: the digest on record is of exactly what is parsed.
        let snapshot = try SnapshotFile(copying: path)
        let file = snapshot.sha256
        let origin = (path as NSString).lastPathComponent
        let calendar = store.calendar
        let now = clock.now()
        let today = now.day
        var read = 0
        let store = self.store
        let ctx = Store.ImportContext(
            file: file, replace: replace, restore: restore, reason: reason, actor: ref(account), today: today,
            now: now.stamp)
        return try store.importDossiers(ctx) {
            (sink: (ValidatedDossier) throws(DisclosureError) -> Void) throws(DisclosureError) in
            try readValidatedCaseFile(path: snapshot.path, origin: origin, calendar: calendar, today: today) {
                (v: ValidatedDossier) throws(DisclosureError) in
                try sink(v)
                read += 1
                progress(read)
            }
        }
    }

    /// Writes the chosen cases to a case file; with personal data only for a head of office.
    public func exportCases(
        _ filter: ExportFilter, to path: String, redact: Bool, withAttachments: Bool = false, force: Bool = false
    ) throws(DisclosureError) -> Int {
        // Attachments are the applicant's own papers (ID scans, letters): masking the record does not
        // mask them, so they go with personal data, to a head only, and logged.
        if !redact || withAttachments {
            guard let account, account.has(.head) else {
                throw DisclosureError(
                    .forbidden, field: redact ? "with-attachments" : "redact",
                    zh: redact
                        ? "附件是申请人提交的材料，含个人信息：导出附件须由负责人登录办理"
                        : "导出含个人信息的案卷须由负责人登录办理；其他人员请隐去个人信息后导出",
                    en: redact
                        ? "attachments are the applicant's own papers: exporting them needs a signed-in head of office"
                        : "an export with personal data needs a signed-in head of office; others export it masked")
            }
        }
        let store = self.store
        let own = store.office.code
        // Who received whose personal data through the server: each case of an unredacted export, once
        // it is written (the CLI's reader holds the file already, and may have it open read-only).
        var exported: [String] = []
        let logs = (!redact || withAttachments) && account != nil && server != nil
        let count = try exportCaseFile(
            path: path, redact: redact, withAttachments: withAttachments, force: force, protecting: databaseFiles) {
            (sink: (PendingDossier) throws(DisclosureError) -> Void) throws(DisclosureError) in
            try store.exportDossiers(filter) { (d: PendingDossier) throws(DisclosureError) in
                if logs {
                    let h = d.head
                    exported.append(h.agencyCode == own ? h.number.description : "\(h.agencyCode)/\(h.number.local)")
                }
                try sink(d)
            }
        }
        if let account, logs {
            try store.logDataAccess(
                account: account.id, caseNumbers: exported, what: "export", address: server?.address,
                at: clock.now().epoch)
        }
        return count
    }
}
