import Foundation

/// A fresh folder under the system temp dir for one test; files are written by relative path.
struct ThemeScratch {
    let root: String

    init() {
        root = (NSTemporaryDirectory() as NSString).appendingPathComponent("opsdesk-theme-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// Writes `text` at `relative` (folders created) and returns the full path.
    @discardableResult
    func write(_ relative: String, _ text: String) -> String {
        let path = root + "/" + relative
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// The repository's Themes/ folder, found from this source file (Tests/ConsoleTests/Theme/…).
func repositoryThemesDirectory(file: String = #filePath) -> String {
    URL(fileURLWithPath: file)
        .deletingLastPathComponent()   // Theme
        .deletingLastPathComponent()   // ConsoleTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // repository
        .appendingPathComponent("Themes").path
}

let shippedThemeNames = ["default", "light", "high-contrast", "monochrome", "colorblind"]
