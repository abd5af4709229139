/// Maps a theme's colour to one the terminal can show: truecolor → 256 → 16 → 8 → none, by the
/// nearest colour. Pure, so the table is tested without a terminal.
public enum ColorDegrade {
    /// The number of colours of a direct-colour ("truecolor") terminal.
    public static let directColors = 1 << 24

    /// `color` as the terminal with `colors` colours can show it:
    /// - `.default` stays `.default` (the terminal's own colours);
    /// - with fewer than 8 colours everything becomes `.default`;
    /// - with `directColors` or more, `.rgb` is kept and `.indexed` kept as is;
    /// - with 256, `.rgb` becomes the nearest of the 6×6×6 cube and grey ramp (16–255; 0–15 are
    ///   left out because users retheme them);
    /// - with 16 or 8, anything becomes the nearest of the first 16 or 8 ANSI colours, taken at
    ///   xterm's default values.
    public static func nearest(_ color: Color, colors: Int) -> Color {
        switch color {
        case .default:
            return .default
        case _ where colors < 8:
            return .default
        case .indexed(let index):
            if Int(index) < colors { return color }
            return .indexed(nearestANSI(rgb(ofIndex: index), count: colors >= 16 ? 16 : 8))
        case let .rgb(r, g, b):
            if colors >= directColors { return color }
            if colors >= 256 { return .indexed(nearest256(r, g, b)) }
            return .indexed(nearestANSI((r, g, b), count: colors >= 16 ? 16 : 8))
        }
    }

    /// The colour number curses needs for `color` (-1 for the terminal's default).
    static func cursesNumber(_ color: Color, colors: Int) -> Int32 {
        switch nearest(color, colors: colors) {
        case .default: return -1
        case .indexed(let i):
            if colors >= directColors {
                // A direct-colour terminfo numbers colours as 0xRRGGBB; indexed ones keep their look.
                let (r, g, b) = rgb(ofIndex: i)
                return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
            }
            return Int32(i)
        case let .rgb(r, g, b): return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        }
    }

    /// xterm's default RGB for each of the 256 indexed colours.
    public static func rgb(ofIndex index: UInt8) -> (UInt8, UInt8, UInt8) {
        let i = Int(index)
        if i < 16 { return ansi[i] }
        if i >= 232 {
            let level = UInt8(8 + (i - 232) * 10)
            return (level, level, level)
        }
        let n = i - 16
        return (cubeLevels[n / 36], cubeLevels[(n / 6) % 6], cubeLevels[n % 6])
    }

    static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    static let ansi: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        func cubeIndex(_ v: UInt8) -> Int {
            // Nearest of 0, 95, 135, 175, 215, 255.
            var best = 0
            for (i, level) in cubeLevels.enumerated() where abs(Int(level) - Int(v)) < abs(Int(cubeLevels[best]) - Int(v)) {
                best = i
            }
            return best
        }
        let (ri, gi, bi) = (cubeIndex(r), cubeIndex(g), cubeIndex(b))
        let cube = UInt8(16 + 36 * ri + 6 * gi + bi)
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let greyStep = min(23, max(0, (average - 3) / 10))
        let grey = UInt8(232 + greyStep)
        return distance((r, g, b), rgb(ofIndex: grey)) < distance((r, g, b), rgb(ofIndex: cube)) ? grey : cube
    }

    static func nearestANSI(_ c: (UInt8, UInt8, UInt8), count: Int) -> UInt8 {
        var best = 0
        var bestDistance = Int.max
        for i in 0..<count {
            let d = distance(c, ansi[i])
            if d < bestDistance { best = i; bestDistance = d }
        }
        return UInt8(best)
    }

    /// "Redmean" weighted distance: cheap, and closer to what the eye sees than plain RGB.
    static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let rMean = (Int(a.0) + Int(b.0)) / 2
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return (((512 + rMean) * dr * dr) >> 8) + 4 * dg * dg + (((767 - rMean) * db * db) >> 8)
    }
}

/// Colour pairs handed out on demand, each (foreground, background) once, up to a bound. When
/// the terminal's pairs run out, a style falls back to the pair with the same foreground, then
/// to pair 0 (the terminal's own colours) — never a crash, never a recycled pair that would
/// recolour cells already on the screen.
struct ColorPairCache {
    struct Key: Hashable { var foreground: Int32, background: Int32 }

    let limit: Int
    private(set) var pairs: [Key: Int32] = [:]
    private var byForeground: [Int32: Int32] = [:]

    /// `limit`: how many pairs may be defined (pairs 1…limit).
    init(limit: Int) { self.limit = max(0, limit) }

    /// The pair for `key`, defining it through `define(pair, fg, bg)` when new. Pair 0 is the
    /// default pair and needs no definition.
    mutating func pair(for key: Key, define: (Int32, Int32, Int32) -> Bool) -> Int32 {
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let existing = pairs[key] { return existing }
        if pairs.count < limit {
            let number = Int32(pairs.count + 1)
            if define(number, key.foreground, key.background) {
                pairs[key] = number
                if byForeground[key.foreground] == nil { byForeground[key.foreground] = number }
                return number
            }
        }
        return byForeground[key.foreground] ?? 0
    }

    mutating func removeAll() {
        pairs = [:]
        byForeground = [:]
    }
}
