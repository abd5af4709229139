import Testing
import Terminal
@testable import Console

struct ThemeColorTests {
    static let spellings: [(String, Color?)] = [
        ("default", .default), ("DEFAULT", .default),
        ("black", .indexed(0)), ("red", .indexed(1)), ("green", .indexed(2)), ("yellow", .indexed(3)),
        ("blue", .indexed(4)), ("magenta", .indexed(5)), ("cyan", .indexed(6)), ("white", .indexed(7)),
        ("bright-black", .indexed(8)), ("bright-red", .indexed(9)), ("bright_green", .indexed(10)),
        ("BrightYellow", .indexed(11)), ("bright blue", .indexed(12)), ("bright-white", .indexed(15)),
        (" cyan ", .indexed(6)),
        ("0", .indexed(0)), ("208", .indexed(208)), ("255", .indexed(255)),
        ("#ff8700", .rgb(255, 135, 0)), ("#FF8700", .rgb(255, 135, 0)), ("#000000", .rgb(0, 0, 0)),
        ("redd", nil), ("", nil), ("bright", nil), ("bright-default", nil), ("brightest-red", nil),
        ("256", nil), ("-1", nil), ("#ff00", nil), ("#ff870000", nil), ("#gg0000", nil), ("ff8700", nil),
        ("rgb(1,2,3)", nil),
    ]

    @Test(arguments: spellings)
    func colourSpellingParsesToItsColourOrIsRefused(spelling: String, expected: Color?) {
        #expect(ThemeColor.parse(spelling) == expected)
    }

    @Test(arguments: [(0, Color.indexed(0)), (15, .indexed(15)), (255, .indexed(255))])
    func colourIndexInRangeIsIndexed(number: Int, expected: Color) {
        #expect(ThemeColor.parse(number) == expected)
    }

    @Test(arguments: [-1, 256, 1000])
    func colourIndexOutOfRangeIsRefused(number: Int) {
        #expect(ThemeColor.parse(number) == nil)
    }
}
