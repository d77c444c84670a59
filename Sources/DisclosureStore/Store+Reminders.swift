import DisclosureCore

/// A reminder the office sent: to whom, for which day, listing how many cases.
public struct ReminderRecord: Sendable, Hashable {
    public let day: CivilDate
    public let account: String
    public let address: String
    public let cases: Int
    public let sentAt: String
    public let sentBy: String
}

extension Store {
    /// The accounts already reminded for `day`.
    public func remindedAccounts(on day: CivilDate) throws(DisclosureError) -> Set<Int> {
        Set(try db.all("SELECT account_id FROM reminders WHERE day = ?", day.description) { $0.int(0) })
    }

    /// Records a reminder sent; false when the account was already reminded for the day (another
    /// sender got there first), so that the caller knows it sent a second copy.
    @discardableResult
    public func recordReminder(
        day: CivilDate, account: Int, address: String, cases: Int, sentAt: String, sentBy: String
    ) throws(DisclosureError) -> Bool {
        try db.writeTransaction { () throws(DisclosureError) in
            try db.run(
                """
                INSERT INTO reminders (day, account_id, address, cases, sent_at, sent_by) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (day, account_id) DO NOTHING
                """, day.description, account, address, cases, sentAt, sentBy) > 0
        }
    }

    /// The reminders sent, newest first.
    public func reminders(limit: Int) throws(DisclosureError) -> [ReminderRecord] {
        try db.all(
            """
            SELECT r.day, a.name, r.address, r.cases, r.sent_at, r.sent_by FROM reminders r
            JOIN accounts a ON a.id = r.account_id ORDER BY r.id DESC LIMIT ?
            """, limit
        ) { (r: Row) throws(DisclosureError) in
            ReminderRecord(
                day: try r.date(0), account: r.text(1), address: r.text(2), cases: r.int(3), sentAt: r.text(4),
                sentBy: r.text(5))
        }
    }
}
