import Testing
import Foundation
import ITSM
@testable import DeskStore
#if canImport(Glibc)
import Glibc
#endif

/// A clock tests can move.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var time: Date
    init(_ start: Date) { time = start }
    var now: Date { lock.withLock { time } }
    func advance(_ seconds: TimeInterval) { lock.withLock { time = time.addingTimeInterval(seconds) } }
}

/// A small desk: alice (admin, agent) and bob (agent) in Service Desk, carol (manager).
func smallDesk(_ dir: TempDir, clock: TestClock) throws -> Desk {
    let desk = try Desk.create(at: dir.sub("store"), user: ActingUser(user: "alice"), clock: { clock.now })
    try desk.perform([
        .createAgent(user: "alice", displayName: "Alice", roles: [.admin, .agent], groups: []),
        .defineGroup(name: "Service Desk", manager: "alice"),
        .updateAgent(user: "alice", displayName: nil, roles: nil, groups: ["Service Desk"]),
        .createAgent(user: "bob", displayName: "Bob", roles: [.agent], groups: ["Service Desk"]),
        .createAgent(user: "carol", displayName: "Carol", roles: [.manager], groups: ["Service Desk"]),
        .defineService(Service(name: "Email", owner: "alice")),
        .defineCalendar(.twentyFourSeven()),
        .defineSLA(SLADefinition(name: "all", priorities: Set(Priority.allCases), responseTarget: 3600,
                                 resolutionTarget: 8 * 3600, calendar: "24x7")),
    ])
    return desk
}

func open(_ desk: Desk, _ title: String, group: String? = "Service Desk") throws -> RecordID {
    let receipt = try desk.perform(.openIncident(NewIncident(title: title, caller: "Zoe", service: "Email", group: group)))
    return receipt.events[0].record
}

@Suite struct DeskTests {
    @Test func performOpensAnIncidentAndTheQueueShowsIt() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        let id = try open(desk, "Outlook keeps asking for password")
        #expect(id == RecordID(.incident, 1))
        let snap = try desk.snapshot
        #expect(snap.incidents.count == 1)
        let row = try #require(snap.incidents.row(id))
        #expect(row.title == "Outlook keeps asking for password")
        #expect(row.state == .new)
        #expect(row.group == "Service Desk")
        #expect(row.resolution?.due == t0.addingTimeInterval(8 * 3600))
        #expect(try desk.incident(id)?.caller == "Zoe")
        #expect(snap.directory.agents.keys.sorted() == ["alice", "bob", "carol"])
    }

    @Test func takeNoteHoldResolveUpdateTheRow() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        let id = try open(desk, "VPN drops")
        clock.advance(60)
        try desk.perform(.takeIncident(id))
        try desk.perform(.moveIncident(id, to: .inProgress))
        try desk.perform(.addWorkNote(id, "checked the gateway"))
        try desk.perform(.moveIncident(id, to: .onHold, holdReason: .awaitingCaller))
        var row = try #require(try desk.snapshot.incidents.row(id))
        #expect(row.state == .onHold && row.holdReason == .awaitingCaller && row.assignee == "alice")
        #expect(row.resolution?.stage(at: clock.now) == .paused)
        clock.advance(600)
        try desk.perform(.moveIncident(id, to: .inProgress))
        try desk.perform(.moveIncident(id, to: .resolved, resolution: .solvedPermanently, notes: "fixed"))
        row = try #require(try desk.snapshot.incidents.row(id))
        #expect(row.state == .resolved && row.version == 7)
        #expect(try desk.incident(id)?.workNotes.map(\.text) == ["checked the gateway"])
        #expect(try desk.history(of: id).count == 7)
    }

    @Test func refusalPropagatesWithItsText() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        _ = try smallDesk(dir, clock: clock)
        let stranger = try Desk.open(at: dir.sub("store"), user: ActingUser(user: "mallory"), clock: { clock.now })
        #expect {
            try stranger.perform(.openIncident(NewIncident(title: "x", caller: "y")))
        } throws: { error in
            (error as? Refusal) == .needsRole(.agent, toDo: "opening incidents")
        }
        #expect(try stranger.snapshot.incidents.count == 0)
    }

    @Test func staleEditAcrossTwoDesksNamesWhoChangedWhat() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let alice = try smallDesk(dir, clock: clock)
        let id = try open(alice, "Printer jams")
        let bob = try Desk.open(at: dir.sub("store"), user: ActingUser(user: "bob"), clock: { clock.now })
        let seen = try #require(try bob.snapshot.incidents.row(id)).version
        try alice.perform(.takeIncident(id), expecting: [id: seen])
        var refusal: StaleEdit?
        do {
            try bob.perform(.takeIncident(id), expecting: [id: seen])
        } catch let e as StaleEdit {
            refusal = e
        }
        let stale = try #require(refusal)
        let text = stale.describe(timeZone: TimeZone(identifier: "UTC")!, now: clock.now)
        #expect(text.hasPrefix("INC-1 was changed by alice at"))
        #expect(text.contains("assignee → alice"))
        // Without an expectation the command is re-decided on fresh state: the domain refuses
        // bob taking an incident alice holds? No: taking reassigns; it succeeds and is recorded.
        try bob.perform(.takeIncident(id))
        #expect(try bob.snapshot.incidents.row(id)?.assignee == "bob")
        #expect(try alice.refresh().incidents.row(id)?.assignee == "bob")
    }

    @Test func markedRowsAreAllOrNothing() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        let a = try open(desk, "one"), b = try open(desk, "two")
        let before = desk.store.view.lastSequence
        #expect(throws: Refusal.self) {
            try desk.perform([.takeIncident(a), .takeIncident(b), .takeIncident(RecordID(.incident, 99))])
        }
        #expect(desk.store.view.lastSequence == before)
        let receipt = try desk.perform([.takeIncident(a), .takeIncident(b)])
        #expect(receipt.events.map(\.record) == [a, b])
        let results = desk.performEach([.moveIncident(a, to: .inProgress), .moveIncident(RecordID(.incident, 99), to: .inProgress)])
        #expect((try? results[0].get()) != nil)
        #expect((try? results[1].get()) == nil)
    }

    @Test func actingAsStampsTheRealUser() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        _ = try smallDesk(dir, clock: clock)
        let asBob = try Desk.open(at: dir.sub("store"), user: ActingUser(user: "bob", realUser: "alice"), clock: { clock.now })
        let receipt = try asBob.perform(.openIncident(NewIncident(title: "on behalf", caller: "Zoe")))
        #expect(receipt.events.allSatisfy { $0.actor == "bob" && $0.realUser == "alice" })
    }

    @Test func parentChildAndMajorAcrossDecisions() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        let parent = try open(desk, "Web shop down")
        let child = try open(desk, "Cannot pay")
        try desk.perform(.setParent(child, parent: parent))
        // A fresh process: decisions must see the child through the rows, not a full fold.
        let other = try Desk.open(at: dir.sub("store"), user: ActingUser(user: "bob"), clock: { clock.now })
        #expect {
            try other.perform(.setParent(parent, parent: child))
        } throws: { error in "\(error)".contains("child") }
        try other.perform(.updateParentAndChildren(parent, .workNote("bridge open")))
        #expect(try other.incident(child)?.workNotes.map(\.text) == ["bridge open"])
        #expect(try other.snapshot.incidents.row(parent)?.childCount == 1)
        #expect(try other.snapshot.incidents.children(of: parent) == [child])
    }

    @Test func subscribeWakesOnAnotherDesksCommit() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let alice = try smallDesk(dir, clock: clock)
        let bob = try Desk.open(at: dir.sub("store"), user: ActingUser(user: "bob"), clock: { clock.now })
        let seen = Mailbox()
        let subscription = bob.subscribe { change in seen.add(change) }
        defer { subscription.cancel() }
        let id = try open(alice, "Wi-Fi down on floor 3")
        var p = pollfd(fd: subscription.wakeFD, events: Int16(POLLIN), revents: 0)
        #expect(poll(&p, 1, 2000) == 1)
        subscription.drainWake()
        #expect(seen.all.contains { $0.records.contains(id) })
        #expect(try bob.snapshot.incidents.row(id)?.title == "Wi-Fi down on floor 3")
    }

    @Test func queueScopesFilterAndSort() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        var ids: [RecordID] = []
        for k in 1...30 {
            clock.advance(60)
            ids.append(try open(desk, k % 3 == 0 ? "Printer \(k) jams" : "Mailbox \(k) full"))
        }
        try desk.perform(.takeIncident(ids[4]))
        let snap = try desk.snapshot
        let t = snap.incidents
        #expect(t.rows(in: .all, now: clock.now).count == 30)
        #expect(t.rows(in: .assignedTo("alice"), now: clock.now) == [Int32(t.index(of: ids[4])!)])
        #expect(t.rows(in: .unassigned(inGroups: ["Service Desk"]), now: clock.now).count == 29)
        let printers = t.select(.open, text: "PRINTER", sort: IncidentSort(.id, ascending: false), now: clock.now)
        #expect(printers.map { t[Int($0)].number } == [30, 27, 24, 21, 18, 15, 12, 9, 6, 3])
        #expect(t.select(.open, text: "inc-2", sort: IncidentSort(.id), now: clock.now).map { t[Int($0)].number } == [2] + Array(20...29))
        #expect(t.select(.open, text: "alice", now: clock.now).count == 1)
        // Default sort: SLA due (earliest first).
        let bySLA = t.select(.open, now: clock.now).map { t[Int($0)].number }
        #expect(bySLA.first == 1 && bySLA.last == 30)
        #expect(t.rows(in: .breachingWithin(8 * 3600), now: clock.now).count == 30)
        #expect(t.rows(in: .breachingWithin(60), now: clock.now).isEmpty)
    }

    @Test func rowsImageAfterCompactMatchesTheFold() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        var ids: [RecordID] = []
        for k in 1...12 { ids.append(try open(desk, "Incident \(k) — ünïcode 東京")) }
        try desk.perform(.takeIncident(ids[0]))
        try desk.compact()
        try desk.perform(.moveIncident(ids[0], to: .inProgress))
        try desk.perform(.setParent(ids[2], parent: ids[1]))
        let reopened = try Desk.open(at: dir.sub("store"), user: ActingUser(user: "bob"), clock: { clock.now })
        #expect(reopened.rowsSource == .image(rows: 12, patched: 2))
        let (rebuilt, _) = try Desk.rebuildTable(frames: reopened.frames, view: reopened.store.view, salt: reopened.frames.logSalt())
        let mapped = try reopened.snapshot.incidents
        #expect(mapped.count == rebuilt.count)
        for i in 0..<rebuilt.count { #expect(mapped[i] == rebuilt[i]) }
        #expect(mapped.select(.all, text: "東京", now: clock.now).count == 12)
    }
}

/// Collects values from another thread.
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [DeskChange] = []
    func add(_ c: DeskChange) { lock.withLock { items.append(c) } }
    var all: [DeskChange] { lock.withLock { items } }
}

@Suite struct IncidentTableSortTests {
    @Test func radixSortAndTopKAgreeWithTheStandardSort() {
        var x: UInt64 = 0x1234_5678_9ABC_DEF0
        var keys: [UInt64] = []
        for _ in 0..<5000 {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            keys.append(x % 1000 << 32 | (x & 0xFFFF))
        }
        var radix = keys
        RadixSort.sort(&radix)
        #expect(radix == keys.sorted())
        #expect(RadixSort.smallest(count: keys.count, limit: 50, parts: 1) { keys[$0] } == Array(keys.sorted().prefix(50)))
        #expect(RadixSort.smallest(count: keys.count, limit: 0, parts: 1) { keys[$0] }.isEmpty)
        // The same found on several cores, keys made distinct by their position as the queue's are.
        let distinct = keys.enumerated().map { $0.element << 24 | UInt64($0.offset) }
        for parts in [1, 2, 3, 7] {
            for limit in [0, 1, 37, 256] {
                #expect(RadixSort.smallest(count: distinct.count, limit: limit, parts: parts) { distinct[$0] }
                        == Array(distinct.sorted().prefix(limit)), "parts \(parts) limit \(limit)")
            }
        }
    }

    @Test func pageIsThePrefixOfTheFullOrder() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        for k in 1...40 {
            clock.advance(Double((k * 7919) % 600))
            _ = try open(desk, "Item \(k)")
        }
        let t = try desk.snapshot.incidents
        for column in IncidentColumn.allCases {
            for ascending in [true, false] {
                let sort = IncidentSort(column, ascending: ascending)
                let full = t.select(.open, sort: sort, now: clock.now)
                let page = t.page(.open, sort: sort, limit: 3, now: clock.now)
                #expect(page.count == 40)
                #expect(page.rows == Array(full.prefix(3)), "\(column) \(ascending)")
            }
        }
    }

    /// The queue pane's lazily sorted order: for every column and direction, with heads small
    /// enough that the rest is sorted on first read, it is `select`'s order element for
    /// element — read from the head, past it, whole, and searched.
    @Test func queueOrderIsTheFullOrderWhateverIsReadFirst() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        for k in 1...60 {
            clock.advance(Double((k * 7919) % 600))
            _ = try open(desk, "Item \(k % 7)", group: k % 3 == 0 ? nil : "Service Desk")
        }
        let t = try desk.snapshot.incidents
        for column in IncidentColumn.allCases {
            for ascending in [true, false] {
                let sort = IncidentSort(column, ascending: ascending)
                let full = t.select(.open, sort: sort, now: clock.now)
                for head in [0, 1, 3, 7, 100] {
                    let order = t.order(.open, sort: sort, now: clock.now, head: head)
                    #expect(order.count == full.count)
                    // Past the head first, then the head, then all, then a search.
                    #expect(order[full.count - 1] == full[full.count - 1])
                    #expect(Array(order.prefix(3)) == Array(full.prefix(3)), "\(column) \(ascending) head \(head)")
                    #expect(order.all == full)
                    #expect(Array(order) == full)
                    #expect(order.firstIndex(of: full[full.count / 2]) == full.count / 2)
                    let searchedFirst = t.order(.open, sort: sort, now: clock.now, head: head)
                    #expect(searchedFirst.firstIndex(of: full[full.count - 2]) == full.count - 2)
                    #expect(searchedFirst == order)
                }
            }
        }
        #expect(t.order(.assignedTo("nobody"), now: clock.now).isEmpty)
    }
}

@Suite struct TitleScanTests {
    @Test func parallelScanOverManyRowsFindsExactlyTheMatches() throws {
        let blank = IncidentRow(number: 0, version: 1, title: "", priority: .p4, impact: .individual, urgency: .low,
                                state: .new, holdReason: nil, assignee: nil, group: nil, service: nil, ci: nil,
                                openedAt: t0, updatedAt: t0, resolvedAt: nil, majorIncident: .none, parent: nil,
                                childCount: 0, problem: nil, resolution: nil, response: nil)
        var rows: [PackedRow] = []
        for n in 1...70_000 {
            var r = blank
            r.number = n
            r.title = n % 7 == 0 ? "Printer \(n) jams" : (n % 1000 == 0 ? "PRINTER" : "Mailbox \(n) full")
            rows.append(PackedRow(r))
        }
        let table = IncidentTable(image: try RowImage(bytes: RowImage.build(rows, anchorSequence: 1, logSalt: 1)))
        let all = table.rows(in: .all, now: t0)
        let found = table.filter(all, text: "printer").map { table[Int($0)].number }
        let expected = (1...70_000).filter { $0 % 7 == 0 || $0 % 1000 == 0 }
        #expect(found == expected)
        #expect(table.filter(all, text: "inc-69999 ").map { table[Int($0)].number } == [69_999])
        #expect(table.filter(all, text: "nothing like it").isEmpty)
    }
}
