import Foundation
import ITSM
import Terminal

/// The step of an action a modal's answer feeds: actions that need a reason, a code or a
/// choice go through one or more of these before they become commands.
enum Flow: Hashable, Sendable {
    case note([RecordID]), reply([RecordID])
    case state([RecordID])
    case holdReason([RecordID])
    case resolveCode([RecordID]), resolveNote([RecordID], ResolutionCode)
    case cancelNote([RecordID]), reopenNote([RecordID])
    case assignGroup([RecordID]), assignAgent([RecordID], group: String)
    case impactUrgency([RecordID])
    case linkProblem([RecordID])
    case majorReason([RecordID]), majorDecision([RecordID]), majorRejectReason([RecordID])
    case parent([RecordID])
}

/// One line of text asked for (a note, a reason, an ID).
struct InputModal: Hashable, Sendable {
    var title: String
    var prompt: String
    var input = TextInput()
    var flow: Flow
    /// Empty text is refused with this sentence (nil: empty is fine).
    var requiredMessage: String?
}

/// One choice from a short list (states, hold reasons, groups, agents…).
struct PickerModal: Hashable, Sendable {
    var title: String
    var options: [String]
    /// What each option stands for (a raw value, a name); same order as `options`.
    var values: [String]
    var selected = 0
    var flow: Flow
    /// A line under the list, e.g. the priority the choice gives.
    var footnote: String?

    mutating func move(_ delta: Int) {
        guard !options.isEmpty else { return }
        selected = max(0, min(options.count - 1, selected + delta))
    }

    var value: String? { values.indices.contains(selected) ? values[selected] : nil }
}

/// Several incidents at once: one confirmation for the whole batch.
struct BatchConfirm: Hashable, Sendable {
    var dialog: ConfirmDialog
    var commands: [Command]
    /// The versions the agent saw (a stale edit is refused).
    var expecting: [RecordID: UInt64]
    /// The notice when the batch is done, e.g. "Took 3 incidents".
    var done: String
}

/// The new-incident form: text fields and pickers, Tab between them.
struct NewIncidentForm: Hashable, Sendable {
    enum Field: Int, CaseIterable, Hashable, Sendable {
        case title, caller, impact, urgency, service, ci, group, description
        var label: String {
            switch self {
            case .title: "Title"
            case .caller: "Caller"
            case .impact: "Impact"
            case .urgency: "Urgency"
            case .service: "Service"
            case .ci: "CI"
            case .group: "Group"
            case .description: "Description"
            }
        }
        var isChoice: Bool { self == .impact || self == .urgency || self == .service || self == .group }
    }

    var focus: Field = .title
    var title = TextInput()
    var caller: TextInput
    var ci = TextInput()
    var description = TextInput()
    var impact: Impact = .individual
    var urgency: Urgency = .medium
    /// "" is none; the rest are the directory's names.
    var services: [String]
    var service = 0
    var groups: [String]
    var group = 0
    var matrix: PriorityMatrix

    init(caller: String, services: [String], groups: [String], defaultGroup: String?, matrix: PriorityMatrix) {
        self.caller = TextInput(caller)
        self.services = [""] + services
        self.groups = [""] + groups
        self.matrix = matrix
        if let g = defaultGroup, let i = self.groups.firstIndex(of: g) { group = i }
    }

    var priority: Priority { matrix[impact, urgency] }

    /// The text input of the focused field, when it is a text field.
    var focusedInput: TextInput? {
        get {
            switch focus {
            case .title: title
            case .caller: caller
            case .ci: ci
            case .description: description
            default: nil
            }
        }
        set {
            guard let newValue else { return }
            switch focus {
            case .title: title = newValue
            case .caller: caller = newValue
            case .ci: ci = newValue
            case .description: description = newValue
            default: break
            }
        }
    }

    /// The value a field shows.
    func display(_ field: Field) -> String {
        switch field {
        case .title: title.text
        case .caller: caller.text
        case .ci: ci.text
        case .description: description.text
        case .impact: "‹ \(impact) ›"
        case .urgency: "‹ \(urgency) ›"
        case .service: "‹ " + (services[service].isEmpty ? "none" : services[service]) + " ›"
        case .group: "‹ " + (groups[group].isEmpty ? "none" : groups[group]) + " ›"
        }
    }

    /// Left/Right on a choice field.
    mutating func cycle(_ delta: Int) {
        func step<T: CaseIterable & Equatable>(_ value: T) -> T {
            let all = Array(T.allCases)
            let i = all.firstIndex(of: value)!
            return all[((i + delta) % all.count + all.count) % all.count]
        }
        switch focus {
        case .impact: impact = step(impact)
        case .urgency: urgency = step(urgency)
        case .service: service = ((service + delta) % services.count + services.count) % services.count
        case .group: group = ((group + delta) % groups.count + groups.count) % groups.count
        default: break
        }
    }

    var newIncident: NewIncident {
        func opt(_ s: String) -> String? {
            let t = s.trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? nil : t
        }
        return NewIncident(title: title.text.trimmingCharacters(in: .whitespaces), caller: caller.text.trimmingCharacters(in: .whitespaces),
                           impact: impact, urgency: urgency, description: description.text,
                           service: opt(services[service]), ci: opt(ci.text), group: opt(groups[group]))
    }
}

/// What has the keyboard in the pane besides the list itself.
enum Modal: Hashable, Sendable {
    case input(InputModal)
    case picker(PickerModal)
    case confirm(BatchConfirm)
    case form(NewIncidentForm)
}
