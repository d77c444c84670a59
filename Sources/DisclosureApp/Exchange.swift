import DisclosureCore
import DisclosureExchange
import DisclosureStore

extension Desk {
    /// Imports a case file in one transaction, as a head of office; `progress` hears the count read.
    public func importCases(
        path: String, replace: Bool, progress: (Int) -> Void = { _ in }
    ) throws(DisclosureError) -> ImportReport {
        _ = try signedIn(.importCases)
        let calendar = store.calendar
        let today = self.today
        var read = 0
        let store = self.store
        return try store.importDossiers(replace: replace) {
            (sink: (ValidatedDossier) throws(DisclosureError) -> Void) throws(DisclosureError) in
            try readValidatedCaseFile(path: path, calendar: calendar, today: today) {
                (v: ValidatedDossier) throws(DisclosureError) in
                try sink(v)
                read += 1
                progress(read)
            }
        }
    }

    /// Writes the chosen cases to a case file; with personal data only for a head of office.
    public func exportCases(_ filter: ExportFilter, to path: String, redact: Bool) throws(DisclosureError) -> Int {
        if !redact {
            guard let account, account.has(.head) else {
                throw DisclosureError(
                    .forbidden, field: "redact",
                    zh: "导出含个人信息的案卷须由负责人登录办理；其他人员请隐去个人信息后导出",
                    en: "an export with personal data needs a signed-in head of office; others export it masked")
            }
        }
        let store = self.store
        return try exportCaseFile(path: path, redact: redact) {
            (sink: (PendingDossier) throws(DisclosureError) -> Void) throws(DisclosureError) in
            try store.exportDossiers(filter, sink)
        }
    }
}
