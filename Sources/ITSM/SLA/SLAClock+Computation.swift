import Foundation

/// What a clock does during one stretch between two marks.
enum ClockPhase: Equatable {
    case running, paused, stopped, cancelled
}

extension SLADefinition {
    /// The phase of `target` while the incident is as `mark` says.
    func phase(of target: SLATarget, during mark: SLAMark) -> ClockPhase {
        switch target {
        case .response:
            if mark.responded || mark.state == .resolved || mark.state == .closed { return .stopped }
            if mark.state == .cancelled { return .cancelled }
            if mark.state == .onHold, let r = mark.holdReason, responsePausesOn.contains(r) { return .paused }
            return .running
        case .resolution:
            switch mark.state {
            case .resolved, .closed: return .stopped
            case .cancelled: return .cancelled
            case .onHold:
                if let r = mark.holdReason, resolutionPausesOn.contains(r) { return .paused }
                return .running
            case .new, .assigned, .inProgress: return .running
            }
        }
    }
}

extension SLAClock {
    /// The clock for one target of `definition`, replayed over the whole of an incident's
    /// marks. Replaying everything (rather than adjusting a running total) is what keeps a
    /// recomputation after a priority or definition change honest: paused stretches are
    /// still paused, and business time already used is counted again, never lost.
    ///
    /// A resolved-then-reopened incident does not count the time it spent resolved.
    static func compute(definition: SLADefinition, target: SLATarget, targetSeconds: TimeInterval,
                        marks: [SLAMark], calendar: BusinessCalendar) -> SLAClock? {
        guard let first = marks.first, let last = marks.last else { return nil }
        var elapsed = 0.0
        var crossed: Date?
        var pauses: [DateInterval] = []
        var pausedSince: Date?
        var stoppedSince: Date?

        for (i, mark) in marks.enumerated() {
            let phase = definition.phase(of: target, during: mark)
            if phase == .paused {
                pausedSince = pausedSince ?? mark.at
            } else if let since = pausedSince {
                pauses.append(DateInterval(start: since, end: mark.at))
                pausedSince = nil
            }
            stoppedSince = phase == .stopped || phase == .cancelled ? (stoppedSince ?? mark.at) : nil
            guard i + 1 < marks.count, phase == .running else { continue }
            let end = marks[i + 1].at
            let span = calendar.businessSeconds(from: mark.at, to: end)
            if crossed == nil, elapsed + span > targetSeconds {
                crossed = calendar.adding(businessSeconds: targetSeconds - elapsed, to: mark.at)
            }
            elapsed += span
        }

        let phase = definition.phase(of: target, during: last)
        let stage: SLAStage
        var due: Date?
        switch phase {
        case .running:
            stage = .inProgress
            due = crossed ?? calendar.adding(businessSeconds: targetSeconds - elapsed, to: last.at)
        case .paused:
            stage = .paused
        case .stopped:
            stage = crossed == nil ? .achieved : .breached
        case .cancelled:
            stage = .cancelled
        }
        return SLAClock(definition: definition.name, target: target, targetSeconds: targetSeconds,
                        calendar: calendar.name, startedAt: first.at, pauses: pauses, pausedSince: pausedSince,
                        stoppedAt: stoppedSince, elapsedAtMark: elapsed, markAt: last.at, stageAtMark: stage,
                        due: due, breachedAt: crossed,
                        warningPercents: definition.warningPercents)
    }
}
