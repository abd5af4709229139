import Foundation
import Testing
@testable import ITSM

/// Random commands from random people against a staffed desk: every decision is events or a
/// `Refusal` (nothing else escapes), base versions always match the record's version, and
/// folding the log from scratch gives the state built step by step.
@Suite struct RandomCommandTests {
    static let people = ["alice", "bob", "mia", "nora", "root", "stranger"]

    static func randomCommand(_ rng: inout SplitMix64, incidents: Int, problems: Int) -> Command {
        func inc() -> RecordID { RecordID(.incident, Int.random(in: 1...max(1, incidents + 1), using: &rng)) }
        func prb() -> RecordID { RecordID(.problem, Int.random(in: 1...max(1, problems + 1), using: &rng)) }
        let state = IncidentState.allCases.randomElement(using: &rng)!
        switch Int.random(in: 0..<18, using: &rng) {
        case 0, 1: return .openIncident(NewIncident(title: "Thing broke \(rng.next() % 100)", caller: "carol",
                                                    impact: Impact.allCases.randomElement(using: &rng)!,
                                                    urgency: Urgency.allCases.randomElement(using: &rng)!,
                                                    service: ["Payroll", "Mail", nil].randomElement(using: &rng)!))
        case 2: return .takeIncident(inc())
        case 3: return .assignIncident(inc(), group: ["Service Desk", "Network", nil].randomElement(using: &rng)!,
                                       assignee: ["alice", "bob", "mia", nil].randomElement(using: &rng)!)
        case 4: return .releaseIncident(inc())
        case 5, 6: return .moveIncident(inc(), to: state, holdReason: HoldReason.allCases.randomElement(using: &rng),
                                        resolution: ResolutionCode.allCases.randomElement(using: &rng),
                                        notes: Bool.random(using: &rng) ? "because" : "")
        case 7: return .addCustomerReply(inc(), "hello")
        case 8: return .editIncident(inc(), IncidentEdit(impact: Impact.allCases.randomElement(using: &rng)))
        case 9: return .overridePriority(inc(), Priority.allCases.randomElement(using: &rng)!, reason: "vip")
        case 10: return .proposeMajorIncident(inc(), reason: "big")
        case 11: return Bool.random(using: &rng) ? .acceptMajorIncident(inc()) : .rejectMajorIncident(inc(), reason: "no")
        case 12: return .setParent(inc(), parent: Bool.random(using: &rng) ? inc() : nil)
        case 13: return .updateParentAndChildren(inc(), Bool.random(using: &rng) ? .workNote("n") : .resolve(.duplicate, notes: "dup"))
        case 14: return .openProblem(NewProblem(title: "Cause", service: "Payroll"))
        case 15: return .linkIncident(problem: prb(), incident: inc())
        case 16: return .moveProblem(prb(), to: ProblemState.allCases.randomElement(using: &rng)!,
                                     resolution: ProblemResolution.allCases.randomElement(using: &rng), notes: "n")
        default: return .autoCloseResolved
        }
    }

    @Test(arguments: 1...12)
    func decisionsAreEventsOrRefusalsAndTheFoldAgrees(seed: Int) throws {
        var desk = try SLADesk.make()
        var rng = SplitMix64(seed: UInt64(seed))
        var accepted = 0
        for _ in 0..<300 {
            desk.now += TimeInterval(Int.random(in: 0...7200, using: &rng))
            let command = Self.randomCommand(&rng, incidents: desk.state.incidents.count, problems: desk.state.problems.count)
            let who = Self.people.randomElement(using: &rng)!
            do {
                let events = try decide(command, by: who, at: desk.now, in: desk.state)
                for e in events {  // applied one by one, so each must be built on the version before it
                    #expect(e.baseVersion == desk.state.version(of: e.record), "seed \(seed) \(command)")
                    desk.state.apply(e)
                }
                desk.log += events
                accepted += events.isEmpty ? 0 : 1
            } catch is Refusal {
                continue
            }
        }
        #expect(accepted > 20, "the generator should produce real work, not only refusals")
        #expect(DeskState(events: desk.log) == desk.state, "seed \(seed)")
    }
}
