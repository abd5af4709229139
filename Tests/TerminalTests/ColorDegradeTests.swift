import Testing
@testable import Terminal

@Suite struct ColorDegradeTests {
    @Test func defaultStaysDefaultEverywhere() {
        for colors in [0, 8, 16, 256, ColorDegrade.directColors] {
            #expect(ColorDegrade.nearest(.default, colors: colors) == .default)
        }
    }

    @Test func noColourTerminalGetsDefault() {
        #expect(ColorDegrade.nearest(.indexed(1), colors: 0) == .default)
        #expect(ColorDegrade.nearest(.rgb(255, 0, 0), colors: 2) == .default)
    }

    @Test func truecolorKeepsRGB() {
        #expect(ColorDegrade.nearest(.rgb(18, 52, 86), colors: ColorDegrade.directColors) == .rgb(18, 52, 86))
    }

    @Test(arguments: [
        ((0, 0, 0), 16), ((255, 255, 255), 231), ((255, 0, 0), 196), ((0, 255, 0), 46), ((0, 0, 255), 21),
        ((0, 135, 255), 33), ((95, 135, 175), 67), ((128, 128, 128), 244), ((8, 8, 8), 232), ((238, 238, 238), 255),
        ((250, 128, 114), 209), ((40, 40, 40), 235),
    ] as [((UInt8, UInt8, UInt8), UInt8)])
    func rgbTo256(rgb: (UInt8, UInt8, UInt8), expected: UInt8) {
        #expect(ColorDegrade.nearest(.rgb(rgb.0, rgb.1, rgb.2), colors: 256) == .indexed(expected))
    }

    @Test func indexedColoursThatFitAreKept() {
        #expect(ColorDegrade.nearest(.indexed(200), colors: 256) == .indexed(200))
        #expect(ColorDegrade.nearest(.indexed(12), colors: 16) == .indexed(12))
        #expect(ColorDegrade.nearest(.indexed(3), colors: 8) == .indexed(3))
    }

    @Test(arguments: [
        (Color.rgb(255, 0, 0), 9), (.rgb(200, 0, 0), 1), (.rgb(0, 0, 0), 0), (.rgb(255, 255, 255), 15),
        (.rgb(0, 200, 200), 6), (.indexed(196), 9), (.indexed(21), 4), (.indexed(244), 8), (.indexed(226), 11),
    ] as [(Color, UInt8)])
    func to16(color: Color, expected: UInt8) {
        #expect(ColorDegrade.nearest(color, colors: 16) == .indexed(expected))
    }

    @Test(arguments: [
        (Color.rgb(255, 0, 0), 1), (.rgb(0, 0, 0), 0), (.rgb(255, 255, 255), 7), (.indexed(9), 1),
        (.indexed(10), 2), (.indexed(21), 4), (.indexed(226), 3), (.indexed(15), 7), (.rgb(0, 255, 255), 6),
    ] as [(Color, UInt8)])
    func to8(color: Color, expected: UInt8) {
        #expect(ColorDegrade.nearest(color, colors: 8) == .indexed(expected))
    }

    @Test func paletteValues() {
        #expect(ColorDegrade.rgb(ofIndex: 16) == (0, 0, 0))
        #expect(ColorDegrade.rgb(ofIndex: 231) == (255, 255, 255))
        #expect(ColorDegrade.rgb(ofIndex: 67) == (95, 135, 175))
        #expect(ColorDegrade.rgb(ofIndex: 232) == (8, 8, 8))
        #expect(ColorDegrade.rgb(ofIndex: 255) == (238, 238, 238))
    }

    @Test func directColourNumbersAreRGB() {
        #expect(ColorDegrade.cursesNumber(.rgb(0x12, 0x34, 0x56), colors: ColorDegrade.directColors) == 0x123456)
        #expect(ColorDegrade.cursesNumber(.default, colors: 256) == -1)
        #expect(ColorDegrade.cursesNumber(.rgb(255, 0, 0), colors: 256) == 196)
    }
}

@Suite struct ColorPairCacheTests {
    @Test func eachCombinationIsDefinedOnce() {
        var cache = ColorPairCache(limit: 10)
        var defined: [(Int32, Int32, Int32)] = []
        let define: (Int32, Int32, Int32) -> Bool = { defined.append(($0, $1, $2)); return true }
        let a = cache.pair(for: .init(foreground: 1, background: -1), define: define)
        let b = cache.pair(for: .init(foreground: 2, background: 4), define: define)
        let again = cache.pair(for: .init(foreground: 1, background: -1), define: define)
        #expect(a == 1 && b == 2 && again == 1)
        #expect(defined.count == 2)
    }

    @Test func defaultColoursArePairZero() {
        var cache = ColorPairCache(limit: 10)
        #expect(cache.pair(for: .init(foreground: -1, background: -1)) { _, _, _ in Issue.record("defined"); return true } == 0)
    }

    @Test func whenPairsRunOutTheSameForegroundOrPairZeroIsUsed() {
        var cache = ColorPairCache(limit: 2)
        let ok: (Int32, Int32, Int32) -> Bool = { _, _, _ in true }
        #expect(cache.pair(for: .init(foreground: 1, background: 0), define: ok) == 1)
        #expect(cache.pair(for: .init(foreground: 2, background: 0), define: ok) == 2)
        #expect(cache.pair(for: .init(foreground: 1, background: 5), define: ok) == 1)  // same fg
        #expect(cache.pair(for: .init(foreground: 3, background: 5), define: ok) == 0)  // nothing close
        #expect(cache.pairs.count == 2)
    }

    @Test func aFailedDefinitionFallsBack() {
        var cache = ColorPairCache(limit: 5)
        #expect(cache.pair(for: .init(foreground: 1, background: 2)) { _, _, _ in false } == 0)
    }
}
