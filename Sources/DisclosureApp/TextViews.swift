import DisclosureCore
import DisclosureStore
import Foundation

/// Terminal columns a string takes: CJK and full-width characters take two.
public func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { w, u in
        let v = u.value
        let wide =
            (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
        return w + (wide ? 2 : (v < 0x20 ? 0 : 1))
    }
}

/// Cuts `s` to at most `width` columns, marking the cut with an ellipsis.
public func truncate(_ s: String, width: Int) -> String {
    let flat = s.replacingOccurrences(of: "\n", with: " ")
    if displayWidth(flat) <= width { return flat }
    var out = ""
    var w = 0
    for ch in flat {
        let cw = displayWidth(String(ch))
        if w + cw > width - 1 { break }
        out.append(ch)
        w += cw
    }
    return out + "…"
}

/// Lays rows out in columns aligned by display width.
public func table(_ header: [String], _ rows: [[String]]) -> String {
    let all = [header] + rows
    var widths = [Int](repeating: 0, count: header.count)
    for r in all { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(c)) } }
    return all.map { r in
        var line = r.enumerated().map { i, c in
            i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - displayWidth(c))
        }.joined(separator: "  ")
        while line.last == " " { line.removeLast() }
        return line
    }.joined(separator: "\n")
}

/// Turns cases into text and JSON for one language and one "today".
public struct Renderer {
    /// The JSON views, for the same language and day: the text is drawn beside them.
    public let views: CaseViews
    public var lang: Language { views.lang }
    public var calendar: WorkCalendar { views.calendar }
    public var asOf: CivilDate { views.asOf }

    public init(lang: Language, calendar: WorkCalendar, asOf: CivilDate) {
        views = CaseViews(lang: lang, calendar: calendar, asOf: asOf)
    }

    public func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }


    public func status(_ s: CaseSummary) -> CaseStatus { views.status(s) }
    public func waiting(_ s: CaseSummary) -> [WaitingConsultation] { views.waiting(s) }
    public func workdaysLeft(_ s: CaseSummary) -> Int? { views.workdaysLeft(s) }
    public func summaryJSON(_ s: CaseSummary) -> JSON { views.summary(s) }
    public func caseJSON(_ r: CaseRecord, warnings: [Text] = []) -> JSON { views.case(r, warnings: warnings) }
    public func eventJSON(_ e: StoredEvent) -> JSON { views.event(e) }
    public func eventSummary(_ e: StoredEvent) -> String { views.eventSummary(e) }

    /// "due in 3", "overdue 2", or what the case is waiting for.
    public func remaining(_ s: CaseSummary) -> String {
        if status(s) == .consulting, let until = resumes(s), let left = workdaysLeft(s) {
            return t("中止至\(until)，其后剩\(left)个工作日", "stopped to \(until), then \(left) wd left")
        }
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
    public func marked(_ d: CivilDate) -> String {
        calendar.isLoaded(d.year) ? d.description : d.description + t("（暂定）", " (provisional)")
    }

    public func dueText(_ d: CivilDate?, provisional: Bool) -> String {
        guard let d else { return "—" }
        return provisional ? d.description + t("（暂定）", " (provisional)") : d.description
    }

    /// Whether the case's clock stands still today: waiting on the applicant or on a consultation.
    public func isStopped(_ s: CaseSummary) -> Bool {
        [.awaitingCorrection, .awaitingFee, .consulting].contains(status(s))
    }

    /// The board's order: running clocks by working days left (overdue first), then the stopped clocks
    /// by the day they resume, so that a stopped case's far-off due date does not hide among the urgent.
    public func boardOrder(_ cases: [CaseSummary]) -> (running: [CaseSummary], stopped: [CaseSummary]) {
        let running = cases.filter { !isStopped($0) }.map { ($0, workdaysLeft($0) ?? Int.max) }
            .sorted { a, b in
                a.1 != b.1 ? a.1 < b.1 : (a.0.due ?? asOf, a.0.number) < (b.0.due ?? asOf, b.0.number)
            }.map(\.0)
        let stopped = cases.filter(isStopped).sorted { a, b in
            (resumes(a) ?? asOf, a.number) < (resumes(b) ?? asOf, b.number)
        }
        return (running, stopped)
    }

    /// The last day of the stop: a consultation's limit, or the applicant's period.
    func resumes(_ s: CaseSummary) -> CivilDate? {
        status(s) == .consulting ? (waiting(s).map(\.limit).max() ?? s.consultUntil) : s.nextDeadline
    }

    public func board(_ cases: [CaseSummary], within: Int?, through: CivilDate?) -> String {
        let overdue = cases.filter { s in s.due.map { asOf > $0 } == true }
        let (running, stopped) = boardOrder(cases)
        var out = t("答复期限看板  截至 \(asOf)（\(weekdayName(asOf))）", "Deadline board as of \(asOf) (\(weekdayName(asOf)))")
        if let within, let through {
            out += t("，\(within)个工作日内（至 \(through)）", ", within \(within) working days (through \(through))")
        }
        out += t("：未结 \(cases.count) 件，其中逾期 \(overdue.count) 件\n", ": \(cases.count) open, \(overdue.count) overdue\n")
        if cases.isEmpty { return out + t("（没有需要关注的案件）", "(nothing due)") }
        func row(_ s: CaseSummary) -> [String] {
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
        let header = [
            t("编号", "Number"), t("收到日期", "Received"), t("答复期限", "Due"), t("剩余", "Left"),
            t("状态", "Status"), t("申请人", "Applicant"), t("申请内容", "Request"),
        ]
        if !running.isEmpty { out += table(header, running.map(row)) }
        if !stopped.isEmpty {
            // The stopped clocks in a group of their own, by the day they resume.
            out += (running.isEmpty ? "" : "\n\n")
                + t("期限中止（征求意见、待补正、待缴费）\(stopped.count) 件，按恢复计算之日排列：\n",
                    "Stopped clocks (consultation, correction, fee), \(stopped.count), by the day they resume:\n")
                + table(header, stopped.map(row))
        }
        return out
    }

    public func list(_ cases: [CaseSummary]) -> String {
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

    public func weekdayName(_ d: CivilDate) -> String {
        let zh = ["一", "二", "三", "四", "五", "六", "日"]
        let en = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        return lang == .zh ? "星期" + zh[d.weekday - 1] : en[d.weekday - 1]
    }

    // MARK: - One case (register, show)

    public func clockText(_ s: CaseState) -> [String] {
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
            // A stop over a weekend or holiday leaves out no working day: it is said so, not "0".
            lines.append(
                st.workdays == 0
                    ? t(
                        "  中止（\(what)）：\(st.span.first) 至 \(st.span.last)，其间没有工作日，期限不变",
                        "  Stopped (\(what)): \(st.span.first) to \(st.span.last), no working day in it; due unchanged")
                    : t(
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
                            "  The correction period is over: close it as abandoned (6.1) "
                                + "with close --abandoned correction"
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

    public func caseText(_ r: CaseRecord, warnings: [Text] = []) -> String {
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
        let numbers = r.historyNumbers
        for a in s.amendments where a.approved == nil {
            let seq = numbers[a.step] ?? a.step
            let v = Amendments.display(a.field, a.value, lang)
            lines.append(
                t(
                    "待批准的第\(a.id)号更正：第\(seq)项记录的“\(a.field.label.zh)”更正为“\(v)”（\(a.proposer.name)提出，须负责人批准）",
                    "Amendment #\(a.id) awaiting a head: entry \(seq), \(a.field.label.en) to “\(v)” "
                        + "(proposed by \(a.proposer.name))"))
        }
        lines.append(t("办理记录：", "History:"))
        let marks = amendmentMarks(r)
        for e in r.events {
            var line =
                "  \(e.seq). \(e.on)  \(eventSummary(e, in: r))\(lateMark(e))\(marks[e.seq] ?? "")  [\(actorLabel(e))]"
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
    public func actorLabel(_ e: StoredEvent) -> String {
        e.accountID == nil ? e.actor + t("（无账号）", " (no account)") : e.actor
    }

    /// 补录 and its reason, for a step entered late.
    public func lateMark(_ e: StoredEvent) -> String {
        guard let reason = e.lateEntry else { return "" }
        return t("〔补录：\(reason)〕", " [late entry: \(reason)]")
    }

    /// What `register` prints: the number, the receipt date and the deadlines it starts.
    public func registered(_ record: CaseRecord, warnings: [Text]) -> String {
        let s = record.state
        let received = record.application.received
        let due = dueText(s.clock.due, provisional: s.clock.provisional)
        return t(
            "已登记 \(record.number)：收到日期 \(received)，答复期限 \(due)（\(s.clock.baseDays)个工作日）"
                + (s.regulation == .of2008 ? "，适用2008年条例" : "，补正告知须于 \(marked(s.correctionNoticeDue)) 前发出"),
            "registered \(record.number): received \(received), reply due \(due) "
                + "(\(s.clock.baseDays) working days)"
                + (s.regulation == .of2008
                    ? ", under the 2008 Regulation"
                    : "; any correction must be requested by \(marked(s.correctionNoticeDue))"))
            + warnings.map { t("\n注意：", "\nWarning: ") + $0(lang) }.joined()
    }

    /// What a step prints: the step recorded, the status it leaves and what the case waits for.
    public func step(_ record: CaseRecord, warnings: [Text]) -> String {
        guard let last = record.events.last else { return record.number.description }
        let s = record.state
        var text = t(
            "\(record.number)：已记录 \(last.on) \(eventSummary(last, in: record))\(lateMark(last))",
            "\(record.number): recorded \(last.on) \(eventSummary(last, in: record))\(lateMark(last))")
        text += t("\n状态：\(s.status.label.zh)", "\nStatus: \(s.status.label.en)")
        if s.status.isOpen {
            if let due = s.clock.due {
                text += t(
                    "；答复期限：\(dueText(due, provisional: s.clock.provisional))",
                    "; reply due: \(dueText(due, provisional: s.clock.provisional))")
            } else if let su = s.clock.suspension {
                switch su {
                case .correction(let until): text += t("；等待补正至 \(until)", "; awaiting the correction until \(until)")
                case .fee(let until): text += t("；等待缴费至 \(until)", "; awaiting payment until \(until)")
                case .thirdParty(let id, let until):
                    text += t(
                        "；等待第\(id)号征求意见的第三方答复（\(until)前催问）",
                        "; awaiting the third party of consultation #\(id) (chase by \(until))")
                }
            }
        } else if let o = s.outcome {
            text += t("；结果：\(o.rawValue) \(o.label.zh)", "; outcome: \(o.rawValue) \(o.label.en)")
        }
        for w in warnings { text += t("\n注意：", "\nWarning: ") + w(lang) }
        return text
    }

    /// For each history entry an approved amendment corrected, the mark saying so: the entry itself
    /// shows what was recorded, the amendment what is now taken as right.
    public func amendmentMarks(_ record: CaseRecord) -> [Int: String] {
        let seqOfStep = record.historyNumbers
        var out: [Int: String] = [:]
        for a in record.state.amendments where a.approved == true {
            guard let seq = seqOfStep[a.step] else { continue }
            let v = Amendments.display(a.field, a.value, lang)
            out[seq, default: ""] += t(
                "〔第\(a.id)号更正：\(a.field.label.zh)已更正为“\(v)”〕",
                    " [amendment #\(a.id): \(a.field.label.en) is now “\(v)”]")
        }
        return out
    }

    /// A history entry in words, an amendment naming the entry it corrects by its history number.
    public func eventSummary(_ e: StoredEvent, in record: CaseRecord) -> String {
        guard case let .amendmentProposed(id, step, field, value, reason)? = e.event?.action,
            let f = AmendableField(rawValue: field)
        else { return eventSummary(e) }
        let seq = record.historyNumbers[step] ?? step
        let v = Amendments.display(f, value, lang)
        return t(
            "提出第\(id)号更正：第\(seq)项记录的“\(f.label.zh)”更正为“\(v)”（理由：\(reason)）",
            "amendment #\(id) proposed: entry \(seq), \(f.label.en) to “\(v)” (reason: \(reason))")
    }

    /// What `history` prints: every event with its dates, account and the due date it moved.
    public func history(_ record: CaseRecord) -> String {
        let marks = amendmentMarks(record)
        let rows = record.events.map { e in
            [
                String(e.seq), e.on.description, e.recordedAt, actorLabel(e),
                eventSummary(e, in: record) + lateMark(e) + (marks[e.seq] ?? ""),
                e.note != nil && e.dueBefore == nil && e.dueAfter == nil
                    ? "" : "\(e.dueBefore.map(\.description) ?? "—") → \(e.dueAfter.map(\.description) ?? "—")",
            ]
        }
        return t("案件 \(record.number) 办理记录\n", "History of case \(record.number)\n")
            + table(
                [
                    t("序号", "#"), t("日期", "Date"), t("登记时间", "Recorded"), t("经办人", "By"),
                    t("事项", "Step"), t("答复期限", "Due"),
                ], rows)
    }
}

/// What the attachment commands print.
public enum AttachmentText {
    /// `attach`: the document stored, with its size and digest.
    public static func stored(_ n: CaseNumber, _ info: AttachmentInfo, _ lang: Language) -> String {
        lang == .zh
            ? "\(n)：已存入第\(info.seq)号附件 \(info.name)（\(info.size) 字节，SHA-256 \(info.sha256)）"
            : "\(n): attachment \(info.seq) \(info.name) stored (\(info.size) bytes, SHA-256 \(info.sha256))"
    }

    /// `attachments`: a case's documents as a table.
    public static func list(_ n: CaseNumber, _ list: [AttachmentInfo], _ lang: Language) -> String {
        let zh = lang == .zh
        guard !list.isEmpty else { return zh ? "\(n) 没有附件" : "\(n) has no attachments" }
        return table(
            zh ? ["序号", "类别", "文件名", "字节", "SHA-256", "存入"] : ["#", "Kind", "Name", "Bytes", "SHA-256", "Added"],
            list.map {
                [
                    String($0.seq), $0.kind.label(lang), $0.name, String($0.size), $0.sha256,
                    "\($0.addedAt) \($0.addedBy)",
                ]
            })
    }
}

public func quoteText(_ q: FeeQuote, _ lang: Language) -> String {
    let unit = q.basis == .items ? (lang == .zh ? "件" : "item") : (lang == .zh ? "页" : "page")
    var lines = [
        lang == .zh
            ? "\(q.basis.label.zh)：\(q.quantity)\(unit)"
                + (q.basis == .items
                    ? "（申请人当月此前已有\(q.priorItems)件，本次为第\(q.priorItems + 1)至\(q.priorItems + q.quantity)件）" : "")
            : "\(q.basis.label.en): \(q.quantity) \(unit)s"
                + (q.basis == .items
                    ? " (the applicant had \(q.priorItems) earlier this month; "
                        + "these are items \(q.priorItems + 1)–\(q.priorItems + q.quantity))"
                    : "")
    ]
    for b in q.bands {
        lines.append(
            lang == .zh
                ? "  第\(b.from)–\(b.through)\(unit)：\(b.count) × \(b.unitPrice)元 = \(b.subtotal)元"
                : "  \(unit)s \(b.from)–\(b.through): \(b.count) × \(b.unitPrice) yuan = \(b.subtotal) yuan")
    }
    lines.append(lang == .zh ? "合计：\(q.amount)元" : "Total: \(q.amount) yuan")
    return lines.joined(separator: "\n")
}

/// What the calendar commands print.
public enum CalendarText {
    /// `calendar list`: the official years loaded.
    public static func years(_ years: [CalendarYearInfo], _ lang: Language) -> String {
        let zh = lang == .zh
        return table(
            zh ? ["年份", "通知", "来源", "载入时间"] : ["Year", "Notice", "Origin", "Loaded"],
            years.map {
                [
                    String($0.year), $0.source, $0.origin == "shipped" ? (zh ? "随程序发布" : "shipped") : $0.origin,
                    $0.loadedAt,
                ]
            })
            + (zh
                ? "\n其他年份按法定节假日推算，所得日期标为“暂定”"
                : "\nOther years use the statutory holidays; dates from them are marked provisional")
    }

    /// `calendar show YEAR`: the year month by month, holidays and make-up days marked.
    public static func year(_ year: Int, _ cal: WorkCalendar, _ lang: Language) -> String {
        let zh = lang == .zh
        var out: [String] = []
        if let s = cal.schedules[year] {
            out.append(zh ? "\(year)年工作日历（依据：\(s.source)）" : "\(year) working-day calendar (from \(s.source))")
        } else {
            out.append(
                zh
                    ? "\(year)年工作日历 ※暂定：尚未载入国务院放假安排，按法定节假日推算，不含调休"
                    : "\(year) working-day calendar ※ provisional: no official schedule loaded; "
                        + "statutory holidays only, no make-up days"
            )
        }
        out.append(
            zh ? "图例：休 = 节假日，班 = 调休上班日，周末显示为 ·" : "Key: H = holiday, W = make-up working day, weekend days shown as ·")
        var workdays = 0
        for month in 1...12 {
            out.append("")
            out.append(zh ? "\(month)月" : CalendarText.monthName(month))
            out.append(zh ? "  一   二   三   四   五   六   日" : " Mon  Tue  Wed  Thu  Fri  Sat  Sun")
            guard let first = CivilDate(year: year, month: month, day: 1) else { continue }
            var line = String(repeating: "     ", count: first.weekday - 1)
            var names: [String] = []
            for day in 1...CivilDate.daysInMonth(year: year, month: month) {
                guard let d = CivilDate(year: year, month: month, day: day) else { continue }
                let info = cal.info(d)
                if info.isWorkday { workdays += 1 }
                let mark: String
                switch info.kind {
                case .workday: mark = " "
                case .weekend: mark = "·"
                case .holiday: mark = zh ? "休" : "H"
                case .makeupWorkday: mark = zh ? "班" : "W"
                }
                let num = day < 10 ? " \(day)" : "\(day)"
                line += " \(num)" + mark + (displayWidth(mark) == 1 ? " " : "")
                if let n = info.name, info.kind != .weekend {
                    let label = info.kind == .holiday ? n : (zh ? "\(n)调休上班" : "\(n) make-up day")
                    if names.last != label { names.append(label) }
                }
                if d.weekday == 7 {
                    out.append(line)
                    line = ""
                }
            }
            if !line.isEmpty { out.append(line) }
            if !names.isEmpty { out.append("  " + names.joined(separator: zh ? "；" : "; ")) }
        }
        out.append("")
        out.append(zh ? "全年工作日：\(workdays)天" : "Working days in the year: \(workdays)")
        return out.joined(separator: "\n")
    }

    /// `calendar days`: day by day.
    public static func days(_ infos: [DayInfo], _ calendar: WorkCalendar, _ lang: Language) -> String {
        let zh = lang == .zh
        let header = zh ? ["日期", "星期", "工作日", "说明"] : ["Date", "Day", "Workday", "Note"]
        return table(
            header,
            infos.map { i in
                let r = Renderer(lang: lang, calendar: calendar, asOf: i.date)
                var note = i.name.map { i.kind == .makeupWorkday ? (zh ? "\($0)调休上班" : "\($0) make-up day") : $0 } ?? ""
                if i.provisional { note += zh ? "（暂定）" : " (provisional)" }
                return [
                    i.date.description, r.weekdayName(i.date), i.isWorkday ? (zh ? "是" : "yes") : (zh ? "否" : "no"),
                    note,
                ]
            })
    }

    /// `calendar import`: what was loaded and the due dates it moved.
    public static func imported(_ schedule: HolidaySchedule, _ result: CalendarImportResult, _ lang: Language) -> String
    {
        let zh = lang == .zh
        var lines = [
            zh
                ? "已\(result.replaced ? "替换" : "载入")\(result.year)年放假安排（\(schedule.holidays.count)天假日，"
                    + "\(schedule.workdays.count)天调休上班），重算未结案件\(result.recomputed)件，"
                    + "期限变化\(result.changed.count)件"
                : "\(result.replaced ? "replaced" : "loaded") the \(result.year) schedule "
                    + "(\(schedule.holidays.count) holidays, \(schedule.workdays.count) make-up days); "
                    + "recomputed \(result.recomputed) open cases, \(result.changed.count) changed"
        ]
        if result.unchanged {
            lines = [
                zh
                    ? "\(result.year)年放假安排与已载入的完全相同，未作改动"
                    : "the \(result.year) schedule is exactly the one already loaded; nothing was changed"
            ]
        }
        for c in result.changed {
            lines.append("  \(c.number)  \(c.before.map(\.description) ?? "—") → \(c.after.map(\.description) ?? "—")")
        }
        return lines.joined(separator: "\n")
    }

    static func monthName(_ m: Int) -> String {
        [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ][m - 1]
    }
}

/// What `import` prints: the counts, and each case skipped, replaced, updated or due otherwise here.
public enum ImportText {
    public static func report(_ report: ImportReport, _ lang: Language) -> String {
        let zh = lang == .zh
        var lines = [
            zh
                ? "导入完成：新增 \(report.importedCount) 件，已有且相同而跳过 \(report.identicalCount) 件，替换 \(report.replacedCount) 件"
                    + (report.updatedCount > 0 ? "，更新外机关案件 \(report.updatedCount) 件" : "")
                : "imported \(report.importedCount) cases; \(report.identicalCount) already present and "
                    + "identical, skipped; "
                    + "\(report.replacedCount) replaced"
                    + (report.updatedCount > 0
                        ? "; \(report.updatedCount) "
                            + "updated" : "")
        ]
        for id in report.identical { lines.append(zh ? "  已有相同案卷，跳过：\(id)" : "  already present, skipped: \(id)") }
        for id in report.replaced {
            lines.append(zh ? "  已替换：\(id)（原案件保留为已替代记录）" : "  replaced: \(id) (the old case is kept, superseded)")
        }
        for id in report.updated {
            lines.append(
                zh
                    ? "  已更新：\(id)（来文机关的新版本接续本库所存版本；原版本保留为已替代记录）"
                    : "  updated: \(id) (the sending agency's newer version continues the one held; the old one "
                        + "is kept, superseded)")
        }
        for d in report.dueDifferences {
            let (here, exported) = (d.here.map(\.description) ?? "—", d.exported.map(\.description) ?? "—")
            lines.append(
                zh
                    ? "  答复期限按本机关日历为 \(here)，与导出时的 \(exported) 不同：\(d.identifier)"
                    : "  due date here \(here) differs from the exported \(exported): \(d.identifier)"
            )
        }
        let listed = ImportReport.listed
        if report.identicalCount > listed || report.replacedCount > listed || report.updatedCount > listed
            || report.dueDifferenceCount > listed
        {
            lines.append(zh ? "（每类最多列出 \(listed) 件）" : "(at most \(listed) of each kind are listed)")
        }
        return lines.joined(separator: "\n")
    }
}

/// The annual report's tables 三 and 四 as text and CSV (`report annual --format text|csv`).
public enum AnnualReportText {
    static func cells(_ row: [ApplicantType: Int]) -> [Int] {
        let organisations = AnnualReport.columns.dropFirst().reduce(0) { $0 + row[$1, default: 0] }
        return AnnualReport.columns.map { row[$0, default: 0] } + [organisations, AnnualReport.total(row)]
    }

    /// Row labels in English; the statutory format itself is Chinese (`--lang en` reads it in English).
    static func englishLabel(_ id: String) -> String {
        switch id {
        case "received": "1. New applications received this year"
        case "carried-in": "2. Applications carried over from last year"
        case "results": "3. Results this year"
        case "1", "2", "3", "4", "5", "6":
            [
                "1": "(1) Disclosed", "2": "(2) Partly disclosed (counted here only)", "3": "(3) Not disclosed",
                "4": "(4) Cannot be provided", "5": "(5) Not processed", "6": "(6) Other handling",
            ][id] ?? id
        case "total": "(7) Total"
        case "carried-out": "4. Carried over to next year"
        default: Outcome(rawValue: id).map { "\($0.rawValue) \($0.label.en)" } ?? id
        }
    }

    public static func text(_ r: AnnualReport, agency: String, lang: Language = .zh) -> String {
        let zh = lang == .zh
        var out =
            zh
            ? "\(agency) \(r.year)年度政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n"
            : "\(agency): annual report on government information disclosure, \(r.year)\n\n"
                + "III. Applications received and handled\n"
        let header =
            zh
            ? [
                "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", "自然人", "商业企业", "科研机构",
                "社会公益组织", "法律服务机构", "其他", "法人或其他组织小计", "总计",
            ]
            : ["Row (1 + 2 = 3(7) + 4)"] + AnnualReport.columns.map(\.label.en) + ["Organisations", "Total"]
        var rows: [[String]] = []
        for row in r.rows {
            let indent = String(repeating: zh ? "　" : "  ", count: row.level)
            rows.append(
                [indent + (zh ? row.label : englishLabel(row.id))]
                    + (row.id == "results" ? Array(repeating: "", count: 8) : cells(row.counts).map(String.init)))
        }
        out += table(header, rows)
        let check =
            r.imbalances.isEmpty
            ? (zh ? "勾稽关系：一＋二＝三（七）＋四，成立" : "Check 1 + 2 = 3(7) + 4: holds")
            : (zh ? "勾稽关系不成立，见下方错误" : "Check 1 + 2 = 3(7) + 4 fails; see the error below")
        out +=
            "\n" + check
            + (zh ? "\n\n四、政府信息公开行政复议、行政诉讼情况\n" : "\n\nIV. Reconsideration and litigation\n")
        let results: [RemedyResult?] = [.upheld, .corrected, .other, nil]
        let h4 =
            zh
            ? ["类别", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
            : ["Kind", "Upheld", "Corrected", "Other result", "Pending", "Total"]
        let remedyRows = RemedyKind.allCases.map { k in
            [k.label(lang)] + results.map { String(r.remedyCount(k, $0)) } + [String(r.remedyTotal(k))]
        }
        out += table(h4, remedyRows)
        return out
    }

    public static func csv(_ r: AnnualReport) -> String {
        var lines = ["table,row,person,company,research,nonprofit,legal,other_org,organisations,total"]
        for row in r.rows where row.label != "三、本年度办理结果" {
            lines.append("三,\"\(row.label)\"," + cells(row.counts).map(String.init).joined(separator: ","))
        }
        lines.append("")
        lines.append("table,kind,upheld,corrected,other,pending,total")
        for k in RemedyKind.allCases {
            lines.append(
                "四,\(k.rawValue),"
                    + ([.upheld, .corrected, .other, nil] as [RemedyResult?]).map { String(r.remedyCount(k, $0)) }
                    .joined(separator: ",")
                    + ",\(r.remedyTotal(k))")
        }
        return lines.joined(separator: "\n")
    }
}

/// `report stats`: the months as a table, and the chart.
public enum StatisticsText {
    public static func table(_ report: StatisticsReport, asOf today: CivilDate, _ lang: Language) -> String {
        let (start, end, months) = (report.from, report.to, report.months)
        let zh = lang == .zh
        func pct(_ r: Double?) -> String { r.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
        func num(_ n: Int?) -> String { n.map(String.init) ?? "—" }
        let all = report.total
        return (zh ? "\(start) 至 \(end)（当前逾期按 \(today) 计）\n" : "\(start) to \(end) (overdue as of \(today))\n")
            + DisclosureApp.table(
                zh
                    ? ["月份", "收到", "办结", "答复", "按期率", "用时中位数", "用时90%分位", "当前逾期"]
                    : ["Month", "Received", "Closed", "Replies", "On time", "Median wd", "P90 wd", "Overdue now"],
                (months + [all]).map { m in
                    [
                        m.month == "total" ? (zh ? "合计" : "Total") : m.month, String(m.received), String(m.closed),
                        String(m.replyWorkdays.count), pct(m.onTimeRate), num(m.median), num(m.p90),
                        String(m.overdueNow),
                    ]
                })
            + (zh
                ? "\n用时以工作日计，自起算日（收到申请或补正之日）至答复签发之日，不计征求意见、缴费等中止时间"
                : "\nWorking days from the start (receipt or correction) to the reply, stopped time not counted")
    }

    /// The SVG chart of received, closed and overdue by month.
    public static func chart(_ report: StatisticsReport, agency: String) -> String {
        Statistics.svg(report.months, title: "\(agency) \(report.from)至\(report.to) 收到、办结与当前逾期")
    }
}
