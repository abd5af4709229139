import Testing
@testable import Console

struct KeySuggestionTests {
    @Test(arguments: [("light", "light", 0), ("lihgt", "light", 1), ("bel", "bell", 1), ("kitten", "sitting", 3), ("", "abc", 3)])
    func distanceCountsSlips(a: String, b: String, expected: Int) {
        #expect(KeySuggestion.distance(a, b) == expected)
    }

    @Test func hintNamesTheClosestCandidateOnlyWhenClose() {
        #expect(KeySuggestion.hint(for: "bel", among: ["theme", "bell", "keys"]) == " (did you mean 'bell'?)")
        #expect(KeySuggestion.hint(for: "colours", among: ["theme", "bell", "keys"]) == "")
    }
}
