import Foundation

/// A known error that may explain an incident, and why it was suggested.
public struct KnownErrorSuggestion: Hashable, Sendable {
    public var knownError: RecordID
    public var score: Int
    public var sameCI: Bool
    public var sameService: Bool
    /// Title words the two share, lower-cased, in alphabetical order.
    public var matchingWords: [String]
}

extension DeskState {
    /// Known errors worth a look while triaging `incident`, best first: the same CI weighs
    /// most, then the same service, then each shared title word. Known errors with nothing
    /// in common are left out.
    public func suggestKnownErrors(for incident: Incident, limit: Int = 5) -> [KnownErrorSuggestion] {
        let words = Self.significantWords(incident.title)
        var found: [KnownErrorSuggestion] = []
        for ke in knownErrors.values {
            let sameCI = incident.ci.map { ke.cis.contains($0) } ?? false
            let sameService = incident.service != nil && incident.service == ke.service
            let shared = words.intersection(Self.significantWords(ke.title + " " + ke.symptom)).sorted()
            let score = (sameCI ? 4 : 0) + (sameService ? 2 : 0) + shared.count
            guard score > 0 else { continue }
            found.append(KnownErrorSuggestion(knownError: ke.id, score: score, sameCI: sameCI,
                                              sameService: sameService, matchingWords: shared))
        }
        found.sort { $0.score != $1.score ? $0.score > $1.score : $0.knownError < $1.knownError }
        return Array(found.prefix(max(0, limit)))
    }

    /// Lower-cased words of three letters or more, minus words that match everything.
    static func significantWords(_ text: String) -> Set<String> {
        let stop: Set<String> = ["the", "and", "for", "not", "with", "from", "when", "cannot", "can't", "does", "after", "into"]
        return Set(text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
            .filter { $0.count >= 3 && !stop.contains($0) })
    }
}
