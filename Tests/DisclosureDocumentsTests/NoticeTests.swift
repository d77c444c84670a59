import DisclosureCore
import DisclosureDocuments
import Testing

func day(_ s: String) -> CivilDate {
    guard let d = CivilDate(iso: s) else { fatalError("bad date literal \(s)") }
    return d
}

let calendar = WorkCalendar(schedules: [])
let application = Application(received: day("2026-03-02"), channel: .post,
                              applicant: Applicant(name: "张三", type: .person), request: "某项目环评批复")

func ev(_ on: String, _ a: Action, _ who: String = "王科员") -> CaseEvent { CaseEvent(on: day(on), action: a, actor: who) }

/// A case that went through every step a notice exists for, closed with `outcome`.
func state(outcome: Outcome, basis: String? = "依据条例第三十六条", referTo: String? = nil) -> CaseState {
    var events: [CaseEvent] = [
        ev("2026-03-03", .correctionRequested(items: "请写明文件名称", periodDays: 10, served: nil)),
        ev("2026-03-05", .correctionReceived),
        ev("2026-03-06", .consultationSent(id: 1, party: .thirdParty, to: "某置业有限公司", served: nil)),
        ev("2026-03-09", .consultationSent(id: 2, party: .agency, to: "市财政局", served: nil)),
        ev("2026-03-20", .consultationAnswered(id: 1, opinion: .agree)),
        ev("2026-03-20", .consultationAnswered(id: 2, opinion: .agree)),
        ev("2026-03-23", .extended(days: 10, approvedBy: "李主任", reason: "需调取档案")),
        ev("2026-03-24", .feeNoticed(basis: .pages, quantity: 120, amount: 1100, served: nil)),
        ev("2026-03-26", .feePaid),
        ev("2026-03-27", .deferred(until: day("2026-06-30"), reason: "申请数量大")),
    ]
    if outcome.isDraftable {
        events += [ev("2026-04-01", .replyDrafted(outcome: outcome, basis: basis, referTo: referTo)),
                   ev("2026-04-02", .replyReviewed(approved: true, comment: nil), "李主任"), ev("2026-04-02", .replyIssued)]
    }
    return CaseState(application: application, events: events, calendar: calendar)
}

let settings = NoticeSettings(date: day("2026-04-02"), reconsiderationBody: "示范市人民政府", howToPay: "请至本机关政务服务窗口缴纳")

func render(_ kind: NoticeKind, _ s: CaseState) throws(DisclosureError) -> Notice {
    try NoticeRenderer.render(kind, agency: "示范市人民政府办公室", number: CaseNumber(year: 2026, serial: 7), state: s,
                              settings: settings, calendar: calendar, templates: .shipped)
}

@Suite("Notices")
struct NoticeTests {
    @Test("a typed value never opens a paragraph or a signature: the forged decision of issue 11 stays inside its paragraph")
    func valuesStayInTheirParagraph() throws {
        let forged = "某项目环评批复\n\n本机关决定全部予以公开。\n\n> 示范市人民政府办公室\n>　　2026年4月2日\r\n\u{2029}　　　　另附"
        let app = Application(received: day("2026-03-02"), channel: .post,
                              applicant: Applicant(name: "> 张三", type: .person), request: forged)
        let events = [ev("2026-04-01", .replyDrafted(outcome: .stateSecret, basis: "涉及国家秘密", referTo: nil)),
                      ev("2026-04-02", .replyReviewed(approved: true, comment: nil), "李主任"), ev("2026-04-02", .replyIssued)]
        let n = try render(.reply, CaseState(application: app, events: events, calendar: calendar))
        // The template's own signature block only: the agency and the date.
        #expect(n.paragraphs.filter(\.right).map(\.text) == ["示范市人民政府办公室", "2026年4月2日"])
        #expect(!n.paragraphs.contains { $0.text.hasPrefix("本机关决定全部予以公开") })
        // The salutation keeps the applicant's name as typed, as an ordinary paragraph.
        #expect(n.paragraphs.first?.text == "> 张三：" && n.paragraphs.first?.right == false)
        let request = try #require(n.paragraphs.first { $0.text.contains("申请内容为") })
        #expect(request.text.contains("某项目环评批复\n本机关决定全部予以公开。\n> 示范市人民政府办公室\n>　　2026年4月2日\n另附"))
        let text = n.text()
        #expect(!text.contains("\n\n本机关决定"))
        let indent = String(repeating: "　", count: 16)
        #expect(text.split(separator: "\n").filter { $0.hasPrefix(indent) }.count == 2)
        #expect(n.html().contains("某项目环评批复<br>本机关决定全部予以公开。<br>&gt; 示范市人民政府办公室"))
    }

    @Test("every kind renders with no field left unfilled", arguments: NoticeKind.allCases)
    func kinds(_ kind: NoticeKind) throws {
        let n = try render(kind, state(outcome: .disclosed))
        let text = n.text()
        #expect(!text.contains("{{") && !text.contains("}}"))
        #expect(text.contains("2026-000007"))
        #expect(n.paragraphs.last?.text == "2026年4月2日")
        #expect(n.paragraphs.contains { $0.right && $0.text == "示范市人民政府办公室" })
        let html = n.html()
        #expect(html.contains("size: A4"))
        // Print-ready on its own: nothing fetched from elsewhere.
        #expect(!html.contains("http") && !html.contains("src=") && !html.contains("<link"))
    }

    @Test("the reply's wording follows the outcome, and refusals say 行政复议 comes first",
          arguments: Outcome.allCases.filter(\.isDraftable))
    func outcomes(_ outcome: Outcome) throws {
        let n = try render(.reply, state(outcome: outcome, referTo: outcome == .notHeld ? "区自然资源局，电话 12345678" : nil))
        let text = n.text()
        #expect(!text.contains("{{"))
        #expect(text.contains("示范市人民政府申请行政复议"))
        #expect(text.contains("应当先申请行政复议") == outcome.requiresReconsiderationFirst)
        #expect(text.contains("6个月内") == !outcome.requiresReconsiderationFirst)
        if outcome.group == 3 { #expect(text.contains(String(outcome.label.zh.split(separator: "：").last ?? ""))) }
        if outcome == .notHeld { #expect(text.contains("区自然资源局，电话 12345678")) }
    }

    @Test("a missing fact is an error naming it, never a blank in the letter")
    func missing() {
        var noBody = settings
        noBody.reconsiderationBody = nil
        do {
            _ = try NoticeRenderer.render(.reply, agency: "局", number: CaseNumber(year: 2026, serial: 1), state: state(outcome: .disclosed),
                                          settings: noBody, calendar: calendar, templates: .shipped)
            Issue.record("rendered without the reconsideration body")
        } catch {
            #expect(error.field == "reconsideration_body")
        }
        do {
            _ = try render(.reply, state(outcome: .stateSecret, basis: nil))
            Issue.record("rendered a refusal without its reason")
        } catch {
            #expect(error.field == "basis")
        }
        let fresh = CaseState(application: application, events: [], calendar: calendar)
        #expect(throws: DisclosureError.self) { try render(.correction, fresh) }
        #expect(throws: DisclosureError.self) { try render(.reply, fresh) }
    }

    @Test("consultation letters differ for a third party and a co-producing agency")
    func consultation() throws {
        var s1 = settings
        s1.consultation = 1
        let third = try NoticeRenderer.render(.consultation, agency: "局", number: CaseNumber(year: 2026, serial: 1),
                                              state: state(outcome: .disclosed), settings: s1, calendar: calendar, templates: .shipped).text()
        #expect(third.contains("第三十二条") && third.contains("某置业有限公司") && third.contains("由本机关依照条例的规定决定是否公开"))
        let agency = try render(.consultation, state(outcome: .disclosed)).text()
        #expect(agency.contains("第三十四条") && agency.contains("视为同意公开"))
    }

    @Test("the fee notice shows how the amount was reached")
    func fee() throws {
        let text = try render(.fee, state(outcome: .disclosed)).text()
        #expect(text.contains("第31至100页，70页×10元＝700元"))
        #expect(text.contains("应缴金额：1100元"))
        #expect(text.contains("请至本机关政务服务窗口缴纳"))
    }

    @Test("an office's own template replaces the shipped one")
    func ownTemplates() throws {
        var files = NoticeTemplates.shipped.files
        files["receipt.txt"] = "收件回执\n\n{{applicant}}：收到了。\n\n> {{agency}}\n> {{date}}\n"
        let n = try NoticeRenderer.render(.receipt, agency: "局", number: CaseNumber(year: 2026, serial: 1), state: state(outcome: .disclosed),
                                          settings: settings, calendar: calendar, templates: NoticeTemplates(files: files))
        #expect(n.title == "收件回执")
        files["receipt.txt"] = "回执\n\n{{unknown_field}}\n"
        do {
            _ = try NoticeRenderer.render(.receipt, agency: "局", number: CaseNumber(year: 2026, serial: 1), state: state(outcome: .disclosed),
                                          settings: settings, calendar: calendar, templates: NoticeTemplates(files: files))
            Issue.record("rendered an unknown field")
        } catch {
            #expect(error.field == "unknown_field")
        }
    }
}
