/// Similar request texts: "the same information" asked in different words (art. 44 leads, art. 36(6) repeats).
///
/// Texts are compared by their sets of character bigrams after dropping whitespace and punctuation.
/// Numbers must match exactly (the 2024 and the 2025 budget, or two document numbers, are different
/// information). Two texts are similar when their numbers agree and the Jaccard index of their bigram
/// sets is at least `threshold`.
public enum Similarity {
    /// The Jaccard index from which two requests count as asking for the same information.
    public static let threshold = 0.6

    /// The words of asking that say nothing of what is asked for ("请公开…的…"), longest first, and
    /// 年度 read as 年: two paraphrases of one request differ mostly in these.
    static let asking: [[Unicode.Scalar]] = [
        "请予公开", "请求公开", "申请公开", "要求公开", "申请获取", "请公开", "请提供", "请问", "我要", "相关", "有关",
        "关于", "的",
    ].map { Array($0.unicodeScalars) }
    static let year: [Unicode.Scalar] = Array("年度".unicodeScalars)

    /// The characters that carry meaning: letters, ideographs and digits, ASCII letters lower-cased,
    /// without the words of asking.
    public static func normalized(_ s: String) -> [Unicode.Scalar] {
        var kept: [Unicode.Scalar] = []
        kept.reserveCapacity(s.unicodeScalars.count)
        for u in s.unicodeScalars {
            let p = u.properties
            if p.isAlphabetic || p.numericType != nil || p.isIdeographic {
                // ASCII capitals fold to lower case; other scripts are kept as written.
                kept.append((65...90).contains(u.value) ? Unicode.Scalar(u.value + 32) ?? u : u)
            }
        }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(kept.count)
        var i = 0
        scan: while i < kept.count {
            if kept[i] == year[0], i + 1 < kept.count, kept[i + 1] == year[1] {
                out.append(kept[i])
                i += 2
                continue
            }
            for w in asking
            where kept[i] == w[0] && i + w.count <= kept.count && kept[i..<(i + w.count)].elementsEqual(w) {
                i += w.count
                continue scan
            }
            out.append(kept[i])
            i += 1
        }
        return out
    }

    /// Hashes of the text's character bigrams (a single character counts as one shingle).
    public static func shingles(_ s: String) -> [UInt64] {
        let chars = normalized(s)
        guard chars.count > 1 else { return chars.map { mix(UInt64($0.value)) } }
        var out: [UInt64] = []
        out.reserveCapacity(chars.count - 1)
        for i in 0..<(chars.count - 1) {
            out.append(mix(UInt64(chars[i].value) << 32 | UInt64(chars[i + 1].value)))
        }
        return Array(Set(out)).sorted()
    }

    /// The exact Jaccard index of two texts' bigram sets.
    public static func jaccard(_ a: String, _ b: String) -> Double {
        let x = Set(shingles(a)), y = Set(shingles(b))
        let union = x.union(y).count
        return union == 0 ? 0 : Double(x.intersection(y).count) / Double(union)
    }

    /// Whether two requests ask for the same information.
    public static func similar(_ a: String, _ b: String) -> Bool { numbers(a) == numbers(b) && jaccard(a, b) >= threshold }

    /// The numbers in a text (runs of ASCII or full-width digits), sorted: they identify the information.
    public static func numbers(_ s: String) -> [String] {
        var out: [String] = []
        var current = ""
        for u in s.unicodeScalars {
            if let d = u.properties.numericType == .decimal ? u.properties.numericValue : nil {
                current += String(Int(d))
            } else if !current.isEmpty {
                out.append(current)
                current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        return out.sorted()
    }

    // MARK: - MinHash

    /// Signature length and banding: 8 bands of 3 values find pairs at Jaccard 0.6 with high probability.
    public static let signatureLength = 24
    static let bands = 8
    static let rows = 3

    /// A signature: a hash of the text's numbers, then for each of 24 hash functions the least hash
    /// over the text's shingles (MinHash).
    public static func signature(_ s: String) -> [UInt32] {
        let sh = shingles(s)
        var numbersKey: UInt64 = 0x6E75_6D62
        for n in numbers(s) { for u in n.utf8 { numbersKey = mix(numbersKey ^ UInt64(u)) }; numbersKey = mix(numbersKey ^ 0x2C) }
        var sig = [UInt32](repeating: .max, count: signatureLength + 1)
        sig[0] = UInt32(truncatingIfNeeded: numbersKey)
        for h in sh {
            for k in 0..<signatureLength {
                let v = UInt32(truncatingIfNeeded: mix(h &+ UInt64(k) &* 0x9E37_79B9_7F4A_7C15) >> 32)
                if v < sig[k + 1] { sig[k + 1] = v }
            }
        }
        return sig
    }

    /// The share of equal MinHash positions (an estimate of the Jaccard index); 0 when the numbers differ.
    public static func estimate(_ a: [UInt32], _ b: [UInt32]) -> Double {
        guard a.first == b.first else { return 0 }
        var same = 0
        for i in 1..<min(a.count, b.count) where a[i] == b[i] { same += 1 }
        return Double(same) / Double(signatureLength)
    }

    /// Groups texts (by index) asking for the same information; only groups of two or more are returned,
    /// largest first. Identical texts are grouped first (however many there are); the distinct ones are
    /// then paired through LSH buckets, and a bucket larger than `bucketLimit` (a boilerplate phrase) is skipped.
    public static func clusters(_ signatures: [[UInt32]], bucketLimit: Int = 2_000) -> [[Int]] {
        var uniqueIndex: [[UInt32]: Int] = [:]
        var uniques: [[UInt32]] = []
        var members: [[Int]] = []
        for (i, sig) in signatures.enumerated() {
            if let u = uniqueIndex[sig] {
                members[u].append(i)
            } else {
                uniqueIndex[sig] = uniques.count
                uniques.append(sig)
                members.append([i])
            }
        }
        var parent = Array(0..<uniques.count)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for band in 0..<bands {
            var buckets: [UInt64: [Int]] = [:]
            for (i, sig) in uniques.enumerated() where sig.count > 1 && sig[1] != .max {
                // The numbers' hash is in every band: texts with different numbers never meet.
                var key: UInt64 = mix(UInt64(band) ^ UInt64(sig[0]) << 8)
                for r in 0..<rows { key = mix(key ^ UInt64(sig[1 + band * rows + r])) }
                buckets[key, default: []].append(i)
            }
            for (_, bucket) in buckets where bucket.count > 1 && bucket.count <= bucketLimit {
                for (i, m) in bucket.enumerated() {
                    for n in bucket[(i + 1)...] where find(n) != find(m) && estimate(uniques[m], uniques[n]) >= threshold {
                        parent[find(n)] = find(m)
                    }
                }
            }
        }
        var groups: [Int: [Int]] = [:]
        for u in 0..<uniques.count { groups[find(u), default: []].append(contentsOf: members[u]) }
        return groups.values.filter { $0.count > 1 }.map { $0.sorted() }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
    }

    /// SplitMix64's finaliser: a fast, well-spread 64-bit hash.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
