// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Disclosure",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "disclosure", targets: ["disclosure"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Only its bcrypt (plain C, no server code) is used: password hashes the web system will share.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        // Ed25519 for signed audit checkpoints (already resolved for hummingbird-auth).
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // The office's server (`disclosure-server`); kept out of the CLI's executable so its start-up does not pay.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // The staff's listener and the portal's in one service group (already resolved for hummingbird).
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        // The staff pages' templates (forms/pages), editable by an office like its notice templates.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
        // Only the tests use it: a real HTTP client against the built server binary.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.30.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // libxml2's headers (Debian's libxml2-dev), and the functions the program calls, which load the
        // library on first use so that commands without XML do not pay for it at start (libxml2.c).
        .target(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            cSettings: [.unsafeFlags(["-I/usr/include/libxml2", "-fvisibility=hidden"])]
        ),
        .target(name: "DisclosureCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Files the program writes for the user: made unnamed, synced, linked into place.
        .target(name: "DisclosureFiles", dependencies: ["DisclosureCore"]),
        .target(
            name: "DisclosureStore",
            dependencies: ["DisclosureCore", "CSQLite"],
            plugins: ["EmbedStorage"]
        ),
        .target(
            name: "DisclosureExchange",
            dependencies: ["DisclosureCore", "DisclosureFiles", "CLibXML2"],
            swiftSettings: [.unsafeFlags(["-Xcc", "-I/usr/include/libxml2"])],
            plugins: ["EmbedStorage"]
        ),
        .target(
            name: "DisclosureDocuments",
            dependencies: ["DisclosureCore"],
            plugins: ["EmbedStorage"]
        ),
        .target(
            name: "DisclosureApp",
            dependencies: [
                "DisclosureCore", "DisclosureStore", "DisclosureExchange", "DisclosureDocuments", "DisclosureFiles",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // HTTP: sessions, CSRF, the JSON API; no rule of its own, every decision is DisclosureApp's.
        .target(
            name: "DisclosureServer",
            dependencies: [
                "DisclosureCore", "DisclosureStore", "DisclosureApp", "DisclosureDocuments", "DisclosureExchange",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            plugins: ["EmbedStorage"]
        ),
        .executableTarget(
            name: "disclosure-server",
            dependencies: [
                "DisclosureServer", "DisclosureApp", "DisclosureCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/disclosure-server"
        ),
        .executableTarget(name: "storage-embedder", path: "Sources/storage-embedder"),
        // The man page, written from the command tree the built program describes (make install).
        .executableTarget(name: "disclosure-manual", path: "Sources/disclosure-manual"),
        .executableTarget(
            name: "disclosure-bench",
            dependencies: [
                "DisclosureCore", "DisclosureStore", "DisclosureApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/disclosure-bench"
        ),
        .executableTarget(
            name: "disclosure-fuzz",
            dependencies: ["DisclosureCore", "DisclosureExchange"],
            path: "Sources/disclosure-fuzz"
        ),
        .plugin(name: "EmbedStorage", capability: .buildTool(), dependencies: ["storage-embedder"], path: "Sources/EmbedStorage"),
        .executableTarget(
            name: "disclosure",
            dependencies: [
                "DisclosureCore", "DisclosureStore", "DisclosureExchange", "DisclosureDocuments", "DisclosureApp",
                "DisclosureFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"])]
        ),
        .testTarget(name: "DisclosureAppTests", dependencies: ["DisclosureApp", "DisclosureStore", "DisclosureCore"]),
        .testTarget(name: "DisclosureCoreTests", dependencies: ["DisclosureCore"]),
        .testTarget(name: "DisclosureStoreTests", dependencies: ["DisclosureStore", "DisclosureCore"]),
        .testTarget(name: "DisclosureExchangeTests", dependencies: ["DisclosureExchange", "DisclosureCore"]),
        .testTarget(name: "DisclosureDocumentsTests", dependencies: ["DisclosureDocuments", "DisclosureCore"]),
        .testTarget(name: "DisclosureCLITests", dependencies: ["DisclosureCore"]),
        .testTarget(
            name: "DisclosureServerTests",
            dependencies: [
                "DisclosureServer", "DisclosureApp", "DisclosureCore", "DisclosureStore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
