import DisclosureCore
import Foundation
import Testing

/// Every kind of step, with text that needs escaping.
let allActions: [Action] = [
    .correctionRequested(items: "写明\"文号\"\\和/日期\n第二行\t制表\u{01}", periodDays: 10, served: nil),
    .correctionRequested(items: "x", periodDays: 15, served: d("2026-03-04")),
    .correctionReceived,
    .consultationSent(id: 1, party: .thirdParty, to: "甲公司 😀", served: nil),
    .consultationSent(id: 12, party: .agency, to: "财政局", served: d("2026-03-11")),
    .consultationAnswered(id: 3, opinion: .none),
    .extended(days: 20, approvedBy: "李主任", reason: "复杂"),
    .deferred(until: d("2026-06-30"), reason: "数量大"),
    .feeNoticed(basis: .items, quantity: 25, amount: 1800, served: nil),
    .feeNoticed(basis: .pages, quantity: 120, amount: 1100, served: d("2026-03-18")),
    .feePaid,
    .replyDrafted(outcome: .notHeld, basis: nil, referTo: "区自然资源局"),
    .replyDrafted(outcome: .stateSecret, basis: "第十四条", referTo: nil),
    .replyReviewed(approved: false, comment: "改"),
    .replyReviewed(approved: true, comment: nil),
    .replyIssued,
    .delivered(method: .inPerson),
    .archived,
    .reopened(reason: "复议决定"),
    .withdrawn,
    .abandoned(reason: .fee),
    .remedyFiled(id: 1, kind: .litigationAfterReconsideration, body: "某区人民法院"),
    .remedyDecided(id: 1, result: .corrected),
]

func foundationJSON<T: Encodable>(_ v: T) throws -> String {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try e.encode(v), as: UTF8.self)
}

@Suite("Stored payloads")
struct PayloadCodecTests {
    @Test("the codec writes what Foundation's encoder wrote, and reads both", arguments: allActions)
    func actions(_ action: Action) throws {
        let ours = PayloadCodec.encode(action)
        #expect(ours == (try foundationJSON(action)))
        #expect(try PayloadCodec.decodeAction(ours) == action)
        #expect(try JSONDecoder().decode(Action.self, from: Data(ours.utf8)) == action)
    }

    @Test("applications, with and without the optional fields")
    func applications() throws {
        let apps = [
            sampleApplication,
            Application(received: d("2026-03-02"), channel: .oral,
                        applicant: Applicant(name: "某\"律所\"", type: .legal, idNumber: "91110000X", contact: "a/b\\c"),
                        request: "第一行\n第二行", form: .inspection, note: "备注"),
        ]
        for a in apps {
            let ours = PayloadCodec.encode(a)
            #expect(ours == (try foundationJSON(a)))
            #expect(try PayloadCodec.decodeApplication(ours) == a)
        }
    }

    @Test("damaged payloads are refused, not guessed at", arguments: [
        "", "{", "{}", "[]", "{\"x\":{}}", "{\"extended\":{\"days\":\"5\",\"approvedBy\":\"a\",\"reason\":\"b\"}}",
        "{\"deferred\":{\"until\":\"2026-02-30\",\"reason\":\"b\"}}", "{\"feePaid\":{}} trailing", "{\"delivered\":{\"method\":\"pigeon\"}}",
        "{\"reopened\":{\"reason\":\"\\ud800\"}}",
    ])
    func damaged(_ text: String) {
        #expect(throws: DisclosureError.self) { try PayloadCodec.decodeAction(text) }
    }
}
