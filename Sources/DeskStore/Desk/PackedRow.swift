import Foundation
import ITSM

/// Seconds since 2001-01-01 in 32 bits (to 2137); 0 means "not set".
enum PackedTime {
    static func pack(_ date: Date?) -> UInt32 {
        guard let date else { return 0 }
        let s = date.timeIntervalSinceReferenceDate.rounded(.down)
        if s < 1 { return 1 }
        if s >= Double(UInt32.max) { return UInt32.max - 1 }
        return UInt32(s)
    }
    static func unpack(_ v: UInt32) -> Date? { v == 0 ? nil : Date(timeIntervalSinceReferenceDate: Double(v)) }
}

/// Small integer codes for the enums a row keeps, 0 meaning "not set" where optional.
enum Code {
    static func state(_ s: IncidentState) -> UInt8 { UInt8(IncidentState.allCases.firstIndex(of: s)! + 1) }
    static func state(_ c: UInt8) -> IncidentState {
        let i = Int(c) - 1
        return IncidentState.allCases.indices.contains(i) ? IncidentState.allCases[i] : .new
    }
    static func hold(_ h: HoldReason?) -> UInt8 { h.map { UInt8(HoldReason.allCases.firstIndex(of: $0)! + 1) } ?? 0 }
    static func hold(_ c: UInt8) -> HoldReason? {
        let i = Int(c) - 1
        return HoldReason.allCases.indices.contains(i) ? HoldReason.allCases[i] : nil
    }
    static func major(_ m: MajorIncidentState) -> UInt8 { UInt8(MajorIncidentState.allCases.firstIndex(of: m)!) }
    static func major(_ c: UInt8) -> MajorIncidentState {
        MajorIncidentState.allCases.indices.contains(Int(c)) ? MajorIncidentState.allCases[Int(c)] : .none
    }
    static func stage(_ s: SLAStage?) -> UInt8 { s.map { UInt8(SLAStage.allCases.firstIndex(of: $0)! + 1) } ?? 0 }
    static func stage(_ c: UInt8) -> SLAStage? {
        let i = Int(c) - 1
        return SLAStage.allCases.indices.contains(i) ? SLAStage.allCases[i] : nil
    }
}

/// One clock in the row's flat form.
struct PackedClock: Sendable, Hashable {
    var stage: UInt8 = 0          // 0: no clock
    var due: UInt32 = 0
    var breachedAt: UInt32 = 0
    var markAt: UInt32 = 0
    var startedAt: UInt32 = 0
    var elapsed: Int32 = 0        // business seconds at markAt
    var target: Int32 = 0
    var definition: String = ""
    var calendar: String = ""

    init() {}

    init(_ clock: SLAClock?) {
        guard let c = clock else { return }
        stage = Code.stage(c.stageAtMark)
        due = PackedTime.pack(c.due)
        breachedAt = PackedTime.pack(c.breachedAt)
        markAt = PackedTime.pack(c.markAt)
        startedAt = PackedTime.pack(c.startedAt)
        elapsed = Int32(clamping: Int(c.elapsedAtMark.rounded()))
        target = Int32(clamping: Int(c.targetSeconds.rounded()))
        definition = c.definition
        calendar = c.calendar
    }

    func clock(target kind: SLATarget, warnings: [Int]) -> SLAClock? {
        guard let st = Code.stage(stage) else { return nil }
        let mark = PackedTime.unpack(markAt) ?? Date(timeIntervalSinceReferenceDate: 0)
        return SLAClock(definition: definition, target: kind, targetSeconds: TimeInterval(target), calendar: calendar,
                        startedAt: PackedTime.unpack(startedAt) ?? mark, pausedSince: st == .paused ? mark : nil,
                        stoppedAt: (st == .achieved || st == .cancelled || (st == .breached && due == 0)) ? mark : nil,
                        elapsedAtMark: TimeInterval(elapsed), markAt: mark, stageAtMark: st,
                        due: PackedTime.unpack(due), breachedAt: PackedTime.unpack(breachedAt), warningPercents: warnings)
    }

    /// Sort key for "SLA due": running clocks by due time, then paused, then the rest.
    var sortKey: UInt32 {
        switch Code.stage(stage) {
        case .inProgress?: return due == 0 ? UInt32.max - 2 : min(due, UInt32.max - 3)
        case .paused?: return UInt32.max - 2
        case .breached?: return UInt32.max - 1
        default: return UInt32.max
        }
    }
}

/// A row in the flat form both the mapped image and the in-memory overlay use.
struct PackedRow: Sendable, Hashable {
    var number: UInt32
    var version: UInt32
    var openedAt: UInt32
    var updatedAt: UInt32
    var resolvedAt: UInt32
    var priority: UInt8
    var impact: UInt8
    var urgency: UInt8
    var state: UInt8
    var hold: UInt8
    var major: UInt8
    var assignee: String?
    var group: String?
    var service: String?
    var ci: String?
    var parent: UInt32
    var problem: UInt32
    var children: UInt32
    var resolution: PackedClock
    var response: PackedClock
    var title: String

    init(_ r: IncidentRow) {
        number = UInt32(clamping: r.number)
        version = UInt32(clamping: r.version)
        openedAt = PackedTime.pack(r.openedAt)
        updatedAt = PackedTime.pack(r.updatedAt)
        resolvedAt = PackedTime.pack(r.resolvedAt)
        priority = UInt8(r.priority.rawValue)
        impact = UInt8(r.impact.rawValue)
        urgency = UInt8(r.urgency.rawValue)
        state = Code.state(r.state)
        hold = Code.hold(r.holdReason)
        major = Code.major(r.majorIncident)
        assignee = r.assignee
        group = r.group
        service = r.service
        ci = r.ci
        parent = UInt32(clamping: r.parent?.number ?? 0)
        problem = UInt32(clamping: r.problem?.number ?? 0)
        children = UInt32(clamping: r.childCount)
        resolution = PackedClock(r.resolution)
        response = PackedClock(r.response)
        title = r.title
    }

    func row(warnings: (String) -> [Int]) -> IncidentRow {
        IncidentRow(number: Int(number), version: UInt64(version), title: title,
                    priority: Priority(rawValue: Int(priority)) ?? .p5, impact: Impact(rawValue: Int(impact)) ?? .individual,
                    urgency: Urgency(rawValue: Int(urgency)) ?? .low, state: Code.state(state), holdReason: Code.hold(hold),
                    assignee: assignee, group: group, service: service, ci: ci,
                    openedAt: PackedTime.unpack(openedAt) ?? Date(timeIntervalSinceReferenceDate: 0),
                    updatedAt: PackedTime.unpack(updatedAt) ?? Date(timeIntervalSinceReferenceDate: 0),
                    resolvedAt: PackedTime.unpack(resolvedAt), majorIncident: Code.major(major),
                    parent: parent == 0 ? nil : RecordID(.incident, Int(parent)), childCount: Int(children),
                    problem: problem == 0 ? nil : RecordID(.problem, Int(problem)),
                    resolution: resolution.clock(target: .resolution, warnings: warnings(resolution.definition)),
                    response: response.clock(target: .response, warnings: warnings(response.definition)))
    }

    /// What `/` searches in the title part: "inc-<n> <lowercased title>".
    var searchText: String { "inc-\(number) " + title.lowercased().replacingOccurrences(of: "\n", with: " ") }
}
