import Foundation

/// One CI or service to bring back after a loss, in the order the scenario recommends.
public struct RecoveryItem: Hashable, Sendable {
    public var ci: String
    public var isService: Bool
    /// 1 = can start at once; n = can start when stage n − 1 items it needs are back.
    public var stage: Int
    /// When it is expected back, counted from the moment recovery starts: the latest of what
    /// it needs, plus its own recovery time.
    public var readyAfter: TimeInterval
    /// Part of a dependency cycle: the cycle's members are recovered together, and someone
    /// must decide which to bring up first.
    public var inCycle: Bool
}

/// Whether a down service will be back within its RTO.
public struct RTOAssessment: Hashable, Sendable {
    public var service: String
    /// nil when the service has no business impact analysis.
    public var rto: TimeInterval?
    public var estimate: TimeInterval
    /// Whether the estimate rests on a plan's recovery time for the service itself.
    public var hasPlan: Bool
    public var atRisk: Bool { rto.map { estimate > $0 } ?? false }
}

/// "This site / these CIs are lost": what goes down, in what order to bring it back, and
/// which services' RTOs are at risk.
public struct LossScenario: Hashable, Sendable {
    public var impact: ImpactResult
    /// By stage, then criticality (critical first), then name.
    public var recoveryOrder: [RecoveryItem]
    /// Every down service, at-risk ones first, then by name.
    public var rto: [RTOAssessment]

    public var downServices: [String] { impact.services.map(\.ci) }
    public var stages: [[String]] {
        Dictionary(grouping: recoveryOrder, by: \.stage).sorted { $0.key < $1.key }.map { $0.value.map(\.ci) }
    }
}

/// Plays out the loss of `lost` (a site CI contains what is in it, so losing the site loses
/// them too). Everything impact analysis reports as down must come back; an item can start
/// when what it needs is back — every plain requirement, and for a redundancy group only as
/// many members as bring the group back to its rule (the quickest ones). Recovery times come
/// from continuity plans, then `recoveryTimes` (for CIs without a plan), else 0 (it comes
/// back by itself once what it needs is back).
public func playLoss(of lost: Set<String>, cmdb: CMDB, continuity: ContinuityBook,
                     recoveryTimes: [String: TimeInterval] = [:]) -> LossScenario {
    let impact = analyseImpact(of: lost, in: cmdb)
    let down = impact.names
    let duration = { (ci: String) in continuity.plans[ci]?.recoveryTime ?? recoveryTimes[ci] ?? 0 }

    // What each down item needs: plain requirements, and failed groups with how many of
    // their down members must return.
    struct Needs { var plain: [String] = []; var groups: [(members: [String], count: Int)] = [] }
    var needs: [String: Needs] = [:]
    for ci in down {
        var n = Needs()
        var seenGroups = Set<String>()
        for (req, _) in cmdb.requirements(of: ci) where down.contains(req) {
            if let g = cmdb.group(of: req) {
                let upCount = g.members.filter { !down.contains($0) }.count
                guard upCount < g.requiredUp, seenGroups.insert(g.name).inserted else { continue }
                n.groups.append((g.members.filter(down.contains).sorted(), g.requiredUp - upCount))
            } else {
                n.plain.append(req)
            }
        }
        needs[ci] = n
    }

    // Strongly connected components, dependencies first (Tarjan emits a component only after
    // every component it reaches).
    let components = stronglyConnected(down.sorted()) { ci in
        let n = needs[ci]!
        return n.plain + n.groups.flatMap(\.members)
    }

    var stage: [String: Int] = [:], ready: [String: TimeInterval] = [:]
    for component in components {
        let inside = Set(component)
        var startStage = 1, startTime: TimeInterval = 0
        for ci in component {
            let n = needs[ci]!
            for req in n.plain where !inside.contains(req) {
                startStage = max(startStage, stage[req]! + 1)
                startTime = max(startTime, ready[req]!)
            }
            for group in n.groups {
                let outside = group.members.filter { !inside.contains($0) }
                guard !outside.isEmpty else { continue }
                // The k-th quickest member brings the group back; members in the same cycle
                // cannot help earlier, so with too few outside we wait for all of those.
                let k = min(group.count, outside.count)
                startStage = max(startStage, outside.map { stage[$0]! }.sorted()[k - 1] + 1)
                startTime = max(startTime, outside.map { ready[$0]! }.sorted()[k - 1])
            }
        }
        for ci in component {
            stage[ci] = startStage
            ready[ci] = startTime + duration(ci)
        }
    }

    let byName = Dictionary(uniqueKeysWithValues: impact.items.map { ($0.ci, $0) })
    let cycles = Set(components.filter { $0.count > 1 }.flatMap { $0 })
    let order = down.map { ci in
        RecoveryItem(ci: ci, isService: byName[ci]!.isService, stage: stage[ci]!, readyAfter: ready[ci]!, inCycle: cycles.contains(ci))
    }.sorted { ($0.stage, byName[$0.ci]!.criticality, $0.ci) < ($1.stage, byName[$1.ci]!.criticality, $1.ci) }

    let rto = impact.services.map { s in
        RTOAssessment(service: s.ci, rto: continuity.impacts[s.ci]?.rto, estimate: ready[s.ci]!, hasPlan: continuity.plans[s.ci] != nil)
    }.sorted { ($0.atRisk ? 0 : 1, $0.service) < ($1.atRisk ? 0 : 1, $1.service) }

    return LossScenario(impact: impact, recoveryOrder: order, rto: rto)
}

/// Tarjan's algorithm over `nodes`, following `edges`; components come out dependencies first.
/// Iterative, so a long chain of CIs cannot overflow the stack.
func stronglyConnected(_ nodes: [String], edges: (String) -> [String]) -> [[String]] {
    var index: [String: Int] = [:], low: [String: Int] = [:], onStack = Set<String>()
    var stack: [String] = [], out: [[String]] = [], counter = 0
    let nodeSet = Set(nodes)
    for root in nodes where index[root] == nil {
        var work: [(node: String, next: [String], i: Int)] = []
        func open(_ v: String) {
            index[v] = counter; low[v] = counter; counter += 1
            stack.append(v); onStack.insert(v)
            work.append((v, edges(v).filter(nodeSet.contains).sorted(), 0))
        }
        open(root)
        while let top = work.last {
            if top.i < top.next.count {
                work[work.count - 1].i += 1
                let w = top.next[top.i]
                if index[w] == nil { open(w) } else if onStack.contains(w) { low[top.node] = min(low[top.node]!, index[w]!) }
            } else {
                work.removeLast()
                if let parent = work.last { low[parent.node] = min(low[parent.node]!, low[top.node]!) }
                if low[top.node] == index[top.node] {
                    var component: [String] = []
                    while let w = stack.popLast() {
                        onStack.remove(w)
                        component.append(w)
                        if w == top.node { break }
                    }
                    out.append(component.sorted())
                }
            }
        }
    }
    return out
}
