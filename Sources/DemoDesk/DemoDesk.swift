import Foundation
import ITSM
import DeskStore

/// How big, from which seed, as of when.
public struct DemoOptions: Sendable {
    public var incidents: Int
    public var seed: UInt64
    /// The demo's "now": incidents span the 90 days before it.
    public var now: Date
    /// The Unix user who will use the desk: made an agent, manager and admin in every group.
    public var operatorUser: String?
    /// Incidents per transaction (the import path).
    public var batchIncidents: Int
    /// Write a store snapshot every this many incidents, so the importing process's view stays small.
    public var compactEvery: Int
    /// Tests: decide every incident in one shared state (the reference the fast path must match).
    var decideInOneState = false

    public init(incidents: Int = 3_000, seed: UInt64 = 2026, now: Date = Date(), operatorUser: String? = nil,
                batchIncidents: Int = 1_000, compactEvery: Int = 200_000) {
        self.incidents = incidents
        self.seed = seed
        self.now = now
        self.operatorUser = operatorUser
        self.batchIncidents = batchIncidents
        self.compactEvery = compactEvery
    }
}

/// How far the generator is.
public struct DemoProgress: Sendable, Hashable {
    public let done: Int
    public let total: Int
    public let phase: String
}

/// What was generated.
public struct DemoSummary: Sendable, Hashable, CustomStringConvertible {
    public var incidents = 0
    public var problems = 0
    public var knownErrors = 0
    public var transactions = 0
    public var events = 0
    public var seconds = 0.0

    public var description: String {
        "Demo desk: \(incidents) incidents, \(problems) problems, \(knownErrors) known errors; \(events) events in \(transactions) transactions, \(String(format: "%.1f", seconds)) s."
    }
}

/// The built-in demo desk: a living desk generated from a seed, written through the real
/// domain (`decide`) and the real store.
///
/// Each incident's life is a script of commands (open, take, work, hold, reply, resolve,
/// auto-close) decided one after another against a state holding the directory and that
/// incident alone: the events are exactly the domain's, and a million incidents need no
/// million-incident state. Records that refer to each other (the major incident and its
/// children, problems and the incidents linked to them) are decided in one shared state.
public enum DemoDesk {
    /// Creates a store at `path` and fills it.
    public static func generate(at path: String, options: DemoOptions,
                                progress: (DemoProgress) -> Void = { _ in }) throws -> DemoSummary {
        let store = try EventStore.create(at: path)
        return try generate(into: store, options: options, progress: progress)
    }

    /// Fills an empty store.
    public static func generate(into store: EventStore, options: DemoOptions,
                                progress: (DemoProgress) -> Void = { _ in }) throws -> DemoSummary {
        let started = Date()
        var generator = Generator(options: options)
        var summary = DemoSummary()

        // The directory: one transaction.
        let directoryEvents = try generator.directoryEvents()
        try store.commit { _ in directoryEvents }
        summary.transactions += 1
        summary.events += directoryEvents.count

        var rows = QueueRows(capacity: options.incidents)
        var pending: [Event] = []
        var sinceCompact = 0
        let total = options.incidents
        func flush(_ phase: String, done: Int) throws {
            guard !pending.isEmpty else { return }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            try store.commit { _ in batch }
            summary.transactions += 1
            summary.events += batch.count
            progress(DemoProgress(done: done, total: total, phase: phase))
        }
        // Incidents that refer to no other record are independent: workers decide them in
        // parallel, each from the directory alone; the few that do are decided in order in the
        // shared state. Batches are committed in number order either way.
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let batch = max(1, options.batchIncidents)
        var start = 1
        while start <= total {
            let end = min(total, start + batch * workers * 2 - 1)
            let chunks = (end - start + batch) / batch
            let plain = generator.plainIncidents(from: start, through: end, chunks: chunks, batch: batch)
            var specials: [Int: ([Event], IncidentRow?)] = [:]
            for n in start...end where generator.isShared(n) { specials[n] = try generator.incident(n) }
            for k in 0..<chunks {
                let first = start + k * batch, last = min(end, first + batch - 1)
                var byNumber = try plain[k].get()
                for n in first...last { if let s = specials[n] { byNumber.append((n, s.0, s.1)) } }
                byNumber.sort { $0.0 < $1.0 }
                for (_, events, row) in byNumber {
                    pending.append(contentsOf: events)
                    if let row { rows.put(row) }
                }
                try flush("incidents", done: last)
                sinceCompact += last - first + 1
                if sinceCompact >= options.compactEvery {
                    try store.compact()
                    sinceCompact = 0
                }
            }
            start = end + 1
        }
        // Problems, known errors, the major incident's children: decided together.
        let (linked, counts) = try generator.relatedRecords()
        pending.append(contentsOf: linked)
        try flush("problems", done: total)
        // Domain II (Sources/DemoDesk/DomainII): CIs, changes, capacity, continuity, portfolio.
        for events in try DemoDomainII.transactions(agents: DemoDomainII.catalogueAgents, now: options.now,
                                                    random: DemoRandom(seed: options.seed, stream: 2, item: 0)) {
            pending.append(contentsOf: events)
            try flush("domain II", done: total)
        }
        for row in generator.specialRows() { rows.put(row) }
        summary.incidents = total
        summary.problems = counts.problems
        summary.knownErrors = counts.knownErrors

        progress(DemoProgress(done: total, total: total, phase: "snapshot"))
        try store.compact()
        try rows.write(to: store)
        summary.seconds = Date().timeIntervalSince(started)
        progress(DemoProgress(done: total, total: total, phase: "done"))
        return summary
    }
}

/// One step of a script: who does what, when.
struct Step {
    var actor: String
    var at: Date
    var command: Command
}

struct Generator {
    let options: DemoOptions
    let now: Date
    /// The directory alone: every incident's script starts from a copy of it.
    var base = DeskState()
    /// Records that refer to each other, folded together.
    var special = DeskState()
    var specialNumbers = Set<Int>()
    /// Symptom incidents per problem template.
    var symptoms: [Int: [Int]] = [:]
    var symptomTemplate: [Int: Int] = [:]
    var majorParent: Int? = nil
    var majorChildren: [Int] = []
    /// When each incident of the shared state last changed.
    var specialLastAt: [RecordID: Date] = [:]

    static let day: TimeInterval = 86_400
    static let span: TimeInterval = 90 * day

    init(options: DemoOptions) {
        self.options = options
        self.now = options.now
        let n = options.incidents
        if n >= 40 {
            majorParent = n - 9
            majorChildren = Array((n - 8)...n)
            specialNumbers.formUnion(majorChildren)
            specialNumbers.insert(n - 9)
        }
        // Symptoms of each recurring problem, spread over the period.
        let perProblem = min(8, max(3, n / 400))
        if n >= 200 {
            for (p, problem) in DemoTemplates.problems.enumerated() {
                var list: [Int] = []
                for j in 0..<perProblem {
                    var k = Int(Double(n) * (0.15 + 0.75 * Double(j) / Double(perProblem))) + 7 * p + 3
                    while specialNumbers.contains(k) || k >= n - 10 { k = k >= n - 10 ? k - 17 : k + 1 }
                    list.append(k)
                    specialNumbers.insert(k)
                    symptomTemplate[k] = problem.template
                }
                symptoms[p] = list
            }
        }
    }

    // MARK: The directory

    mutating func directoryEvents() throws -> [Event] {
        var events: [Event] = []
        for (actor, command) in DemoCatalogue.directoryCommands(now: now.addingTimeInterval(-Self.span - Self.day), operatorUser: options.operatorUser) {
            let made = try decide(command, by: actor, at: now.addingTimeInterval(-Self.span - Self.day), in: base)
            for e in made { base.apply(e) }
            events.append(contentsOf: made)
        }
        special = base
        return events
    }

    // MARK: Incidents

    /// The events of incident `n`'s life up to now, and its row (nil for incidents whose row
    /// is only final after the related records).
    mutating func incident(_ n: Int) throws -> ([Event], IncidentRow?) {
        let isSpecial = isShared(n)
        let (events, state, row) = try live(n, in: isSpecial ? special : base)
        if isSpecial {
            special = state
            specialLastAt[RecordID(.incident, n)] = events.last?.at
            return (events, nil)
        }
        return (events, row)
    }

    /// Whether incident `n` is decided in the shared state (it refers to other records).
    func isShared(_ n: Int) -> Bool { options.decideInOneState || specialNumbers.contains(n) }

    /// The incidents of `start...end` that refer to no other record, in `chunks` of `batch`,
    /// decided on all cores: per chunk, (number, events, row) in number order.
    func plainIncidents(from start: Int, through end: Int, chunks: Int, batch: Int) -> [Result<[(Int, [Event], IncidentRow?)], any Error>] {
        let results = ResultSlots<[(Int, [Event], IncidentRow?)]>(count: chunks)
        let me = self
        DispatchQueue.concurrentPerform(iterations: chunks) { k in
            let first = start + k * batch, last = min(end, first + batch - 1)
            results.set(k, Result {
                var out: [(Int, [Event], IncidentRow?)] = []
                out.reserveCapacity(last - first + 1)
                for n in first...last where !me.isShared(n) {
                    let (events, _, row) = try me.live(n, in: me.base)
                    out.append((n, events, row))
                }
                return out
            })
        }
        return results.all
    }

    /// Decides incident `n`'s script in `start` (which holds the directory, and for linked
    /// records the others): its events, the state after them, and its row.
    func live(_ n: Int, in start: DeskState) throws -> ([Event], DeskState, IncidentRow?) {
        let id = RecordID(.incident, n)
        var state = start
        if n > 1, (state.nextID(.incident).number ?? 0) < n {
            // Stand-in for the incidents before this one: the next ID must be `n`.
            state.apply(Event(record: RecordID(.incident, n - 1), action: EventAction("demo.placeholder"), actor: "",
                              at: now, baseVersion: state.version(of: RecordID(.incident, n - 1)), changes: []))
        }
        var rng = DemoRandom(seed: options.seed, stream: 1, item: UInt64(n))
        let steps = script(n, &rng)
        var events: [Event] = []
        for step in steps {
            guard step.at <= now else { break }
            let made: [Event]
            do {
                made = try decide(step.command, by: step.actor, at: step.at, in: state)
            } catch {
                // A script step the rules refuse ends the script there (never expected).
                break
            }
            for e in made { state.apply(e) }
            events.append(contentsOf: made)
            // Auto-close, as the nightly job would have done it.
            if case .moveIncident(_, .resolved, _, _, _) = step.command, let inc = state.incidents[id],
               let closeAt = state.autoCloseTime(of: inc), closeAt <= now {
                let closing = try decide(.autoCloseResolved, by: DemoCatalogue.admin, at: closeAt, in: state)
                for e in closing { state.apply(e) }
                events.append(contentsOf: closing)
                break
            }
        }
        precondition(events.first?.record == id, "incident \(n) was not created as \(id)")
        guard let inc = state.incidents[id] else { return (events, state, nil) }
        return (events, state, IncidentRow(inc, version: state.version(of: id), updatedAt: events.last?.at ?? inc.openedAt, childCount: 0))
    }

    func openedAt(_ n: Int, _ rng: inout DemoRandom) -> Date {
        let total = Double(options.incidents)
        var t = now.timeIntervalSinceReferenceDate - Self.span + Self.span * (Double(n - 1) + rng.unit()) / total
        // Most reports come in office hours: pull night-time ones into the morning.
        let secondOfDay = (t + 978_307_200).truncatingRemainder(dividingBy: Self.day)
        if secondOfDay < 7 * 3600 && rng.chance(0.7) { t += 7 * 3600 - secondOfDay + Double(rng.below(3 * 3600)) }
        return Date(timeIntervalSinceReferenceDate: min(t, now.timeIntervalSinceReferenceDate - 60))
    }

    /// Fills `{name}` slots (a plain scan: Foundation's replacing is far too slow for a million).
    func fill(_ text: String, _ values: [String: String]) -> String {
        guard text.utf8.contains(UInt8(ascii: "{")) else { return text }
        var out = ""
        var rest = text[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            out += values[name] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    /// The commands of incident `n`'s life, in time order (some may lie in the future: the
    /// script stops at now).
    func script(_ n: Int, _ rng: inout DemoRandom) -> [Step] {
        let id = RecordID(.incident, n)
        let templates = DemoTemplates.incidents
        var t0 = openedAt(n, &rng)
        var templateIndex = symptomTemplate[n] ?? rng.below(templates.count)
        let isMajorParent = majorParent == n
        let isMajorChild = majorChildren.contains(n)
        if isMajorParent || isMajorChild { templateIndex = 11 }  // Web Shop checkout
        if isMajorParent { t0 = now.addingTimeInterval(-95 * 60) }
        if let k = majorChildren.firstIndex(of: n) { t0 = now.addingTimeInterval(TimeInterval(-85 * 60 + k * 8 * 60)) }
        let tpl = templates[templateIndex]
        let spec = DemoCatalogue.services.first { $0.name == tpl.service }!
        let dept = rng.pick(DemoTemplates.departments)
        let callerName = "\(rng.pick(DemoTemplates.firstNames)) \(rng.pick(DemoTemplates.lastNames))"
        let ci = spec.cis.isEmpty ? nil : rng.pick(spec.cis)
        let values: [String: String] = [
            "caller": callerName, "dept": dept, "site": rng.pick(DemoTemplates.sites), "floor": String(rng.int(in: 1...6)),
            "n": String(rng.int(in: 1...12)), "asset": "LT-\(String(rng.int(in: 1000...9999)))", "app": rng.pick(DemoTemplates.apps),
            "ci": ci ?? "the device", "time": "\(rng.int(in: 7...16)):\(rng.pick(["00", "15", "30", "45"]))",
        ]
        var title = fill(rng.pick(tpl.titles), values)
        if isMajorChild { title = rng.pick(["Customer cannot pay for order on web shop", "Web shop order stuck at payment", "Caller reports web shop checkout error", "Online order fails at payment step"]) }
        let description = fill(tpl.description, values)
        var impact: Impact = .individual
        var urgency: Urgency = rng.weighted([(.high, 0.12), (.medium, 0.45), (.low, 0.43)])
        if rng.chance(tpl.wide) { impact = rng.chance(0.15) ? .enterprise : .department }
        if isMajorParent { impact = .enterprise; urgency = .high }
        if isMajorChild { impact = .individual; urgency = .medium }
        let sdAgents = DemoCatalogue.members(of: DemoCatalogue.serviceDesk)
        let opener = rng.pick(sdAgents)
        let origin: Origin = rng.weighted([(.phone, 0.3), (.mail, 0.25), (.portal, 0.3), (.monitoring, 0.1), (.walkIn, 0.05)])
        // The desk fixes simple things itself; the rest goes to the owning group.
        let simple = ["Account", "Mailbox", "Access", "Driver", "Enrolment"].contains(tpl.category)
        var group = simple && rng.chance(0.5) ? DemoCatalogue.serviceDesk : spec.group
        if isMajorChild { group = DemoCatalogue.serviceDesk }
        let caller = "\(callerName) (\(dept))"
        var steps: [Step] = []
        func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }
        steps.append(Step(actor: opener, at: t0, command: .openIncident(NewIncident(
            title: title, caller: caller, impact: impact, urgency: urgency, description: description,
            service: spec.name, ci: ci, category: tpl.category, origin: origin, group: group))))
        if isMajorChild {
            steps.append(Step(actor: opener, at: at(120), command: .setParent(id, parent: RecordID(.incident, majorParent!))))
            return steps
        }
        if isMajorParent {
            steps.append(Step(actor: "jonas", at: at(300), command: .takeIncident(id)))
            steps.append(Step(actor: "jonas", at: at(480), command: .moveIncident(id, to: .inProgress)))
            steps.append(Step(actor: "jonas", at: at(600), command: .proposeMajorIncident(id, reason: "Checkout failing for all customers; revenue impact.")))
            steps.append(Step(actor: "fatima", at: at(900), command: .acceptMajorIncident(id)))
            steps.append(Step(actor: "jonas", at: at(1500), command: .addWorkNote(id, "Bridge call open. shop-web-02 failing health checks; payment provider reports degraded service.")))
            return steps
        }
        let p = priority(impact: impact, urgency: urgency)
        let hours: ClosedRange<Double> = switch p {
        case .p1: 1...6
        case .p2: 2...20
        case .p3: 4...110
        case .p4: 20...230
        case .p5: 48...460
        }
        var duration = (hours.lowerBound + (hours.upperBound - hours.lowerBound) * rng.unit() * rng.unit()) * 3600
        let stuck = rng.chance(0.10)
        if stuck { duration *= 3 + 9 * rng.unit() }   // the ones that get stuck
        let members = DemoCatalogue.members(of: group)
        var assignee = group == DemoCatalogue.serviceDesk ? opener : rng.pick(members)
        // Group queues are picked up within the hour, or sit there for a day or two.
        let takeAt = group == DemoCatalogue.serviceDesk ? 60 : (rng.chance(0.2) ? 3600 + rng.unit() * 2 * Self.day : 600 + rng.unit() * 3000)
        steps.append(Step(actor: assignee, at: at(takeAt), command: .takeIncident(id)))
        if group != DemoCatalogue.serviceDesk && rng.chance(0.05) {
            // Wrong group: handed on.
            let other = rng.pick(DemoCatalogue.groups.map(\.name).filter { $0 != group && $0 != DemoCatalogue.serviceDesk })
            steps.append(Step(actor: assignee, at: at(takeAt + 900), command: .assignIncident(id, group: other, assignee: nil)))
            steps.append(Step(actor: assignee, at: at(takeAt + 960), command: .addWorkNote(id, "Not ours: the symptoms point to \(other). Reassigned.")))
            assignee = rng.pick(DemoCatalogue.members(of: other))
            steps.append(Step(actor: assignee, at: at(takeAt + 3600), command: .takeIncident(id)))
        }
        // Taken, then started at once or after the current work is done.
        let startAt = stuck && rng.chance(0.5) ? takeAt + (duration - takeAt) * 0.6
            : takeAt + (rng.chance(0.35) ? 7200 + rng.unit() * Self.day : 300 + rng.unit() * 3000)
        steps.append(Step(actor: assignee, at: at(startAt), command: .moveIncident(id, to: .inProgress)))
        var work: TimeInterval { max(duration - startAt, 1800) }
        let notes = tpl.notes + [rng.pick(DemoTemplates.genericNotes)]
        steps.append(Step(actor: assignee, at: at(startAt + work * 0.2), command: .addWorkNote(id, fill(notes[0], values))))
        let hold = tpl.hold ?? (rng.chance(0.3) ? .awaitingCaller : nil)
        if let hold, rng.chance(0.35) {
            duration *= 1.5
            steps.append(Step(actor: assignee, at: at(startAt + work * 0.35), command: .moveIncident(id, to: .onHold, holdReason: hold)))
            if hold == .awaitingCaller {
                steps.append(Step(actor: assignee, at: at(startAt + work * 0.36), command: .addCustomerReply(id, "Could you tell us when you are available for a short remote session?")))
            }
            steps.append(Step(actor: assignee, at: at(startAt + work * 0.7), command: .moveIncident(id, to: .inProgress)))
        }
        if notes.count > 1 && rng.chance(0.6) {
            steps.append(Step(actor: assignee, at: at(startAt + work * 0.75), command: .addWorkNote(id, fill(notes[1], values))))
        }
        steps.append(Step(actor: assignee, at: at(startAt + work * 0.9), command: .addCustomerReply(id, fill(tpl.reply, values))))
        if rng.chance(0.03) {
            steps.append(Step(actor: assignee, at: at(duration), command: .moveIncident(id, to: .cancelled, notes: "Duplicate of an earlier report from the same team.")))
        } else {
            steps.append(Step(actor: assignee, at: at(duration), command: .moveIncident(id, to: .resolved, resolution: tpl.code, notes: fill(tpl.resolution, values))))
        }
        return steps
    }

    // MARK: Records that refer to each other

    /// Problems with their linked incidents and known errors, and the update on the major
    /// incident that reaches its children.
    mutating func relatedRecords() throws -> ([Event], (problems: Int, knownErrors: Int)) {
        var events: [Event] = []
        var state = special
        func run(_ actor: String, _ at: Date, _ command: Command) throws {
            let made = try decide(command, by: actor, at: min(at, now.addingTimeInterval(-60)), in: state)
            for e in made { state.apply(e); specialLastAt[e.record] = e.at }
            events.append(contentsOf: made)
        }
        var problems = 0, knownErrors = 0
        for (p, tpl) in DemoTemplates.problems.enumerated() {
            guard let list = symptoms[p], list.count >= 2 else { continue }
            let spec = DemoCatalogue.services.first { $0.name == tpl.service }!
            let manager = DemoCatalogue.groups.first { $0.name == spec.group }!.manager
            let opened = (state.incidents[RecordID(.incident, list[1])]?.openedAt ?? now).addingTimeInterval(Self.day)
            let id = state.nextID(.problem)
            try run(manager, opened, .openProblem(NewProblem(
                title: tpl.title, description: tpl.description, impact: .department, urgency: .medium,
                service: tpl.service, cis: Array(spec.cis.prefix(1)), group: spec.group, owner: manager)))
            problems += 1
            for (k, n) in list.enumerated() {
                let inc = RecordID(.incident, n)
                let when = max(opened, state.incidents[inc]?.openedAt ?? opened).addingTimeInterval(Double(k + 1) * 600)
                try run(manager, when, .linkIncident(problem: id, incident: inc))
            }
            let stage = p % 4
            try run(manager, opened.addingTimeInterval(3600), .moveProblem(id, to: .assess))
            if stage >= 1 {
                try run(manager, opened.addingTimeInterval(2 * Self.day), .moveProblem(id, to: .rootCauseAnalysis))
                try run(manager, opened.addingTimeInterval(3 * Self.day), .editProblem(id, ProblemEdit(rootCause: tpl.rootCause, workaround: tpl.workaround)))
            }
            if stage >= 2 {
                try run(manager, opened.addingTimeInterval(3 * Self.day + 3600), .publishKnownError(problem: id, KnownErrorDraft(symptom: tpl.description)))
                knownErrors += 1
                try run(manager, opened.addingTimeInterval(4 * Self.day), .moveProblem(id, to: .fixInProgress))
            }
            if stage == 3 {
                try run(manager, opened.addingTimeInterval(6 * Self.day), .resolveProblem(id, notes: tpl.fix, resolveLinkedIncidents: true))
            }
        }
        if let parent = majorParent {
            try run("jonas", now.addingTimeInterval(-300), .updateParentAndChildren(RecordID(.incident, parent), .customerReply(
                "We are aware that some customers cannot complete payment in the web shop. Our teams are working with the payment provider; updates every 30 minutes.")))
        }
        special = state
        return (events, (problems, knownErrors))
    }

    /// Final rows of the incidents decided in the shared state.
    func specialRows() -> [IncidentRow] {
        (options.decideInOneState ? Array(1...max(options.incidents, 1)) : specialNumbers.sorted()).compactMap { n in
            let id = RecordID(.incident, n)
            guard let inc = special.incidents[id] else { return nil }
            return IncidentRow(inc, version: special.version(of: id), updatedAt: specialLastAt[id] ?? inc.openedAt,
                               childCount: special.children(of: id).count)
        }
    }
}

/// One result slot per parallel chunk.
final class ResultSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, any Error>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<T, any Error>) { lock.withLock { slots[i] = r } }
    var all: [Result<T, any Error>] { lock.withLock { slots.map { $0 ?? .failure(CancellationError()) } } }
}
