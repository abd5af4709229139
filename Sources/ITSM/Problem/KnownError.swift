import Foundation

/// A known error: a problem whose cause (and usually a workaround) is known, published so
/// the desk can find it at triage.
public struct KnownError: Hashable, Sendable {
    public let id: RecordID
    public var problem: RecordID?
    public var title: String = ""
    public var symptom: String = ""
    public var rootCause: String = ""
    public var workaround: String = ""
    public var permanentFix: String = ""
    public var cis: [String] = []
    public var service: String?
    public var publishedAt: Date

    public init(id: RecordID, publishedAt: Date) {
        self.id = id
        self.publishedAt = publishedAt
    }
}

/// The field names known-error events use.
public enum KnownErrorField: String, CaseIterable, Sendable {
    case problem, title, symptom, rootCause, workaround, permanentFix, cis, service, publishedAt
}

extension KnownError {
    mutating func apply(_ event: Event) {
        for c in event.changes {
            let v = c.to
            switch KnownErrorField(rawValue: c.field) {
            case .problem: problem = v.textValue.flatMap(RecordID.init(parsing:))
            case .title: title = v.textValue ?? title
            case .symptom: symptom = v.textValue ?? symptom
            case .rootCause: rootCause = v.textValue ?? rootCause
            case .workaround: workaround = v.textValue ?? workaround
            case .permanentFix: permanentFix = v.textValue ?? permanentFix
            case .cis: cis = v.listValue ?? []
            case .service: service = v.textValue.flatMap(nonEmpty)
            case .publishedAt: publishedAt = v.timeValue ?? publishedAt
            case nil: continue
            }
        }
    }
}
