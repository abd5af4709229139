import Foundation

/// Every command of configuration management.
public enum CMDBOperation: Hashable, Sendable {
    case createCI(ciClass: String, status: CIStatus = .planned, criticality: Criticality = .medium,
                  attributes: [String: FieldValue] = [:])
    /// Sets (or, with `.none`, clears) attributes, each checked against the CI's class.
    case setAttributes([String: FieldValue])
    case setStatus(CIStatus)
    case setCriticality(Criticality)
    /// Records "this CI <type> target" on this CI.
    case relate(RelationshipType, to: String)
    case unrelate(RelationshipType, from: String)
    /// Defines or redefines the redundancy group named by the subject.
    case defineGroup(members: Set<String>, rule: RedundancyGroup.Rule)
}

/// Decides one CMDB command on the CI (or, for `.defineGroup`, the group) named `subject`.
public func decideCMDB(_ operation: CMDBOperation, subject: String, in cmdb: CMDB, by actor: Agent,
                       at now: Date, classes: CIClassCatalogue = .standard) throws(Refusal) -> [Event] {
    var batch = VersionedEvents(actor: actor.user, at: now)
    let id = RecordID(kind: .configurationItem, key: subject)
    switch operation {
    case let .createCI(className, status, criticality, attributes):
        guard !subject.isEmpty, !subject.contains(where: { $0.isWhitespace || $0 == ":" }) else {
            throw Refusal.invalid(field: "name", reason: "a CI name is one word without spaces or colons, like db-payroll-01")
        }
        guard cmdb[subject] == nil else { throw Refusal.rule("A CI named \(subject) already exists.") }
        guard let ciClass = classes[className] else {
            let known = classes.classes.keys.sorted().joined(separator: ", ")
            throw Refusal.invalid(field: CIField.ciClass, reason: "unknown CI class \"\(className)\"; known: \(known)")
        }
        try validate(attributes, for: ciClass)
        for name in ciClass.required.sorted() where (attributes[name] ?? FieldValue.none) == FieldValue.none {
            throw Refusal.invalid(field: CIField.attributePrefix + name, reason: "a \(className) needs \(name)")
        }
        var changes = [
            FieldChange(CIField.ciClass, to: .text(className)),
            FieldChange(CIField.status, to: .text(status.rawValue)),
            FieldChange(CIField.criticality, to: .int(Int64(criticality.rawValue))),
        ]
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) where value != .none {
            changes.append(FieldChange(CIField.attributePrefix + name, to: value))
        }
        batch.add(id, version: 0, .ciCreated, changes)

    case let .setAttributes(attributes):
        let ci = try existing(subject, in: cmdb)
        guard let ciClass = classes[ci.ciClass] else {
            throw Refusal.rule("\(subject) is of class \(ci.ciClass), which this desk no longer knows; its attributes cannot be checked.")
        }
        try validate(attributes, for: ciClass)
        var changes: [FieldChange] = []
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
            let old = ci.attributes[name] ?? .none
            if value == .none && ciClass.required.contains(name) {
                throw Refusal.invalid(field: CIField.attributePrefix + name, reason: "a \(ci.ciClass) needs \(name)")
            }
            if old != value { changes.append(FieldChange(CIField.attributePrefix + name, from: old, to: value)) }
        }
        guard !changes.isEmpty else { throw Refusal.rule("Nothing to change on \(subject).") }
        batch.add(id, version: ci.version, .ciAttributes, changes)

    case let .setStatus(status):
        let ci = try existing(subject, in: cmdb)
        guard CIStatus.next[ci.status]?.contains(status) == true else {
            let why = ci.status == .retired ? "a retired CI stays retired; register its replacement as a new CI"
                : "from \(ci.status) a CI may go to " + (CIStatus.next[ci.status] ?? []).map(\.description).sorted().joined(separator: ", ")
            throw Refusal.transitionNotAllowed(record: id, from: ci.status.description, to: status.description, reason: why)
        }
        if status == .retired, !(actor.has(.changeManager) || actor.has(.admin)) {
            throw Refusal.needsRole(.changeManager, toDo: "retiring a CI")
        }
        batch.add(id, version: ci.version, .ciStatus, [FieldChange(CIField.status, from: .text(ci.status.rawValue), to: .text(status.rawValue))])

    case let .setCriticality(criticality):
        let ci = try existing(subject, in: cmdb)
        guard ci.criticality != criticality else { throw Refusal.rule("\(subject) is already \(criticality).") }
        batch.add(id, version: ci.version, .ciCriticality, [
            FieldChange(CIField.criticality, from: .int(Int64(ci.criticality.rawValue)), to: .int(Int64(criticality.rawValue))),
        ])

    case let .relate(type, target):
        let ci = try existing(subject, in: cmdb)
        guard let other = cmdb[target] else { throw Refusal.notFound(RecordID(kind: .configurationItem, key: target)) }
        guard target != subject else { throw Refusal.rule("A CI cannot be related to itself.") }
        guard other.status != .retired, ci.status != .retired else {
            throw Refusal.rule("\(other.status == .retired ? target : subject) is retired; retired CIs take no new relationships.")
        }
        let already = ci.relationships.contains(CIRelationship(type, target))
            || (type.isSymmetric && other.relationships.contains(CIRelationship(type, subject)))
        guard !already else { throw Refusal.rule("\(subject) is already \(type) \(target).") }
        batch.add(id, version: ci.version, .ciRelated, [FieldChange(type.rawValue, to: .text(target))])

    case let .unrelate(type, target):
        let ci = try existing(subject, in: cmdb)
        guard ci.relationships.contains(CIRelationship(type, target)) else {
            throw Refusal.rule("\(subject) is not \(type) \(target).")
        }
        batch.add(id, version: ci.version, .ciUnrelated, [FieldChange(type.rawValue, from: .text(target), to: .none)])

    case let .defineGroup(members, rule):
        guard actor.has(.changeManager) || actor.has(.admin) else {
            throw Refusal.needsRole(.changeManager, toDo: "defining a redundancy group")
        }
        guard members.count >= 2 else { throw Refusal.invalid(field: CIField.members, reason: "a redundancy group needs at least two CIs") }
        if let unknown = members.sorted().first(where: { cmdb[$0] == nil }) {
            throw Refusal.notFound(RecordID(kind: .configurationItem, key: unknown))
        }
        if let taken = members.sorted().first(where: { m in cmdb.groups.values.contains { $0.name != subject && $0.members.contains(m) } }) {
            throw Refusal.rule("\(taken) already belongs to redundancy group \(cmdb.group(of: taken)?.name ?? "?"); a CI belongs to one group.")
        }
        let old = cmdb.groups[subject]
        var changes = [FieldChange(CIField.members, from: old.map { .list($0.members.sorted()) } ?? .none, to: .list(members.sorted()))]
        switch rule {
        case let .atLeast(n):
            guard (1...members.count).contains(n) else {
                throw Refusal.invalid(field: CIField.minUp, reason: "must be between 1 and \(members.count)")
            }
            changes.append(FieldChange(CIField.minUp, to: .int(Int64(n))))
        case let .atLeastPercent(p):
            guard p > 0, p <= 100 else { throw Refusal.invalid(field: CIField.minUpPercent, reason: "must be above 0 and at most 100") }
            changes.append(FieldChange(CIField.minUpPercent, to: .number(p)))
        }
        batch.add(RecordID(kind: .redundancyGroup, key: subject), version: old?.version ?? 0, .ciGroupDefined, changes)
    }
    return batch.events
}

private func existing(_ name: String, in cmdb: CMDB) throws(Refusal) -> ConfigurationItem {
    guard let ci = cmdb[name] else { throw Refusal.notFound(RecordID(kind: .configurationItem, key: name)) }
    return ci
}

private func validate(_ attributes: [String: FieldValue], for ciClass: CIClass) throws(Refusal) {
    for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
        guard let type = ciClass.attributes[name] else {
            let known = ciClass.attributes.keys.sorted().joined(separator: ", ")
            throw Refusal.invalid(field: CIField.attributePrefix + name, reason: "a \(ciClass.name) has no attribute \(name); it has \(known)")
        }
        guard type.accepts(value) else {
            throw Refusal.invalid(field: CIField.attributePrefix + name, reason: "must be \(type)")
        }
    }
}
