/// The three parts of the service portfolio.
public enum PortfolioPhase: String, CaseIterable, Hashable, Sendable {
    case pipeline, catalogue, retired
}

/// Where a service is in its life, from idea to obsolete.
public enum PortfolioStage: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    // Pipeline: proposed, not yet offered.
    case requirements, definition, analysis, approved, chartered
    // Catalogue: being built, or offered.
    case design, development
    case buildAndTest = "build-and-test"
    case operational, retiring
    // Retired.
    case retired, obsolete

    public var phase: PortfolioPhase {
        switch self {
        case .requirements, .definition, .analysis, .approved, .chartered: .pipeline
        case .design, .development, .buildAndTest, .operational, .retiring: .catalogue
        case .retired, .obsolete: .retired
        }
    }

    public var description: String { self == .buildAndTest ? "build and test" : rawValue }

    /// The stages this one may move to, in life order: what a stage menu offers.
    public var allowedNext: [PortfolioStage] { PortfolioStage.allCases.filter { Self.next[self]?.contains($0) == true } }

    /// Forward one step at a time; rework may step back where the work allows it (analysis
    /// to definition, development to design, build and test to development, retiring back
    /// to operational); a proposal may be dropped (retired) at any point of the pipeline.
    static let next: [PortfolioStage: Set<PortfolioStage>] = [
        .requirements: [.definition, .retired],
        .definition: [.analysis, .requirements, .retired],
        .analysis: [.approved, .definition, .retired],
        .approved: [.chartered, .retired],
        .chartered: [.design, .retired],
        .design: [.development],
        .development: [.buildAndTest, .design],
        .buildAndTest: [.operational, .development],
        .operational: [.retiring],
        .retiring: [.retired, .operational],
        .retired: [.obsolete],
        .obsolete: [],
    ]
}
