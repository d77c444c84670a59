import AsyncHTTPClient
import DisclosureCore
import Foundation
import NIOCore
import Testing

/// Chromium driven over the W3C WebDriver protocol by Debian's chromedriver: a real browser on the
/// real server. Screenshots of a failing page go to .build/browser-screenshots (never committed).
final class Browser: @unchecked Sendable {
    let driver: Process
    let port: Int
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    var session = ""
    let profile: URL
    let name: String
    private var shots = 0

    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    init(name: String, in dir: URL) async throws {
        self.name = name
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
            "chromedriver is missing: make deps installs Debian's chromium-driver")
        port = try freePort()
        profile = dir.appendingPathComponent("chromium-profile")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/chromedriver")
        p.arguments = ["--port=\(port)"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        driver = p
        for _ in 0..<100 where !canConnect(port) { try await Task.sleep(for: .milliseconds(100)) }
        let caps: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": "/usr/bin/chromium",
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--window-size=1280,1000", "--lang=zh-CN", "--user-data-dir=\(profile.path)",
                        ],
                        "prefs": ["intl.accept_languages": "zh-CN,zh"],
                    ],
                ]
            ]
        ]
        let answer = try await command("POST", "/session", caps, session: false)
        session = try #require((answer["value"] as? [String: Any])?["sessionId"] as? String, "no session: \(answer)")
        try await command("POST", "/timeouts", ["implicit": 3000, "pageLoad": 30000])
    }

    func close() async {
        _ = try? await command("DELETE", "", nil)
        driver.terminate()
        try? await client.shutdown()
    }

    @discardableResult
    func command(
        _ method: String, _ path: String, _ body: [String: Any]?, session inSession: Bool = true
    )
        async throws -> [String: Any]
    {
        var request = HTTPClientRequest(
            url: "http://127.0.0.1:\(port)" + (inSession ? "/session/\(session)" : "") + path)
        request.method = .init(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await client.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 1 << 26)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
        if response.status.code >= 400 {
            throw DisclosureError(.io, zh: "WebDriver：\(json)", en: "WebDriver \(method) \(path): \(json)")
        }
        return json
    }

    func open(_ url: String) async throws { try await command("POST", "/url", ["url": url]) }

    func element(_ css: String) async throws -> String {
        let a = try await command("POST", "/element", ["using": "css selector", "value": css])
        return try #require((a["value"] as? [String: Any])?[Browser.elementKey] as? String, "no element \(css)")
    }

    func count(_ css: String) async throws -> Int {
        let a = try await command("POST", "/elements", ["using": "css selector", "value": css])
        return (a["value"] as? [Any])?.count ?? 0
    }

    func type(_ css: String, _ text: String) async throws {
        let e = try await element(css)
        try await command("POST", "/element/\(e)/clear", [:])
        try await command("POST", "/element/\(e)/value", ["text": text])
    }

    func click(_ css: String) async throws {
        try await command("POST", "/element/\(try await element(css))/click", [:])
    }

    /// Clicks what leads to another page (a link, a form's button) and waits until that page is in:
    /// the old page's body goes stale.
    func follow(_ css: String) async throws {
        let body = try await element("body")
        try await click(css)
        for _ in 0..<200 {
            do {
                try await command("GET", "/element/\(body)/name", nil)
            } catch {
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        _ = try await element("body")
    }

    func text(_ css: String) async throws -> String {
        let a = try await command("GET", "/element/\(try await element(css))/text", nil)
        return a["value"] as? String ?? ""
    }

    func url() async throws -> String { try await command("GET", "/url", nil)["value"] as? String ?? "" }
    func source() async throws -> String { try await command("GET", "/source", nil)["value"] as? String ?? "" }

    /// Chooses an option of a select by its value.
    func choose(_ select: String, _ value: String) async throws {
        try await click("\(select) option[value=\"\(value)\"]")
    }

    /// Keys pressed on the focused element (`\u{E004}` is Tab, `\u{E007}` Enter).
    func keys(_ text: String) async throws {
        let actions: [[String: Any]] =
            text.map { ["type": "keyDown", "value": String($0)] }
            + text.map { ["type": "keyUp", "value": String($0)] }
        try await command("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    func activeElementID() async throws -> String {
        let a = try await command("GET", "/element/active", nil)
        let e = (a["value"] as? [String: Any])?[Browser.elementKey] as? String ?? ""
        return try await command("GET", "/element/\(e)/attribute/id", nil)["value"] as? String ?? ""
    }

    /// The page printed to PDF as Chromium prints it (A4).
    func printPDF() async throws -> Data {
        let a = try await command(
            "POST", "/print", ["page": ["width": 21.0, "height": 29.7], "background": true])
        return Data(base64Encoded: a["value"] as? String ?? "") ?? Data()
    }

    /// Saves what the browser shows, for a failure; returns the file.
    @discardableResult
    func screenshot(_ label: String) async -> String {
        shots += 1
        let dir = packageRoot.appendingPathComponent(".build/browser-screenshots")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("\(name)-\(shots)-\(label).png")
        if let a = try? await command("GET", "/screenshot", nil), let b = a["value"] as? String,
            let data = Data(base64Encoded: b)
        {
            try? data.write(to: file)
        }
        return file.path
    }

    /// An expectation about the page: on failure the screenshot's path is in the issue.
    func expect(_ ok: Bool, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        guard !ok else { return }
        let shot = await screenshot(what.filter { $0.isLetter || $0.isNumber }.prefix(40).description)
        Issue.record("\(what) (screenshot: \(shot))", sourceLocation: sourceLocation)
    }
}

@Suite("Browser: a case walked through the staff pages in Chromium")
struct BrowserTests {
    @Test("registrar, handler, head and reviewer take a case from registration to the archive")
    func walk() async throws {
        let office = try LiveOffice(staff: [
            ("reg", "registrar"), ("han", "handler"), ("rev", "reviewer"), ("boss", "head"),
        ])
        let server = try await office.serve(["--reconsideration-body", "测试市人民政府"])
        defer { server.signal(SIGTERM) }
        let b = try await Browser(name: "walk", in: office.dir)
        do {
            try await walk(b, server.base)
        } catch {
            let shot = await b.screenshot("error")
            Issue.record("\(error) (screenshot: \(shot))")
        }
        await b.close()
    }

    @Test("an applicant applies on the portal in Chromium, an officer confirms, the applicant follows the case")
    func portal() async throws {
        let office = try LiveOffice(staff: [("reg", "registrar")])
        let server = try await office.serve(["--public-listen", "127.0.0.1:0"])
        defer { server.signal(SIGTERM) }
        let portal = "http://127.0.0.1:\(try await server.portalPort())"
        let b = try await Browser(name: "portal", in: office.dir)
        do {
            try await b.open(portal + "/")
            await b.expect(try await b.url().hasSuffix("/apply"), "the portal opens on the form")
            await b.expect(try await b.source().contains("以确认之日为收到申请之日"), "the form says when it is received")
            // Sent with a field missing: refused by name, and what was typed is still there.
            try await b.type("#f-applicant", "钱七")
            try await b.choose("#f-applicant_type", "person")
            try await b.type("#f-request", "某小区<b>规划</b>许可")
            try await b.follow("#submit")
            await b.expect(try await b.count("#form-error") == 1, "no way to reach the applicant: refused")
            await b.expect(try await b.text("#form-error").contains("联系电话"), "the field is named")
            await b.expect(
                try await b.source().contains("某小区&lt;b&gt;规划&lt;/b&gt;许可"), "typed text kept, as text")
            try await b.type("#f-phone", "13700000000")
            try await b.follow("#submit")
            let number = try await b.text("#submission")
            let code = try await b.text("#query-code")
            await b.expect(number.hasPrefix("W") && code.count == 19, "a number and a code: \(number) \(code)")
            // Before confirmation it waits; the officer then confirms it through the server.
            try await b.open(portal + "/track")
            try await b.type("#submission", number)
            try await b.type("#code", code.lowercased())
            try await b.follow("#submit")
            await b.expect(try await b.text("#stage") == "待确认", "waiting for confirmation")
            // The registrar finds it on the board's queue and confirms it there.
            try await signIn(b, server.base, "reg")
            let row = "tr[data-submission=\"\(number)\"]"
            await b.expect(try await b.count(row) == 1, "the board lists the submission to confirm")
            try await b.follow("\(row) button[type=submit]")
            await b.expect(try await b.count("#flash") == 1, "the case page says it was confirmed")
            let caseNumber = String(try await b.url().split(separator: "/").last ?? "")
            await b.expect(caseNumber.hasPrefix(chinaToday().prefix(4) + "-"), "a case: \(caseNumber)")
            try await b.open(server.base + "/board")
            await b.expect(try await b.count(row) == 0, "no longer waiting")
            try await signOut(b)
            try await b.open(portal + "/track")
            try await b.type("#submission", number)
            try await b.type("#code", code)
            try await b.follow("#submit")
            await b.expect(try await b.text("#stage") == "办理中", "now being handled")
            await b.expect(try await b.text("#case") == caseNumber, "with its case number")
            await b.expect(try await b.text("#received") == chinaToday(), "received on the day of confirmation")
            await b.expect(!(try await b.source().contains("13700000000")), "the contact is not shown back")
            // A wrong code says nothing of whether the number exists.
            try await b.type("#submission", number)
            try await b.type("#code", "2222-2222-2222-2222")
            try await b.follow("#submit")
            let results = try await b.count("#track-result"), errors = try await b.count("#form-error")
            await b.expect(results == 0 && errors == 1, "a wrong code")
            // The staff's pages are not on the portal.
            try await b.open(portal + "/board")
            await b.expect(!(try await b.source().contains("期限看板")), "no staff page on the portal")
        } catch {
            let shot = await b.screenshot("error")
            Issue.record("\(error) (screenshot: \(shot))")
        }
        await b.close()
    }

    func signIn(_ b: Browser, _ base: String, _ name: String) async throws {
        try await b.open(base + "/board")
        await b.expect(try await b.url().contains("/login"), "the board sends \(name) to sign in")
        try await b.type("#name", name)
        try await b.type("#password", "\(name)-password-1")
        try await b.follow("form.form button[type=submit]")
        await b.expect(try await b.url().hasSuffix("/board"), "\(name) lands on the board")
    }

    func signOut(_ b: Browser) async throws {
        try await b.follow("form.who button")
        await b.expect(try await b.url().contains("/login"), "signed out")
    }

    /// Opens a step's form from the case page's list of next steps, fills it in and records it.
    func step(
        _ b: Browser, _ base: String, _ n: String, _ kind: String, _ fill: (Browser) async throws -> Void
    )
        async throws
    {
        try await b.open(base + "/cases/\(n)")
        await b.expect(try await b.count("#next-steps a[href$=\"/steps/\(kind)\"]") == 1, "\(kind) is offered")
        try await b.follow("#next-steps a[href$=\"/steps/\(kind)\"]")
        try await fill(b)
        try await b.follow("#submit")
        await b.expect(try await b.url().hasSuffix("/cases/\(n)"), "\(kind) recorded, back on the case")
        await b.expect(try await b.count("#flash") == 1, "the page says \(kind) was recorded")
    }

    func boardRow(_ b: Browser, _ base: String, _ n: String, view: String = "all") async throws -> String? {
        try await b.open(base + "/board?view=\(view)")
        guard try await b.count("tr[data-case=\"\(n)\"]") == 1 else { return nil }
        return try await b.text("tr[data-case=\"\(n)\"]")
    }

    func walk(_ b: Browser, _ base: String) async throws {
        // The registrar registers at the window and gives the case to the handler.
        try await signIn(b, base, "reg")
        await b.expect(try await b.source().contains("期限看板"), "the pages are in Chinese")
        // The first Tab reaches the skip link: the keyboard gets to the content without the menu.
        try await b.keys("\u{E004}")
        await b.expect(try await b.activeElementID() == "skip", "Tab first reaches the skip link")
        try await b.follow("nav a[href=\"/register\"]")
        try await b.type("#f-applicant", "")
        try await b.choose("#f-channel", "in-person")
        try await b.choose("#f-applicant_type", "person")
        try await b.type("#f-request", "2025年本区财政预算执行情况")
        try await b.follow("#submit")
        await b.expect(try await b.count("#f-applicant-error") == 1, "a missing applicant is named beside its field")
        try await b.type("#f-applicant", "张三")
        try await b.follow("#submit")
        let url = try await b.url()
        let n = String(url.split(separator: "/").last ?? "")
        await b.expect(url.contains("/cases/") && !n.isEmpty, "registered: \(url)")
        await b.expect(try await boardRow(b, base, n) != nil, "the new case is on the board")
        try await step(b, base, n, "assign") { try await $0.type("#f-account", "han") }
        await b.expect(try await b.text("#case-handler") == "han", "assigned to han")
        try await signOut(b)

        // The handler asks for a correction once, receives it, consults a third party.
        try await signIn(b, base, "han")
        await b.expect(try await boardRow(b, base, n, view: "mine") != nil, "the case is on han's own board")
        try await step(b, base, n, "correction-request") { b in
            try await b.type("#f-items", "请写明所需文件的名称或文号")
            try await b.type("#f-period", "10")
        }
        await b.expect(try await b.text("#case-status") == "待补正", "awaiting correction")
        await b.expect(
            try await boardRow(b, base, n, view: "stopped")?.contains("待补正") == true, "the board shows it stopped")
        try await step(b, base, n, "correction-receive") { _ in }
        try await step(b, base, n, "consult-send") { b in
            try await b.choose("#f-party", "third-party")
            try await b.type("#f-to", "某建设公司")
        }
        await b.expect(try await boardRow(b, base, n)?.contains("征求意见中") == true, "the board shows the consultation")
        try await step(b, base, n, "consult-answer") { try await $0.choose("#f-opinion", "agree") }
        await b.expect(try await b.count("#next-steps a[href$=\"/steps/extension\"]") == 0, "the handler cannot extend")
        try await signOut(b)

        // The head extends the period.
        try await signIn(b, base, "boss")
        try await b.open(base + "/cases/\(n)")
        let dueBefore = try await b.text("#case-due")
        try await step(b, base, n, "extension") { b in
            try await b.type("#f-days", "10")
            try await b.type("#f-reason", "需调取历年档案")
        }
        await b.expect(try await b.text("#case-due") != dueBefore, "the extension moved the due date")
        await b.expect(try await b.text("#clock").contains("延期：10个工作日"), "the clock shows the extension")
        try await signOut(b)

        // The handler drafts: a refusal without its reason is refused beside the field, then corrected.
        try await signIn(b, base, "han")
        try await b.open(base + "/cases/\(n)/steps/draft")
        try await b.choose("#f-outcome", "3.1")
        try await b.follow("#submit")
        await b.expect(try await b.count("#f-basis-error") == 1, "the basis a refusal needs is named beside it")
        try await b.choose("#f-outcome", "1")
        try await b.type("#f-basis", "予以公开")
        try await b.follow("#submit")
        await b.expect(try await b.text("#case-status") == "待审核", "drafted")
        await b.expect(try await b.count("#next-steps a[href$=\"/steps/review\"]") == 0, "the drafter cannot review")
        try await signOut(b)

        try await signIn(b, base, "rev")
        try await step(b, base, n, "review") { try await $0.click("#f-approve-true") }
        await b.expect(try await b.text("#case-status") == "待签发", "approved")
        try await signOut(b)

        // The head signs the reply; its letter prints on A4.
        try await signIn(b, base, "boss")
        try await step(b, base, n, "issue") { _ in }
        await b.expect(try await b.text("#case-status") == "已答复", "issued")
        try await b.follow("#notices a[href$=\"/notices/reply\"]")
        await b.expect(try await b.source().contains("答复书"), "the reply letter opens")
        let pdf = try await b.printPDF()
        await b.expect(pdf.starts(with: Array("%PDF".utf8)), "the letter prints to PDF")
        try await b.open(base + "/board")
        try await signOut(b)

        // The handler records delivery and archives.
        try await signIn(b, base, "han")
        try await step(b, base, n, "deliver") { try await $0.choose("#f-method", "post") }
        try await step(b, base, n, "archive") { _ in }
        await b.expect(try await b.text("#case-status") == "已归档", "archived")
        await b.expect(try await b.text("#history").contains("han"), "the history names the accounts")
        await b.expect(try await boardRow(b, base, n) == nil, "an archived case leaves the board")
        try await signOut(b)
    }
}
