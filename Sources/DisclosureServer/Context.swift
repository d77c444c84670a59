import DisclosureCore
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// What a request learns on its way (who signed in), for the access log written after it.
final class RequestNotes: Sendable {
    private let accountName = Mutex<String?>(nil)
    var account: String? {
        get { accountName.withLock { $0 } }
        set { accountName.withLock { $0 = newValue } }
    }
}

/// The request context: the peer's address, and notes for the access log.
struct DisclosureContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?
    let notes = RequestNotes()

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// JSON bodies are small; attachments have their own limit.
    var maxUploadSize: Int { ServerLimits.jsonBody }
}

/// Sizes the server accepts.
enum ServerLimits {
    /// The largest JSON body: a registration or a step is a few kilobytes.
    static let jsonBody = 256 * 1024
}

/// Names of headers this server reads or sets beyond HTTPTypes' own.
extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let requestID = HTTPField.Name("X-Request-ID")!
}
