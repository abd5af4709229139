import Foundation
import Testing
@testable import ITSM

@Suite struct RecordIDTests {
    static let kinds: [(String, Bool)] = [("INC", true), ("KE", true), ("ci", false), ("agent", false), ("", false),
                                          ("Ärger", true), ("über", false), ("1x", false)]

    @Test(arguments: kinds)
    func numberedKindsStartWithACapital(raw: String, numbered: Bool) {
        #expect(RecordKind(rawValue: raw).isNumbered == numbered)
    }

    @Test func idsSortByKindThenNumber() {
        let ids = [RecordID(.incident, 10), RecordID(.incident, 9), RecordID(.problem, 1), RecordID(kind: .agent, key: "bob")]
        #expect(ids.sorted().map(\.description) == ["INC-9", "INC-10", "PRB-1", "agent:bob"])
        #expect(RecordID(parsing: "inc-1042") == RecordID(.incident, 1042))
    }
}
