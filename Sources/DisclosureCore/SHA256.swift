internal import Crypto

/// SHA-256 (FIPS 180-4) for the event hash chain and attachment digests, computed by swift-crypto
/// (BoringSSL, with the processor's SHA extensions where it has them): an import of 100,000 cases hashes
/// a million events, which spent a tenth of its time in the pure-Swift rounds this replaced.
public struct SHA256: Sendable {
    private var state = Crypto.SHA256()

    public init() {}

    /// Feeds more bytes.
    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ state.update(bufferPointer: UnsafeRawBufferPointer($0)) }) != nil {
            return
        }
        Array(bytes).withUnsafeBytes { state.update(bufferPointer: $0) }
    }

    /// The digest of everything fed so far (32 bytes).
    public mutating func finalize() -> [UInt8] { Array(state.finalize()) }

    /// Feeds a string's UTF-8 bytes.
    public mutating func update(utf8 text: String) {
        var text = text
        text.withUTF8 { state.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }

    /// The lowercase hex digest of a string's UTF-8 bytes.
    public static func hex(utf8 text: String) -> String {
        var s = SHA256()
        s.update(utf8: text)
        return hexString(s.finalize())
    }

    /// The lowercase hex digest of `bytes`.
    public static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var s = SHA256()
        s.update(bytes)
        return hexString(s.finalize())
    }

    public static func hexString(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(digest.count * 2)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
