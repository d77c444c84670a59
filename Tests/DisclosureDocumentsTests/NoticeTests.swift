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

/// A step; a step that sends a letter gets a document number as the store would give it.
func ev(_ on: String, _ a: Action, _ who: String = "王科员") -> CaseEvent {
    let letter = NoticeKind.issued(by: a).map { LetterNumber.format(prefix: "示范府信公", kind: $0, year: 2026, serial: 3) }
    return CaseEvent(on: day(on), action: a, actor: who, letter: letter)
}

/// A case that went through every step a notice exists for, closed with `outcome`.
func state(outcome: Outcome, basis: String? = "依据条例第三十六条", referTo: String? = nil,
           issued: String = "2026-04-02") -> NoticeCase {
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
                   ev("2026-04-02", .replyReviewed(approved: true, comment: nil), "李主任"), ev(issued, .replyIssued)]
    }
    return noticeCase(application, events)
}

func noticeCase(_ app: Application, _ events: [CaseEvent]) -> NoticeCase {
    NoticeCase(number: CaseNumber(year: 2026, serial: 7), state: CaseState(application: app, events: events,
        calendar: calendar),
               events: events, registered: app.received, receiptLetter: "示范府信公收〔2026〕第7号")
}

let settings = NoticeSettings(reconsiderationBody: "示范市人民政府", howToPay: "请至本机关政务服务窗口缴纳")

func render(_ kind: NoticeKind, _ c: NoticeCase, _ settings: NoticeSettings = settings,
            templates: NoticeTemplates = .shipped) throws(DisclosureError) -> Notice {
    try NoticeRenderer.render(kind, agency: "示范市人民政府办公室", case: c, settings: settings, templates: templates)
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
        let n = try render(.reply, noticeCase(app, events))
        // The template's own signature block only: the agency and the date.
        #expect(n.paragraphs.filter(\.right).map(\.text) == ["示范府信公答〔2026〕第3号", "示范市人民政府办公室", "2026年4月2日"])
        #expect(!n.paragraphs.contains { $0.text.hasPrefix("本机关决定全部予以公开") })
        // The salutation keeps the applicant's name as typed, as an ordinary paragraph.
        #expect(n.paragraphs.first { !$0.right }?.text == "> 张三：")
        #expect(n.html().contains("<p class=\"salutation\">&gt; 张三：</p>"))
        #expect(n.html().contains("<p class=\"docnumber\">示范府信公答〔2026〕第3号</p>"))
        let request = try #require(n.paragraphs.first { $0.text.contains("申请内容为") })
        #expect(request.text.contains("某项目环评批复\n本机关决定全部予以公开。\n> 示范市人民政府办公室\n>　　2026年4月2日\n另附"))
        let text = n.text()
        #expect(!text.contains("\n\n本机关决定"))
        let indent = String(repeating: "　", count: 16)
        #expect(text.split(separator: "\n").filter { $0.hasPrefix(indent) }.count == 3)
        #expect(n.html().contains("某项目环评批复<br>本机关决定全部予以公开。<br>&gt; 示范市人民政府办公室"))
    }

    @Test("every kind renders with no field left unfilled, dated and numbered by its own step",
          arguments: NoticeKind.allCases.filter { $0 != .closing })
    func kinds(_ kind: NoticeKind) throws {
        let n = try render(kind, state(outcome: .disclosed))
        let text = n.text()
        #expect(!text.contains("{{") && !text.contains("}}"))
        #expect(text.contains("2026-000007"))
        let dates: [NoticeKind: String] = [
            .receipt: "2026年3月2日", .correction: "2026年3月3日", .consultation: "2026年3月9日",
            .extension: "2026年3月23日", .fee: "2026年3月24日", .deferral: "2026年3月27日", .reply: "2026年4月2日",
        ]
        #expect(n.paragraphs.last?.text == dates[kind])
        let number = kind == .receipt ? "示范府信公收〔2026〕第7号" : "示范府信公\(kind.mark)〔2026〕第3号"
        #expect(n.paragraphs.first?.text == number && n.paragraphs.first?.right == true)
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
        #expect(text.contains("应当先申请行政复议") == (outcome.isRefusal || outcome == .partlyDisclosed))
        #expect(text.contains("6个月内") == !outcome.isRefusal)
        if outcome.isRefusal && outcome != .thirdPartyRights {
            #expect(text.contains(String(outcome.label.zh.split(separator: "：").last ?? "")))
        }
        if outcome == .notHeld { #expect(text.contains("区自然资源局，电话 12345678")) }
    }

    @Test("a missing fact is an error naming it, never a blank in the letter")
    func missing() {
        var noBody = settings
        noBody.reconsiderationBody = nil
        do {
            _ = try render(.reply, state(outcome: .disclosed), noBody)
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
        let fresh = noticeCase(application, [])
        #expect(throws: DisclosureError.self) { try render(.correction, fresh) }
        #expect(throws: DisclosureError.self) { try render(.reply, fresh) }
    }

    @Test("consultation letters differ for a third party and a co-producing agency")
    func consultation() throws {
        var s1 = settings
        s1.consultation = 1
        let third = try render(.consultation, state(outcome: .disclosed), s1).text()
        #expect(third.contains("第三十二条") && third.contains("某置业有限公司") && third.contains("由本机关依照条例的规定决定是否公开"))
        let agency = try render(.consultation, state(outcome: .disclosed)).text()
        #expect(agency.contains("第三十四条") && agency.contains("视为同意公开"))
    }

    @Test("the fee notice shows how the amount was reached")
    func fee() throws {
        let text = try render(.fee, state(outcome: .disclosed)).text()
        #expect(text.contains("第31至100页，70页×10元＝700元。"))
        #expect(text.contains("应缴金额：1100元"))
        // The officer's words end their sentence before the template's next one begins.
        #expect(text.contains("请至本机关政务服务窗口缴纳。逾期未缴纳的，视为放弃申请"))
    }

    @Test("an office's own template replaces the shipped one")
    func ownTemplates() throws {
        var files = NoticeTemplates.shipped.files
        files["receipt.txt"] = "收件回执\n\n{{applicant}}：收到了。\n\n> {{agency}}\n> {{date}}\n"
        let n = try render(.receipt, state(outcome: .disclosed), templates: NoticeTemplates(files: files))
        #expect(n.title == "收件回执")
        files["receipt.txt"] = "回执\n\n{{unknown_field}}\n"
        do {
            _ = try render(.receipt, state(outcome: .disclosed), templates: NoticeTemplates(files: files))
            Issue.record("rendered an unknown field")
        } catch {
            #expect(error.field == "unknown_field")
        }
    }

    /// Each outcome's articles (STATUTE.md §10), as the reply's paragraph cites them.
    static let citations: [(Outcome, String)] = [
        (.disclosed, "第三十六条第一项、第二项"), (.partlyDisclosed, "第三十七条"),
        (.stateSecret, "第十四条、第三十六条第三项"), (.otherLawForbids, "第十四条、第三十六条第三项"),
        (.threeSecurities, "第十四条、第三十六条第三项"), (.thirdPartyRights, "第十五条、第三十二条、第三十六条第三项"),
        (.internalAffairs, "第十六条第一款、第三十六条第三项"), (.processInformation, "第十六条第二款、第三十六条第三项"),
        (.enforcementFile, "第十六条第二款、第三十六条第三项"), (.queryMatter, "第三十六条第七项"),
        (.notHeld, "第三十六条第四项"), (.needsCreation, "第三十八条"), (.unclearAfterCorrection, "第三十条"),
        (.petition, "第三十九条第一款"), (.repeated, "第三十六条第六项"), (.publication, "第三十九条第二款"),
        (.unreasonableVolume, "第三十五条"), (.confirmation, "第三十九条第二款"),
    ]

    @Test("each outcome cites its own articles, once", arguments: citations)
    func citation(_ outcome: Outcome, _ articles: String) throws {
        let text = try render(.reply, state(outcome: outcome, basis: "理由见附件")).text()
        let cited = "《中华人民共和国政府信息公开条例》" + articles
        #expect(text.contains(cited), "\(outcome.rawValue): \(text)")
        if outcome == .confirmation { #expect(text.contains("（参照" + cited + "）")) }
        // No other article of the Regulation is named in the outcome's paragraph.
        let paragraph = try #require(text.split(separator: "\n").first { $0.contains(cited) })
        #expect(paragraph.components(separatedBy: "《中华人民共和国政府信息公开条例》").count == 2)
    }

    @Test("a basis that names the article is not cited twice; 3.8 sends the applicant to the special law")
    func typedArticle() throws {
        let text = try render(.reply, state(outcome: .stateSecret, basis: "该文件属于国家秘密（条例第十四条）")).text()
        #expect(text.contains("（《中华人民共和国政府信息公开条例》第三十六条第三项）"))
        #expect(!text.contains("》第十四条"))
        // Another law's article of the same number is no reason to leave out the Regulation's.
        let other = try render(.reply, state(outcome: .otherLawForbids, basis: "依据《中华人民共和国保守国家秘密法》第十四条")).text()
        #expect(other.contains("《中华人民共和国政府信息公开条例》第十四条、第三十六条第三项"))
        let plain = try render(.reply, state(outcome: .confirmation, basis: "这条信息已于2025年提供")).text()
        #expect(plain.contains("（参照《中华人民共和国政府信息公开条例》第三十九条第二款）"))
        let all = try render(.reply, state(outcome: .repeated, basis: "依据条例第三十六条第六项")).text()
        #expect(!all.contains("《中华人民共和国政府信息公开条例》第三十六条第六项"))
        let query = try render(.reply, state(outcome: .queryMatter, basis: "请向市场监管部门查询企业登记档案")).text()
        #expect(query.contains("请您依照有关法律、行政法规的规定办理") && !query.contains("不予公开"))
        #expect(query.contains("6个月内") && !query.contains("应当先申请行政复议"))
        let referred = try render(.reply, state(outcome: .notHeld, basis: nil, referTo: "区自然资源局")).text()
        #expect(referred.contains("第三十六条第五项") && !referred.contains("第三十六条第四项"))
        #expect(referred.contains("该信息由区自然资源局负责公开"))
    }

    @Test("outcome paragraphs end as sentences, whatever the officer typed")
    func punctuation() throws {
        for (outcome, basis) in [(Outcome.disclosed, "已在门户网站公开"), (.partlyDisclosed, "其中个人信息部分不予公开，"),
                                 (.petition, "请通过12345热线反映"), (.repeated, nil)] {
            let n = try render(.reply, state(outcome: outcome, basis: basis))
            let paragraph = try #require(n.paragraphs.first { $0.text.contains("条例》") })
            #expect(paragraph.text.hasSuffix("。"), "\(outcome.rawValue): \(paragraph.text)")
            #expect(!paragraph.text.contains("。。") && !paragraph.text.contains("，。"))
        }
    }

    @Test("行政复议 comes first only for refusals issued from 2024-01-01, and for a partial disclosure's withheld part")
    func remedyRoutes() throws {
        let before = try render(.reply, state(outcome: .stateSecret, basis: "国家秘密", issued: "2023-12-29")).text()
        #expect(before.contains("6个月内") && !before.contains("应当先申请行政复议"))
        let after = try render(.reply, state(outcome: .stateSecret, basis: "国家秘密", issued: "2024-01-02")).text()
        #expect(after.contains("应当先申请行政复议") && !after.contains("6个月内"))
        let partly = try render(.reply, state(outcome: .partlyDisclosed, basis: "个人信息部分不予公开")).text()
        #expect(partly.contains("6个月内") && partly.contains("对其中不予公开的部分不服的") && partly.contains("应当先申请行政复议"))
    }

    @Test("closing letters for 6.1, 6.2 and 6.3, dated by the closing step; the reply points to them")
    func closingLetters() throws {
        let lapsed = noticeCase(application, [
            ev("2026-03-03", .correctionRequested(items: "请写明文件名称", periodDays: 10, served: nil)),
            ev("2026-03-20", .abandoned(reason: .correction)),
        ])
        let a = try render(.closing, lapsed)
        #expect(a.text().contains("2026年3月17日前提交补正后的申请") && a.text().contains("第三十条"))
        #expect(a.paragraphs.first?.text == "示范府信公终〔2026〕第3号" && a.paragraphs.last?.text == "2026年3月20日")
        #expect(a.text().contains("6个月内"))
        do {
            _ = try render(.reply, lapsed)
            Issue.record("rendered a reply for a case closed without one")
        } catch {
            #expect(error.message(.zh).contains("终止办理告知书"))
        }
        let unpaid = noticeCase(application, [
            ev("2026-03-04", .feeNoticed(basis: .pages, quantity: 120, amount: 1100, served: nil)),
            ev("2026-04-02", .abandoned(reason: .fee)),
        ])
        let b = try render(.closing, unpaid).text()
        #expect(b.contains("信息处理费1100元") && b.contains("国办函〔2020〕109号"))
        let withdrawn = try render(.closing, noticeCase(application, [ev("2026-03-05", .withdrawn)])).text()
        #expect(withdrawn.contains("您于2026年3月5日撤回了该政府信息公开申请"))
        #expect(withdrawn.contains("如对本告知书不服") && !withdrawn.contains("本答复"))
        #expect(throws: DisclosureError.self) { try render(.closing, state(outcome: .disclosed)) }
    }

    @Test("an extension notice states every extension of the round with its reason")
    func extensions() throws {
        let c = noticeCase(application, [
            ev("2026-03-20", .extended(days: 5, approvedBy: "李主任", reason: "需调取档案。")),
            ev("2026-04-03", .extended(days: 10, approvedBy: "李主任", reason: "需会同规划部门核查")),
        ])
        let text = try render(.extension, c).text()
        #expect(text.contains("因需调取档案，经本机关政府信息公开工作机构负责人同意，答复期限延长5个工作日；"))
        #expect(text.contains("2026年4月3日，因需会同规划部门核查，经本机关政府信息公开工作机构负责人同意，答复期限再延长10个工作日。"))
        #expect(text.hasSuffix("2026年4月3日\n"))
    }

    @Test("a case under the 2008 Regulation gets letters citing the 2008 articles")
    func regulation2008() throws {
        let old = Application(received: day("2019-03-04"), channel: .post,
                              applicant: Applicant(name: "张三", type: .person), request: "某项目环评批复")
        let events = [
            ev("2019-03-05", .correctionRequested(items: "请写明文件名称", periodDays: 10, served: nil)),
            ev("2019-03-08", .correctionReceived),
            ev("2019-03-11", .consultationSent(id: 1, party: .thirdParty, to: "某置业有限公司", served: nil)),
            ev("2019-03-20", .extended(days: 15, approvedBy: "李主任", reason: "需调取档案")),
            ev("2019-04-01", .consultationAnswered(id: 1, opinion: .object)),
            ev("2019-04-02", .replyDrafted(outcome: .thirdPartyRights, basis: "涉及商业秘密", referTo: nil)),
            ev("2019-04-03", .replyReviewed(approved: true, comment: nil), "李主任"), ev("2019-04-03", .replyIssued),
        ]
        let c = noticeCase(old, events)
        let law = "《中华人民共和国政府信息公开条例》（2007年国务院令第492号公布）"
        let receipt = try render(.receipt, c).text()
        #expect(receipt.contains(law + "第二十四条") && receipt.contains("15个工作日内") && !receipt.contains("第三十三条"))
        #expect(!receipt.contains("信息处理费"))
        #expect(try render(.correction, c).text().contains(law + "第二十一条第四项"))
        let consult = try render(.consultation, c).text()
        #expect(consult.contains(law + "第二十三条") && !consult.contains("15个工作日内"))
        #expect(try render(.extension, c).text().contains(law + "第二十四条第二款"))
        let reply = try render(.reply, c).text()
        #expect(reply.contains(law + "第十四条第四款、第二十三条、第二十一条第二项"))
        #expect(reply.contains("本机关已书面征求第三方意见，第三方不同意公开。"))
        // Issued before 2024: both routes are open.
        #expect(reply.contains("6个月内") && !reply.contains("应当先申请行政复议"))
    }
}
