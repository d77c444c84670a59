/// What `export --redact` removes from free text: resident ID numbers (18 digits, the last may be X,
/// or the old 15 digits), mobile numbers (11 digits from 13 to 19, +86 or 86 before them allowed),
/// other telephone numbers (a 0 and 9 to 11 more digits), groups of digits split by single spaces or
/// hyphens counted together, full-width digits as ASCII, and e-mail addresses.
public enum Redaction {
    public static let idMark = "〔身份证号已隐去〕"
    public static let phoneMark = "〔电话已隐去〕"
    public static let emailMark = "〔邮箱已隐去〕"

    /// The mark for a run of digits, if it is a number to mask.
    static func classify(_ digits: [Unicode.Scalar], separated: Bool, x: Bool) -> String? {
        let d = String(String.UnicodeScalarView(digits))
        if !separated && ((digits.count == 17 && x) || digits.count == 18 || digits.count == 15) { return idMark }
        if isMobile(d) || (d.hasPrefix("86") && isMobile(String(d.dropFirst(2)))) { return phoneMark }
        if d.hasPrefix("0") && (10...12).contains(digits.count) { return phoneMark }
        return nil
    }

    static func isMobile(_ d: String) -> Bool {
        let u = Array(d.utf8)
        return u.count == 11 && u[0] == UInt8(ascii: "1") && (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(u[1])
    }

    /// The text with every such number and address replaced by its mark.
    public static func mask(_ text: String) -> String {
        // Full-width digits (０–９) are read, and kept, as the ASCII ones.
        let s = text.unicodeScalars.map { u -> Unicode.Scalar in
            (0xFF10...0xFF19).contains(u.value) ? Unicode.Scalar(u.value - 0xFF10 + 0x30) ?? u : u
        }
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
                // A run of digits with single spaces or hyphens between groups (138-1234-5678, 010 8765 4321).
                var end = i
                var digits: [Unicode.Scalar] = []
                var separated = false
                while end < s.count {
                    if isDigit(s[end]) {
                        digits.append(s[end])
                    } else if (s[end] == "-" || s[end] == " ") && end + 1 < s.count && isDigit(s[end + 1])
                        && digits.count < 13
                    {
                        separated = true
                    } else {
                        break
                    }
                    end += 1
                }
                var mark = classify(digits, separated: separated, x: end < s.count && (s[end] == "X" || s[end] == "x"))
                if mark == idMark && digits.count == 17 { end += 1 }
                if mark == nil && separated {
                    // The whole run is no number to mask: perhaps its first group alone is (a mobile, then a year).
                    var first = i
                    while first < end && isDigit(s[first]) { first += 1 }
                    let group = Array(s[i..<first])
                    mark = classify(group, separated: false, x: first < s.count && (s[first] == "X" || s[first] == "x"))
                    if mark != nil { end = first + (mark == idMark && group.count == 17 ? 1 : 0) }
                }
                if let mark {
                    out.append(contentsOf: mark.unicodeScalars)
                    i = end
                } else {
                    // Not a number to mask: copied as it was, up to the first separator.
                    var j = i
                    while j < end && isDigit(s[j]) { out.append(s[j]); j += 1 }
                    i = j
                }
                continue
            }
            out.append(c)
            i += 1
        }
        return String(out)
    }
}
