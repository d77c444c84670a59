/// What an attached document is.
public enum AttachmentKind: String, Vocabulary {
    case application, correction, reply
    case deliveryProof = "delivery-proof"
    case other
    public var label: Text {
        switch self {
        case .application: Text(zh: "申请材料", en: "application")
        case .correction: Text(zh: "补正材料", en: "correction")
        case .reply: Text(zh: "答复书", en: "reply")
        case .deliveryProof: Text(zh: "送达凭证", en: "proof of delivery")
        case .other: Text(zh: "其他", en: "other")
        }
    }
}

/// What is known of a filed document apart from its content.
public struct AttachmentInfo: Sendable, Hashable {
    /// 1, 2, … within the case.
    public let seq: Int
    public let kind: AttachmentKind
    public let name: String
    public let size: Int
    /// Lower-case hex SHA-256 of the content.
    public let sha256: String
    public let addedAt: String
    public let addedBy: String

    public init(seq: Int, kind: AttachmentKind, name: String, size: Int, sha256: String, addedAt: String, addedBy: String) {
        self.seq = seq
        self.kind = kind
        self.name = name
        self.size = size
        self.sha256 = sha256
        self.addedAt = addedAt
        self.addedBy = addedBy
    }
}

/// A document filed with a case: its particulars (read as `attachment.seq`, `.name`, …) and its content.
@dynamicMemberLookup
public struct Attachment: Sendable, Hashable {
    public let info: AttachmentInfo
    public let content: [UInt8]

    public init(info: AttachmentInfo, content: [UInt8]) {
        self.info = info
        self.content = content
    }

    public init(seq: Int, kind: AttachmentKind, name: String, size: Int, sha256: String, addedAt: String,
                addedBy: String, content: [UInt8]) {
        self.init(info: AttachmentInfo(seq: seq, kind: kind, name: name, size: size, sha256: sha256, addedAt: addedAt, addedBy: addedBy),
                  content: content)
    }

    public subscript<T>(dynamicMember field: KeyPath<AttachmentInfo, T>) -> T { info[keyPath: field] }

    /// Checks that the declared size and digest are those of the content.
    public func verify(field: String) throws(DisclosureError) {
        if content.count != info.size || SHA256.hex(content) != info.sha256 {
            throw DisclosureError(.invalidValue, field: field,
                                  zh: "附件“\(info.name)”的大小或SHA-256与内容不符（文件已损坏或被改动）",
                                  en: "attachment “\(info.name)”: its size or SHA-256 does not match its content (damaged or altered)")
        }
    }
}

/// An event as exchanged: the step and when it was recorded.
public struct RecordedEvent: Sendable, Hashable {
    public let event: CaseEvent
    public let recordedAt: String
    public init(event: CaseEvent, recordedAt: String) {
        self.event = event
        self.recordedAt = recordedAt
    }
}

/// One case file (案卷) as exchanged between agencies: everything needed to rebuild the case elsewhere.
public struct CaseDossier: Sendable, Hashable {
    public let agencyCode: String
    public let agencyName: String
    /// The number within its agency (no agency prefix).
    public let number: CaseNumber
    public let application: Application
    public let registeredAt: String
    public let registeredBy: String
    /// Why the application was registered more than three working days after its receipt (补录).
    public let registrationLateEntry: String?
    /// The document number of the acknowledgement of receipt sent at registration.
    public let registrationLetter: String?
    public let events: [RecordedEvent]
    public let attachments: [Attachment]
    /// The due date the exporting office computed, for comparison on import.
    public let due: CivilDate?
    public let provisional: Bool
    /// The outcome and closing day when the case is closed.
    public let outcome: Outcome?
    public let closedOn: CivilDate?

    public init(agencyCode: String, agencyName: String, number: CaseNumber, application: Application,
                registeredAt: String, registeredBy: String, events: [RecordedEvent], attachments: [Attachment],
                due: CivilDate?, provisional: Bool, outcome: Outcome?, closedOn: CivilDate?,
                registrationLateEntry: String? = nil, registrationLetter: String? = nil) {
        self.registrationLateEntry = registrationLateEntry
        self.registrationLetter = registrationLetter
        self.outcome = outcome
        self.closedOn = closedOn
        self.agencyCode = agencyCode
        self.agencyName = agencyName
        self.number = number
        self.application = application
        self.registeredAt = registeredAt
        self.registeredBy = registeredBy
        self.events = events
        self.attachments = attachments
        self.due = due
        self.provisional = provisional
    }

    /// The stable identifier across agencies: agency code + case number.
    public var identifier: String { "\(agencyCode)/\(number.local)" }

    /// Whether two dossiers record the same case: the same facts, steps and documents.
    public func sameContent(as other: CaseDossier) -> Bool {
        agencyCode == other.agencyCode && number.local == other.number.local && application == other.application
            && registeredAt == other.registeredAt && registeredBy == other.registeredBy && events == other.events
            && registrationLateEntry == other.registrationLateEntry && registrationLetter == other.registrationLetter
            && attachments.map(\.sha256) == other.attachments.map(\.sha256)
            && attachments.map(\.name) == other.attachments.map(\.name)
    }

    /// This dossier is a later state of `older`: the same application and registration, and every
    /// step and document of `older` at the start of its own (the other agency went on with the case).
    public func continues(_ older: CaseDossier) -> Bool {
        agencyCode == older.agencyCode && number.local == older.number.local && application == older.application
            && registeredAt == older.registeredAt && registeredBy == older.registeredBy
            && registrationLateEntry == older.registrationLateEntry
            && events.count >= older.events.count && Array(events.prefix(older.events.count)) == older.events
            && attachments.count >= older.attachments.count
            && zip(attachments, older.attachments).allSatisfy { $0.sha256 == $1.sha256 && $0.name == $1.name }
    }

    /// Replays the events through the rules, as if recorded one by one; the first refusal is thrown.
    /// The result carries the final state and the due date after registration and after each event.
    /// Nothing may be dated after `today`: a case file cannot record what has not happened yet.
    public func validated(calendar: WorkCalendar, today: CivilDate) throws(DisclosureError) -> ValidatedDossier {
        try checkHead(today: today)
        try application.validate()
        if application.received > today {
            throw DisclosureError(.ruleViolation, field: "\(identifier)", zh: "收到日期\(application.received)晚于今天（\(today)）",
                                  en: "the receipt date \(application.received) is after today (\(today))")
        }
        var state = CaseState(application: application, events: [], calendar: calendar)
        var dues: [CivilDate?] = [state.clock.due]
        dues.reserveCapacity(events.count + 1)
        for (i, e) in events.enumerated() {
            // The steps happened on or before the day they were recorded; the rules judge each then.
            let recordedDay = CivilDate(iso: String(e.recordedAt.prefix(10))) ?? e.event.on
            do {
                _ = try Rules.check(e.event, on: state, calendar: calendar, asOf: min(max(recordedDay, e.event.on), today))
            } catch {
                throw DisclosureError(error.code, field: "\(identifier) event \(i + 1)", zh: error.render(.zh), en: error.render(.en))
            }
            state.append(e.event, calendar: calendar)
            dues.append(state.clock.due)
        }
        for a in attachments { try a.verify(field: "\(identifier) attachment \(a.seq)") }
        return ValidatedDossier(dossier: self, state: state, dues: dues, calendar: calendar, today: today,
                                payloads: [PayloadCodec.encode(application)] + events.map { PayloadCodec.encode($0.event.action) })
    }
}

/// What one case in a file may hold: far above any real case, low enough that a hostile file cannot
/// hold the import (and the office's write lock) or its memory hostage.
public enum DossierLimits {
    public static let events = 2_000
    public static let attachments = 100
    /// Bytes of all of a case's attachments together (one attachment: 7 MB, as `attach` takes).
    public static let attachmentBytes = 12_000_000
    /// Cases in one file.
    public static let casesPerFile = 1_000_000
}

extension CaseDossier {
    /// The facts around the steps, checked as registration checks them: the agency's code and name,
    /// the number against the receipt year, who recorded what and when (never later than today, never
    /// earlier than the step before), and the limits of one case.
    func checkHead(today: CivilDate) throws(DisclosureError) {
        let field = identifier
        guard !agencyCode.isEmpty, agencyCode.utf8.count <= 32,
              agencyCode.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw DisclosureError(.invalidValue, field: field, zh: "机关代码须为1至32个英文字母、数字、“-”或“_”",
                                  en: "the agency code must be 1 to 32 ASCII letters, digits, '-' or '_'")
        }
        try TextField.requireLine(agencyName, field: "\(field) agency", max: 200)
        guard number.year == application.received.year, (1...CaseNumber.maxSerial).contains(number.serial) else {
            throw DisclosureError(.invalidValue, field: field,
                                  zh: "案件编号\(number.local)与收到日期\(application.received)不符（年份须为收到之年，序号为1至\(CaseNumber.maxSerial)）",
                                  en: "case number \(number.local) does not fit the receipt date \(application.received) (the year must be the "
                                      + "receipt's, the serial 1 to \(CaseNumber.maxSerial))")
        }
        if events.count > DossierLimits.events || attachments.count > DossierLimits.attachments
            || attachments.reduce(0, { $0 + $1.content.count }) > DossierLimits.attachmentBytes {
            throw DisclosureError(.invalidValue, field: field,
                                  zh: "一件案件最多\(DossierLimits.events)个步骤、\(DossierLimits.attachments)个附件、附件合计\(DossierLimits.attachmentBytes / 1_000_000) MB",
                                  en: "one case may hold at most \(DossierLimits.events) steps, \(DossierLimits.attachments) attachments and "
                                      + "\(DossierLimits.attachmentBytes / 1_000_000) MB of attachments")
        }
        try TextField.requireLine(registeredBy, field: "\(field) registered-by", max: 140)
        var previous = try Self.recordedDay(registeredAt, field: "\(field) registered", today: today)
        if previous < application.received {
            throw DisclosureError(.ruleViolation, field: "\(field) registered",
                                  zh: "登记时间\(registeredAt)早于收到日期\(application.received)",
                                  en: "registered \(registeredAt), before the receipt date \(application.received)")
        }
        var previousStamp = registeredAt
        for (i, e) in events.enumerated() {
            let where_ = "\(field) event \(i + 1)"
            try TextField.requireLine(e.event.actor, field: "\(where_) actor", max: 140)
            let day = try Self.recordedDay(e.recordedAt, field: where_, today: today)
            // Stamps of one office share its offset, so their text orders as their moments do.
            if day < previous || (day == previous && e.recordedAt < previousStamp) {
                throw DisclosureError(.ruleViolation, field: where_,
                                      zh: "记录时间\(e.recordedAt)早于前一步的\(previousStamp)（记录时间须依次向后）",
                                      en: "recorded \(e.recordedAt), before the step before it (\(previousStamp)); times must run forwards")
            }
            if case let .feeNoticed(basis, quantity, amount, _) = e.event.action, basis == .pages,
               quantity >= 1, quantity <= FeeSchedule.maxQuantity, FeeSchedule.perPage(pages: quantity).amount != amount {
                throw DisclosureError(.ruleViolation, field: where_,
                                      zh: "收费金额\(amount)元与按量计收\(quantity)页应收的\(FeeSchedule.perPage(pages: quantity).amount)元不符",
                                      en: "the fee \(amount) yuan is not what \(quantity) pages cost (\(FeeSchedule.perPage(pages: quantity).amount) yuan)")
            }
            previous = day
            previousStamp = e.recordedAt
        }
    }

    static func recordedDay(_ stamp: String, field: String, today: CivilDate) throws(DisclosureError) -> CivilDate {
        guard stamp.utf8.count >= 10, stamp.utf8.count <= 40, let day = CivilDate(iso: String(stamp.prefix(10))) else {
            throw DisclosureError(.invalidValue, field: field, zh: "记录时间“\(stamp)”无效", en: "the recorded time “\(stamp)” is invalid")
        }
        if day > today {
            throw DisclosureError(.ruleViolation, field: field, zh: "记录时间\(stamp)晚于今天（\(today)）",
                                  en: "recorded \(stamp), after today (\(today))")
        }
        return day
    }
}

/// A dossier whose every step passed the rules on `calendar`; only `CaseDossier.validated` makes one.
public struct ValidatedDossier: Sendable {
    public let dossier: CaseDossier
    public let state: CaseState
    /// The due date after registration, then after each event.
    public let dues: [CivilDate?]
    /// The calendar the rules were applied on.
    public let calendar: WorkCalendar
    /// The day taken as today when checking.
    public let today: CivilDate
    /// The stored form of the registration, then of each event (made here, off the writing thread).
    public let payloads: [String]

    fileprivate init(dossier: CaseDossier, state: CaseState, dues: [CivilDate?], calendar: WorkCalendar, today: CivilDate,
                     payloads: [String]) {
        self.today = today
        self.payloads = payloads
        self.dossier = dossier
        self.state = state
        self.dues = dues
        self.calendar = calendar
    }
}

/// An event as stored: its payload not yet decoded.
public struct StoredEventText: Sendable {
    public let on: CivilDate
    public let actor: String
    public let recordedAt: String
    public let payload: String
    public let lateEntry: String?
    public let letter: String?
    public init(
        on: CivilDate, actor: String, recordedAt: String, payload: String, lateEntry: String? = nil,
        letter: String? = nil
    ) {
        self.on = on
        self.actor = actor
        self.recordedAt = recordedAt
        self.payload = payload
        self.lateEntry = lateEntry
        self.letter = letter
    }
}

/// A dossier read from storage whose events are still text, so that decoding them can happen on
/// another thread than the one reading the database.
public struct PendingDossier: Sendable {
    /// Everything but the events.
    public let head: CaseDossier
    public let events: [StoredEventText]
    public init(head: CaseDossier, events: [StoredEventText]) {
        self.head = head
        self.events = events
    }

    /// The complete dossier, with its events decoded.
    public func decoded() throws(DisclosureError) -> CaseDossier {
        var recorded: [RecordedEvent] = []
        recorded.reserveCapacity(events.count)
        for e in events {
            recorded.append(RecordedEvent(event: CaseEvent(on: e.on, action: try PayloadCodec.decodeAction(e.payload), actor: e.actor,
                                                           lateEntry: e.lateEntry, letter: e.letter),
                                          recordedAt: e.recordedAt))
        }
        let h = head
        return CaseDossier(agencyCode: h.agencyCode, agencyName: h.agencyName, number: h.number, application: h.application,
                           registeredAt: h.registeredAt, registeredBy: h.registeredBy, events: recorded, attachments: h.attachments,
                           due: h.due, provisional: h.provisional, outcome: h.outcome, closedOn: h.closedOn,
                               registrationLateEntry: h.registrationLateEntry,
                           registrationLetter: h.registrationLetter)
    }
}
