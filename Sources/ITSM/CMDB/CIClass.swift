import Foundation

/// The type of one CI attribute; values are checked against it before they are recorded.
public enum CIAttributeType: Hashable, Sendable, CustomStringConvertible {
    case text
    case integer
    case number
    case bool
    case date
    /// One of a fixed list of words (e.g. a database engine).
    case choice([String])

    /// Whether `value` may be stored under an attribute of this type. `.none` clears a value.
    public func accepts(_ value: FieldValue) -> Bool {
        switch (self, value) {
        case (_, .none): true
        case (.text, .text), (.integer, .int), (.number, .number), (.number, .int), (.bool, .bool), (.date, .time): true
        case let (.choice(options), .text(word)): options.contains(word)
        default: false
        }
    }

    public var description: String {
        switch self {
        case .text: "text"
        case .integer: "a whole number"
        case .number: "a number"
        case .bool: "yes or no"
        case .date: "a date"
        case let .choice(options): "one of " + options.joined(separator: ", ")
        }
    }
}

/// A class of configuration item and the attributes its CIs may carry.
public struct CIClass: Hashable, Sendable {
    public var name: String
    public var attributes: [String: CIAttributeType]
    /// Attributes a CI of this class must have when it is created.
    public var required: Set<String>

    public init(_ name: String, attributes: [String: CIAttributeType], required: Set<String> = []) {
        self.name = name
        self.attributes = attributes
        self.required = required
    }
}

/// The CI classes a desk knows, as data: adding a class is adding a value, not code.
public struct CIClassCatalogue: Hashable, Sendable {
    public var classes: [String: CIClass]

    public init(_ classes: [CIClass]) {
        self.classes = Dictionary(classes.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    public subscript(name: String) -> CIClass? { classes[name] }

    /// CIs of this class stand for business services of the same name, so impact analysis
    /// can say which services go down.
    public static let serviceClass = "service"

    public static let standard = CIClassCatalogue([
        CIClass("server", attributes: [
            "os": .text, "cpu-cores": .integer, "memory-gb": .number, "location": .text, "virtual": .bool,
        ], required: ["location"]),
        CIClass("database", attributes: [
            "engine": .choice(["postgresql", "oracle", "mysql", "mssql", "db2"]), "version": .text, "size-gb": .number,
        ], required: ["engine"]),
        CIClass("application", attributes: ["version": .text, "vendor": .text, "url": .text]),
        CIClass("network-device", attributes: [
            "model": .text, "ports": .integer, "location": .text, "management-ip": .text,
        ]),
        CIClass("site", attributes: ["address": .text]),
        CIClass("rack", attributes: ["location": .text, "units": .integer]),
        CIClass(serviceClass, attributes: ["owner": .text, "hours": .text]),
    ])
}
