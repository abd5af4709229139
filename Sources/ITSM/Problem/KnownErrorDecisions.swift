import Foundation

extension Decider {
    /// Publishes a problem as a known error: a new `KE-n` record, linked both ways.
    mutating func publishKnownError(from problemID: RecordID, _ draft: KnownErrorDraft) throws {
        try requireAgent("publishing known errors")
        let prb = try problem(problemID)
        if let existing = prb.knownError {
            throw Refusal.rule("\(problemID) is already published as \(existing); edit that instead.")
        }
        let rootCause = draft.rootCause ?? prb.rootCause, workaround = draft.workaround ?? prb.workaround
        guard !(rootCause.isEmpty && workaround.isEmpty) else {
            throw Refusal.rule("\(problemID) has neither a root cause nor a workaround yet; a known error needs one.")
        }
        let id = state.nextID(.knownError)
        var changes: [FieldChange] = [
            FieldChange(KnownErrorField.problem.rawValue, to: .text(problemID.description)),
            FieldChange(KnownErrorField.title.rawValue, to: .text(try required(draft.title ?? prb.title, "title"))),
            FieldChange(KnownErrorField.symptom.rawValue, to: .text(draft.symptom ?? prb.description)),
            FieldChange(KnownErrorField.rootCause.rawValue, to: .text(rootCause)),
            FieldChange(KnownErrorField.workaround.rawValue, to: .text(workaround)),
            FieldChange(KnownErrorField.permanentFix.rawValue, to: .text(draft.permanentFix ?? "")),
            FieldChange(KnownErrorField.cis.rawValue, to: .list(draft.cis ?? prb.cis)),
            FieldChange(KnownErrorField.publishedAt.rawValue, to: .time(now)),
        ]
        if let service = prb.service { changes.append(FieldChange(KnownErrorField.service.rawValue, to: .text(service))) }
        batch.add(id, .knownErrorPublished, changes)
        var prbChanges = prb.changes
        prbChanges.set(.knownError, .optional(id))
        batch.add(problemID, .problemUpdated, prbChanges.list)
    }

    mutating func editKnownError(_ id: RecordID, _ draft: KnownErrorDraft) throws {
        try requireAgent("editing known errors")
        guard id.kind == .knownError, let ke = state.knownErrors[id] else { throw Refusal.notFound(id) }
        var changes = ke.changes
        if let title = draft.title { changes.set(.title, .text(try required(title, "title"))) }
        if let text = draft.symptom { changes.set(.symptom, .text(text)) }
        if let text = draft.rootCause { changes.set(.rootCause, .text(text)) }
        if let text = draft.workaround { changes.set(.workaround, .text(text)) }
        if let text = draft.permanentFix { changes.set(.permanentFix, .text(text)) }
        if let cis = draft.cis { changes.set(.cis, .list(cis)) }
        batch.add(id, .knownErrorUpdated, changes.list)
    }
}
