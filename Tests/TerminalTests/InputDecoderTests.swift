import Testing
@testable import Terminal

@Suite struct InputDecoderTests {
    let codes = KeyCodes.ncurses

    func key(_ raw: RawInput) -> Key? {
        if case let .key(k)? = InputDecoder.decode(raw) { return k }
        return nil
    }

    @Test(arguments: [
        (0x09, Key.tab), (0x0D, .enter), (0x0A, .enter), (0x7F, .backspace), (0x08, .backspace),
        (0x1B, .escape), (0x01, .ctrl("a")), (0x03, .ctrl("c")), (0x1A, .ctrl("z")), (0x11, .ctrl("q")),
        (0x61, .char("a")), (0x20, .char(" ")), (0x51, .char("Q")), (0x6F22, .char("漢")), (0x1F600, .char("😀")),
    ] as [(UInt32, Key)])
    func characters(value: UInt32, expected: Key) {
        #expect(key(.character(value)) == expected)
    }

    @Test func controlsWithNoMeaningAreDropped() {
        #expect(InputDecoder.decode(.character(0x00)) == nil)
        #expect(InputDecoder.decode(.character(0x1C)) == nil)
        #expect(InputDecoder.decode(.character(0x9B)) == nil)   // C1 CSI
        #expect(InputDecoder.decode(.character(0xD800)) == nil) // not a scalar
    }

    @Test func keyCodes() {
        let table: [(Int32, Key)] = [
            (0o403, .up), (0o402, .down), (0o404, .left), (0o405, .right),
            (0o406, .home), (0o550, .end), (0o523, .pageUp), (0o522, .pageDown),
            (0o513, .insert), (0o512, .delete), (0o407, .backspace), (0o527, .enter), (0o541, .backTab),
            (0o534, .home), (0o537, .end), (0o535, .pageUp), (0o540, .pageDown),
        ]
        for (code, expected) in table { #expect(key(.keyCode(code)) == expected, "code \(code)") }
    }

    @Test func functionKeysOneToTwelve() {
        for n in 1...12 { #expect(key(.keyCode(codes.f0 + Int32(n))) == .function(n)) }
        #expect(key(.keyCode(codes.f0)) == nil)
        #expect(key(.keyCode(codes.f0 + 13)) == nil)  // shifted F1 on xterm: not ours
        #expect(key(.keyCode(0o1000)) == nil)         // unknown extended key
    }

    @Test func mouse() {
        #expect(InputDecoder.decode(.mouse(state: .button1Pressed, x: 3, y: 4)) == .mouse(MouseEvent(kind: .press(button: 1), x: 3, y: 4)))
        #expect(InputDecoder.decode(.mouse(state: .button3Clicked, x: 0, y: 0)) == .mouse(MouseEvent(kind: .press(button: 3), x: 0, y: 0)))
        #expect(InputDecoder.decode(.mouse(state: .button1Released, x: 3, y: 4)) == .mouse(MouseEvent(kind: .release, x: 3, y: 4)))
        #expect(InputDecoder.decode(.mouse(state: .wheelUp, x: 1, y: 2)) == .mouse(MouseEvent(kind: .wheelUp, x: 1, y: 2)))
        #expect(InputDecoder.decode(.mouse(state: .wheelDown, x: 1, y: 2)) == .mouse(MouseEvent(kind: .wheelDown, x: 1, y: 2)))
        #expect(InputDecoder.decode(.mouse(state: [], x: 1, y: 2)) == nil)
    }

    @Test func resizeCarriesTheNewSize() {
        #expect(InputDecoder.decode(.resize(Size(width: 60, height: 20))) == .resize(Size(width: 60, height: 20)))
    }

    @Test func scalarsOfOneGraphemeArriveAsOneCharacter() {
        let typed: [RawInput] = [.character(0x65), .character(0x301), .character(0x78)]
        #expect(InputDecoder.decode(typed) == [.key(.char("e\u{301}")), .key(.char("x"))])
        let family: [RawInput] = [0x1F468, 0x200D, 0x1F469, 0x200D, 0x1F467].map { .character($0) }
        #expect(InputDecoder.decode(family) == [.key(.char("👨\u{200D}👩\u{200D}👧"))])
    }

    @Test func aBatchKeepsItsOrder() {
        let raws: [RawInput] = [.character(0x61), .keyCode(0o403), .character(0x62), .character(0x1B), .resize(Size(width: 1, height: 2))]
        #expect(InputDecoder.decode(raws) == [
            .key(.char("a")), .key(.up), .key(.char("b")), .key(.escape), .resize(Size(width: 1, height: 2)),
        ])
    }
}
