import DisclosureApp
import DisclosureCore
import DisclosureStore
import Foundation
import Testing

/// An office in a scratch folder with one account per role, all on a clock fixed at `day`.
struct Scratch {
    let path: String
    let day: CivilDate
    var clock: FixedClock { FixedClock(day: day) }

    init(day: String = "2026-11-20") throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("disclosure-app-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        path = dir.appendingPathComponent("office.db").path
        self.day = try CivilDate.parse(day, field: "day")
        let (admin, _) = try Desk.initialise(
            path: path, agency: "测试机关", code: "TEST", admin: "管理员",
            password: "admin-password", passwordCost: 10, clock: clock)
        for role in Role.allCases where role != .admin {
            _ = try admin.addStaff(
                NewAccount(name: role.rawValue, roles: [role], email: nil, password: "password-\(role.rawValue)"))
        }
        _ = try admin.addStaff(
            NewAccount(name: "drafter", roles: [.handler, .reviewer, .head], email: nil, password: "password-drafter"))
    }

    /// The office as `name` sees it, signed in with their password.
    func desk(_ name: String) throws -> Desk {
        let anonymous = try Desk.open(path: path, clock: clock)
        let password = name == "管理员" ? "admin-password" : "password-\(name)"
        let ticket = try anonymous.signIn(name: name, password: password)
        return try Desk.open(path: path, clock: clock) { _ in ticket }
    }

    func application(received: String? = nil) throws -> Application {
        Application(
            received: try received.map { try CivilDate.parse($0, field: "received") } ?? day, channel: .online,
            applicant: Applicant(name: "张三", type: .person), request: "某项目环评批复")
    }
}

@Suite("Roles: who may do what (STATUTE.md §11)")
struct RoleMatrixTests {
    /// Runs `attempt` as an account holding only `role`; true when the role check let it through
    /// (a later rule of the case may still refuse it, as when a second account withdraws it again).
    func allowed(_ s: Scratch, _ role: Role, _ attempt: (Desk) throws -> Void) throws -> Bool {
        let desk = try s.desk(role == .admin ? "管理员" : role.rawValue)
        do {
            try attempt(desk)
            return true
        } catch let e as DisclosureError {
            return e.code != .forbidden
        }
    }

    @Test(
        "every use case is open to exactly the roles of the table",
        arguments: [
            UseCase.register, .correctionRequest, .consult, .fee, .attach, .draft, .review, .extend, .issue, .close,
            .reopen, .remedy, .reportLock, .staff, .calendar, .assign, .restoreCases, .backup, .restore, .checkpoint,
            .proactiveLead,
        ])
    func matrix(_ useCase: UseCase) throws {
        let s = try Scratch()
        // A case in the state the use case needs, prepared by accounts that may prepare it.
        let n = try s.desk("registrar").register(try s.application()).record.number
        switch useCase {
        case .review, .issue:
            _ = try s.desk("drafter").record(.draft(outcome: .disclosed, basis: "已公开", referTo: nil), on: n)
            if useCase == .issue { _ = try s.desk("reviewer").record(.review(approve: true, comment: nil), on: n) }
        case .reopen, .remedy:
            _ = try s.desk("handler").record(.withdraw, on: n)
        default: break
        }
        var other = try s.application()
        other.applicant = Applicant(name: "李四", type: .person)
        let m = try s.desk("registrar").register(other).record.number
        for role in Role.allCases {
            let expected = useCase.roles.contains(role)
            let got = try allowed(s, role) { desk in
                switch useCase {
                case .register: _ = try desk.register(try s.application())
                case .correctionRequest:
                    _ = try desk.record(.correctionRequest(items: "写明文号", periodDays: 10, served: nil), on: n)
                case .consult: _ = try desk.record(.consultSend(party: .agency, to: "某局", served: nil), on: n)
                case .fee: _ = try desk.record(.feeNotice(basis: .pages, quantity: 200, served: nil), on: n)
                case .attach: _ = try desk.attach(Array("x".utf8), name: "a.txt", kind: .other, to: n)
                case .draft: _ = try desk.record(.draft(outcome: .disclosed, basis: "已公开", referTo: nil), on: n)
                case .review: _ = try desk.record(.review(approve: true, comment: nil), on: n)
                case .extend: _ = try desk.record(.extend(days: 5, reason: "需调取档案"), on: n)
                case .issue: _ = try desk.record(.issue, on: n)
                case .close: _ = try desk.record(.withdraw, on: n)
                case .reopen: _ = try desk.record(.reopen(reason: "复议决定"), on: n)
                case .remedy: _ = try desk.record(.remedyFile(kind: .reconsideration, body: "某市人民政府"), on: n)
                case .reportLock: try desk.lockReport(year: 2025)
                case .staff:
                    _ = try desk.addStaff(
                        NewAccount(name: "新人\(role.rawValue)", roles: [.handler], email: nil, password: nil))
                case .calendar:
                    let text = "year 2027\nholiday 2027-01-01 元旦\n"
                    _ = try desk.importCalendar(
                        try HolidaySchedule.parse(text), origin: "2027.txt", file: Array(text.utf8))
                case .backup:
                    _ = try desk.backup(to: NSTemporaryDirectory() + "/backup-\(UUID().uuidString).db")
                case .restore:
                    let key = try CheckpointKey.create(at: NSTemporaryDirectory() + "/key-\(UUID().uuidString)")
                    _ = try desk.restore(from: "/nonexistent/backup.db", reason: "测试", key: key)
                case .checkpoint:
                    let key = try CheckpointKey.create(at: NSTemporaryDirectory() + "/key-\(UUID().uuidString)")
                    _ = try desk.createCheckpoint(key: key)
                case .restoreCases:
                    _ = try desk.importCases(path: "/nonexistent/cases.xml", replace: false, restore: true, reason: "test")
                case .assign: _ = try desk.record(.assign(account: "handler"), on: n)
                case .proactiveLead:
                    _ = try desk.recordLead(decided: s.day, subject: "某项目环评批复", published: "门户网站", cases: [n, m])
                default: Issue.record("no attempt for \(useCase)")
                }
            }
            #expect(got == expected, "\(useCase.rawValue) by \(role.rawValue): allowed \(got), expected \(expected)")
        }
    }

    @Test("the drafter never reviews or issues their own draft, whatever roles they hold")
    func fourEyes() throws {
        let s = try Scratch()
        let n = try s.desk("registrar").register(try s.application()).record.number
        let drafter = try s.desk("drafter")
        _ = try drafter.record(.draft(outcome: .disclosed, basis: "已公开", referTo: nil), on: n)
        #expect(throws: DisclosureError.self) { try drafter.record(.review(approve: true, comment: nil), on: n) }
        _ = try s.desk("reviewer").record(.review(approve: true, comment: nil), on: n)
        #expect(throws: DisclosureError.self) { try drafter.record(.issue, on: n) }
        let issued = try s.desk("head").record(.issue, on: n).record
        #expect(issued.state.reply?.issued == s.day)
        #expect(issued.events.last?.accountID != nil)
    }

    @Test("writes need a valid session; sessions end, expire and are bound to their database")
    func sessions() throws {
        let s = try Scratch()
        let anonymous = try Desk.open(path: s.path, clock: s.clock)
        #expect(throws: DisclosureError.self) { try anonymous.register(try s.application()) }
        let ticket = try anonymous.signIn(name: "registrar", password: "password-registrar")
        let later = FixedClock(Moment(epoch: s.clock.moment.epoch + SessionPolicy.lifetimeSeconds + 1))
        let expired = try Desk.open(path: s.path, clock: later) { _ in ticket }
        #expect(expired.account == nil)
        let other = try Scratch()
        let foreign = try Desk.open(path: other.path, clock: other.clock) { _ in ticket }
        #expect(foreign.account == nil)
        let desk = try Desk.open(path: s.path, clock: s.clock) { _ in ticket }
        #expect(desk.account?.name == "registrar")
        try desk.signOut(ticket)
        #expect(try Desk.open(path: s.path, clock: s.clock) { _ in ticket }.account == nil)
    }

    @Test("wrong passwords are throttled per account")
    func throttle() throws {
        let s = try Scratch()
        let desk = try Desk.open(path: s.path, clock: s.clock)
        for _ in 0..<SessionPolicy.freeFailures {
            #expect(throws: DisclosureError.self) { try desk.signIn(name: "handler", password: "wrong-password") }
        }
        do {
            _ = try desk.signIn(name: "handler", password: "password-handler")
            Issue.record("signed in while throttled")
        } catch {
            #expect(error.code == .throttled)
        }
        let later = FixedClock(Moment(epoch: s.clock.moment.epoch + SessionPolicy.firstWaitSeconds + 1))
        _ = try Desk.open(path: s.path, clock: later).signIn(name: "handler", password: "password-handler")
    }

    @Test(
        "names equal under NFKC and case are one account; disguised names are refused",
        arguments: [
            ("ＨＡＮＤＬＥＲ", "equal under NFKC"), ("handler", "the same name"),
            ("王  科员", "a run of spaces"), ("王\u{3000}科员", "a full-width space"), ("王\u{200B}科员", "a zero-width space"),
            ("王\u{202E}科员", "a bidi override"),
        ])
    func names(_ name: String, _ why: String) throws {
        let s = try Scratch()
        let admin = try s.desk("管理员")
        #expect(throws: DisclosureError.self, "\(why)") {
            try admin.addStaff(NewAccount(name: name, roles: [.handler], email: nil, password: nil))
        }
    }

    @Test("an admin holds no business role and grants none to themselves")
    func separation() throws {
        let s = try Scratch()
        let admin = try s.desk("管理员")
        #expect(throws: DisclosureError.self) { try admin.grant([.head], to: "管理员") }
        #expect(throws: DisclosureError.self) {
            try admin.addStaff(NewAccount(name: "兼任", roles: [.admin, .head], email: nil, password: nil))
        }
        _ = try admin.grant([.reviewer], to: "handler")
        let history = try admin.staffHistory(of: "handler").map(\.kind)
        #expect(history == ["added", "granted"])
        // The office always keeps an admin who can sign in, and a refused change leaves no trace.
        #expect(throws: DisclosureError.self) { try admin.setDisabled("管理员", true) }
        #expect(throws: DisclosureError.self) { try admin.revoke([.admin], from: "管理员") }
        #expect(try admin.staffHistory(of: "管理员").map(\.kind) == ["added"])
        _ = try admin.addStaff(NewAccount(name: "第二管理员", roles: [.admin], email: nil, password: "password-second"))
        _ = try admin.setDisabled("第二管理员", true)
    }
}
