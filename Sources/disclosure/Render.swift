import DisclosureApp
import DisclosureCore
import DisclosureStore

/// Turns cases into text and JSON for one language and one "today".
struct Renderer {
    let lang: Language
    let calendar: WorkCalendar
    let asOf: CivilDate

    func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }

    /// The JSON views, for the same language and day.
    var views: CaseViews { CaseViews(lang: lang, calendar: calendar, asOf: asOf) }

    func status(_ s: CaseSummary) -> CaseStatus { views.status(s) }
    func waiting(_ s: CaseSummary) -> [WaitingConsultation] { views.waiting(s) }
    func workdaysLeft(_ s: CaseSummary) -> Int? { views.workdaysLeft(s) }
    func summaryJSON(_ s: CaseSummary) -> JSON { views.summary(s) }
    func caseJSON(_ r: CaseRecord, warnings: [Text] = []) -> JSON { views.case(r, warnings: warnings) }
    func eventJSON(_ e: StoredEvent) -> JSON { views.event(e) }
    func eventSummary(_ e: StoredEvent) -> String { views.eventSummary(e) }

    /// "due in 3", "overdue 2", or what the case is waiting for.
    func remaining(_ s: CaseSummary) -> String {
        if let left = workdaysLeft(s) {
            if left < 0 { return t("逾期\(-left)个工作日", "overdue \(-left) wd") }
            if left == 0 && s.due == asOf { return t("今日到期", "due today") }
            return t("剩\(left)个工作日", "\(left) wd left")
        }
        if s.status.isOpen, let until = s.nextDeadline {
            let fee = s.status == .awaitingFee
            if until < asOf {
                // The applicant's period is over: the officer can now close the case as abandoned.
                return fee
                    ? t("缴费期限已于\(until)届满，可结案(6.2)", "fee period ended \(until): close as 6.2")
                    : t("补正期限已于\(until)届满，可结案(6.1)", "correction period ended \(until): close as 6.1")
            }
            let what = fee ? t("待缴费", "fee") : t("待补正", "correction")
            return t("\(what)至\(marked(until))", "\(what) until \(marked(until))")
        }
        return "—"
    }

    /// A date computed in working days, marked provisional when its year's schedule is not loaded
    /// (the count ends in that year, so it leant on the statutory fallback).
    func marked(_ d: CivilDate) -> String {
        calendar.isLoaded(d.year) ? d.description : d.description + t("（暂定）", " (provisional)")
    }

    func dueText(_ d: CivilDate?, provisional: Bool) -> String {
        guard let d else { return "—" }
        return provisional ? d.description + t("（暂定）", " (provisional)") : d.description
    }

    func board(_ cases: [CaseSummary], within: Int?, through: CivilDate?) -> String {
        let overdue = cases.filter { s in s.due.map { asOf > $0 } == true }
        let rest = cases.filter { s in s.due.map { asOf > $0 } != true }
        var out = t("答复期限看板  截至 \(asOf)（\(weekdayName(asOf))）", "Deadline board as of \(asOf) (\(weekdayName(asOf)))")
        if let within, let through {
            out += t("，\(within)个工作日内（至 \(through)）", ", within \(within) working days (through \(through))")
        }
        out += t("：未结 \(cases.count) 件，其中逾期 \(overdue.count) 件\n", ": \(cases.count) open, \(overdue.count) overdue\n")
        if cases.isEmpty { return out + t("（没有需要关注的案件）", "(nothing due)") }
        let rows = (overdue + rest).map { s -> [String] in
            var state = status(s).label(lang)
            if status(s) == .consulting {
                var list = waiting(s).map {
                    t("#\($0.id)至\($0.limit.month)-\($0.limit.day)", "#\($0.id) to \($0.limit.month)/\($0.limit.day)")
                }
                // Cases untouched since migration 0002 know only their latest limit.
                if list.isEmpty, let u = s.consultUntil { list = [t("至\(u)", "to \(u)")] }
                state += t("（", " (") + list.joined(separator: t("、", ", ")) + t("）", ")")
            }
            return [
                s.number.description, s.received.description, dueText(s.due, provisional: s.provisional), remaining(s),
                state, truncate(s.applicantName, width: 16), truncate(s.request, width: 30),
            ]
        }
        return out
            + table(
                [
                    t("编号", "Number"), t("收到日期", "Received"), t("答复期限", "Due"), t("剩余", "Left"),
                    t("状态", "Status"), t("申请人", "Applicant"), t("申请内容", "Request"),
                ], rows)
    }

    func list(_ cases: [CaseSummary]) -> String {
        if cases.isEmpty { return t("没有符合条件的案件", "no matching cases") }
        let rows = cases.map { s -> [String] in
            [
                s.number.description, s.received.description, status(s).label(lang),
                dueText(s.due, provisional: s.provisional), s.outcome?.rawValue ?? "—",
                truncate(s.applicantName, width: 16), truncate(s.request, width: 34),
            ]
        }
        return table(
            [
                t("编号", "Number"), t("收到日期", "Received"), t("状态", "Status"), t("答复期限", "Due"),
                t("结果", "Outcome"), t("申请人", "Applicant"), t("申请内容", "Request"),
            ], rows)
            + t("\n共 \(cases.count) 件", "\n\(cases.count) cases")
    }

    func weekdayName(_ d: CivilDate) -> String {
        let zh = ["一", "二", "三", "四", "五", "六", "日"]
        let en = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        return lang == .zh ? "星期" + zh[d.weekday - 1] : en[d.weekday - 1]
    }

    // MARK: - One case (register, show)

    func clockText(_ s: CaseState) -> [String] {
        let c = s.clock
        var lines: [String] = []
        let reason: String
        switch c.startReason {
        case .received: reason = t("收到申请之日", "the receipt date")
        case .correctionReceived: reason = t("收到补正之日（重新计算）", "the day the correction arrived (restarted)")
        case .reopened: reason = t("重新办理之日", "the day the case was reopened")
        }
        lines.append(
            t("  起算日：\(c.roundStart)（\(reason)，当日不计）", "  Start: \(c.roundStart) (\(reason); not itself counted)"))
        lines.append(t("  法定期限：\(c.baseDays)个工作日", "  Statutory period: \(c.baseDays) working days"))
        if s.regulation == .of2008 {
            lines.append(
                t(
                    "  适用\(s.regulation.label.zh)（2019年5月15日前收到的申请）：答复期限15个工作日，延期最多15个工作日，"
                        + "仅征求第三方意见的时间不计入",
                    "  Under \(s.regulation.label.en) (received before 2019-05-15): 15 working days to reply, "
                        + "at most 15 of extension, and only time spent consulting a third party is not counted"))
        }
        if c.extensionDays > 0 {
            lines.append(t("  延期：\(c.extensionDays)个工作日", "  Extension: \(c.extensionDays) working days"))
        }
        for st in c.stops {
            let what =
                st.reason == .fee
                ? t("缴费", "fee") : t("第\(st.consultation ?? 0)号征求意见", "consultation #\(st.consultation ?? 0)")
            lines.append(
                t(
                    "  中止（\(what)）：\(st.span.first) 至 \(st.span.last)，不计 \(st.workdays) 个工作日",
                    "  Stopped (\(what)): \(st.span.first) to \(st.span.last), \(st.workdays) working days not counted")
            )
        }
        if let d = c.deferredTo { lines.append(t("  延迟答复（第三十五条）至：\(d)", "  Deferred (art. 35) to: \(d)")) }
        // A closed case waits for nothing: what it was waiting for when it closed is history.
        if let su = c.suspension, s.closedOn == nil {
            switch su {
            case .correction(let until):
                lines.append(
                    t(
                        "  期限未起算：等待补正，补正期限至 \(marked(until))",
                        "  Not running: awaiting correction until \(marked(until))"))
                if until < asOf {
                    lines.append(
                        t(
                            "  补正期限已届满：可用 close --abandoned correction 按“逾期不补正”(6.1)结案",
                            "  The correction period is over: close it as abandoned (6.1) with close --abandoned correction"
                        ))
                }
            case .thirdParty(let id, let until):
                lines.append(
                    t(
                        "  期限中止：等待第\(id)号征求意见的第三方答复（2008年条例未设答复期限，\(marked(until))前催问；"
                            + "不再等待的，以 consult answer --opinion none 登记）",
                        "  Stopped: awaiting the third party of consultation #\(id) (the 2008 Regulation sets "
                            + "no limit; chase by \(marked(until)); to go on without it, record consult answer "
                            + "--opinion none)"))
            case .fee(let until):
                lines.append(
                    t("  期限中止：等待缴费，缴费期限至 \(marked(until))", "  Stopped: awaiting the fee until \(marked(until))"))
                if until < asOf {
                    lines.append(
                        t(
                            "  缴费期限已届满：可用 close --abandoned fee 按“逾期未缴费”(6.2)结案",
                            "  The payment period is over: close it as abandoned (6.2) with close --abandoned fee"))
                }
            }
        }
        if let due = c.due {
            var line = t("  答复期限：\(due)（\(weekdayName(due))）", "  Reply due: \(due) (\(weekdayName(due)))")
            if c.provisional {
                line += t(
                    "  ※暂定：所涉年份的放假安排尚未载入，按法定节假日推算",
                    "  ※ provisional: the holiday schedule of a year involved is not loaded; statutory holidays assumed"
                )
            }
            lines.append(line)
        }
        return lines
    }

    func caseText(_ r: CaseRecord, warnings: [Text] = []) -> String {
        let s = r.state
        let a = r.application
        var lines: [String] = []
        lines.append(
            t(
                "案件 \(r.number)　\(s.status(asOf: max(asOf, s.lastEventDate)).label.zh)",
                "Case \(r.number) — \(s.status(asOf: max(asOf, s.lastEventDate)).label.en)"))
        lines.append(
            t(
                "收到日期：\(a.received)（\(a.channel.label.zh)，以\(a.channel.receiptRule.zh)为收到申请之日）",
                "Received: \(a.received) (\(a.channel.label.en); the receipt date is \(a.channel.receiptRule.en))"))
        lines.append(
            t(
                "申请人：\(a.applicant.name)（\(a.applicant.type.label.zh)）",
                "Applicant: \(a.applicant.name) (\(a.applicant.type.label.en))"))
        if let id = a.applicant.idNumber { lines.append(t("证件号码：\(id)", "ID number: \(id)")) }
        if let c = a.applicant.contact { lines.append(t("联系方式：\(c)", "Contact: \(c)")) }
        lines.append(t("申请内容：\(a.request)", "Request: \(a.request)"))
        if let f = a.form { lines.append(t("获取形式：\(f.label.zh)", "Form: \(f.label.en)")) }
        if let n = a.note { lines.append(t("备注：\(n)", "Note: \(n)")) }
        lines.append(t("登记：\(r.registeredAt)，\(r.registeredBy)", "Registered: \(r.registeredAt) by \(r.registeredBy)"))
        if let h = s.handler { lines.append(t("承办人：\(h)", "Handler: \(h)")) }
        if let reason = r.events.first?.lateEntry {
            lines.append(t("〔补录登记：\(reason)〕", "[registered late: \(reason)]"))
        }
        if s.round > 1 { lines.append(t("答复轮次：第\(s.round)轮", "Reply round: \(s.round)")) }
        lines.append(t("期限计算：", "Deadline:"))
        lines += clockText(s)
        if s.status.isOpen, let left = s.workdaysLeft(asOf: asOf, calendar: calendar) {
            lines.append(
                left < 0
                    ? t("  截至\(asOf)已逾期\(-left)个工作日", "  As of \(asOf): overdue by \(-left) working days")
                    : t("  截至\(asOf)剩余\(left)个工作日", "  As of \(asOf): \(left) working days left"))
        }
        if s.correction == nil && s.status.isOpen && s.round == 1 && asOf <= s.correctionNoticeDue {
            lines.append(
                t(
                    "  如需补正，应于 \(marked(s.correctionNoticeDue)) 前一次性告知",
                    "  A correction, if needed, must be requested by \(marked(s.correctionNoticeDue))"))
        }
        let waiting = s.openConsultations(on: asOf)
        for c in waiting {
            lines.append(
                t(
                    "  等待第\(c.id)号征求意见（\(c.party.label.zh)：\(c.to)），期限 \(marked(c.limit))",
                    "  Waiting for consultation #\(c.id) (\(c.party.label.en): \(c.to)), limit \(marked(c.limit))"))
        }
        for m in s.remedies {
            let state =
                m.result.map {
                    t(
                        "\($0.label.zh)（\(m.decided.map(\.description) ?? "")）",
                        "\($0.label.en) (\(m.decided.map(\.description) ?? ""))")
                }
                ?? t("尚未审结", "pending")
            lines.append(
                t(
                    "第\(m.id)号救济：\(m.kind.label.zh)，\(m.body)，\(m.filed)提起，\(state)",
                    "Remedy #\(m.id): \(m.kind.label.en) before \(m.body), filed \(m.filed), \(state)"))
        }
        if let o = s.outcome {
            lines.append(
                t(
                    "结果：\(o.rawValue) \(o.label.zh)（\(s.closedOn.map(\.description) ?? "")）",
                    "Outcome: \(o.rawValue) \(o.label.en) (\(s.closedOn.map(\.description) ?? ""))"))
        }
        lines.append(t("办理记录：", "History:"))
        for e in r.events {
            var line = "  \(e.seq). \(e.on)  \(eventSummary(e))\(lateMark(e))  [\(actorLabel(e))]"
            if e.dueBefore != e.dueAfter {
                line += t(
                    "  期限 \(e.dueBefore.map(\.description) ?? "—") → \(e.dueAfter.map(\.description) ?? "—")",
                    "  due \(e.dueBefore.map(\.description) ?? "—") → \(e.dueAfter.map(\.description) ?? "—")")
            }
            lines.append(line)
        }
        for w in warnings { lines.append(t("注意：", "Warning: ") + w(lang)) }
        return lines.joined(separator: "\n")
    }

    /// Who recorded a step: the account's name, or the bare name recorded before accounts existed.
    func actorLabel(_ e: StoredEvent) -> String {
        e.accountID == nil ? e.actor + t("（无账号）", " (no account)") : e.actor
    }

    /// 补录 and its reason, for a step entered late.
    func lateMark(_ e: StoredEvent) -> String {
        guard let reason = e.lateEntry else { return "" }
        return t("〔补录：\(reason)〕", " [late entry: \(reason)]")
    }
}
