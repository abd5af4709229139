import Foundation
import ITSM
import DeskStore
import Terminal

/// The triage actions: each starts from a key or a `:` command, asks what it must (a reason,
/// a code, a group) in a modal, and ends as domain commands committed off the UI thread —
/// after one confirmation when several incidents are marked.
extension IncidentQueuePane {
    mutating func startAction(_ action: Action, argument: String?) -> [Effect] {
        let arg = argument?.trimmingCharacters(in: .whitespaces) ?? ""
        if action == .incidentNew { return openForm(title: arg) }
        let targets = self.targets
        guard !targets.isEmpty else { return [.error("No incident selected — the queue is empty")] }
        // The versions the agent is looking at now: if someone changes an incident while the
        // agent types a note or picks a reason, the store refuses the edit and says who.
        // (Not for incidents with a commit of mine still on its way: their new version is mine.)
        actionVersions = versions(of: targets.filter { !inFlight.contains($0) })
        let what = Self.describe(targets)
        switch action {
        case .incidentTake:
            return commit(targets.map { .takeIncident($0) }, done: "Took \(what)", verb: "Take")
        case .incidentAssign:
            if !arg.isEmpty {
                // GROUP [AGENT]; group names may have spaces ("Service Desk tom").
                let names = (snapshot?.directory.groups.keys.sorted { $0.count > $1.count }) ?? []
                let group = names.first { arg.lowercased() == $0.lowercased() || arg.lowercased().hasPrefix($0.lowercased() + " ") }
                    ?? String(arg.split(separator: " ")[0])
                let rest = String(arg.dropFirst(group.count)).trimmingCharacters(in: .whitespaces)
                return commit(targets.map { .assignIncident($0, group: group, assignee: rest.isEmpty ? nil : rest) },
                              done: "Assigned \(what) to \(group)" + (rest.isEmpty ? "" : " / \(rest)"), verb: "Assign")
            }
            let groups = (snapshot?.directory.groups.keys.sorted()) ?? []
            guard !groups.isEmpty else { return [.error("The desk has no assignment groups yet")] }
            var picker = PickerModal(title: "Assign \(what) — group", options: groups, values: groups, flow: .assignGroup(targets))
            if let g = selectedRow?.group, let i = groups.firstIndex(of: g) { picker.selected = i }
            modal = .picker(picker)
        case .incidentState:
            if arg == "hold" { return askHoldReason(targets) }
            let states: [(String, String)] = [("In Progress", "in-progress"), ("On Hold…", "on-hold"), ("Resolved…", "resolved"),
                                              ("Cancelled…", "cancelled"), ("New (release)", "new")]
            modal = .picker(PickerModal(title: "State of \(what)", options: states.map(\.0), values: states.map(\.1), flow: .state(targets)))
        case .incidentImpact:
            var options: [String] = [], values: [String] = []
            let matrix = snapshot?.directory.settings.priorityMatrix ?? .standard
            for impact in Impact.allCases {
                for urgency in Urgency.allCases {
                    options.append("Impact \(impact) · Urgency \(urgency) → \(matrix[impact, urgency])")
                    values.append("\(impact.rawValue),\(urgency.rawValue)")
                }
            }
            var picker = PickerModal(title: "Impact and urgency of \(what)", options: options, values: values, flow: .impactUrgency(targets))
            if let row = selectedRow {
                picker.selected = (row.impact.rawValue - 1) * 3 + (row.urgency.rawValue - 1)
                picker.footnote = "Now \(row.priority) (impact \(row.impact), urgency \(row.urgency))"
            }
            modal = .picker(picker)
        case .incidentNote:
            if !arg.isEmpty { return finish(.note(targets), value: arg) }
            modal = .input(InputModal(title: "Work note on \(what)", prompt: "Note (internal): ", flow: .note(targets), requiredMessage: "A work note needs some text"))
        case .incidentReply:
            if !arg.isEmpty { return finish(.reply(targets), value: arg) }
            modal = .input(InputModal(title: "Reply to the caller of \(what)", prompt: "Reply: ", flow: .reply(targets), requiredMessage: "A reply needs some text"))
        case .incidentLinkProblem:
            if !arg.isEmpty { return finish(.linkProblem(targets), value: arg) }
            modal = .input(InputModal(title: "Link \(what) to a problem", prompt: "Problem (PRB-N): ", flow: .linkProblem(targets), requiredMessage: "Type a problem ID such as PRB-3"))
        case .incidentMajor:
            if selectedRow?.majorIncident == .proposed, arg.isEmpty {
                modal = .picker(PickerModal(title: "Major incident proposal: \(what)", options: ["Accept as major incident", "Reject the proposal…"],
                                            values: ["accept", "reject"], flow: .majorDecision(targets)))
            } else if !arg.isEmpty {
                return finish(.majorReason(targets), value: arg)
            } else {
                modal = .input(InputModal(title: "Propose \(what) as a major incident", prompt: "Why: ", flow: .majorReason(targets), requiredMessage: "Say why it is major"))
            }
        case .incidentAddChild:
            if !arg.isEmpty { return finish(.parent(targets), value: arg) }
            modal = .input(InputModal(title: "Make \(what) children of another incident", prompt: "Parent (INC-N): ", flow: .parent(targets), requiredMessage: "Type the parent's ID such as INC-12"))
        case .incidentResolve:
            return askResolution(targets)
        case .incidentReopen:
            if !arg.isEmpty { return finish(.reopenNote(targets), value: arg) }
            modal = .input(InputModal(title: "Reopen \(what)", prompt: "Why: ", flow: .reopenNote(targets), requiredMessage: "Reopening needs a reason"))
        default:
            return []
        }
        return []
    }

    mutating func askHoldReason(_ targets: [RecordID]) -> [Effect] {
        let reasons = HoldReason.allCases
        modal = .picker(PickerModal(title: "Put \(Self.describe(targets)) on hold — why?", options: reasons.map { $0.description.capitalizedFirst },
                                    values: reasons.map(\.rawValue), flow: .holdReason(targets)))
        return []
    }

    mutating func askResolution(_ targets: [RecordID]) -> [Effect] {
        let codes = ResolutionCode.allCases
        modal = .picker(PickerModal(title: "Resolve \(Self.describe(targets)) — resolution code", options: codes.map { $0.description.capitalizedFirst },
                                    values: codes.map(\.rawValue), flow: .resolveCode(targets)))
        return []
    }

    mutating func openForm(title: String) -> [Effect] {
        let directory = snapshot?.directory ?? Directory()
        var form = NewIncidentForm(caller: user, services: directory.services.keys.sorted(), groups: directory.groups.keys.sorted(),
                                   defaultGroup: userGroups.sorted().first, matrix: directory.settings.priorityMatrix)
        form.title = TextInput(title)
        modal = .form(form)
        return []
    }

    /// The modal's answer: either the next step, or the commands.
    mutating func finish(_ flow: Flow, value: String) -> [Effect] {
        modal = nil
        switch flow {
        case let .note(ids):
            return commit(ids.map { .addWorkNote($0, value) }, done: "Work note added to \(Self.describe(ids))", verb: "Add a work note to")
        case let .reply(ids):
            return commit(ids.map { .addCustomerReply($0, value) }, done: "Reply sent on \(Self.describe(ids))", verb: "Reply on")
        case let .state(ids):
            switch value {
            case "on-hold": return askHoldReason(ids)
            case "resolved": return askResolution(ids)
            case "cancelled":
                modal = .input(InputModal(title: "Cancel \(Self.describe(ids))", prompt: "Why: ", flow: .cancelNote(ids), requiredMessage: "Cancelling needs a reason"))
                return []
            case "new":
                return commit(ids.map { .releaseIncident($0) }, done: "Released \(Self.describe(ids))", verb: "Release")
            default:
                return commit(ids.map { .moveIncident($0, to: .inProgress) }, done: "\(Self.describe(ids)) in progress", verb: "Start work on")
            }
        case let .holdReason(ids):
            guard let reason = HoldReason(rawValue: value) else { return [] }
            return commit(ids.map { .moveIncident($0, to: .onHold, holdReason: reason) }, done: "\(Self.describe(ids)) on hold (\(reason))", verb: "Put on hold")
        case let .resolveCode(ids):
            guard let code = ResolutionCode(rawValue: value) else { return [] }
            modal = .input(InputModal(title: "Resolve \(Self.describe(ids)) — \(code)", prompt: "Resolution note: ", flow: .resolveNote(ids, code), requiredMessage: "Resolving needs a note for the caller"))
            return []
        case let .resolveNote(ids, code):
            return commit(ids.map { .moveIncident($0, to: .resolved, resolution: code, notes: value) }, done: "Resolved \(Self.describe(ids))", verb: "Resolve")
        case let .cancelNote(ids):
            return commit(ids.map { .moveIncident($0, to: .cancelled, notes: value) }, done: "Cancelled \(Self.describe(ids))", verb: "Cancel")
        case let .reopenNote(ids):
            return commit(ids.map { .moveIncident($0, to: .inProgress, notes: value) }, done: "Reopened \(Self.describe(ids))", verb: "Reopen")
        case let .assignGroup(ids):
            let agents = (snapshot?.directory.agents.values.filter { $0.groups.contains(value) }.map(\.user).sorted()) ?? []
            var picker = PickerModal(title: "Assign \(Self.describe(ids)) in \(value) — agent", options: ["Nobody yet (the group’s queue)"] + agents,
                                     values: [""] + agents, flow: .assignAgent(ids, group: value))
            if let me = agents.firstIndex(of: user) { picker.selected = me + 1 }
            modal = .picker(picker)
            return []
        case let .assignAgent(ids, group):
            let who = value.isEmpty ? nil : value
            return commit(ids.map { .assignIncident($0, group: group, assignee: who) },
                          done: "Assigned \(Self.describe(ids)) to \(group)" + (who.map { " / \($0)" } ?? ""), verb: "Assign")
        case let .impactUrgency(ids):
            let parts = value.split(separator: ",").compactMap { Int($0) }
            guard parts.count == 2, let impact = Impact(rawValue: parts[0]), let urgency = Urgency(rawValue: parts[1]) else { return [] }
            let p = (snapshot?.directory.settings.priorityMatrix ?? .standard)[impact, urgency]
            return commit(ids.map { .editIncident($0, IncidentEdit(impact: impact, urgency: urgency)) },
                          done: "\(Self.describe(ids)): impact \(impact), urgency \(urgency) → \(p)", verb: "Change impact and urgency of")
        case let .linkProblem(ids):
            guard let problem = Self.parseID(value, kind: .problem) else { return [.error("'\(value)' is not a problem ID (PRB-N)")] }
            return commit(ids.map { .linkIncident(problem: problem, incident: $0) }, done: "Linked \(Self.describe(ids)) to \(problem)", verb: "Link")
        case let .majorReason(ids):
            return commit(ids.map { .proposeMajorIncident($0, reason: value) }, done: "Proposed \(Self.describe(ids)) as major", verb: "Propose as major")
        case let .majorDecision(ids):
            if value == "accept" {
                return commit(ids.map { .acceptMajorIncident($0) }, done: "\(Self.describe(ids)) accepted as major", verb: "Accept as major")
            }
            modal = .input(InputModal(title: "Reject the major proposal", prompt: "Why: ", flow: .majorRejectReason(ids), requiredMessage: "Rejecting needs a reason"))
            return []
        case let .majorRejectReason(ids):
            return commit(ids.map { .rejectMajorIncident($0, reason: value) }, done: "Major proposal rejected for \(Self.describe(ids))", verb: "Reject the proposal on")
        case let .parent(ids):
            guard let parent = Self.parseID(value, kind: .incident) else { return [.error("'\(value)' is not an incident ID (INC-N)")] }
            let children = ids.filter { $0 != parent }
            guard !children.isEmpty else { return [.error("An incident cannot be its own parent")] }
            return commit(children.map { .setParent($0, parent: parent) }, done: "\(Self.describe(children)) now under \(parent)", verb: "Put under \(parent)")
        }
    }

    /// Hands `commands` to the store: at once for one incident, after one confirmation for
    /// several.
    mutating func commit(_ commands: [Command], done: String, verb: String) -> [Effect] {
        let ids = Set(commands.compactMap(\.incidentID))
        // The versions seen when the action started (or now): a stale edit is refused.
        var expecting = versions(of: Array(ids))
        if let seen = actionVersions { expecting.merge(seen.filter { ids.contains($0.key) }) { _, old in old } }
        actionVersions = nil
        // My own commits still on their way may not be in the snapshot yet: not stale.
        for id in inFlight { expecting[id] = nil }
        if ids.count > 1 {
            let list = Self.describe(ids.sorted(), listing: true)
            // The dialog's action is not used: the pane keeps the batch and answers y/n itself.
            modal = .confirm(BatchConfirm(dialog: ConfirmDialog(title: "\(ids.count) incidents", question: "\(verb) \(list)?", action: .incidentTake),
                                          commands: commands, expecting: expecting, done: done))
            return []
        }
        return send(commands, expecting: expecting, done: done)
    }

    mutating func send(_ commands: [Command], expecting: [RecordID: UInt64] = [:], done: String) -> [Effect] {
        guard let link else {
            outbox.append(commands)
            return [.notice(done)]
        }
        busy += 1
        let ids = Set(commands.compactMap(\.incidentID))
        inFlight.formUnion(ids)
        link.submit(commands, expecting: expecting, done: done, ids: ids)
        return []
    }

    mutating func handleModalKey(_ key: Key, context: PaneContext) -> [Effect] {
        guard let current = modal else { return [] }
        switch current {
        case var .input(m):
            switch key {
            case .escape, .ctrl("c"): modal = nil; return [.notice("Cancelled.")]
            case .ctrl("e"): return [.editText(m.input.text)]
            case .enter:
                let text = m.input.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty, let message = m.requiredMessage { return [.error(message)] }
                return finish(m.flow, value: text)
            default:
                m.input.handle(key)
                modal = .input(m)
            }
        case var .picker(m):
            switch key {
            case .escape, .ctrl("c"), .char("q"): modal = nil; return [.notice("Cancelled.")]
            case .up, .char("k"), .backTab: m.move(-1)
            case .down, .char("j"), .tab: m.move(1)
            case .home, .char("g"): m.selected = 0
            case .end, .char("G"): m.selected = m.options.count - 1
            case let .char(c) where c.isNumber:
                if let n = Int(String(c)), n >= 1, n <= m.options.count { m.selected = n - 1 }
            case .enter:
                guard let value = m.value else { return [] }
                return finish(m.flow, value: value)
            default: break
            }
            modal = .picker(m)
        case let .confirm(batch):
            switch ConfirmDialog.answer(key) {
            case .yes: modal = nil; return send(batch.commands, expecting: batch.expecting, done: batch.done)
            case .no: modal = nil; return [.notice("Cancelled.")]
            case .undecided: break
            }
        case var .form(form):
            switch key {
            case .escape, .ctrl("c"): modal = nil; return [.notice("Cancelled — no incident opened.")]
            case .ctrl("e"):
                if form.focus.isChoice { form.focus = .description; modal = .form(form) }
                return [.editText(form.focusedInput?.text ?? "")]
            case .tab, .down: form.focus = NewIncidentForm.Field(rawValue: (form.focus.rawValue + 1) % NewIncidentForm.Field.allCases.count)!
            case .backTab, .up:
                let n = NewIncidentForm.Field.allCases.count
                form.focus = NewIncidentForm.Field(rawValue: (form.focus.rawValue + n - 1) % n)!
            case .left where form.focus.isChoice: form.cycle(-1)
            case .right where form.focus.isChoice, .char(" ") where form.focus.isChoice: form.cycle(1)
            case .enter:
                let new = form.newIncident
                if new.title.isEmpty { form.focus = .title; modal = .form(form); return [.error("A new incident needs a title")] }
                if new.caller.isEmpty { form.focus = .caller; modal = .form(form); return [.error("A new incident needs a caller")] }
                modal = nil
                return send([.openIncident(new)], done: "Opened “\(new.title)” (\(form.priority))")
            default:
                if var input = form.focusedInput {
                    input.handle(key)
                    form.focusedInput = input
                }
            }
            modal = .form(form)
        }
        return []
    }

    /// Text back from `$EDITOR` replaces the text being typed.
    public mutating func edited(_ text: String?, context: PaneContext) -> [Effect] {
        guard let text else { return [] }
        let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
        switch modal {
        case var .input(m):
            m.input.text = trimmed
            modal = .input(m)
        case var .form(form):
            form.focusedInput = TextInput(trimmed)
            modal = .form(form)
        default:
            break
        }
        return []
    }

    func versions(of ids: [RecordID]) -> [RecordID: UInt64] {
        var out: [RecordID: UInt64] = [:]
        if let table = snapshot?.table {
            for id in ids { if let row = table.row(id) { out[id] = row.version } }
        }
        return out
    }

    /// `INC-12`, or `3 incidents`; with `listing`, up to five IDs then `and N more`.
    static func describe(_ ids: [RecordID], listing: Bool = false) -> String {
        if ids.count == 1 { return ids[0].description }
        guard listing else { return "\(ids.count) incidents" }
        let shown = ids.prefix(5).map(\.description).joined(separator: ", ")
        return "\(ids.count) incidents (\(shown)" + (ids.count > 5 ? " and \(ids.count - 5) more)" : ")")
    }

    static func parseID(_ text: String, kind: RecordKind) -> RecordID? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if let n = Int(t), n > 0 { return RecordID(kind, n) }
        guard let id = RecordID(parsing: t), id.kind == kind else { return nil }
        return id
    }
}

extension Command {
    /// The incident a command acts on, if it acts on one.
    var incidentID: RecordID? {
        switch self {
        case let .editIncident(id, _), let .overridePriority(id, _, _), let .clearPriorityOverride(id), let .takeIncident(id),
             let .assignIncident(id, _, _), let .releaseIncident(id), let .moveIncident(id, _, _, _, _), let .addWorkNote(id, _),
             let .addCustomerReply(id, _), let .proposeMajorIncident(id, _), let .acceptMajorIncident(id),
             let .rejectMajorIncident(id, _), let .setParent(id, _), let .updateParentAndChildren(id, _):
            return id
        case let .linkIncident(_, incident), let .unlinkIncident(_, incident):
            return incident
        default:
            return nil
        }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
