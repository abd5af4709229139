import Testing
@testable import DeskStore

/// The queue's radix sort when the keys' low bytes are their input position: sorting only the
/// bytes above gives the full order (the sort is stable).
@Suite struct RadixSortTests {
    @Test(arguments: [65, 1_000, 70_000])
    func skippingThePositionBytesGivesTheFullOrder(count: Int) {
        var g = SystemRandomNumberGenerator()
        // Few distinct primaries and priorities, so ties are decided by position.
        let keys = (0..<count).map { k in
            UInt64(UInt32.random(in: 0..<50, using: &g)) << 32 | UInt64(UInt8.random(in: 1...5, using: &g)) << 24 | UInt64(k)
        }
        var sorted = keys
        RadixSort.sort(&sorted, fromByte: 3)
        #expect(sorted == keys.sorted())
        var full = keys
        RadixSort.sort(&full)
        #expect(full == keys.sorted())
    }
}
