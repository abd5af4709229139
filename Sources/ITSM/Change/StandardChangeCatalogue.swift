/// A pre-approved, repeatable change: raising a change from it fills in the plans and
/// skips the approval round.
public struct StandardChangeTemplate: Hashable, Sendable {
    public var name: String
    public var title: String
    public var implementationPlan: String
    public var backoutPlan: String
    public var testPlan: String
    public var outageExpected: Bool

    public init(name: String, title: String, implementationPlan: String, backoutPlan: String,
                testPlan: String, outageExpected: Bool = false) {
        self.name = name
        self.title = title
        self.implementationPlan = implementationPlan
        self.backoutPlan = backoutPlan
        self.testPlan = testPlan
        self.outageExpected = outageExpected
    }
}

/// The catalogue of standard changes, by template name.
public struct StandardChangeCatalogue: Hashable, Sendable {
    public var templates: [String: StandardChangeTemplate]

    public init(_ templates: [StandardChangeTemplate] = []) {
        self.templates = Dictionary(templates.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    public subscript(name: String) -> StandardChangeTemplate? { templates[name] }
}
