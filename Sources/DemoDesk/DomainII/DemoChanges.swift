import Foundation
import ITSM

/// The standard-change catalogue of the demo desk.
enum DemoChangeTemplates {
    static let osPatch = StandardChangeTemplate(
        name: "os-patch", title: "Monthly OS patching",
        implementationPlan: "Drain the server; apply the month's approved patches; reboot; return it to service.",
        backoutPlan: "Uninstall the patches or revert to the pre-patch snapshot.",
        testPlan: "Service health checks green; no new errors in the event log for 30 minutes.")
    static let tlsRenewal = StandardChangeTemplate(
        name: "tls-renewal", title: "Renew TLS certificate",
        implementationPlan: "Install the renewed certificate and chain; reload the service.",
        backoutPlan: "Reinstall the previous certificate (valid until its expiry).",
        testPlan: "Check the served certificate's expiry and chain from outside.")
    static let firewallRule = StandardChangeTemplate(
        name: "firewall-rule", title: "Add firewall rule (pre-approved pattern)",
        implementationPlan: "Add the rule from the approved request; commit the policy.",
        backoutPlan: "Remove the rule and commit the previous policy.",
        testPlan: "Requester confirms the connection works; deny logs show no collateral blocks.")
    static let apReplacement = StandardChangeTemplate(
        name: "ap-replacement", title: "Replace Wi-Fi access point",
        implementationPlan: "Swap the access point like for like; adopt it on the controller.",
        backoutPlan: "Refit the old access point if it still works; otherwise leave the area on neighbouring APs.",
        testPlan: "Client associates and passes traffic on both bands.", outageExpected: true)

    static let all = [osPatch, tlsRenewal, firewallRule, apReplacement]
    static let catalogue = StandardChangeCatalogue(all)
}

/// The demo's changes: a calendar over the last 60 days and the next 30, with freeze and
/// maintenance windows, and planted conflicts for the calendar to find.
enum DemoChanges {
    /// Titles of the planted changes, which tests and the tour look for.
    enum Planted {
        static let firmware = "Firmware upgrade on db-cluster-a"
        static let payrollIndexes = "Rebuild payroll database indexes"
        static let shopRelease = "Web shop release 3.14"
        static let shopPatch = "OS patching of shop-web-01"
        static let erpMigration = "Move ERP reporting jobs to the new batch server"
        static let shopDBTuning = "Tune shop-db-01 memory parameters"
        static let coreSwitchPSU = "Replace failed power supply in core-sw-02"
        static let vpnUpgrade = "Upgrade VPN gateway software to 11.1"
        static let nasDecommission = "Decommission nas-01 shares"
        static let wifiFloor5 = "Extend Wi-Fi coverage to floor 5"
        static let printMigration = "Move print server to a new VM"
        static let tls10 = "Disable TLS 1.0 on the mail gateway"
        static let ssoEmergency = "Emergency patch for SSO identity provider vulnerability"
    }

    static let yearEndFreeze = "Year-end freeze"
    static let monthEndFreeze = "Month-end close"
    static let shopDBMaintenance = "Web shop database: Sunday 01:00–05:00"
    static let exchangeMaintenance = "Exchange: Saturday 22:00–04:00"
    static let monthEndCIs = ["app-payroll-01", "db-payroll-01", "erp-prd-01", "erp-db-01"]
    static let maintenanceCIs: Set<String> = ["shop-db-01", "exch-mbx-01", "exch-mbx-02"]

    /// The year-end freeze of the year holding `now`: 15 December to 5 January.
    static func yearEnd(now: Date) -> DateInterval {
        let y = DemoTime.civil(now).year
        return DateInterval(start: DemoTime.midnight(CivilDate(y, 12, 15)), end: DemoTime.midnight(CivilDate(y + 1, 1, 5)))
    }

    /// The month-end close freeze after `now` + 3 days: the month's last day to the 3rd.
    static func monthEnd(now: Date) -> DateInterval {
        let d = DemoTime.civil(now.addingTimeInterval(3 * DemoTime.day))
        let next = d.month == 12 ? CivilDate(d.year + 1, 1, 1) : CivilDate(d.year, d.month + 1, 1)
        let first = DemoTime.midnight(next)
        return DateInterval(start: first.addingTimeInterval(-DemoTime.day), end: first.addingTimeInterval(3 * DemoTime.day))
    }

    static func windowCommands(cast: DemoCast, now: Date) -> [DemoCommand] {
        let at = now.addingTimeInterval(-75 * DemoTime.day)
        let defs: [(String, ChangeWindowPurpose, [String], WindowRecurrence)] = [
            (yearEndFreeze, .freeze, [], .once(yearEnd(now: now))),
            (monthEndFreeze, .freeze, monthEndCIs, .once(monthEnd(now: now))),
            (shopDBMaintenance, .maintenance, ["shop-db-01"], .weekly(weekday: 1, hour: 1, minute: 0, duration: 4 * DemoTime.hour, timeZone: .gmt)),
            (exchangeMaintenance, .maintenance, ["exch-mbx-01", "exch-mbx-02"], .weekly(weekday: 7, hour: 22, minute: 0, duration: 6 * DemoTime.hour, timeZone: .gmt)),
        ]
        return defs.enumerated().map { i, d in
            DemoCommand(actor: cast.changeManager, at: at.addingTimeInterval(Double(i) * 60),
                        operation: .window(.define(d.1, cis: d.2, recurrence: d.3), name: d.0))
        }
    }

    /// How far a change's life has got.
    enum Goal {
        /// Through to closure as far as time allows (the script stops at now).
        case live
        case new, assess
        /// In Authorize with only the change manager's vote.
        case authorize
        case review
        case cancelled(String)
        /// Rejected by a CAB member and cancelled.
        case rejected(by: String, reason: String)
    }

    struct Spec {
        var draft: ChangeDraft
        var risk: ChangeRiskQuestionnaire?
        var created: Date
        var gap: TimeInterval
        var goal: Goal = .live
        var outcome: ChangeCloseCode = .successful
        var reviewNote: String?
        /// Rejected once (by, reason), returned to New and reworked before approval.
        var rework: (by: String, reason: String)?
    }

    static func commands(services: [DemoCatalogue.ServiceSpec], cast: DemoCast, now: Date,
                         random rng: inout DemoRandom) -> [DemoCommand] {
        var specs = planted(services: services, cast: cast, now: now)
        // The rest of the calendar keeps off the planted CIs, so the planted conflicts stay the story.
        let avoid = Set(specs.flatMap(\.draft.affectedCIs))
        specs += background(services: services, cast: cast, now: now, avoiding: avoid, &rng)
        specs.sort { $0.created < $1.created }
        var all: [(at: Date, order: Int, command: DemoCommand)] = []
        for (i, spec) in specs.enumerated() {
            let id = RecordID(.change, i + 1)
            for step in script(spec, id: id, cast: cast) {
                guard step.at <= now.addingTimeInterval(-60) else { break }
                all.append((step.at, all.count, step))
            }
        }
        all.sort { ($0.at, $0.order) < ($1.at, $1.order) }
        return all.map(\.command)
    }

    // MARK: Scripts

    static func script(_ spec: Spec, id: RecordID, cast: DemoCast) -> [DemoCommand] {
        let d = spec.draft
        let requester = cast.agent(d.requester ?? cast.changeManager.user)
        let implementer = cast.agent(d.assignee ?? requester.user)
        let cm = cast.changeManager
        var out: [DemoCommand] = []
        var t = spec.created
        func step(_ actor: Agent, _ op: ChangeOperation, after gap: TimeInterval? = nil) {
            t.addTimeInterval(gap ?? spec.gap)
            out.append(DemoCommand(actor: actor, at: t, operation: .change(op, id: id)))
        }
        out.append(DemoCommand(actor: requester, at: t, operation: .change(.create(d), id: id)))
        if case .new = spec.goal { return out }
        let policy = DemoDomainII.changeRules.policy

        func approvalRound(complete: Bool) {
            guard let risk = spec.risk else { return }
            let requirement = policy.requirement(type: d.type, risk: ChangeRiskRule.level(risk))
            if d.type == .emergency {
                step(cm, .approve(comment: "Approved by the emergency CAB on the bridge call."), after: spec.gap / 4)
                for member in cast.cab.prefix(max(0, requirement.boardApprovals - 1)) where complete {
                    step(member, .approve(comment: "Agreed: the exposure is worse than the risk of the fix."), after: spec.gap / 4)
                }
                return
            }
            if requirement.changeManager { step(cm, .approve(comment: "Plans and risk assessment reviewed."), after: spec.gap / 2) }
            guard complete else { return }
            let comments = ["No objection.", "Fine from my side; keep the backout plan at hand.", "Approved; timing agreed with the service owner.", "OK."]
            for (k, member) in cast.cab.prefix(requirement.boardApprovals).enumerated() {
                step(member, .approve(comment: comments[k % comments.count]), after: spec.gap / 4)
            }
        }

        switch d.type {
        case .standard:
            step(cm, .schedule)
        case .emergency:
            if let risk = spec.risk { step(cm, .assessRisk(risk), after: spec.gap / 2) }
            step(cm, .requestAuthorization, after: spec.gap / 2)
            approvalRound(complete: true)
            step(cm, .schedule, after: spec.gap / 2)
        case .normal:
            step(requester, .submit)
            if case .assess = spec.goal { return out }
            if let risk = spec.risk { step(cm, .assessRisk(risk)) }
            step(cm, .requestAuthorization)
            if let rework = spec.rework {
                approvalRound(complete: false)
                step(cast.agent(rework.by), .reject(comment: rework.reason, outcome: .returnToNew))
                step(requester, .edit(ChangeEdit(justification: d.justification + " Reworked after CAB feedback: " + rework.reason)))
                step(requester, .submit)
                if let risk = spec.risk { step(cm, .assessRisk(risk)) }
                step(cm, .requestAuthorization)
            }
            if case .authorize = spec.goal { approvalRound(complete: false); return out }
            if case let .rejected(by, reason) = spec.goal {
                approvalRound(complete: false)
                step(cast.agent(by), .reject(comment: reason, outcome: .cancel))
                return out
            }
            approvalRound(complete: true)
            step(cm, .schedule)
        }
        if case let .cancelled(reason) = spec.goal {
            step(requester, .cancel(reason: reason))
            return out
        }
        guard let start = d.plannedStart, let end = d.plannedEnd else { return out }
        t = start
        step(implementer, .start(at: start.addingTimeInterval(180)), after: 180)
        let finished = end.addingTimeInterval(-Double(id.number! % 5) * 240)
        t = finished
        step(implementer, .complete(at: finished, code: spec.outcome), after: 0)
        if d.type == .standard && spec.outcome == .successful { return out }
        if case .review = spec.goal { return out }
        if let note = spec.reviewNote { step(implementer, .addReviewNote(note), after: DemoTime.day) }
        step(cm, .close, after: DemoTime.day)
        return out
    }

    // MARK: The planted changes

    static func planted(services: [DemoCatalogue.ServiceSpec], cast: DemoCast, now: Date) -> [Spec] {
        let today = DemoTime.startOfDay(now)
        func at(_ days: Double, _ hour: Double) -> Date { today.addingTimeInterval(days * DemoTime.day + hour * DemoTime.hour) }
        func serviceOf(_ cis: [String]) -> [String] {
            services.filter { s in DemoCMDB.cis(of: s).contains { cis.contains($0) } }.map(\.name)
        }
        func draft(_ type: ChangeType, _ title: String, template: String? = nil, cis: [String], group: String, assignee: String,
                   from start: Date, hours: Double, why: String, outage: Bool = false) -> ChangeDraft {
            ChangeDraft(type: type, title: title, template: template, requester: assignee, changeManager: cast.changeManager.user,
                        assignmentGroup: group, assignee: assignee, affectedCIs: cis, affectedServices: serviceOf(cis),
                        justification: why, implementationPlan: type == .standard ? "" : "1. Announce the window. 2. \(title). 3. Verify the services on the affected CIs.",
                        backoutPlan: type == .standard ? "" : "Restore the pre-change configuration from the backup taken at the start of the window.",
                        testPlan: type == .standard ? "" : "Service owner's smoke test; monitoring green for 30 minutes.",
                        plannedStart: start, plannedEnd: start.addingTimeInterval(hours * DemoTime.hour), outageExpected: outage)
        }
        let high = ChangeRiskQuestionnaire(outageExpected: true, highestCICriticality: .critical, testedBefore: true, backoutTested: false, affectedUsers: 2_000)
        let moderate = ChangeRiskQuestionnaire(outageExpected: false, highestCICriticality: .critical, testedBefore: true, backoutTested: true, affectedUsers: 300)
        let low = ChangeRiskQuestionnaire(outageExpected: false, highestCICriticality: .medium, testedBefore: true, backoutTested: true, affectedUsers: 5)
        let created = now.addingTimeInterval(-4 * DemoTime.day)
        let gap = 4 * DemoTime.hour
        // The freeze the planted freeze conflict falls in: year-end when it is near, else month-end close.
        let yearEnd = yearEnd(now: now), monthEnd = monthEnd(now: now)
        let freezeStart = yearEnd.start > now.addingTimeInterval(2 * DemoTime.day) && yearEnd.start < now.addingTimeInterval(27 * DemoTime.day)
            ? yearEnd.start : (yearEnd.contains(now.addingTimeInterval(3 * DemoTime.day)) ? today.addingTimeInterval(3 * DemoTime.day) : monthEnd.start)
        let erpStart = freezeStart.addingTimeInterval(DemoTime.day + 20 * DemoTime.hour)
        // The first Wednesday at least four days out, in office hours: outside shop-db-01's Sunday window.
        var wednesday = today.addingTimeInterval(4 * DemoTime.day)
        while DemoTime.weekday(wednesday) != 4 { wednesday.addTimeInterval(DemoTime.day) }

        return [
            // Two scheduled changes on related CIs at the same time: db-payroll-01 runs on db-cluster-a.
            Spec(draft: draft(.normal, Planted.firmware, cis: ["db-cluster-a"], group: "DBA", assignee: "olga", from: at(8, 21), hours: 4,
                              why: "Vendor advisory: the current firmware corrupts the write cache on power loss.", outage: true),
                 risk: high, created: created, gap: gap),
            Spec(draft: draft(.normal, Planted.payrollIndexes, cis: ["db-payroll-01"], group: "DBA", assignee: "pedro", from: at(8, 22), hours: 3,
                              why: "Payroll reports have slowed by 40 % since the last pay run."),
                 risk: moderate, created: created.addingTimeInterval(600), gap: gap),
            // Two scheduled changes on the same CI at the same time.
            Spec(draft: draft(.normal, Planted.shopRelease, cis: ["shop-web-01", "shop-web-02"], group: "Applications", assignee: "kate",
                              from: at(12, 20), hours: 3, why: "Black-week promotions need the new voucher engine."),
                 risk: moderate, created: created.addingTimeInterval(1_200), gap: gap),
            Spec(draft: draft(.standard, Planted.shopPatch, template: DemoChangeTemplates.osPatch.name, cis: ["shop-web-01"], group: "Applications",
                              assignee: "samir", from: at(12, 21), hours: 2.5, why: "Monthly patch cycle."),
                 risk: nil, created: created.addingTimeInterval(1_800), gap: gap),
            // Awaiting the CAB, inside a freeze.
            Spec(draft: draft(.normal, Planted.erpMigration, cis: ["erp-prd-01"], group: "Applications", assignee: "jonas",
                              from: erpStart, hours: 3, why: "The old batch server is out of support at the end of the year."),
                 risk: moderate, created: created.addingTimeInterval(2_400), gap: gap, goal: .authorize),
            // Scheduled on a Wednesday afternoon; shop-db-01 may only be changed on Sunday night.
            Spec(draft: draft(.normal, Planted.shopDBTuning, cis: ["shop-db-01"], group: "DBA", assignee: "olga",
                              from: wednesday.addingTimeInterval(14 * DemoTime.hour), hours: 1, why: "Checkout queries spill to disk under load."),
                 risk: low, created: created.addingTimeInterval(3_000), gap: gap),
            // Being implemented right now.
            Spec(draft: draft(.emergency, Planted.coreSwitchPSU, cis: ["core-sw-02"], group: "Network", assignee: "erik",
                              from: now.addingTimeInterval(-DemoTime.hour), hours: 3, why: "core-sw-02 runs on one power supply since last night's failure."),
                 risk: low, created: now.addingTimeInterval(-4 * DemoTime.hour), gap: 40 * DemoTime.minute),
            // Backed out three days ago; the review is still to be written.
            Spec(draft: draft(.normal, Planted.vpnUpgrade, cis: ["vpn-gw-01"], group: "Network", assignee: "nina", from: at(-3, 21), hours: 2,
                              why: "11.0 has a known memory leak on the VPN daemon."),
                 risk: moderate, created: now.addingTimeInterval(-12 * DemoTime.day), gap: gap * 3, goal: .review, outcome: .backedOut),
            Spec(draft: draft(.normal, Planted.nasDecommission, cis: ["nas-02"], group: "Infrastructure", assignee: "viktor", from: at(20, 19), hours: 4,
                              why: "nas-01 is retired; its last shares must move off before the lease ends."),
                 risk: nil, created: now.addingTimeInterval(-2 * DemoTime.day), gap: gap, goal: .new),
            Spec(draft: draft(.normal, Planted.wifiFloor5, cis: ["wlc-hq-01"], group: "Network", assignee: "erik", from: at(18, 19), hours: 4,
                              why: "Floor 5 opens to the Sales team in January."),
                 risk: nil, created: now.addingTimeInterval(-1 * DemoTime.day), gap: gap, goal: .assess),
            Spec(draft: draft(.normal, Planted.printMigration, cis: ["prn-srv-01"], group: "Workplace", assignee: "diego", from: at(-20, 19), hours: 3,
                              why: "Windows Server 2019 leaves mainstream support."),
                 risk: low, created: now.addingTimeInterval(-30 * DemoTime.day), gap: gap,
                 goal: .cancelled("Superseded: printing moves to the cloud print service next quarter.")),
            Spec(draft: draft(.normal, Planted.tls10, cis: ["mail-gw-01"], group: "Applications", assignee: "kate", from: at(-10, 20), hours: 1,
                              why: "Audit finding: TLS 1.0 still offered to external senders."),
                 risk: moderate, created: now.addingTimeInterval(-25 * DemoTime.day), gap: gap,
                 goal: .rejected(by: "rajesh", reason: "Three partners still send with TLS 1.0; agree a date with them first.")),
            Spec(draft: draft(.emergency, Planted.ssoEmergency, cis: ["sso-idp-01"], group: "Identity & Access", assignee: "lena",
                              from: at(-33, 18), hours: 2, why: "Actively exploited authentication bypass; vendor patch released today.", outage: true),
                 risk: high, created: at(-33, 14), gap: 40 * DemoTime.minute,
                 reviewNote: "Patched within four hours of the advisory. The ECAB call took 40 minutes to assemble: keep a standing bridge number."),
        ]
    }

    // MARK: The rest of the calendar

    private struct Work {
        var title: String
        var implementation: String
        var backout: String
        var test: String
    }

    private static let normalWork: [Work] = [
        Work(title: "Upgrade firmware on {ci}", implementation: "Upload and verify the image; fail over; upgrade {ci}; reboot; verify.",
             backout: "Boot the previous image from the alternate partition.", test: "Health checks green; no new alarms for 30 minutes."),
        Work(title: "Increase memory on {ci}", implementation: "Shut down {ci}; add memory; start and verify.",
             backout: "Remove the added memory and restart.", test: "Service smoke test; memory reported correctly."),
        Work(title: "Move {ci} to the new management VLAN", implementation: "Re-address the management interface; update DNS and monitoring.",
             backout: "Restore the old address and DNS records.", test: "Reachable from the jump hosts; monitoring green."),
        Work(title: "Upgrade {service} on {ci} to the next minor release", implementation: "Take a snapshot; run the vendor's upgrade; migrate the configuration.",
             backout: "Revert to the snapshot.", test: "Key user journeys pass; error rates normal for an hour."),
        Work(title: "Rotate service account credentials on {ci}", implementation: "Issue new credentials; update the vault and the service; restart.",
             backout: "Reinstate the previous credentials (kept for 24 hours).", test: "Service authenticates; no lockouts in the directory log."),
        Work(title: "Enable TLS 1.3 on {ci}", implementation: "Update the cipher configuration; reload.",
             backout: "Restore the previous configuration file.", test: "External scan shows TLS 1.2 and 1.3 only; clients connect."),
    ]

    private static let emergencyWork = [
        "Emergency patch for actively exploited flaw on {ci}",
        "Emergency restart of {ci} after runaway memory leak",
        "Emergency certificate replacement on {ci} (revoked by CA)",
    ]

    private static let reviewNotes = [
        "Went to plan; the window could be an hour shorter next time.",
        "A dependent batch job failed during the window: add it to the pre-change checklist.",
        "Backout was needed: the vendor image failed verification. Rescheduling after a lab test.",
        "Implementation overran by 40 minutes because the snapshot took longer than planned.",
        "Users in two departments noticed a short outage not in the communication: announce wider next time.",
    ]

    static func background(services: [DemoCatalogue.ServiceSpec], cast: DemoCast, now: Date, avoiding plantedCIs: Set<String>,
                           _ rng: inout DemoRandom) -> [Spec] {
        let candidates = services.filter { !DemoCMDB.cis(of: $0).isEmpty }
        let freezes = [yearEnd(now: now), monthEnd(now: now)]
        let today = DemoTime.startOfDay(now)
        var out: [Spec] = []
        for n in 0..<60 {
            let service = rng.pick(candidates)
            let pool = DemoCMDB.cis(of: service).filter { !plantedCIs.contains($0) && !maintenanceCIs.contains($0) }
            guard !pool.isEmpty else { continue }
            let ci = rng.pick(pool)
            let dayOffset = Double(rng.int(in: -60...30))
            let type: ChangeType = rng.weighted([(.standard, 0.42), (.normal, 0.48), (.emergency, dayOffset < -1 ? 0.10 : 0)])
            let hour = type == .standard && rng.chance(0.4) ? Double(rng.int(in: 9...15)) : Double(rng.pick([19, 20, 21, 22]))
            var start = today.addingTimeInterval(dayOffset * DemoTime.day + hour * DemoTime.hour)
            let hours = Double(rng.int(in: 1...4))
            // Nobody plans routine work into a freeze: it goes in before.
            if type != .emergency, let f = freezes.first(where: { $0.intersects(DateInterval(start: start, duration: hours * DemoTime.hour)) }) {
                start = DemoTime.startOfDay(f.start).addingTimeInterval(-4 * DemoTime.day + hour * DemoTime.hour)
            }
            let end = start.addingTimeInterval(hours * DemoTime.hour)
            let assignee = rng.pick(cast.members(of: service.group))
            let values = ["ci": ci, "service": service.name]
            func fill(_ s: String) -> String {
                var r = s
                for (k, v) in values { r = r.replacingOccurrences(of: "{\(k)}", with: v) }
                return r
            }
            var draft = ChangeDraft(type: type, title: "", requester: assignee, changeManager: cast.changeManager.user,
                                    assignmentGroup: service.group, assignee: assignee, affectedCIs: [ci], affectedServices: [service.name],
                                    justification: "", plannedStart: start, plannedEnd: end)
            var risk: ChangeRiskQuestionnaire?
            let lead: TimeInterval
            switch type {
            case .standard:
                let template: StandardChangeTemplate = service.group == "Network" ? rng.pick([DemoChangeTemplates.firewallRule, DemoChangeTemplates.apReplacement, DemoChangeTemplates.tlsRenewal])
                    : rng.pick([DemoChangeTemplates.osPatch, DemoChangeTemplates.osPatch, DemoChangeTemplates.tlsRenewal])
                draft.template = template.name
                draft.title = "\(template.title): \(ci)"
                draft.justification = "Routine: \(template.title.lowercased())."
                lead = Double(rng.int(in: 2...6)) * DemoTime.day
            case .normal, .emergency:
                let criticality = DemoCMDB.criticality(of: ci, services: services)
                risk = ChangeRiskQuestionnaire(outageExpected: rng.chance(0.3), highestCICriticality: criticality,
                                               testedBefore: rng.chance(0.75), backoutTested: rng.chance(0.5),
                                               affectedUsers: rng.pick([5, 40, 250, 1_500]))
                if type == .normal {
                    let work = rng.pick(normalWork)
                    draft.title = fill(work.title)
                    draft.implementationPlan = fill(work.implementation)
                    draft.backoutPlan = work.backout
                    draft.testPlan = work.test
                    draft.justification = rng.pick(["Vendor end of support approaching.", "Fixes the recurring problem behind recent incidents.",
                                                     "Security baseline requirement.", "Needed for the capacity plan.", "Requested by the service owner."])
                    lead = Double(rng.int(in: 5...16)) * DemoTime.day
                } else {
                    draft.title = fill(rng.pick(emergencyWork))
                    draft.implementationPlan = "Apply the fix to \(ci) under ECAB authority; keep the bridge open until verified."
                    draft.backoutPlan = "Restore \(ci) from the pre-change snapshot."
                    draft.justification = "Service at immediate risk."
                    lead = 3 * DemoTime.hour
                }
            }
            let created = start.addingTimeInterval(-lead)
            guard created < now.addingTimeInterval(-DemoTime.hour) else { continue }
            var spec = Spec(draft: draft, risk: risk, created: created, gap: lead / 14)
            if type != .standard {
                let roll = rng.unit()
                spec.outcome = roll < 0.78 ? .successful : roll < 0.90 ? .successfulWithIssues : roll < 0.96 ? .backedOut : .unsuccessful
            } else {
                spec.outcome = rng.chance(0.9) ? .successful : .successfulWithIssues
            }
            if spec.outcome != .successful || type == .emergency || rng.chance(0.5) {
                spec.reviewNote = spec.outcome.needsReview ? reviewNotes[2] : rng.pick(reviewNotes)
            }
            if type == .normal && end < now {
                if n % 13 == 5 { spec.goal = .cancelled("No longer needed: the vendor fixed it in a hot patch.") }
                if n % 17 == 8 { spec.rework = (by: rng.pick(cast.cab).user, reason: "Backout plan must say how long a restore takes.") }
            }
            out.append(spec)
        }
        return out
    }
}
