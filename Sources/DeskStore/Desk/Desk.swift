#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ITSM

/// The desk as the console and the CLI use it: a store opened as one user, commands decided
/// by the domain under the store's lock, and current state read as plain values.
///
/// At a million incidents a process never folds every incident. Decisions fold only the
/// records a command touches (plus the directory) from their history; queues read an
/// `IncidentTable` of flat columns, mapped from the `queue-rows` image beside the snapshot
/// and patched with the incidents changed since it was written.
///
/// Thread-safe: `perform`, reads and the follower's catch-up may run on any thread.
public final class Desk: @unchecked Sendable {
    public let store: EventStore
    public let user: ActingUser
    /// The clock commands are decided at (tests pin it).
    public let clock: @Sendable () -> Date

    let frames: FrameReader
    private let lock = NSLock()
    private var table: IncidentTable           // guarded by lock
    private var tableSequence: UInt64          // guarded by lock
    private var directoryCache: (signature: [RecordID: UInt64], directory: Directory)?  // guarded by lock
    /// How the rows were loaded (for the bench and `store info`-like reports).
    public private(set) var rowsSource: RowsSource

    /// Where the queue rows came from at open.
    public enum RowsSource: Sendable, Hashable, CustomStringConvertible {
        case image(rows: Int, patched: Int)
        case rebuilt(rows: Int)
        public var description: String {
            switch self {
            case let .image(rows, patched): "mapped queue-rows image (\(rows) rows, \(patched) patched)"
            case let .rebuilt(rows): "rebuilt from the log (\(rows) rows)"
            }
        }
    }

    // MARK: Opening

    /// Opens the store at `path` as `user`.
    public static func open(at path: String, user: ActingUser, readOnly: Bool = false,
                            clock: @escaping @Sendable () -> Date = { Date() }) throws -> Desk {
        try Desk(store: EventStore.open(at: path, readOnly: readOnly), user: user, clock: clock)
    }

    /// Creates a new, empty store at `path` (optionally owned by the desk's Unix group).
    public static func create(at path: String, user: ActingUser, group: String? = nil,
                              clock: @escaping @Sendable () -> Date = { Date() }) throws -> Desk {
        try Desk(store: EventStore.create(at: path, group: group), user: user, clock: clock)
    }

    /// Wraps an open store.
    public init(store: EventStore, user: ActingUser, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.store = store
        self.user = user
        self.clock = clock
        self.frames = FrameReader(path: store.path)
        let view = store.view
        let salt = frames.logSalt()
        if let image = RowImage.map(path: store.path + "/" + RowImage.fileName),
           image.logSalt == salt, image.anchorSequence <= view.lastSequence {
            table = IncidentTable(image: image)
            tableSequence = image.anchorSequence
            rowsSource = .image(rows: image.count, patched: 0)
            let changed = Desk.changedIncidents(since: image.anchorSequence, in: view, table: table)
            let dir = try directoryState(in: view)
            table.warnings = Desk.warnings(dir.directory)
            try patch(changed, in: view, base: dir)
            tableSequence = view.lastSequence
            rowsSource = .image(rows: image.count, patched: changed.count)
            // Far behind (a snapshot was written without the rows): lay the rows out afresh so
            // the next console maps them instead of patching again.
            if !store.isReadOnly && changed.count >= Desk.imageThreshold {
                try? writeRowsImage()
            }
        } else {
            let (t, seq) = try Desk.rebuildTable(frames: frames, view: view, salt: salt)
            table = t
            tableSequence = seq
            rowsSource = .rebuilt(rows: t.count)
            if !store.isReadOnly && t.count >= Desk.imageThreshold {
                try? writeRowsImage()
            }
        }
    }

    /// From this many incidents on, a rebuilt table is written out as the `queue-rows` image.
    static let imageThreshold = 20_000

    // MARK: Reading

    /// The current desk for queues: rows of every incident, the directory, the sequence.
    /// Brings the rows up to what the store has seen (cheap when nothing changed).
    public var snapshot: DeskSnapshot {
        get throws {
            let view = store.view
            try sync(to: view)
            return lock.withLock {
                DeskSnapshot(incidents: table, directory: directoryCache?.directory ?? Directory(), lastSequence: tableSequence,
                             problemCount: view.counts[.problem] ?? 0, knownErrorCount: view.counts[.knownError] ?? 0)
            }
        }
    }

    /// Reads other processes' new transactions now (the follower does this on its own).
    @discardableResult
    public func refresh() throws -> DeskSnapshot {
        try store.catchUp()
        return try snapshot
    }

    /// Agents, groups, services, calendars, SLA definitions and settings.
    public var directory: Directory {
        get throws { try directoryState(in: store.view).directory }
    }

    /// The incident folded from its whole history; nil if it does not exist.
    public func incident(_ id: RecordID) throws -> Incident? {
        try state(with: [id], in: store.view).incidents[id]
    }

    /// The problem folded from its history.
    public func problem(_ id: RecordID) throws -> Problem? {
        try state(with: [id], in: store.view).problems[id]
    }

    /// The known error folded from its history.
    public func knownError(_ id: RecordID) throws -> KnownError? {
        try state(with: [id], in: store.view).knownErrors[id]
    }

    /// Every problem (a desk has hundreds, not millions).
    public func problems() throws -> [Problem] {
        let view = store.view
        return try state(with: Set(view.recordIDs(of: .problem)), in: view).problems.values.sorted { $0.id < $1.id }
    }

    /// Every known error.
    public func knownErrors() throws -> [KnownError] {
        let view = store.view
        return try state(with: Set(view.recordIDs(of: .knownError)), in: view).knownErrors.values.sorted { $0.id < $1.id }
    }

    /// A desk state holding the directory and exactly `ids` (folded from their histories):
    /// enough for the detail view of a record and its neighbours.
    public func state(of ids: Set<RecordID>) throws -> DeskState {
        try state(with: ids, in: store.view)
    }

    /// The record's events, oldest first.
    public func history(of id: RecordID) throws -> [Event] { try store.history(of: id) }

    /// The record's version (events applied), 0 if it does not exist.
    public func version(of id: RecordID) -> UInt64 { store.view.record(id)?.version ?? 0 }

    // MARK: Acting

    /// Decides `command` as `user` against the current state under the store's lock and
    /// commits its events; returns once they are durable. Throws the domain's `Refusal`, a
    /// `StaleEdit` (also when `expecting` names a version the record has moved on from), or a
    /// `StoreError`.
    @discardableResult
    public func perform(_ command: Command, expecting: [RecordID: UInt64] = [:]) throws -> CommitReceipt {
        try perform([command], expecting: expecting)
    }

    /// Several commands as one transaction, all or nothing (marked rows with one confirmation):
    /// each is decided against the state the earlier ones leave; the first refusal refuses all.
    /// Use `performEach` to apply what can be applied and report the rest.
    @discardableResult
    public func perform(_ commands: [Command], expecting: [RecordID: UInt64] = [:]) throws -> CommitReceipt {
        let now = clock()
        let actor = user
        let receipt = try store.commit { view in
            for (id, expected) in expecting.sorted(by: { $0.key < $1.key }) {
                let record = view.record(id)
                let current = record?.version ?? 0
                if current != expected {
                    throw StaleEdit(record: id, expectedVersion: expected, currentVersion: current, lastEvent: record?.lastEvent)
                }
            }
            try self.sync(to: view)
            var ids = Set<RecordID>()
            for c in commands { ids.formUnion(self.related(to: c, in: view)) }
            var state = try self.state(with: ids, in: view)
            var events: [Event] = []
            for c in commands {
                let made = try decide(c, by: actor.user, at: now, in: state)
                for e in made { state.apply(e) }
                events.append(contentsOf: made)
            }
            if let real = actor.realUser {
                for k in events.indices { events[k].realUser = real }
            }
            return events
        }
        try? sync(to: store.view)
        return receipt
    }

    /// Each command in its own transaction; one result per command, in order.
    public func performEach(_ commands: [Command]) -> [Result<CommitReceipt, any Error>] {
        commands.map { c in Result { try perform(c) } }
    }

    // MARK: Following

    /// Calls `onChange` (on the follower's thread) after transactions arrive from other
    /// processes or are committed here, once the rows include them; the subscription's
    /// `wakeFD` becomes readable at the same moment, for a `poll()` loop.
    public func subscribe(_ onChange: @escaping @Sendable (DeskChange) -> Void) -> DeskSubscription {
        let token = store.follow { [weak self] events in
            guard let self else { return }
            let view = self.store.view
            try? self.sync(to: view)
            onChange(DeskChange(records: Set(events.map(\.record)), lastSequence: view.lastSequence))
        }
        return DeskSubscription(token: token)
    }

    // MARK: Maintenance

    /// Writes a store snapshot and a fresh `queue-rows` image at the same sequence, so the
    /// next open maps both and replays nothing.
    @discardableResult
    public func compact() throws -> CompactReport {
        let report = try store.compact()
        try writeRowsImage()
        return report
    }

    /// Writes the rows as the `queue-rows` image (temp → fsync → rename → fsync dir).
    public func writeRowsImage() throws {
        let view = store.view
        try sync(to: view)
        let (rows, sequence) = lock.withLock { (table.allPacked(), tableSequence) }
        let (anchor, directory) = try RowImage.firstLookParts(view: view, sequence: sequence, frames: frames)
        let bytes = RowImage.build(rows, anchorSequence: sequence, logSalt: frames.logSalt(), anchorFrame: anchor, directory: directory)
        try RowImage.writeFile(bytes, store: store)
        let final = store.path + "/" + RowImage.fileName
        // Switch to the mapped copy: its pages are shared with every other process.
        if let image = RowImage.map(path: final), image.anchorSequence == sequence {
            lock.withLock {
                if tableSequence == sequence {
                    var t = IncidentTable(image: image)
                    t.warnings = table.warnings
                    table = t
                }
            }
        }
    }

    // MARK: Internals

    /// Directory kinds: folded into every decision.
    static let directoryKinds: [RecordKind] = [.settings, .calendar, .sla, .group, .service, .agent]

    private func directoryIDs(in view: StoreView) -> [RecordID] {
        Desk.directoryKinds.flatMap { view.recordIDs(of: $0) }
    }

    /// The directory folded from its records' histories, cached until one of them changes.
    private func directoryState(in view: StoreView) throws -> (directory: Directory, ids: [RecordID]) {
        let ids = directoryIDs(in: view)
        var signature: [RecordID: UInt64] = [:]
        for id in ids { signature[id] = view.record(id)?.version ?? 0 }
        if let cached = lock.withLock({ directoryCache }), cached.signature == signature { return (cached.directory, ids) }
        let state = DeskState(events: try frames.events(of: Set(ids), in: view))
        lock.withLock { directoryCache = (signature, state.directory) }
        return (state.directory, ids)
    }

    /// A state with the directory and `ids`, folded in log order.
    func state(with ids: Set<RecordID>, in view: StoreView) throws -> DeskState {
        let dir = try directoryState(in: view)
        return DeskState(events: try frames.events(of: ids.union(dir.ids), in: view))
    }

    /// The records a decision about `command` may look at: the ones it names, their parents,
    /// children, problems and linked incidents, and the highest-numbered record of each
    /// numbered kind (the next ID is allocated from it).
    func related(to command: Command, in view: StoreView) -> Set<RecordID> {
        var named = Set<RecordID>()
        Desk.collectIDs(Mirror(reflecting: command), into: &named)
        var ids = named
        let t = lock.withLock { table }
        func neighbours(of id: RecordID) {
            guard let record = view.record(id) else { return }
            switch id.kind {
            case .incident:
                for f in [IncidentField.parent, .problem] {
                    if let text = record[f.rawValue].textValue, let other = RecordID(parsing: text) { ids.insert(other) }
                }
                ids.formUnion(t.children(of: id))
            case .problem:
                for text in record[ProblemField.incidents.rawValue].listValue ?? [] {
                    if let other = RecordID(parsing: text) { ids.insert(other) }
                }
                if let text = record[ProblemField.knownError.rawValue].textValue, let ke = RecordID(parsing: text) { ids.insert(ke) }
            case .knownError:
                if let text = record[KnownErrorField.problem.rawValue].textValue, let p = RecordID(parsing: text) { ids.insert(p) }
            default: break
            }
        }
        for id in named { neighbours(of: id) }
        // Parents' parents and children's children, one more step (parent rules look there).
        for id in ids.subtracting(named) where id.kind == .incident { neighbours(of: id) }
        if t.maxNumber > 0 { ids.insert(RecordID(.incident, t.maxNumber)) }
        for kind in [RecordKind.problem, .knownError] { if let last = view.recordIDs(of: kind).last { ids.insert(last) } }
        if case .autoCloseResolved = command {
            let resolved = t.rows(in: .resolvedSince(Date(timeIntervalSinceReferenceDate: 1)), now: Date())
            for i in resolved where t.packed(Int(i)).state == Code.state(.resolved) { ids.insert(RecordID(.incident, Int(t.packed(Int(i)).number))) }
        }
        return ids
    }

    /// Every `RecordID` inside a command's associated values.
    static func collectIDs(_ mirror: Mirror, into ids: inout Set<RecordID>) {
        for child in mirror.children {
            if let id = child.value as? RecordID { ids.insert(id); continue }
            if let id = child.value as? RecordID?, let id { ids.insert(id); continue }
            collectIDs(Mirror(reflecting: child.value), into: &ids)
        }
    }

    /// Brings the rows up to `view`: refolds the incidents changed since the rows' sequence.
    func sync(to view: StoreView) throws {
        let (since, t) = lock.withLock { (tableSequence, table) }
        guard view.lastSequence > since else { return }
        let changed = Desk.changedIncidents(since: since, in: view, table: t)
        let dir = try directoryState(in: view)
        lock.withLock { table.warnings = Desk.warnings(dir.directory) }
        try patch(changed, in: view, base: dir)
        lock.withLock { if view.lastSequence > tableSequence { tableSequence = view.lastSequence } }
    }

    /// Refolds `ids` and puts their rows in the table; fixes their parents' child counts.
    private func patch(_ ids: [RecordID], in view: StoreView, base dir: (directory: Directory, ids: [RecordID])) throws {
        guard !ids.isEmpty else { return }
        var rows: [PackedRow] = []
        var parents = Set<RecordID>()
        let before = lock.withLock { table }
        // Fold in chunks: one pass over the frames of many incidents at once.
        let chunk = 512
        var k = 0
        while k < ids.count {
            let part = Set(ids[k..<min(k + chunk, ids.count)])
            k += chunk
            let state = DeskState(events: try frames.events(of: part.union(dir.ids), in: view))
            for id in part {
                guard let inc = state.incidents[id], let record = view.record(id) else { continue }
                if let old = before.row(id)?.parent { parents.insert(old) }
                if let p = inc.parent { parents.insert(p) }
                let kids = before.row(id)?.childCount ?? 0
                rows.append(PackedRow(IncidentRow(inc, version: record.version, updatedAt: record.lastEvent.at, childCount: kids)))
            }
        }
        lock.withLock {
            // Two threads may patch at once (the follower and a reader) from views of different
            // ages: a row never goes back to an older version.
            table.upsert(rows.filter { r in
                guard let i = table.index(of: RecordID(.incident, Int(r.number))) else { return true }
                return table.packed(i).version <= r.version
            })
            var fixes: [PackedRow] = []
            for p in parents {
                guard let i = table.index(of: p) else { continue }
                var r = table.packed(i)
                let n = UInt32(table.children(of: p).count)
                if r.children != n { r.children = n; fixes.append(r) }
            }
            table.upsert(fixes)
        }
    }

    /// Incidents whose version in `view` differs from the table's, changed after `sequence`.
    static func changedIncidents(since sequence: UInt64, in view: StoreView, table: IncidentTable) -> [RecordID] {
        if let snap = view.snapshot, snap.lastSequence > sequence {
            // The store's snapshot is newer than the rows: compare every version.
            var out: [RecordID] = []
            for id in view.recordIDs(of: .incident) {
                let v = view.record(id)?.version ?? 0
                if table.row(id)?.version != v { out.append(id) }
            }
            return out
        }
        return view.overlay.compactMap { id, entry in
            id.kind == .incident && entry.lastSequence > sequence ? id : nil
        }.sorted()
    }

    static func warnings(_ directory: Directory) -> [String: [Int]] {
        directory.slaDefinitions.mapValues(\.warningPercents)
    }

    /// Folds the whole log once and lays out every incident's row.
    static func rebuildTable(frames: FrameReader, view: StoreView, salt: UInt64) throws -> (IncidentTable, UInt64) {
        var state = DeskState()
        try frames.forEachTransaction(upTo: view.lastSequence) { events in
            for e in events { state.apply(e) }
        }
        var rows: [PackedRow] = []
        rows.reserveCapacity(state.incidents.count)
        for (id, inc) in state.incidents {
            let record = view.record(id)
            rows.append(PackedRow(IncidentRow(inc, version: record?.version ?? state.version(of: id),
                                              updatedAt: record?.lastEvent.at ?? inc.openedAt,
                                              childCount: state.children(of: id).count)))
        }
        rows.sort { $0.number < $1.number }
        let image = try RowImage(bytes: RowImage.build(rows, anchorSequence: view.lastSequence, logSalt: salt))
        var table = IncidentTable(image: image)
        table.warnings = warnings(state.directory)
        return (table, view.lastSequence)
    }
}

/// What the queue reads: an immutable snapshot, safe to hand to the UI thread.
public struct DeskSnapshot: Sendable {
    public let incidents: IncidentTable
    public let directory: Directory
    /// The last transaction the rows include.
    public let lastSequence: UInt64
    public let problemCount: Int
    public let knownErrorCount: Int
}

/// What arrived: the records touched and the sequence the desk is now at.
public struct DeskChange: Sendable, Hashable {
    public let records: Set<RecordID>
    public let lastSequence: UInt64
}

/// A running subscription: poll `wakeFD` beside stdin, then `drainWake()` and read
/// `desk.snapshot`. `cancel()` (or dropping it) stops it.
public final class DeskSubscription: @unchecked Sendable {
    let token: FollowToken
    init(token: FollowToken) { self.token = token }
    public var wakeFD: Int32 { token.wakeFD }
    public func drainWake() { token.drainWake() }
    public func cancel() { token.cancel() }
}
