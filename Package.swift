// swift-tools-version:6.0
import Foundation
import PackageDescription

// Release links libstdc++ statically when `StaticLibs/libstdc++.a` (a symlink to the system's
// archive) resolves: loading the shared one and binding its ~1,700 symbols cost 0.3–0.5 ms of
// every start (a console's, a CLI command's). Where it does not resolve (another GCC), the
// shared library is used as before; a dangling archive would fail the link, hence the check.
let staticLibs = Context.packageDirectory + "/StaticLibs"
let staticCxx = FileManager.default.fileExists(atPath: staticLibs + "/libstdc++.a")

// Dependencies, and why each is worth its build time on 2 cores:
// - swift-argument-parser: the CLI (subcommands, --help, shell completions) — Apple's standard.
// - TOMLKit: full TOML for themes and config (toml++ underneath), with parse-error positions.
// - swift-crypto: SHA-256 for the store's tamper-evident chain (BoringSSL on Linux).
let package = Package(
    name: "OpsDesk",
    products: [
        .executable(name: "opsdesk", targets: ["opsdesk"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        // The domain: every rule of the desk. Imports nothing of ours, does no I/O.
        .target(name: "ITSM"),

        // Hardware CRC32C and the flock(2) call Swift cannot reach (shadowed by struct flock).
        .target(name: "CDeskStore"),
        // The crash-safe, multi-process binary store.
        .target(name: "DeskStore", dependencies: [
            "ITSM", "CDeskStore",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // ncursesw as a system library, with a shim for what Swift cannot import.
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw",
                       providers: [.apt(["libncursesw5-dev"])]),
        // The only module that touches ncurses: cells, styles, keys, backends.
        .target(name: "Terminal", dependencies: ["CNcursesw"]),
        // The application: shell, panes, key map, themes, widgets.
        .target(name: "Console", dependencies: [
            "Terminal", "ITSM", "DeskStore",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // The built-in demo desk: a deterministic, living desk generated from a seed.
        .target(name: "DemoDesk", dependencies: ["ITSM", "DeskStore"]),
        .executableTarget(name: "opsdesk", dependencies: [
            "Console", "DeskStore", "ITSM", "DemoDesk",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], linkerSettings: [
            // Release: a position-dependent executable (as Go links by default). Swift's type
            // metadata holds ~90,000 absolute pointers; in a PIE the loader rewrites each at
            // every start, copying ~750 KB of pages: 1.5 ms of an 8 ms console start. Shared
            // libraries, heap, stack and mmaps stay randomised.
            .unsafeFlags(["-Xclang-linker", "-no-pie"] + (staticCxx ? ["-Xclang-linker", "-L" + staticLibs] : []),
                         .when(configuration: .release)),
        ]),

        // A writer process the store's kill -9 and concurrency tests start and kill.
        .executableTarget(name: "store-torture", dependencies: ["DeskStore", "ITSM"]),
        // Benchmarks only: SQLite as the peer. The product never links SQLite.
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .executableTarget(name: "opsdesk-bench", dependencies: ["DeskStore", "ITSM", "Console", "DemoDesk", "CSQLite"]),

        .testTarget(name: "ITSMTests", dependencies: ["ITSM"]),
        .testTarget(name: "DeskStoreTests", dependencies: ["DeskStore", "ITSM", "store-torture"]),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal"]),
        // Golden screens are data read by path, not sources or resources.
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "Terminal", "ITSM"], exclude: ["Goldens"]),
        .testTarget(name: "DemoDeskTests", dependencies: ["DemoDesk", "DeskStore", "ITSM"]),
        .testTarget(name: "EndToEndTests", dependencies: ["opsdesk"]),
    ]
)
