import Testing

/// Real writer processes (`store-torture`) against one store. Serialized: each test already
/// loads both cores with its own processes. Run alone with `swift test --filter MultiProcess`.
@Suite(.serialized) struct MultiProcessTests {}
