import Foundation
import ITSM
import DeskStore
import Terminal
@testable import Console

/// A clock tests can move.
final class MovableClock: @unchecked Sendable {
    private let lock = NSLock()
    private var time: Date
    init(_ start: Date) { time = start }
    var now: Date { lock.withLock { time } }
    func set(_ date: Date) { lock.withLock { time = date } }
    func advance(_ seconds: TimeInterval) { lock.withLock { time = time.addingTimeInterval(seconds) } }
}

/// A temporary folder, removed when the value goes away.
final class TempFolder {
    let path: String
    init() {
        let template = NSTemporaryDirectory() + "opsdesk-pane-XXXXXX"
        var bytes = Array(template.utf8CString)
        path = bytes.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A small desk in a temporary store, filled through the Desk at fixed times: alice and bob
/// in Service Desk, dan in Network; a 24×7 calendar with SLAs per priority; a dozen
/// incidents in every state.
struct IncidentFixture {
    /// Thursday 26 November 2026, 09:00 UTC: the fixed "now" of every screen.
    static let now = Date(timeIntervalSince1970: 1_795_683_600)

    let folder = TempFolder()
    let clock = MovableClock(IncidentFixture.now.addingTimeInterval(-6 * 3600))
    let desk: Desk

    init(incidents: Bool = true) throws {
        let clock = self.clock
        desk = try Desk.create(at: folder.path + "/store", user: ActingUser(user: "alice"), clock: { clock.now })
        try desk.perform([
            .createAgent(user: "alice", displayName: "Alice Moreau", roles: [.admin, .agent, .manager], groups: []),
            .defineGroup(name: "Service Desk", manager: "alice"),
            .defineGroup(name: "Network", manager: nil),
            .updateAgent(user: "alice", displayName: nil, roles: nil, groups: ["Service Desk"]),
            .createAgent(user: "bob", displayName: "Bob Okafor", roles: [.agent], groups: ["Service Desk"]),
            .createAgent(user: "dan", displayName: "Dan Weber", roles: [.agent], groups: ["Network"]),
            .defineService(Service(name: "Email", owner: "alice")),
            .defineService(Service(name: "Payroll", owner: "alice")),
            .defineCalendar(.twentyFourSeven()),
        ] + Priority.allCases.map { p in
            .defineSLA(SLADefinition(name: "\(p)", priorities: [p], responseTarget: Double(p.rawValue) * 1800,
                                     resolutionTarget: Double([4, 8, 24, 72, 120][p.rawValue - 1]) * 3600, calendar: "24x7"))
        })
        if incidents { try fill() }
    }

    /// As another agent, on the same store.
    func desk(as user: String) throws -> Desk {
        let clock = self.clock
        return try Desk(store: desk.store, user: ActingUser(user: user), clock: { clock.now })
    }

    @discardableResult
    func open(_ title: String, _ impact: Impact, _ urgency: Urgency, service: String? = "Email", ci: String? = nil,
              group: String? = "Service Desk", description: String = "") throws -> RecordID {
        let receipt = try desk.perform(.openIncident(NewIncident(title: title, caller: "Zoe Martin", impact: impact, urgency: urgency,
                                                                 description: description, service: service, ci: ci, group: group)))
        return receipt.events[0].record
    }

    private func fill() throws {
        let bob = try desk(as: "bob"), dan = try desk(as: "dan")
        let mail = try open("Outlook cannot connect to the mail server", .department, .high, ci: "mx-01",
                            description: "Since 08:10 every user on floor 3 gets 'cannot connect'.\nWebmail works.")
        clock.advance(1800)
        let vpn = try open("VPN drops every few minutes", .department, .medium, service: nil, ci: "vpn-gw-2", group: "Network")
        clock.advance(600)
        let printer = try open("Printer on floor 2 jams", .individual, .low, service: nil, ci: "prn-f2")
        clock.advance(900)
        let payroll = try open("Payroll export fails with error 500", .enterprise, .high, service: "Payroll", ci: "pay-app-01")
        clock.advance(1200)
        let pw = try open("Password reset for new starter", .individual, .medium)
        clock.advance(300)
        let laptop = try open("Laptop fan loud", .individual, .low, service: nil)
        clock.advance(1500)
        let share = try open("Shared drive S: very slow", .department, .low, service: nil, ci: "fs-02")
        clock.advance(700)
        _ = try open("Teams calls drop audio", .individual, .high, service: nil, group: nil)
        clock.advance(900)
        let old = try open("Monitor flickers", .individual, .low, service: nil)
        try desk.perform(.takeIncident(mail))
        try desk.perform(.addWorkNote(mail, "Checked mx-01: queue is growing, restarting transport service."))
        try desk.perform(.addCustomerReply(mail, "We are on it; webmail works meanwhile."))
        try dan.perform(.takeIncident(vpn))
        try desk.perform(.takeIncident(payroll))
        try desk.perform(.proposeMajorIncident(payroll, reason: "All payroll exports blocked"))
        try bob.perform(.takeIncident(pw))
        try bob.perform(.moveIncident(pw, to: .onHold, holdReason: .awaitingCaller))
        try desk.perform(.takeIncident(share))
        try desk.perform(.moveIncident(share, to: .inProgress))
        try desk.perform(.takeIncident(old))
        try desk.perform(.moveIncident(old, to: .resolved, resolution: .solvedPermanently, notes: "Cable replaced"))
        try desk.perform(.setParent(laptop, parent: printer))
        clock.set(IncidentFixture.now)
    }

    func snapshot() throws -> QueueSnapshot {
        try DeskClient(desk: desk).snapshot()
    }

    /// The pane as alice sees it at the fixed now, without a link (commands go to its outbox).
    func pane(user: String = "alice") throws -> IncidentQueuePane {
        IncidentQueuePane(user: user, link: nil, snapshot: try snapshot(), clock: { IncidentFixture.now })
    }

    /// A console showing `pane` (the start view) at `width`×`height`.
    static func state(_ pane: IncidentQueuePane, width: Int = 80, height: Int = 24) -> AppState {
        AppState(size: Size(width: width, height: height), info: Fixtures.info(storeExists: true), theme: Fixtures.theme,
                 keyMap: KeyMap(), clock: "09:00", themeNames: ["default"],
                 panes: [pane, AboutPane(), KeysPane(), MessagesPane()])
    }
}

extension AppState {
    var incidentPane: IncidentQueuePane { panes.first { $0 is IncidentQueuePane } as! IncidentQueuePane }
}
