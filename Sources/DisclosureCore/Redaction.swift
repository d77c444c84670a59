/// What `export --redact` removes from free text: resident ID numbers (18 digits, the last may be X,
/// or the old 15 digits), mobile numbers (11 digits from 13 to 19), other telephone numbers (a 0 and
/// 9 to 11 more digits, a hyphen allowed after the area code) and e-mail addresses.
public enum Redaction {
    public static let idMark = "〔身份证号已隐去〕"
    public static let phoneMark = "〔电话已隐去〕"
    public static let emailMark = "〔邮箱已隐去〕"

    /// The text with every such number and address replaced by its mark.
    public static func mask(_ text: String) -> String {
        let s = Array(text.unicodeScalars)
        guard s.contains(where: { ("0"..."9").contains($0) || $0 == "@" }) else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
        func isLocal(_ c: Unicode.Scalar) -> Bool {
            c.isASCII && (c.properties.isAlphabetic || isDigit(c) || "._%+-".unicodeScalars.contains(c))
        }
        func isDomain(_ c: Unicode.Scalar) -> Bool {
            c.isASCII && (c.properties.isAlphabetic || isDigit(c) || c == "." || c == "-")
        }
        while i < s.count {
            let c = s[i]
            if c == "@" {
                // Back over the local part already copied, forward over the domain.
                var start = out.count
                let copied = Array(out)
                while start > 0 && isLocal(copied[start - 1]) { start -= 1 }
                var end = i + 1
                while end < s.count && isDomain(s[end]) { end += 1 }
                let domain = String(String.UnicodeScalarView(s[(i + 1)..<end]))
                if start < copied.count && domain.contains(".") && !domain.hasPrefix(".") {
                    out = String.UnicodeScalarView(copied[..<start])
                    out.append(contentsOf: emailMark.unicodeScalars)
                    i = end
                    continue
                }
            }
            if isDigit(c) && (i == 0 || !isDigit(s[i - 1])) {
                var end = i
                var digits = 0
                var hyphens = 0
                while end < s.count {
                    if isDigit(s[end]) {
                        digits += 1
                    } else if s[end] == "-" && hyphens == 0 && end + 1 < s.count && isDigit(s[end + 1]) && s[i] == "0" {
                        hyphens += 1
                    } else {
                        break
                    }
                    end += 1
                }
                var mark: String?
                if hyphens == 0 && digits == 17 && end < s.count && (s[end] == "X" || s[end] == "x") {
                    end += 1
                    mark = idMark
                } else if hyphens == 0 && (digits == 18 || digits == 15) {
                    mark = idMark
                } else if hyphens == 0 && digits == 11 && s[i] == "1" && ("3"..."9").contains(s[i + 1]) {
                    mark = phoneMark
                } else if s[i] == "0" && (10...12).contains(digits) {
                    mark = phoneMark
                }
                if let mark {
                    out.append(contentsOf: mark.unicodeScalars)
                } else {
                    out.append(contentsOf: s[i..<end])
                }
                i = end
                continue
            }
            out.append(c)
            i += 1
        }
        return String(out)
    }
}
