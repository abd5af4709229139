import Testing
import Terminal

@Suite struct TestBackendTests {
    @Test func goldenShowsTextStylesAndLegend() {
        let backend = TestBackend(size: Size(width: 6, height: 2))
        var canvas = Canvas(size: backend.size)
        canvas.draw("漢x", x: 0, y: 0, style: Style(foreground: .indexed(1), attributes: [.bold, .underline]))
        canvas.fill(Rect(x: 0, y: 1, width: 3, height: 1), style: Style(background: .rgb(0x12, 0xAB, 0x0F), attributes: .reverse))
        backend.present(canvas, cursor: (x: 1, y: 1))
        let expected = """
            ── text 6×2
            │漢x   │
            │      │
            ── styles
            aaabbb
            cccbbb
            ── legend
            a fg=1 bg=default bold,underline
            b fg=default bg=default
            c fg=default bg=#12ab0f reverse

            """
        #expect(backend.golden == expected)
        #expect(backend.lines == ["漢x   ", "      "])
        #expect(backend.cursor?.x == 1 && backend.cursor?.y == 1)
        #expect(backend.framesPresented == 1)
    }
}
