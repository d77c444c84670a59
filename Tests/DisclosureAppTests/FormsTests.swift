import DisclosureApp
import DisclosureCore
import Testing

/// The fields a client sends for a step or a registration (the CLI through the server) are read back
/// by the server as the same step: one table of every kind.
@Suite("Forms: what a client sends is what the server reads")
struct FormsTests {
    static let day = CivilDate(year: 2026, month: 11, day: 3) ?? CivilDate(dayNumber: 0)

    static let steps: [Step] = [
        .correctionRequest(items: "补充身份证明", periodDays: 15, served: day),
        .correctionRequest(
            items: "x", periodDays: 1, served: nil),
        .correctionReceive, .consultSend(party: .thirdParty, to: "某公司", served: day),
        .consultAnswer(id: 2, opinion: .agree), .consultAnswer(id: nil, opinion: .none),
        .extend(days: 20, reason: "复杂"), .deferral(until: day, reason: "等待"),
        .feeNotice(basis: .items, quantity: 3, served: day), .feeNotice(basis: .pages, quantity: 250, served: nil),
        .feePaid, .draft(outcome: .disclosed, basis: nil, referTo: nil),
        .draft(outcome: .notHeld, basis: "第三十六条", referTo: "市自然资源局"),
        .review(approve: true, comment: nil), .review(approve: false, comment: "请补充依据"), .issue,
        .deliver(method: .post), .archive, .reopen(reason: "复议决定"), .withdraw, .close(reason: .correction),
        .remedyFile(kind: .reconsideration, body: "市政府"), .remedyDecide(id: 1, result: .upheld),
        .remedyDecide(id: nil, result: .corrected), .assign(account: "handler"),
        .amend(event: 2, field: .items, value: "请写明文号", reason: "漏记"), .decideAmendment(id: 1, approve: false),
        .decideAmendment(id: nil, approve: true),
    ]

    @Test("every step kind survives fields(_:) → read(_:)", arguments: steps)
    func stepRoundTrip(_ step: Step) throws {
        for (on, late) in [(nil, nil), (Self.day, "补录：系统故障")] as [(CivilDate?, String?)] {
            let fields = StepForm.fields(step, on: on, lateEntry: late)
            let form = try StepForm.read(Form(Self.formValues(fields)))
            #expect(form.step == step)
            #expect(form.on == on)
            #expect(form.lateEntry == late)
        }
    }

    @Test("a misspelt field of any step kind is named as it was typed, not as the required field it missed")
    func misspeltField() {
        for step in Self.steps {
            var fields = Self.formValues(StepForm.fields(step, on: nil, lateEntry: nil))
            guard let (name, value) = fields.first(where: { $0.key != "kind" }) else { continue }
            fields[name] = nil
            fields[name + "x"] = value
            #expect(throws: DisclosureError.self) { try StepForm.read(Form(fields)) }
            do {
                _ = try StepForm.read(Form(fields))
            } catch {
                #expect(error.field == name + "x", "\(step): \(error.field ?? "")")
            }
        }
        var registration = Self.formValues(
            RegistrationForm.fields(
                Application(
                    received: Self.day, channel: .post,
                    applicant: Applicant(name: "张三", type: .person, idNumber: nil, contact: nil), request: "预算",
                    form: nil, note: nil), lateEntry: nil))
        registration["chanel"] = registration.removeValue(forKey: "channel")
        do {
            _ = try RegistrationForm.read(Form(registration))
            Issue.record("a misspelt field was accepted")
        } catch {
            #expect(error.field == "chanel")
        }
    }

    @Test("the fields of every kind are the ones fields(_:) sends")
    func fieldsOfKindMatch() {
        for step in Self.steps {
            let sent = StepForm.fields(step, on: Self.day, lateEntry: "x")
            guard let kind = sent.first?.1.text, let own = StepForm.fieldsOfKind[kind] else {
                Issue.record("\(step) has no field list")
                continue
            }
            #expect(Set(sent.map(\.0)).isSubset(of: own.union(["kind", "on", "late_entry"])), "\(kind)")
        }
        #expect(Set(StepForm.fieldsOfKind.keys) == Set(StepForm.kinds))
    }

    @Test("every step kind the server reads is one a client can send")
    func everyKindCovered() {
        let sent = Set(Self.steps.compactMap { StepForm.fields($0, on: nil, lateEntry: nil).first?.1.text })
        #expect(sent == Set(StepForm.kinds))
    }

    @Test("a registration survives fields(_:) → read(_:), with and without its optional fields")
    func registrationRoundTrip() throws {
        let full = Application(
            received: Self.day, channel: .post,
            applicant: Applicant(name: "某公司", type: .company, idNumber: "91310000MA1FL0000X", contact: "021-1234"),
            request: "2025年环评批复", form: .electronic, note: "窗口代填")
        let bare = Application(
            received: Self.day, channel: .inPerson,
            applicant: Applicant(name: "张三", type: .person, idNumber: nil, contact: nil), request: "预算",
            form: nil, note: nil)
        for (app, late) in [(full, "补录"), (bare, nil)] as [(Application, String?)] {
            let form = try RegistrationForm.read(Form(Self.formValues(RegistrationForm.fields(app, lateEntry: late))))
            #expect(form.application == app)
            #expect(form.lateEntry == late)
        }
    }

    @Test("JSON.parse reads back what JSON writes, members in order, escapes and surrogates included")
    func jsonRoundTrip() {
        let value = JSON.object([
            ("b", .int(-12)), ("a", .string("引号\"反斜杠\\换行\n制表\t😀\u{1}")), ("n", .null),
            ("list", .array([.bool(true), .bool(false), .array([]), .object([])])),
        ])
        let parsed = JSON.parse(value.encoded())
        #expect(parsed.map { $0.encoded() } == value.encoded())
        #expect(JSON.parse(value.compactEncoded()).map { $0.encoded() } == value.encoded())
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "1.5", "\"\\ud800\"", "nul", "[1] 2"] {
            #expect(JSON.parse(Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    @Test(
        "a view's day lies between 2008 and five years past today",
        arguments: [
            ("2008-01-01", true), ("2007-12-31", false), ("2031-12-31", true), ("2032-01-01", false),
            ("9000-01-01", false), ("2026-12-01", true),
        ])
    func viewDay(_ text: String, _ allowed: Bool) throws {
        let today = try CivilDate.parse("2026-12-01", field: "today")
        let day = try CivilDate.parse(text, field: "as_of")
        #expect((try? ViewDay.check(day, today: today, field: "as_of")) == (allowed ? day : nil))
        if !allowed {
            #expect(throws: DisclosureError.self) { try ViewDay.check(day, today: today, field: "as_of") }
        }
    }

    /// JSON members as a decoded body gives them to a form.
    static func formValues(_ fields: [(String, JSON)]) -> [String: FormValue] {
        var out: [String: FormValue] = [:]
        for (k, v) in fields {
            switch v {
            case .string(let s): out[k] = .string(s)
            case .int(let n): out[k] = .int(n)
            case .bool(let b): out[k] = .bool(b)
            default: out[k] = .null
            }
        }
        return out
    }
}
