import Foundation
import Testing
@testable import ITSM

@Suite struct RequiredTextTests {
    /// The native trim must agree with Foundation's `.whitespacesAndNewlines` on the text
    /// agents type (it replaced it for speed).
    @Test(arguments: ["", " ", "\n\t ", "VPN down", "  VPN down  ", "\nPrinter\n", "a", " a", "a ",
                      "\u{00A0}nbsp\u{00A0}", "\u{2003}em space\u{2003}", "line one\nline two", "Grüße ",
                      "e\u{301} ", " 👩‍💻 "])
    func trimsLikeFoundation(_ text: String) {
        #expect(text.trimmingWhiteSpace == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
