import Foundation

/// A count of one kind of record, as the store reports it.
public struct RecordCount: Hashable, Sendable {
    public var kind: String
    public var count: Int
    public init(kind: String, count: Int) {
        self.kind = kind
        self.count = count
    }
}

/// What the console shows about a store folder. `opsdesk` fills it (`scan` for the folder;
/// record counts once the store engine reports them); panes only read it.
public struct StoreOverview: Hashable, Sendable {
    public struct File: Hashable, Sendable {
        public var name: String
        public var bytes: Int64
        public init(name: String, bytes: Int64) {
            self.name = name
            self.bytes = bytes
        }
    }

    public var path: String
    public var exists: Bool
    public var files: [File]
    /// Per kind of record; nil until the store engine is wired in (never guessed).
    public var recordCounts: [RecordCount]?
    /// Why the folder could not be read, in plain words.
    public var problem: String?

    public init(path: String, exists: Bool, files: [File] = [], recordCounts: [RecordCount]? = nil, problem: String? = nil) {
        self.path = path
        self.exists = exists
        self.files = files
        self.recordCounts = recordCounts
        self.problem = problem
    }

    public var totalBytes: Int64 { files.reduce(0) { $0 + $1.bytes } }

    /// Looks at the folder at `path`: whether it exists, and its files with their sizes
    /// (recursively, relative names, sorted).
    public static func scan(path: String) -> StoreOverview {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return StoreOverview(path: path, exists: false)
        }
        guard isDirectory.boolValue else {
            return StoreOverview(path: path, exists: true, problem: "\(path) is a file, not a store folder")
        }
        guard let enumerator = fm.enumerator(atPath: path) else {
            return StoreOverview(path: path, exists: true, problem: "cannot read \(path)")
        }
        var files: [File] = []
        while let name = enumerator.nextObject() as? String {
            let full = path + "/" + name
            guard let attributes = try? fm.attributesOfItem(atPath: full),
                  (attributes[.type] as? FileAttributeType) == .typeRegular else { continue }
            files.append(File(name: name, bytes: (attributes[.size] as? NSNumber)?.int64Value ?? 0))
        }
        files.sort { $0.name < $1.name }
        return StoreOverview(path: path, exists: true, files: files)
    }
}

/// Sizes as people read them: 512 B, 12.0 KiB, 3.4 MiB.
public func humanBytes(_ n: Int64) -> String {
    if n < 1024 { return "\(n) B" }
    var value = Double(n) / 1024
    for unit in ["KiB", "MiB", "GiB", "TiB"] {
        if value < 1024 || unit == "TiB" {
            let tenths = Int((value * 10).rounded())
            return "\(tenths / 10).\(tenths % 10) \(unit)"
        }
        value /= 1024
    }
    return "\(n) B"
}

/// Facts about this session that the header and the About view show.
public struct SessionInfo: Hashable, Sendable {
    public var version: String
    public var store: StoreOverview
    /// The Unix user running the process (from the real uid).
    public var user: String
    public var configPath: String
    public var configExists: Bool
    public var themeName: String
    /// The theme's file; nil for the built-in default.
    public var themePath: String?
    /// The terminal's capabilities in words (nil in tests).
    public var terminal: String?
    /// Problems found at start (config, theme, key remaps), each `file:line: key: message`.
    public var warnings: [String]

    public init(version: String, store: StoreOverview, user: String, configPath: String, configExists: Bool,
                themeName: String, themePath: String?, terminal: String? = nil, warnings: [String] = []) {
        self.version = version
        self.store = store
        self.user = user
        self.configPath = configPath
        self.configExists = configExists
        self.themeName = themeName
        self.themePath = themePath
        self.terminal = terminal
        self.warnings = warnings
    }
}

/// The acting user: the name of the real uid in the password database (never `$USER`, which
/// anyone can set), or `uid N` when it has no entry.
public func actingUser() -> String {
    let uid = getuid()
    var pwd = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    if getpwuid_r(uid, &pwd, &buffer, buffer.count, &result) == 0, result != nil, let name = pwd.pw_name {
        return String(cString: name)
    }
    return "uid \(uid)"
}
