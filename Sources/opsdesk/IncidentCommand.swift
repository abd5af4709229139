import ArgumentParser
import Console
import DeskStore
import Foundation
import ITSM
import Terminal

/// `opsdesk incident …`: the incident queue for scripts and tests. Every read takes `--json`;
/// every change takes `--expect-version N` and is refused with the store's stale-edit
/// message if the incident moved on since version N.
struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Open, list, show and work incidents.",
        discussion: """
            The acting user is the Unix user running the command; --as USER is for root and desk admins \
            (the real user is recorded beside every event).

            Exit status: 0 done; 1 refused by the desk's rules or a store error (the message says why); \
            2 bad arguments; 3 stale edit (the incident changed since --expect-version, or while deciding); \
            4 no such incident.
            """,
        subcommands: [Add.self, List.self, Show.self, Update.self, Note.self, Reply.self, Assign.self, Take.self,
                      Resolve.self, Close.self, Link.self])
}

/// Options of every incident command.
struct IncidentOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store folder (default: $OPSDESK_STORE, else $XDG_DATA_HOME/opsdesk).", valueName: "path"),
            completion: .directory)
    var store: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("Act as another desk user (root and desk admins only).", valueName: "user"))
    var actAs: String?

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    /// Opens the desk as the acting user.
    func openDesk(readOnly: Bool = false) throws -> Desk {
        let environment = ProcessInfo.processInfo.environment
        let path = StoreLocation.resolve(explicit: store, environment: environment)
        do {
            let realName = try ActingUser.realUserName()
            let desk = try Desk.open(at: path, user: ActingUser(user: realName), readOnly: readOnly)
            let user = try ActingUser.resolve(as: actAs, isDeskAdmin: { name in
                (try? desk.directory.agents[name]?.has(.admin)) == true
            })
            return user == desk.user ? desk : try Desk(store: desk.store, user: user)
        } catch {
            throw CLIFailure.from(error, path: path)
        }
    }
}

/// A failure said in words, with the exit status it maps to.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    let status: Int32

    static func from(_ error: any Error, path: String = "") -> CLIFailure {
        switch error {
        case let f as CLIFailure: return f
        case let v as ValidationError: return CLIFailure(description: v.message, status: 2)
        case let stale as StaleEdit: return CLIFailure(description: stale.description, status: 3)
        case let refusal as Refusal:
            if case .notFound = refusal { return CLIFailure(description: refusal.description, status: 4) }
            return CLIFailure(description: refusal.description, status: 1)
        case let e as StoreError:
            if case .notAStore = e {
                return CLIFailure(description: "\(e) Create one with `opsdesk store init`, or try `opsdesk demo`.", status: 1)
            }
            return CLIFailure(description: "\(e)", status: 1)
        default: return CLIFailure(description: "\(error)", status: 1)
        }
    }
}

/// Runs `body`; any failure becomes its message on stderr and its exit status.
func runCLI(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        let failure = CLIFailure.from(error)
        FileHandle.standardError.write(Data(("opsdesk: " + failure.description + "\n").utf8))
        throw ExitCode(failure.status)
    }
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    FileHandle.standardOutput.write(try encoder.encode(value))
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// The text helpers of `incident show`, reachable outside the command.
typealias Show = IncidentCommand.Show

func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

// MARK: Parsing words

enum Words {
    static func incident(_ text: String) throws -> RecordID {
        if let n = Int(text), n > 0 { return RecordID(.incident, n) }
        guard let id = RecordID(parsing: text), id.kind == .incident else {
            throw ValidationError("'\(text)' is not an incident ID (INC-123 or 123).")
        }
        return id
    }

    static func problem(_ text: String) throws -> RecordID {
        if let n = Int(text), n > 0 { return RecordID(.problem, n) }
        guard let id = RecordID(parsing: text), id.kind == .problem else {
            throw ValidationError("'\(text)' is not a problem ID (PRB-12 or 12).")
        }
        return id
    }

    static func impact(_ text: String) throws -> Impact {
        if let n = Int(text), let v = Impact(rawValue: n) { return v }
        if let v = Impact.allCases.first(where: { "\($0)".lowercased().hasSuffix(text.lowercased()) }) { return v }
        throw ValidationError("impact is 1 (enterprise), 2 (department) or 3 (individual), not '\(text)'.")
    }

    static func urgency(_ text: String) throws -> Urgency {
        if let n = Int(text), let v = Urgency(rawValue: n) { return v }
        if let v = Urgency.allCases.first(where: { "\($0)".lowercased().hasSuffix(text.lowercased()) }) { return v }
        throw ValidationError("urgency is 1 (high), 2 (medium) or 3 (low), not '\(text)'.")
    }

    static func state(_ text: String) throws -> IncidentState {
        let t = text.lowercased().replacingOccurrences(of: " ", with: "-")
        if let s = IncidentState(rawValue: t) ?? IncidentState.allCases.first(where: { $0.description.lowercased() == text.lowercased() }) { return s }
        throw ValidationError("state is one of \(IncidentState.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'.")
    }

    static func hold(_ text: String) throws -> HoldReason {
        let t = text.lowercased().replacingOccurrences(of: " ", with: "-")
        if let h = HoldReason(rawValue: t) ?? HoldReason(rawValue: "awaiting-" + t) { return h }
        throw ValidationError("hold reason is one of \(HoldReason.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'.")
    }

    static func code(_ text: String) throws -> ResolutionCode {
        if let c = ResolutionCode(rawValue: text.lowercased()) { return c }
        throw ValidationError("resolution code is one of \(ResolutionCode.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'.")
    }

    static func origin(_ text: String) throws -> Origin {
        if let o = Origin(rawValue: text.lowercased()) { return o }
        throw ValidationError("origin is one of \(Origin.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'.")
    }

    static func scope(_ text: String, user: String, groups: Set<String>) throws -> IncidentScope {
        switch text.lowercased() {
        case "all": return .all
        case "open", "all-open": return .open
        case "mine", "my": return .assignedTo(user)
        case "unassigned": return .unassigned(inGroups: groups)
        case "groups", "my-groups": return .inGroups(groups)
        case "breaching", "breaching-soon": return .breachingWithin(3600)
        case "major": return .major
        case "resolved", "recently-resolved": return .resolvedSince(Date().addingTimeInterval(-7 * 86_400))
        default:
            throw ValidationError("queue is one of all, open, mine, unassigned, groups, breaching, major, resolved; not '\(text)'.")
        }
    }
}

// MARK: JSON shapes

struct ClockJSON: Encodable {
    let definition: String
    let target: String
    let stage: String
    let due: Date?
    let breachedAt: Date?
    let remainingSeconds: Int?

    init(_ c: SLAClock, now: Date, directory: Directory) {
        definition = c.definition
        target = c.target.rawValue
        stage = c.stage(at: now).rawValue
        due = c.due
        breachedAt = c.breachedAt
        remainingSeconds = directory.calendars[c.calendar].map { Int(c.remaining(at: now, in: $0).rounded()) }
    }
}

struct RowJSON: Encodable {
    let id: String
    let version: UInt64
    let title: String
    let priority: Int
    let state: String
    let holdReason: String?
    let assignee: String?
    let group: String?
    let service: String?
    let ci: String?
    let openedAt: Date
    let updatedAt: Date
    let majorIncident: String
    let parent: String?
    let children: Int
    let problem: String?
    let resolution: ClockJSON?
    let response: ClockJSON?

    init(_ r: IncidentRow, now: Date, directory: Directory) {
        id = r.id.description
        version = r.version
        title = r.title
        priority = r.priority.rawValue
        state = r.state.rawValue
        holdReason = r.holdReason?.rawValue
        assignee = r.assignee
        group = r.group
        service = r.service
        ci = r.ci
        openedAt = r.openedAt
        updatedAt = r.updatedAt
        majorIncident = r.majorIncident.rawValue
        parent = r.parent?.description
        children = r.childCount
        problem = r.problem?.description
        resolution = r.resolution.map { ClockJSON($0, now: now, directory: directory) }
        response = r.response.map { ClockJSON($0, now: now, directory: directory) }
    }
}

struct NoteJSON: Encodable {
    let author: String
    let at: Date
    let text: String
}

struct ChangeJSON: Encodable {
    let field: String
    let from: String
    let to: String
}

struct EventJSON: Encodable {
    let action: String
    let actor: String
    let realUser: String?
    let at: Date
    let version: UInt64
    let changes: [ChangeJSON]

    init(_ e: Event) {
        action = e.action.rawValue
        actor = e.actor
        realUser = e.realUser
        at = e.at
        version = e.baseVersion + 1
        changes = e.changes.map { ChangeJSON(field: $0.field, from: Show.text($0.from), to: Show.text($0.to)) }
    }
}

struct IncidentJSON: Encodable {
    let id: String
    let version: UInt64
    let title: String
    let description: String
    let caller: String
    let state: String
    let holdReason: String?
    let impact: Int
    let urgency: Int
    let priority: Int
    let priorityOverride: String?
    let assignee: String?
    let group: String?
    let service: String?
    let ci: String?
    let category: String?
    let origin: String?
    let openedAt: Date
    let respondedAt: Date?
    let resolvedAt: Date?
    let closedAt: Date?
    let resolutionCode: String?
    let resolutionNotes: String
    let majorIncident: String
    let parent: String?
    let children: [String]
    let problem: String?
    let workNotes: [NoteJSON]
    let customerReplies: [NoteJSON]
    let slaClocks: [ClockJSON]
    let history: [EventJSON]?
}

struct ReceiptJSON: Encodable {
    let id: String
    let version: UInt64
    let sequence: UInt64
    let events: Int
}

// MARK: Shared text

extension IncidentRow {
    /// The SLA column as the queue pane shows it ("2h 05m", "-1h 10m", "paused", "met", "-").
    func slaText(now: Date, directory: Directory) -> String {
        SLACell.make(resolution, now: now, calendar: resolution.flatMap { directory.calendars[$0.calendar] }).text
    }
}

// MARK: Commands

extension IncidentCommand {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Open an incident; prints its ID once the commit is durable.")
        @OptionGroup var options: IncidentOptions
        @Option(help: "One line saying what is wrong.") var title: String
        @Option(help: "Who reported it.") var caller: String
        @Option(help: "Longer description.") var description: String = ""
        @Option(help: "1 enterprise, 2 department, 3 individual.") var impact: String = "3"
        @Option(help: "1 high, 2 medium, 3 low.") var urgency: String = "3"
        @Option(help: "The affected service.") var service: String?
        @Option(help: "The affected configuration item.") var ci: String?
        @Option(help: "Category.") var category: String?
        @Option(help: "Assignment group.") var group: String?
        @Option(help: "phone, mail, portal, monitoring, walk-in.") var origin: String?

        func run() throws {
            try runCLI {
                let new = NewIncident(title: title, caller: caller, impact: try Words.impact(impact), urgency: try Words.urgency(urgency),
                                      description: description, service: service, ci: ci, category: category,
                                      origin: try origin.map(Words.origin), group: group)
                let desk = try options.openDesk()
                let receipt = try desk.perform(.openIncident(new))
                let id = receipt.events[0].record
                if options.json {
                    try printJSON(ReceiptJSON(id: id.description, version: UInt64(receipt.events.filter { $0.record == id }.count),
                                              sequence: receipt.sequence, events: receipt.events.count))
                } else {
                    say(id.description)
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List a queue of incidents.")
        @OptionGroup var options: IncidentOptions
        @Option(help: "all, open, mine, unassigned, groups, breaching, major, resolved.") var queue: String = "open"
        @Option(help: "Keep incidents whose ID, title, assignee, group, service or CI contains this.") var filter: String = ""
        @Option(help: "Sort column: \(IncidentColumn.allCases.map(\.rawValue).joined(separator: ", ")).") var sort: String = "sla"
        @Flag(help: "Sort descending.") var desc = false
        @Option(help: "At most this many (0: all).") var limit: Int = 50

        func run() throws {
            try runCLI {
                guard let column = IncidentColumn(rawValue: sort.lowercased()) else {
                    throw ValidationError("sort column is one of \(IncidentColumn.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                let desk = try options.openDesk(readOnly: true)
                let snap = try desk.snapshot
                let now = Date()
                let groups = snap.directory.agents[desk.user.user]?.groups ?? []
                let scope = try Words.scope(queue, user: desk.user.user, groups: groups)
                let t = snap.incidents
                let rows = t.select(scope, text: filter, sort: IncidentSort(column, ascending: !desc), now: now)
                let shown = limit > 0 ? Array(rows.prefix(limit)) : rows
                if options.json {
                    try printJSON(shown.map { RowJSON(t[Int($0)], now: now, directory: snap.directory) })
                    return
                }
                if shown.isEmpty { say("No incidents in this queue."); return }
                var lines = [["ID", "P", "STATE", "SLA", "ASSIGNEE", "GROUP", "TITLE"]]
                for i in shown {
                    let r = t[Int(i)]
                    lines.append([r.id.description, "P\(r.priority.rawValue)", r.state.description, r.slaText(now: now, directory: snap.directory),
                                  r.assignee ?? "—", r.group ?? "—", Show.inert(r.title)])
                }
                let widths = (0..<6).map { c in lines.map { $0[c].count }.max() ?? 0 }
                for l in lines {
                    say((0..<6).map { l[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "  " + l[6])
                }
                if rows.count > shown.count { say("… \(shown.count) of \(rows.count); --limit 0 for all.") }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one incident in full.")
        @OptionGroup var options: IncidentOptions
        @Argument(help: "The incident (INC-123 or 123).") var id: String
        @Flag(help: "Include the history (every event).") var history = false

        func run() throws {
            try runCLI {
                let rid = try Words.incident(id)
                let desk = try options.openDesk(readOnly: true)
                let state = try desk.state(of: [rid])
                guard let inc = state.incidents[rid] else { throw Refusal.notFound(rid) }
                let version = desk.version(of: rid)
                let snap = try desk.snapshot
                let now = Date()
                let children = snap.incidents.children(of: rid)
                let events = history ? try desk.history(of: rid) : []
                if options.json {
                    try printJSON(IncidentJSON(
                        id: rid.description, version: version, title: inc.title, description: inc.description, caller: inc.caller,
                        state: inc.state.rawValue, holdReason: inc.holdReason?.rawValue, impact: inc.impact.rawValue,
                        urgency: inc.urgency.rawValue, priority: inc.priority.rawValue, priorityOverride: inc.priorityOverride,
                        assignee: inc.assignee, group: inc.group, service: inc.service, ci: inc.ci, category: inc.category,
                        origin: inc.origin?.rawValue, openedAt: inc.openedAt, respondedAt: inc.respondedAt, resolvedAt: inc.resolvedAt,
                        closedAt: inc.closedAt, resolutionCode: inc.resolutionCode?.rawValue, resolutionNotes: inc.resolutionNotes,
                        majorIncident: inc.majorIncident.rawValue, parent: inc.parent?.description, children: children.map(\.description),
                        problem: inc.problem?.description,
                        workNotes: inc.workNotes.map { NoteJSON(author: $0.author, at: $0.at, text: $0.text) },
                        customerReplies: inc.customerReplies.map { NoteJSON(author: $0.author, at: $0.at, text: $0.text) },
                        slaClocks: inc.slaClocks.map { ClockJSON($0, now: now, directory: state.directory) },
                        history: history ? events.map(EventJSON.init) : nil))
                    return
                }
                say("\(rid)  \(Show.inert(inc.title))")
                say("  state      \(inc.state)\(inc.holdReason.map { " (\($0))" } ?? "")    priority P\(inc.priority.rawValue) (impact \(inc.impact), urgency \(inc.urgency))    version \(version)")
                say("  assigned   \(inc.assignee ?? "—") in \(inc.group ?? "no group")")
                say("  caller     \(Show.inert(inc.caller))    service \(inc.service ?? "—")    CI \(inc.ci ?? "—")    category \(inc.category ?? "—")")
                say("  opened     \(Show.time(inc.openedAt))\(inc.resolvedAt.map { "    resolved \(Show.time($0))" } ?? "")\(inc.closedAt.map { "    closed \(Show.time($0))" } ?? "")")
                if inc.majorIncident != .none { say("  major      \(inc.majorIncident)") }
                if let p = inc.parent { say("  parent     \(p)") }
                if !children.isEmpty { say("  children   \(children.map(\.description).joined(separator: ", "))") }
                if let p = inc.problem { say("  problem    \(p)") }
                for c in inc.slaClocks {
                    let left = state.directory.calendars[c.calendar].map { SLACell.duration(c.remaining(at: now, in: $0)) } ?? "?"
                    say("  SLA        \(c.target) (\(c.definition)): \(c.stage(at: now))\(c.due.map { ", due \(Show.time($0))" } ?? ""), \(left) left")
                }
                if !inc.description.isEmpty { say(""); say(Show.inert(inc.description)) }
                if !inc.workNotes.isEmpty { say(""); say("Work notes:") }
                for n in inc.workNotes { say("  \(Show.time(n.at))  \(n.author): \(Show.inert(n.text))") }
                if !inc.customerReplies.isEmpty { say(""); say("Replies to the caller:") }
                for n in inc.customerReplies { say("  \(Show.time(n.at))  \(n.author): \(Show.inert(n.text))") }
                if inc.state == .resolved || inc.state == .closed {
                    say(""); say("Resolution: \(inc.resolutionCode?.description ?? "—"): \(Show.inert(inc.resolutionNotes))")
                }
                if history {
                    say(""); say("History:")
                    for e in events {
                        let who = e.realUser.map { "\(e.actor) (as run by \($0))" } ?? e.actor
                        let what = e.changes.map { "\($0.field) → \(Show.inert(Show.text($0.to)))" }.joined(separator: ", ")
                        say("  v\(e.baseVersion + 1)  \(Show.time(e.at))  \(who)  \(e.action): \(what)")
                    }
                }
            }
        }

        static func text(_ v: FieldValue) -> String {
            switch v {
            case .none: return ""
            case let .text(s): return s
            case let .int(n): return String(n)
            case let .number(d): return String(d)
            case let .bool(b): return b ? "yes" : "no"
            case let .time(d): return ISO8601DateFormatter().string(from: d)
            case let .list(l): return l.joined(separator: ", ")
            }
        }

        static func time(_ d: Date) -> String {
            let f = DateFormatter()
            f.dateFormat = "yyyy-MM-dd HH:mm"
            f.locale = Locale(identifier: "en_US_POSIX")
            return f.string(from: d)
        }

        /// Hostile text is inert: control characters become visible symbols.
        static func inert(_ s: String) -> String {
            // Line breaks are kept (descriptions and notes span lines); every line goes
            // through the one sanitising gate the console draws with.
            s.split(separator: "\n", omittingEmptySubsequences: false)
                .map { Sanitizer.visible(String($0)) }.joined(separator: "\n")
        }
    }
}

/// What every change command shares: the incident, --expect-version, the receipt printed.
struct ChangeOptions: ParsableArguments {
    @Argument(help: "The incident (INC-123 or 123).") var id: String
    @Option(name: .long, help: ArgumentHelp("Refuse if the incident is no longer at this version (see `show`).", valueName: "n"))
    var expectVersion: UInt64?
}

func change(_ options: IncidentOptions, _ target: ChangeOptions, _ make: (RecordID) throws -> Command) throws {
    try runCLI {
        let id = try Words.incident(target.id)
        let command = try make(id)
        let desk = try options.openDesk()
        let receipt = try desk.perform(command, expecting: target.expectVersion.map { [id: $0] } ?? [:])
        let version = desk.version(of: id)
        if options.json {
            try printJSON(ReceiptJSON(id: id.description, version: version, sequence: receipt.sequence, events: receipt.events.count))
        } else {
            say("\(id) now at version \(version).")
        }
    }
}

extension IncidentCommand {
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Change an incident's fields or state.")
        @OptionGroup var options: IncidentOptions
        @OptionGroup var target: ChangeOptions
        @Option var title: String?
        @Option var description: String?
        @Option var caller: String?
        @Option(help: "1 enterprise, 2 department, 3 individual.") var impact: String?
        @Option(help: "1 high, 2 medium, 3 low.") var urgency: String?
        @Option var service: String?
        @Option var ci: String?
        @Option var category: String?
        @Option(help: "New state: \(IncidentState.allCases.map(\.rawValue).joined(separator: ", ")).") var state: String?
        @Option(help: "With --state on-hold: \(HoldReason.allCases.map(\.rawValue).joined(separator: ", ")).") var holdReason: String?
        @Option(help: "With --state: the reason (cancel, reopen) or resolution notes.") var notes: String = ""

        func run() throws {
            try change(options, target) { id in
                if let state {
                    let edit = [title, description, caller, impact, urgency, service, ci, category].compactMap { $0 }
                    guard edit.isEmpty else { throw ValidationError("Change the state and the fields in two commands.") }
                    return .moveIncident(id, to: try Words.state(state), holdReason: try holdReason.map(Words.hold), notes: notes)
                }
                let edit = IncidentEdit(title: title, description: description, caller: caller, impact: try impact.map(Words.impact),
                                        urgency: try urgency.map(Words.urgency), service: service, ci: ci, category: category)
                guard edit != IncidentEdit() else { throw ValidationError("Nothing to change: give --title, --state, ….") }
                return .editIncident(id, edit)
            }
        }
    }

    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a work note (the desk only).")
        @OptionGroup var options: IncidentOptions
        @OptionGroup var target: ChangeOptions
        @Argument(help: "The note.") var text: String
        func run() throws { try change(options, target) { .addWorkNote($0, text) } }
    }

    struct Reply: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reply", abstract: "Reply to the caller.")
        @OptionGroup var options: IncidentOptions
        @OptionGroup var target: ChangeOptions
        @Argument(help: "The reply.") var text: String
        func run() throws { try change(options, target) { .addCustomerReply($0, text) } }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "assign", abstract: "Set the group and assignee (omit --to to leave it unassigned).")
        @OptionGroup var options: IncidentOptions
        @OptionGroup var target: ChangeOptions
        @Option(help: "Assignment group (default: keep).") var group: String?
        @Option(help: "Assignee (a member of the group).") var to: String?
        func run() throws {
            try change(options, target) { id in
                let desk = try options.openDesk(readOnly: true)
                let current = try desk.snapshot.incidents.row(id)?.group
                return .assignIncident(id, group: group ?? current, assignee: to)
            }
        }
    }

    struct Take: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "take", abstract: "Assign the incident to yourself.")
        @OptionGroup var options: IncidentOptions
        @OptionGroup var target: ChangeOptions
        func run() throws { try change(options, target) { .takeIncident($0) } }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Resolve with a code and notes.")
        @OptionGroup var options: IncidentOptions
        @OptionGroup var target: ChangeOptions
        @Option(help: "\(ResolutionCode.allCases.map(\.rawValue).joined(separator: ", ")).") var code: String
        @Option(help: "What was done.") var notes: String
        func run() throws {
            try change(options, target) { .moveIncident($0, to: .resolved, resolution: try Words.code(code), notes: notes) }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a resolved incident.")
        @OptionGroup var options: IncidentOptions
        @OptionGroup var target: ChangeOptions
        func run() throws { try change(options, target) { .moveIncident($0, to: .closed) } }
    }

    struct Link: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "link", abstract: "Link to a problem (--problem) or make a child of a parent incident (--parent).")
        @OptionGroup var options: IncidentOptions
        @OptionGroup var target: ChangeOptions
        @Option(help: "The problem (PRB-12).") var problem: String?
        @Option(help: "The parent incident (INC-7).") var parent: String?
        func run() throws {
            try change(options, target) { id in
                switch (problem, parent) {
                case let (p?, nil): return .linkIncident(problem: try Words.problem(p), incident: id)
                case let (nil, p?): return .setParent(id, parent: try Words.incident(p))
                default: throw ValidationError("Give exactly one of --problem and --parent.")
                }
            }
        }
    }
}
