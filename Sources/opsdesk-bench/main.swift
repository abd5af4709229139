import CSQLite
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// opsdesk-bench: OpsDesk's store against SQLite (WAL, synchronous=FULL) on the same incidents,
// side by side in one run, with the issue's targets beside the figures. A program that prints a
// table, not a timed test: figures on a shared virtual disk are noisy, compare within one run.
//
//   swift run -c release opsdesk-bench [--incidents N] [--quick] [--scratch DIR] [--seconds S]
//
// It starts copies of itself (`opsdesk-bench child …`) for the multi-process and cold-open runs.
// `opsdesk-bench queue …` runs the incident queue's scale benchmark instead (QueueBench/).

struct Options {
    var incidents = 1_000_000
    var scratch: String?
    var seconds = 3.0
    var lookups = 200_000
    var keepScratch = false
    /// `--only commits`: only the durable-commit rows (to iterate on commits without the
    /// import/open/lookup parts); `--only import`: just the import and what needs its store.
    var onlyCommits = false
    var onlyImport = false
    /// Slices each commits/s run is interleaved in (the disk's speed drifts).
    var slices = 3

    static let usage = """
        usage: opsdesk-bench [--incidents N] [--quick] [--scratch DIR] [--seconds S] [--lookups N] [--keep] [--only commits|import] [--slices K]
          --incidents N   incidents to import (default 1000000)
          --quick         a small smoke run: 20000 incidents, 1 s per commit run
          --scratch DIR   where the stores and databases go (default: a new folder in $TMPDIR)
          --seconds S     length of each commits/s run (default 3)
          --lookups N     point lookups to time (default 200000)
          --keep          keep the scratch folder
          --only commits  only the durable-commit rows (skip import, open and lookups)
          --only import   only the import and the measures of its store (size, cold open, lookups)
          --slices K      interleave SQLite, bare and OpsDesk commit runs in K slices (default 3)
        """

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let v = rest.popFirst() else { throw BenchError("\(flag) needs a value\n\(Self.usage)") }
            return v
        }
        while let arg = rest.popFirst() {
            switch arg {
            case "--incidents":
                guard let n = Int(try value(arg).replacingOccurrences(of: "_", with: "")), n > 0 else {
                    throw BenchError("--incidents needs a positive number")
                }
                incidents = n
            case "--quick": incidents = 20_000; seconds = 1; lookups = 20_000
            case "--scratch": scratch = try value(arg)
            case "--seconds":
                guard let s = Double(try value(arg)), s > 0 else { throw BenchError("--seconds needs a positive number") }
                seconds = s
            case "--lookups":
                guard let n = Int(try value(arg)), n > 0 else { throw BenchError("--lookups needs a positive number") }
                lookups = n
            case "--keep": keepScratch = true
            case "--slices":
                guard let k = Int(try value(arg)), k > 0 else { throw BenchError("--slices needs a positive number") }
                slices = k
            case "--only":
                switch try value(arg) {
                case "commits": onlyCommits = true
                case "import": onlyImport = true
                default: throw BenchError("--only takes: commits or import")
                }
            case "-h", "--help": print(Self.usage); exit(0)
            default: throw BenchError("unknown option \(arg)\n\(Self.usage)")
            }
        }
    }
}

/// One line of the table.
struct Row {
    let metric: String
    let opsdesk: String
    let sqlite: String
    let ratio: String
    let target: String
    let met: String
}

func formatRate(_ perSecond: Double) -> String { String(format: "%.0f/s", perSecond) }
func formatSeconds(_ s: Double) -> String { String(format: "%.2f s", s) }
func formatMicros(_ us: Double) -> String { us >= 1000 ? String(format: "%.1f ms", us / 1000) : String(format: "%.1f µs", us) }
func formatBytes(_ b: Int64) -> String { String(format: "%.1f MB", Double(b) / 1e6) }
func formatRatio(_ r: Double) -> String { String(format: r < 0.1 ? "%.3fx" : "%.2fx", r) }

/// Bytes of a file, or of the files directly in a folder.
func directoryBytes(_ path: String) -> Int64 {
    var st = stat()
    guard stat(path, &st) == 0 else { return 0 }
    if st.st_mode & S_IFMT != S_IFDIR { return Int64(st.st_size) }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.reduce(0) { $0 + directoryBytes(path + "/" + $1) }
}

func printTable(_ rows: [Row]) {
    let header = Row(metric: "measure", opsdesk: "OpsDesk", sqlite: "SQLite WAL FULL", ratio: "ratio",
                     target: "target", met: "met")
    let all = [header] + rows
    func width(_ key: KeyPath<Row, String>) -> Int { all.map { $0[keyPath: key].count }.max() ?? 0 }
    let w = [width(\.metric), width(\.opsdesk), width(\.sqlite), width(\.ratio), width(\.target), width(\.met)]
    func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, n - s.count))
        return right ? fill + s : s + fill
    }
    for (i, row) in all.enumerated() {
        print([pad(row.metric, w[0]), pad(row.opsdesk, w[1], right: true), pad(row.sqlite, w[2], right: true),
               pad(row.ratio, w[3], right: true), pad(row.target, w[4]), pad(row.met, w[5])].joined(separator: "  "))
        if i == 0 { print(w.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
    }
}

func log(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func runBenchmark(_ options: Options) throws {
    let scratch: String
    if let given = options.scratch {
        try FileManager.default.createDirectory(atPath: given, withIntermediateDirectories: true)
        scratch = (given as NSString).appendingPathComponent("opsdesk-bench-\(getpid())")
    } else {
        scratch = (NSTemporaryDirectory() as NSString).appendingPathComponent("opsdesk-bench-\(getpid())")
    }
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { if !options.keepScratch { try? FileManager.default.removeItem(atPath: scratch) } }
    log("scratch: \(scratch)")

    var rows: [Row] = []
    for processes in options.onlyImport ? [] : [1, 8] {
        log("durable single-record commits, \(processes) process(es) …")
        let db = scratch + "/commits-\(processes).sqlite"
        _ = try SQLitePeer(path: db)  // creates the schema before the children race to do it
        let store = scratch + "/commits-\(processes).store"
        try OpsDeskSide.create(at: store)
        // The disk is shared and its speed swings within seconds: the runs are interleaved in
        // short slices (SQLite, bare, OpsDesk, bare, …) so that each side sees the same disk.
        // Each side still runs `seconds` in all; rates are totals over total time.
        let slice = options.seconds / Double(options.slices)
        var sqlite = 0.0, ours = 0.0, bare = 0.0
        for k in 0..<options.slices {
            sqlite += try runTimedChildren(count: processes, arguments: ["child", "sqlite-commit", "--path", db],
                                           seconds: slice, firstID: k * processes) / Double(options.slices)
            if processes == 1 {
                bare += try DiskLimit.appendSyncRate(directory: scratch, seconds: slice / 2) / Double(2 * options.slices)
            }
            ours += try runTimedChildren(count: processes, arguments: ["child", "opsdesk-commit", "--path", store],
                                         seconds: slice, firstID: k * processes) / Double(options.slices)
            if processes == 1 {
                bare += try DiskLimit.appendSyncRate(directory: scratch, seconds: slice / 2) / Double(2 * options.slices)
            }
        }
        let ratio = ours / sqlite
        let target = processes == 1 ? 1.0 : 2.5
        rows.append(Row(metric: "commits/s, \(processes) process\(processes == 1 ? "" : "es")",
                        opsdesk: formatRate(ours), sqlite: formatRate(sqlite), ratio: formatRatio(ratio),
                        target: String(format: "≥ %.1fx SQLite", target), met: ratio >= target ? "yes" : "NO"))
        if processes == 1 {
            let ofBare = ours / bare
            rows.append(Row(metric: "1-process commits vs bare append+fdatasync", opsdesk: formatRate(ours),
                            sqlite: "bare " + formatRate(bare), ratio: formatRatio(ofBare),
                            target: "≥ 0.80x bare", met: ofBare >= 0.8 ? "yes" : "NO"))
        }
    }

    if options.onlyCommits {
        printReport(rows, options)
        return
    }

    let n = options.incidents
    // The input rows are made once, before either import is timed: both stores are given the
    // same materialised incidents, so neither side's time includes the generator's string
    // formatting (0.4 s for 1M here). Each side's own conversion — SQLite's binds, OpsDesk's
    // `Event` values — is timed.
    log("making \(n) sample incidents …")
    let incidents = (1...n).map(SampleIncident.init)
    log("import of \(n) incidents …")
    let db = scratch + "/import.sqlite"
    var cpu0 = processCPUSeconds()
    var t0 = monotonicNanoseconds()
    do {
        let peer = try SQLitePeer(path: db)
        try peer.importIncidents(incidents)
    }
    let sqliteImport = Double(monotonicNanoseconds() - t0) / 1e9
    let sqliteCPU = processCPUSeconds() - cpu0
    let store = scratch + "/import.store"
    cpu0 = processCPUSeconds()
    let (ourCommits, ourSnapshot) = try OpsDeskSide.importIncidents(incidents, into: store)
    let ourCPU = processCPUSeconds() - cpu0
    let ourImport = ourCommits + ourSnapshot
    let importRatio = sqliteImport / ourImport
    rows.append(Row(metric: "import \(n) incidents (batches of 10000)", opsdesk: formatSeconds(ourImport), sqlite: formatSeconds(sqliteImport),
                    ratio: formatRatio(importRatio), target: "≥ 2x SQLite (speed)", met: importRatio >= 2 ? "yes" : "NO"))
    rows.append(Row(metric: "  of which OpsDesk log / snapshot", opsdesk: formatSeconds(ourCommits) + " / " + formatSeconds(ourSnapshot),
                    sqlite: "", ratio: "", target: "", met: ""))
    rows.append(Row(metric: "  of which building the Event values (caller)", opsdesk: formatSeconds(OpsDeskSide.eventBuildingSeconds(incidents)),
                    sqlite: "", ratio: "", target: "", met: ""))
    // CPU time (user + system, all threads) is less at the mercy of other load than wall time.
    rows.append(Row(metric: "  CPU time of the import (user + system)", opsdesk: formatSeconds(ourCPU), sqlite: formatSeconds(sqliteCPU),
                    ratio: formatRatio(sqliteCPU / ourCPU), target: "", met: ""))
    rows.append(Row(metric: "  size on disk", opsdesk: formatBytes(directoryBytes(store)),
                    sqlite: formatBytes(directoryBytes(db) + directoryBytes(db + "-wal")), ratio: "", target: "", met: ""))

    log("cold open (fresh process) …")
    let probe = String(n / 2 + 1)
    func medianOpen(_ kind: String, _ path: String) throws -> Double {
        var samples: [Double] = []
        for _ in 0..<5 {
            let text = try BenchChild.start(["child", kind, "--path", path, "--number", probe]).finish()
            guard let us = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw BenchError("unexpected output from \(kind): \(text)")
            }
            samples.append(us)
        }
        return samples.sorted()[samples.count / 2]
    }
    let sqliteOpen = try medianOpen("sqlite-open", db)
    let ourOpen = try medianOpen("opsdesk-open", store)
    rows.append(Row(metric: "open \(n)-incident store + first read", opsdesk: formatMicros(ourOpen),
                    sqlite: formatMicros(sqliteOpen), ratio: formatRatio(sqliteOpen / ourOpen), target: "(fast)", met: ""))

    log("point lookups …")
    var generator = SplitMix(seed: 42)
    let numbers = (0..<options.lookups).map { _ in Int(generator.next() % UInt64(n)) + 1 }
    let peer = try SQLitePeer(path: db)
    let statement = try peer.lookupStatement()
    var found = 0
    t0 = monotonicNanoseconds()
    for number in numbers where peer.title(of: number, with: statement) != nil { found += 1 }
    let sqliteLookup = Double(monotonicNanoseconds() - t0) / 1e3 / Double(numbers.count)
    guard found == numbers.count else { throw BenchError("SQLite found \(found) of \(numbers.count) incidents") }
    let ourLookup = try OpsDeskSide.lookupMicroseconds(store: store, numbers: numbers)
    rows.append(Row(metric: "point lookup", opsdesk: formatMicros(ourLookup), sqlite: formatMicros(sqliteLookup),
                    ratio: formatRatio(sqliteLookup / ourLookup), target: "(fast)", met: ""))

    printReport(rows, options)
}

func printReport(_ rows: [Row], _ options: Options) {
    print("")
    let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3)
    let scope = options.onlyCommits ? "commit runs only" : "\(options.incidents) incidents"
    print("\(scope), \(options.seconds) s per commit run in \(options.slices) interleaved slices, \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(load.joined(separator: " "))")
    print("OpsDesk store vs SQLite \(String(cString: sqlite3_libversion())) (WAL, synchronous=FULL); ratio > 1 means OpsDesk is faster")
    printTable(rows)
}

/// User plus system CPU seconds of this process so far, all threads.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `opsdesk-bench child KIND --path P [--id K --start-at T --seconds S] [--number N]`
func runChild(_ arguments: [String]) throws {
    guard let kind = arguments.first else { throw BenchError("child needs a kind") }
    var values: [String: String] = [:]
    var rest = arguments.dropFirst()
    while let flag = rest.popFirst() { values[flag] = rest.popFirst() }
    guard let path = values["--path"] else { throw BenchError("child needs --path") }
    let id = Int(values["--id"] ?? "0") ?? 0
    let startAt = Int64(values["--start-at"] ?? "0") ?? 0
    let seconds = Double(values["--seconds"] ?? "1") ?? 1
    let number = Int(values["--number"] ?? "1") ?? 1
    // Each writer creates incidents in its own range, above any imported ones.
    let base = 10_000_000 * (id + 1)
    switch kind {
    case "sqlite-commit":
        let peer = try SQLitePeer(path: path)
        let statement = try peer.insertStatement()
        try timedChildLoop(startAt: startAt, seconds: seconds) { i in
            try peer.insert(SampleIncident(base + i), with: statement)
        }
    case "opsdesk-commit":
        try OpsDeskSide.commitLoop(store: path, base: base, startAt: startAt, seconds: seconds)
    case "sqlite-open":
        let t0 = monotonicNanoseconds()
        let peer = try SQLitePeer(path: path, setUp: false)
        let statement = try peer.lookupStatement()
        guard peer.title(of: number, with: statement) != nil else { throw BenchError("incident \(number) not found") }
        print(Double(monotonicNanoseconds() - t0) / 1e3)
    case "opsdesk-open":
        print(try OpsDeskSide.openMicroseconds(store: path, number: number))
    default:
        throw BenchError("unknown child kind \(kind)")
    }
}

do {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "child" {
        try runChild(Array(arguments.dropFirst()))
    } else if arguments.first == "queue" {
        try QueueBench.run(Array(arguments.dropFirst()))
    } else {
        try runBenchmark(try Options(arguments))
    }
} catch {
    log("opsdesk-bench: \(error)")
    exit(1)
}
