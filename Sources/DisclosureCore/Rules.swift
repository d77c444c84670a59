/// The law's constraints on recording a new step on a case (STATUTE.md §3–5).
public enum Rules {
    /// Checks `event` against the case's current `state`; returns warnings, throws the first broken rule.
    public static func check(_ event: CaseEvent, on state: CaseState, calendar: WorkCalendar,
                             asOf today: CivilDate) throws(DisclosureError) -> [Text] {
        var warnings: [Text] = []
        let on = event.on
        func refuse(_ zh: String, _ en: String, field: String = "on") -> DisclosureError {
            DisclosureError(.ruleViolation, field: field, zh: zh, en: en)
        }
        if on > today {
            throw refuse("日期\(on)晚于今天（\(today)），不能登记尚未发生的事项",
                         "date \(on) is after today (\(today)); a step cannot be recorded before it happens")
        }
        if on < state.application.received {
            throw refuse("日期\(on)早于收到申请之日（\(state.application.received)）",
                         "date \(on) is before the application was received (\(state.application.received))")
        }
        if event.actor.allSatisfy(\.isWhitespace) {
            throw DisclosureError(.missingField, field: "actor", zh: "须写明经办人", en: "the person recording the step is required")
        }
        let status = state.status(asOf: on)
        if status == .archived {
            switch event.action {
            case .reopened, .remedyFiled, .remedyDecided, .amendmentProposed, .amendmentDecided: break
            default:
                throw refuse("案件已归档，除“重新办理”、更正记录和登记复议、诉讼外不得变更",
                             "the case is archived; nothing but reopening or recording a remedy may change it", field: "CASE")
            }
        }

        func requireOpen(_ what: String, _ whatEn: String) throws(DisclosureError) {
            guard status.isOpen else {
                throw refuse("案件\(status.label.zh.hasPrefix("已") ? "" : "已")\(status.label.zh)，不能再\(what)",
                    "the case is \(status.label.en); cannot \(whatEn) any more", field: "CASE")
            }
        }
        func requireNotAfterRoundStart() throws(DisclosureError) {
            if on < state.roundStart {
                throw refuse("日期\(on)早于本轮答复期限的起算日（\(state.roundStart)）",
                             "date \(on) is before the current reply round started (\(state.roundStart))")
            }
        }
        func requireClockRunning(_ what: String, _ whatEn: String) throws(DisclosureError) {
            if let s = state.clock.suspension {
                switch s {
                case .correction: throw refuse("正在等待补正，答复期限未起算，不能\(what)", "awaiting the correction; the reply period has not started, so cannot \(whatEn)", field: "CASE")
                case .fee: throw refuse("正在等待缴纳信息处理费，答复期限中止，不能\(what)", "awaiting the fee; the reply clock is stopped, so cannot \(whatEn)", field: "CASE")
                // The office works on while a third party considers its answer (2008 Regulation).
                case .thirdParty: break
                }
            }
        }
        func requireText(_ s: String, _ field: String, max: Int = 2_000) throws(DisclosureError) {
            try Application.requireText(s, field: field, max: max)
        }
        /// A service date: not before the sending, not after today (a typo of years would stop the clock for decades).
        func requireServed(_ served: CivilDate?) throws(DisclosureError) {
            guard let s = served else { return }
            if s < on { throw refuse("送达日期不能早于发出日期", "the service date cannot be before the sending date", field: "served") }
            if s > today { throw refuse("送达日期\(s)晚于今天（\(today)）", "the service date \(s) is after today (\(today))", field: "served") }
        }

        switch event.action {
        case let .correctionRequested(items, period, served):
            try requireOpen("要求补正", "request a correction")
            try requireText(items, "items")
            if state.round > 1 || state.reply != nil {
                throw refuse("只能在首次答复前要求补正", "a correction may only be requested before the first reply", field: "CASE")
            }
            if state.correction != nil {
                throw refuse("补正只能一次性告知（条例第三十条），本案已于\(state.correction!.requested)告知过",
                             "the correction must be requested once only (art. 30); it was already requested on \(state.correction!.requested)", field: "CASE")
            }
            guard (1...60).contains(period) else {
                throw refuse("补正期限须为1至60个工作日", "the correction period must be 1 to 60 working days", field: "period")
            }
            try requireServed(served)
            // The 7-working-day single notice is the 2019 Regulation's (art. 30); 2008 set no such limit.
            if state.regulation == .of2019, on > state.correctionNoticeDue {
                warnings.append(Text(zh: "补正告知晚于法定期限：应在收到申请后7个工作日内（\(state.correctionNoticeDue)前）发出（条例第三十条）",
                                     en: "correction requested late: it was due within 7 working days of receipt (by \(state.correctionNoticeDue), art. 30)"))
            }
        case .correctionReceived:
            guard let c = state.correction, state.awaitingCorrection else {
                throw refuse("本案没有待补正的告知", "the case has no correction outstanding", field: "CASE")
            }
            if on < c.requested { throw refuse("收到补正的日期不能早于补正告知（\(c.requested)）", "the correction cannot arrive before it was requested (\(c.requested))") }
            if on > c.periodEnds {
                warnings.append(Text(zh: "补正晚于告知的期限（\(c.periodEnds)）；如无正当理由，可视为放弃申请",
                                     en: "the correction arrived after its period (\(c.periodEnds)); without good reason it may be treated as abandoned"))
            }
        case let .consultationSent(id, _, to, served):
            try requireOpen("征求意见", "consult")
            // Numbered 1, 2, … in the order sent: a file with gaps or repeats is not a real history.
            if id != state.consultations.count + 1 {
                throw refuse("征求意见应依次编号，此处应为第\(state.consultations.count + 1)号，不是第\(id)号",
                             "consultations are numbered in order: this one is #\(state.consultations.count + 1), not #\(id)",
                             field: "consultation")
            }
            try requireNotAfterRoundStart()
            try TextField.requireLine(to, field: "to", max: 200)
            if state.awaitingCorrection {
                throw refuse("正在等待补正，不能征求意见", "awaiting the correction; cannot consult yet", field: "CASE")
            }
            try requireServed(served)
        case let .consultationAnswered(id, _):
            guard let c = state.consultations.first(where: { $0.id == id }) else {
                throw refuse("本案没有第\(id)号征求意见", "the case has no consultation #\(id)", field: "consultation")
            }
            if c.answered != nil { throw refuse("第\(id)号征求意见已登记过答复", "consultation #\(id) was already answered", field: "consultation") }
            if on < c.sent { throw refuse("答复日期不能早于征求意见书发出之日（\(c.sent)）", "the answer cannot be dated before the letter was sent (\(c.sent))") }
            if !c.openEnded, on > c.limit {
                warnings.append(Text(zh: "答复晚于15个工作日期限（\(c.limit)）；停止计算的时间只到期限届满之日",
                                     en: "answer after the 15-working-day limit (\(c.limit)); the clock stopped only until the limit"))
            }
        case let .extended(days, approvedBy, reason):
            try requireOpen("延期", "extend")
            try requireClockRunning("延期", "extend")
            try requireNotAfterRoundStart()
            try requireText(approvedBy, "actor", max: 100)
            try requireText(reason, "reason")
            if state.clock.deferredTo != nil {
                throw refuse("已确定延迟答复期限（条例第三十五条），不能再延期", "a deferral (art. 35) already fixed the reply date; cannot extend", field: "CASE")
            }
            guard days >= 1 else { throw refuse("延期天数须至少为1个工作日", "the extension must be at least 1 working day", field: "days") }
            // Compared before adding: a huge --days must be refused, not overflow.
            let cap = state.regulation.maxExtension
            if days > cap - state.extensionDaysUsed {
                let article = state.regulation.periodArticle
                throw refuse("延期合计不得超过\(cap)个工作日（\(article.zh)）：已延期\(state.extensionDaysUsed)个，本次\(days)个",
                             "extensions may total at most \(cap) working days (\(article.en)): \(state.extensionDaysUsed) already granted, "
                                 + "\(days) asked", field: "days")
            }
            if let due = state.clock.due, on > due {
                throw refuse("答复期限已于\(due)届满，延期须在期限届满前告知申请人",
                             "the reply was due on \(due); an extension must be told to the applicant before the due date")
            }
        case let .deferred(until, reason):
            try requireOpen("延迟答复", "defer")
            try requireClockRunning("延迟答复", "defer")
            try requireNotAfterRoundStart()
            try requireText(reason, "reason")
            if let due = state.clock.due {
                if on > due {
                    throw refuse("答复期限已于\(due)届满，延迟答复须在期限届满前告知申请人",
                                 "the reply was due on \(due); a deferral must be told before the due date")
                }
                if until <= due {
                    throw refuse("延迟后的答复日期须晚于现行答复期限（\(due)）", "the deferred date must be after the current due date (\(due))", field: "until")
                }
            }
            if until > on.adding(days: 731) {
                throw refuse("延迟答复的期限须合理：不得超过告知之日起两年", "a deferral must be reasonable: at most two years after it is told", field: "until")
            }
        case let .feeNoticed(basis, quantity, amount, served):
            try requireOpen("收费", "charge a fee")
            if state.regulation == .of2008 {
                throw refuse("按2008年条例办理的申请不适用信息处理费", "no processing fee applies to a case under the 2008 Regulation",
                             field: "CASE")
            }
            if on < FeeSchedule.effective {
                throw refuse("信息处理费自2021年1月1日起收取（国办函〔2020〕109号），收费通知不得早于该日",
                             "processing fees exist from 2021-01-01 (国办函〔2020〕109号); no fee notice may be dated earlier")
            }
            if let earlier = state.fees.first, earlier.basis != basis {
                throw refuse("一件申请只能按一种方式计收（本案已\(earlier.basis.label.zh)）", "one case is charged on one scale only (this one \(earlier.basis.label.en))",
                             field: "items/pages")
            }
            try requireClockRunning("再次发出收费通知", "send another fee notice")
            try requireNotAfterRoundStart()
            guard quantity >= 1 else { throw refuse("件数或页数须至少为1", "the number of items or pages must be at least 1", field: "items/pages") }
            // The amount follows from the scale; a file cannot set its own (per item it depends on the
            // applicant's earlier items that month, so any count of those may have applied).
            if !FeeSchedule.isPossible(amount: amount, basis: basis, quantity: quantity) {
                throw refuse("收费金额\(amount)元与\(basis.label.zh)\(quantity)的收费标准不符", "the amount \(amount) yuan does not "
                             + "follow from \(basis.label.en) for \(quantity)", field: "items/pages")
            }
            guard amount > 0 else {
                throw refuse("按该数量不应收费（在免费范围内），不能发出收费通知", "that quantity is within the free allowance; no fee notice may be sent", field: "items/pages")
            }
            try requireServed(served)
        case .feePaid:
            guard let f = state.pendingFee else { throw refuse("本案没有待缴的信息处理费", "the case has no fee outstanding", field: "CASE") }
            if on < f.noticed { throw refuse("缴费日期不能早于收费通知（\(f.noticed)）", "payment cannot be before the fee notice (\(f.noticed))") }
            if on > f.payBy {
                warnings.append(Text(zh: "缴费晚于期限（\(f.payBy)）", en: "payment after the payment period (\(f.payBy))"))
            }
        case let .replyDrafted(outcome, basis, referTo):
            try requireOpen("拟定答复", "draft a reply")
            try requireClockRunning("拟定答复", "draft a reply")
            try requireNotAfterRoundStart()
            if let r = state.reply, r.reviewed == nil || r.approved {
                throw refuse("已有待审核或已审核通过的答复稿（\(r.drafted)）", "a draft already awaits review or issue (\(r.drafted))", field: "CASE")
            }
            if !outcome.isDraftable {
                throw refuse("\(outcome.rawValue)只能在期限届满后以“视为放弃”结案，不能拟作答复",
                             "\(outcome.rawValue) arises only by closing the case as abandoned once its period ends", field: "outcome")
            }
            if outcome == .unclearAfterCorrection, state.correction?.received == nil {
                throw refuse("4.3“补正后申请内容仍不明确”须以收到补正为前提", "4.3 requires a correction to have been received", field: "outcome")
            }
            if let b = basis { try Application.optionalText(b, field: "basis", max: 5_000) }
            if let a = referTo { try requireText(a, "refer-to", max: 500) }
            if outcome == .disclosed, basis == nil {
                // Art. 36(1) requires saying where public information can be found; not blocking, but remind.
                warnings.append(Text(zh: "予以公开的答复应在依据中写明获取方式和途径",
                                     en: "a disclosure reply should say in its basis how and where to obtain the information"))
            }
            if outcome.group == 3, basis == nil {
                throw refuse("不予公开须说明理由（条例第三十六条第三项）", "a refusal must state its reason (art. 36(3))", field: "basis")
            }
            if outcome == .partlyDisclosed, basis == nil {
                throw refuse("部分公开须说明不予公开部分的理由和依据（条例第三十七条）",
                             "a partial disclosure must state why and under which article the rest is withheld "
                                 + "(art. 37)",
                             field: "basis")
            }
            if outcome == .otherHandling, basis == nil {
                throw refuse("6.3“其他处理”须在依据中写明如何处理及理由",
                             "6.3 (other handling) must say in its basis what was done and why", field: "basis")
            }
            if outcome == .publication, basis == nil {
                warnings.append(Text(zh: "公开出版物的答复应在依据中写明获取途径（条例第三十九条第二款）",
                                     en: "a publication reply should say in its basis where to obtain it "
                                         + "(art. 39 para 2)"))
            }
        case let .replyReviewed(_, comment):
            guard let r = state.reply, r.reviewed == nil, status.isOpen else {
                throw refuse("没有待审核的答复稿", "there is no draft awaiting review", field: "CASE")
            }
            if drafter(of: r).isSame(as: event.recorder) {
                throw refuse("审核须由拟稿人以外的人员进行（拟稿人：\(r.drafter)）",
                             "the review must be done by someone other than the drafter (\(r.drafter))", field: "actor")
            }
            if on < r.drafted { throw refuse("审核日期不能早于拟稿日期（\(r.drafted)）", "the review cannot be dated before the draft (\(r.drafted))") }
            if let c = comment { try Application.optionalText(c, field: "comment", max: 5_000) }
        case .replyIssued:
            guard let r = state.reply, r.approved, status.isOpen else {
                throw refuse("答复稿尚未审核通过，不能签发", "the draft has not been approved; it cannot be issued", field: "CASE")
            }
            if drafter(of: r).isSame(as: event.recorder) {
                throw refuse("答复须由拟稿人以外的负责人签发（拟稿人：\(r.drafter)）",
                             "the reply must be issued by a head other than the drafter (\(r.drafter))", field: "actor")
            }
            if let rv = r.reviewed, on < rv { throw refuse("签发日期不能早于审核日期（\(rv)）", "the reply cannot be issued before it was approved (\(rv))") }
            let waiting = state.openConsultations(on: on)
            if !waiting.isEmpty {
                let ids = waiting.map { "#\($0.id)（\($0.limit)）" }.joined(separator: "、")
                throw refuse("仍有征求意见未答复且未届满15个工作日：\(ids)", "consultations still open within their 15 working days: \(ids)", field: "CASE")
            }
            if let due = state.clock.due, on > due {
                warnings.append(Text(zh: "答复已超过期限（\(due)）", en: "the reply is late (due \(due))"))
            }
        case let .delivered(method):
            _ = method
            guard let r = state.reply, let issued = r.issued, status == .replied else {
                throw refuse("答复尚未签发或已送达", "the reply has not been issued, or was already delivered", field: "CASE")
            }
            if on < issued { throw refuse("送达日期不能早于签发日期（\(issued)）", "delivery cannot be before the reply was issued (\(issued))") }
        case .archived:
            guard status == .delivered || status == .closed else {
                throw refuse("只有已送达或已终止的案件才能归档（现状：\(status.label.zh)）",
                             "only a delivered or closed case can be archived (now: \(status.label.en))", field: "CASE")
            }
            if let d = state.reply?.delivered ?? state.closedOn, on < d {
                throw refuse("归档日期不能早于\(d)", "the case cannot be archived before \(d)")
            }
        case let .reopened(reason):
            try requireText(reason, "reason")
            guard !status.isOpen, let closed = state.closedOn ?? state.archived else {
                throw refuse("案件仍在办理中，无需重新办理", "the case is still open; there is nothing to reopen", field: "CASE")
            }
            if on < closed { throw refuse("重新办理日期不能早于结案日期（\(closed)）", "reopening cannot be before the case was closed (\(closed))") }
        case let .remedyFiled(id, kind, body):
            // 复议前置 (行政复议法 2023 art. 23(4)): a court may refuse a suit filed without reconsideration first.
            if kind == .litigation, let outcome = state.outcome, let issued = state.reply?.issued,
                outcome.remedyRoute(issued: issued) != .either
            {
                warnings.append(
                    Text(
                        zh: "本案答复（\(outcome.rawValue)，\(issued)签发）属于不予公开，依照行政复议法第二十三条第一款第四项应当先申请行政复议；"
                            + "未经复议直接起诉的，人民法院可能不予受理",
                        en: "the reply (\(outcome.rawValue), issued \(issued)) refuses disclosure: under art. 23(4) "
                            + "of the Administrative Reconsideration Law reconsideration comes first, and a court may "
                            + "decline a suit filed without it"))
            }
            if id != state.remedies.count + 1 {
                throw refuse("复议、诉讼应依次编号，此处应为第\(state.remedies.count + 1)号，不是第\(id)号",
                             "remedies are numbered in order: this one is #\(state.remedies.count + 1), not #\(id)", field: "remedy")
            }
            try TextField.requireLine(body, field: "body", max: 200)
            if let challenged = state.closedOn, on < challenged {
                throw refuse("复议或诉讼的提起日期不能早于所针对的答复或结案之日（\(challenged)）",
                             "a remedy cannot be filed before the reply or closing it challenges (\(challenged))")
            }
            if state.remedies.contains(where: { $0.id == id }) {
                throw refuse("第\(id)号救济已登记过", "remedy #\(id) is already recorded", field: "remedy")
            }
        case let .remedyDecided(id, _):
            guard let r = state.remedies.first(where: { $0.id == id }) else {
                throw refuse("本案没有第\(id)号复议或诉讼", "the case has no remedy #\(id)", field: "remedy")
            }
            if r.result != nil { throw refuse("第\(id)号复议或诉讼已有结果", "remedy #\(id) was already decided", field: "remedy") }
            if on < r.filed { throw refuse("结果日期不能早于提起之日（\(r.filed)）", "the decision cannot be dated before the remedy was filed (\(r.filed))") }
        case let .assigned(handler):
            try TextField.requireLine(handler, field: "account", max: 64)
        case .withdrawn:
            try requireOpen("撤回", "withdraw")
        case let .abandoned(reason):
            try requireOpen("视为放弃", "close as abandoned")
            switch reason {
            case .correction:
                guard state.awaitingCorrection, let c = state.correction else {
                    throw refuse("本案没有待补正的告知，不能以逾期不补正结案", "no correction is outstanding; cannot close as abandoned for want of correction", field: "abandoned")
                }
                if on <= c.periodEnds {
                    throw refuse("补正期限至\(c.periodEnds)届满，届满前不能视为放弃", "the correction period runs until \(c.periodEnds); the case cannot be closed before it ends")
                }
            case .fee:
                guard let f = state.pendingFee else {
                    throw refuse("本案没有待缴的信息处理费，不能以逾期未缴费结案", "no fee is outstanding; cannot close as abandoned for want of payment", field: "abandoned")
                }
                if on <= f.payBy {
                    throw refuse("缴费期限至\(f.payBy)届满，届满前不能视为放弃", "the payment period runs until \(f.payBy); the case cannot be closed before it ends")
                }
            }
        case let .amendmentProposed(id, step, field, value, reason):
            if id != state.amendments.count + 1 {
                throw refuse("更正应依次编号，此处应为第\(state.amendments.count + 1)号", "amendments are numbered in order: "
                             + "this one is #\(state.amendments.count + 1)", field: "amendment")
            }
            try requireText(reason, "reason")
            guard (0...state.steps.count).contains(step) else {
                throw refuse("本案没有第\(step)步（登记为第0步，其后共\(state.steps.count)步）",
                             "the case has no step \(step) (0 is the registration, then \(state.steps.count) steps)",
                             field: "event")
            }
            let target = step == 0 ? nil : state.steps[step - 1]
            let allowed = Amendments.fields(of: target?.action)
            guard let f = AmendableField(rawValue: field), allowed.contains(f) else {
                let list = allowed.map(\.rawValue).joined(separator: "、")
                throw DisclosureError(
                    .invalidValue, field: "field",
                    zh: allowed.isEmpty ? "这一步不能更正（经办人、批准人、分配和更正本身不能更正）" : "这一步可更正的只有：\(list)",
                    en: allowed.isEmpty ? "this step cannot be amended" : "this step's amendable fields are: \(list)")
            }
            try checkAmendable(state, step: step, field: f, value: value, refuse: refuse)
            if state.amendments.contains(where: { $0.step == step && $0.field == f && $0.approved == nil }) {
                throw refuse("第\(step)步的“\(f.label.zh)”已有待批准的更正", "step \(step)'s \(f.label.en) already has an "
                             + "amendment awaiting approval", field: "field")
            }
            let after = try amended(state, step: step, field: f, value: value, calendar: calendar, asOf: today)
            try checkDeadline(state, after, today: today, refuse: refuse)
            warnings += dueChange(from: state, to: after)
        case let .amendmentDecided(id, approved):
            guard let a = state.amendments.first(where: { $0.id == id }) else {
                throw refuse("本案没有第\(id)号更正", "the case has no amendment #\(id)", field: "amendment")
            }
            if a.approved != nil { throw refuse("第\(id)号更正已有决定", "amendment #\(id) was already decided",
                field: "amendment") }
            if a.proposer.isSame(as: event.recorder) {
                throw refuse("更正须由提出人以外的负责人批准（提出人：\(a.proposer.name)）",
                             "an amendment is approved by a head other than its proposer (\(a.proposer.name))",
                                 field: "actor")
            }
            if on < a.proposed { throw refuse("决定日期不能早于提出之日（\(a.proposed)）",
                "the decision cannot be dated before the proposal (\(a.proposed))") }
            // Four eyes on the record too: whoever recorded the step does not approve its correction.
            if a.step > 0, a.step <= state.steps.count, state.steps[a.step - 1].recorder.isSame(as: event.recorder) {
                throw refuse("更正须由该步骤经办人以外的负责人批准（经办人：\(state.steps[a.step - 1].actor)）",
                             "an amendment is approved by a head other than whoever recorded the step "
                             + "(\(state.steps[a.step - 1].actor))", field: "actor")
            }
            if approved {
                try checkAmendable(state, step: a.step, field: a.field, value: a.value, refuse: refuse)
                let after = try amended(state, step: a.step, field: a.field, value: a.value, calendar: calendar,
                    asOf: today)
                try checkDeadline(state, after, today: today, refuse: refuse)
                warnings += dueChange(from: state, to: after)
            }
        }
        return warnings
    }

    /// Replays the case with one more amendment through the rules, as if the steps had been recorded
    /// so; throws the first one the corrected facts would break. Returns the due date it would have.
    static func amended(_ state: CaseState, step: Int, field: AmendableField, value: String,
                        calendar: WorkCalendar, asOf today: CivilDate) throws(DisclosureError) -> CaseState {
        var app = state.application
        var steps = Amendments.applied(app, state.steps).1
        if step == 0 {
            app = try Amendments.apply(field, value, to: app)
            if app.received > today {
                throw DisclosureError(
                    .ruleViolation, field: "value", zh: "收到日期\(app.received)晚于今天（\(today)）",
                    en: "the receipt date \(app.received) is after today (\(today))")
            }
        } else {
            steps[step - 1] = try Amendments.apply(field, value, to: steps[step - 1])
        }
        var replay = CaseState(application: app, events: [], calendar: calendar)
        for (i, e) in steps.enumerated() {
            switch e.action {
            case .amendmentProposed, .amendmentDecided: continue
            default: break
            }
            do {
                _ = try check(e, on: replay, calendar: calendar, asOf: today)
            } catch {
                throw DisclosureError(
                    .ruleViolation, field: "value",
                    zh: "更正后第\(i + 1)步不再成立：\(error.message(.zh))",
                    en: "with the correction, step \(i + 1) no longer holds: \(error.message(.en))")
            }
            replay.append(e, calendar: calendar)
        }
        return replay
    }

    /// What no amendment may change, whatever the rules of the steps say: an issued reply's wording,
    /// basis, review and the opinions it rests on (a new reply needs `reopen`), the Regulation a case
    /// falls under, and the year of a numbered letter.
    static func checkAmendable(
        _ state: CaseState, step: Int, field: AmendableField, value: String,
        refuse: (String, String, String) -> DisclosureError
    ) throws(DisclosureError) {
        if step == 0 {
            if field == .received, let d = CivilDate(iso: value),
                Regulation.governing(received: d) != state.regulation
            {
                throw refuse("更正后收到日期跨越2019年5月15日，适用的条例会改变；不能以更正办理",
                             "the corrected receipt date crosses 2019-05-15 and would change the governing Regulation",
                             "value")
            }
            return
        }
        guard step <= state.steps.count else { return }
        let target = state.steps[step - 1]
        let issuedAfter = state.steps[(step - 1)...].contains {
            if case .replyIssued = $0.action { true } else { false }
        }
        let partOfReply: Bool
        switch target.action {
        case .replyDrafted, .replyReviewed, .replyIssued, .consultationAnswered: partOfReply = true
        default: partOfReply = false
        }
        if partOfReply && issuedAfter {
            throw refuse("答复已签发，答复的内容、依据、审核、签发日期及其所依据的意见不能更正；确需改变答复的，须重新办理（reopen）后重新答复",
                         "the reply is issued: its wording, basis, review, issue date and the opinions it rests on "
                         + "cannot be amended; to change the answer, reopen the case and reply anew", "event")
        }
        if field == .on, target.letter != nil, let d = CivilDate(iso: value), d.year != target.on.year {
            throw refuse("该步骤已按\(target.on.year)年编发文号（\(target.letter ?? "")），日期不能改到另一年",
                         "the step's letter is numbered in \(target.on.year) (\(target.letter ?? "")); "
                         + "its date cannot move to another year", "value")
        }
    }

    /// A reply due date already passed cannot be moved later by correcting a fact: that would be an
    /// extension the law does not allow after the day (art. 33).
    static func checkDeadline(
        _ before: CaseState, _ after: CaseState, today: CivilDate, refuse: (String, String, String) -> DisclosureError
    ) throws(DisclosureError) {
        guard let due = before.clock.due, today > due else { return }
        if let later = after.clock.due, later <= due { return }
        throw refuse("答复期限已于\(due)届满，更正不能推迟已届满的期限（更正后为\(after.clock.due?.description ?? "未定")）",
                     "the reply was due \(due); an amendment cannot move a passed due date later "
                     + "(it would be \(after.clock.due?.description ?? "unset"))", "value")
    }

    /// The warnings that an amendment moves the reply's due date or the applicant's period (the
    /// clock is replayed on the corrected facts).
    static func dueChange(from before: CaseState, to after: CaseState) -> [Text] {
        var out: [Text] = []
        func d(_ x: CivilDate?) -> String { x?.description ?? "—" }
        if before.clock.due != after.clock.due {
            out.append(Text(zh: "更正后答复期限由\(d(before.clock.due))变为\(d(after.clock.due))（已按更正后的事实重新计算）",
                            en: "with the correction the reply is due \(d(after.clock.due)), "
                                + "not \(d(before.clock.due)) (the clock is replayed)"))
        }
        if before.correction?.periodEnds != after.correction?.periodEnds {
            out.append(Text(zh: "更正后补正期限由\(d(before.correction?.periodEnds))变为\(d(after.correction?.periodEnds))",
                            en: "with the correction the correction period ends \(d(after.correction?.periodEnds)), "
                                + "not \(d(before.correction?.periodEnds))"))
        }
        if before.fees.last?.payBy != after.fees.last?.payBy {
            out.append(Text(zh: "更正后缴费期限由\(d(before.fees.last?.payBy))变为\(d(after.fees.last?.payBy))",
                            en: "with the correction the fee is due by \(d(after.fees.last?.payBy)), "
                                + "not \(d(before.fees.last?.payBy))"))
        }
        return out
    }

    /// The rules of recording a step now (not of replaying a history from a file): a step entered
    /// late states why, and an extension or deferral is recorded by the due date it changes.
    public static func checkRecording(_ event: CaseEvent, on state: CaseState, today: CivilDate,
                                      calendar: WorkCalendar) throws(DisclosureError) {
        try checkLateEntry(on: event.on, reason: event.lateEntry, today: today, calendar: calendar)
        let what: Text
        switch event.action {
        case .extended: what = Text(zh: "延期", en: "an extension")
        case .deferred: what = Text(zh: "延迟答复", en: "a deferral")
        default: return
        }
        // Art. 33: an extension is told before the due date. Recorded after it, a back-dated step would
        // silently turn an overdue case into one with days left, so the recording day counts too.
        if let due = state.clock.due, today > due {
            throw DisclosureError(.ruleViolation, field: "CASE",
                                  zh: "答复期限已于\(due)届满，\(what.zh)须在期限届满之日或之前登记（今天是\(today)）",
                                  en: "the reply was due on \(due); \(what.en) must be recorded on or before that day (today is \(today))")
        }
    }

    /// What an officer registering `state`'s application on `today` should look at again: a reply
    /// already late on the day it is registered, and a counter or post receipt on a day the office is
    /// closed (art. 31(1)(2) date those by the office's own receipt).
    public static func registrationWarnings(_ state: CaseState, today: CivilDate, calendar: WorkCalendar) -> [Text] {
        var out: [Text] = []
        let a = state.application
        if let due = state.clock.due, due < today {
            out.append(
                Text(
                    zh: "登记时答复期限（\(due)）已过：本案自收到之日起即已逾期，应尽快答复，并核对收到日期是否有误",
                    en: "the reply was due \(due), before this registration: the case is overdue from the start; "
                        + "reply at once, and check the receipt date"))
        }
        if [.inPerson, .post].contains(a.channel), !calendar.isWorkday(a.received) {
            let w = ["一", "二", "三", "四", "五", "六", "日"][a.received.weekday - 1]
            out.append(
                Text(
                    zh: "收到日期\(a.received)（星期\(w)）不是工作日：\(a.channel.label.zh)的申请通常在工作日签收，请核对",
                    en: "the receipt date \(a.received) is not a working day: \(a.channel.label.en) applications are "
                        + "usually received on working days; please check"))
        }
        return out
    }

    /// A step dated more than the grace period before today needs its reason (补录).
    public static func checkLateEntry(on: CivilDate, reason: String?, today: CivilDate,
                                      calendar: WorkCalendar) throws(DisclosureError) {
        if let reason {
            try Application.requireText(reason, field: "late-entry", max: 2_000)
        } else if LateEntry.isLate(on: on, recorded: today, calendar: calendar) {
            throw DisclosureError(.ruleViolation, field: "late-entry",
                                  zh: "日期\(on)距今天（\(today)）已超过\(LateEntry.graceWorkdays)个工作日，属于补录，须写明补录理由",
                                  en: "the date \(on) is more than \(LateEntry.graceWorkdays) working days before today (\(today));"
                                      + " a late entry must state its reason")
        }
    }

    static func drafter(of r: Reply) -> ActorRef { ActorRef(name: r.drafter, accountID: r.drafterID) }
}
