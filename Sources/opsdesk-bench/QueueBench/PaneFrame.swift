import Console
import DeskStore
import Foundation
import Terminal

/// The console's own frame of the incident queue: the real `IncidentQueuePane` in an
/// `AppState`, drawn by `Render.frame` into a cell buffer, as the shell draws it (header,
/// queue, footer) — what the in-process queue measures time.
struct PaneFrame {
    private(set) var state: AppState
    private var generation: UInt64

    init(_ snapshot: DeskSnapshot, size: Size = Size(width: 132, height: 40)) {
        generation = snapshot.lastSequence
        let pane = IncidentQueuePane(user: "bench", link: nil,
                                     snapshot: QueueSnapshot(table: snapshot.incidents, directory: snapshot.directory, generation: generation))
        let info = SessionInfo(version: "bench", store: StoreOverview(path: "", exists: true), user: "bench",
                               configPath: "", configExists: false, themeName: "default", themePath: nil)
        let theme = ThemeLoader(environment: [:]).load(option: "default", config: nil).theme
        state = AppState(size: size, info: info, theme: theme, keyMap: KeyMap(), clock: "00:00", panes: [pane])
    }

    /// Hands the pane `snapshot` as a new look at the desk (it recomputes its queue).
    mutating func receive(_ snapshot: DeskSnapshot) {
        generation += 1
        let fresh = QueueSnapshot(table: snapshot.incidents, directory: snapshot.directory, generation: generation)
        _ = state.updateIncidentQueue { $0.receive(fresh) }
    }

    /// Sets the `/` filter text as if typed.
    mutating func filter(_ text: String) {
        _ = state.updateIncidentQueue { pane in pane.setFilter(text); return [] }
    }

    /// Rows the filter or queue shows now.
    var rowCount: Int { (state.pane as? IncidentQueuePane)?.rows.count ?? 0 }

    /// Draws the frame; a checksum of its text so the work cannot be skipped.
    func render() -> Int {
        let canvas = Render.frame(state).canvas
        var sum = 0
        for y in 0..<canvas.size.height { sum &+= canvas[canvas.size.width / 2, y].text.utf8.count &* (y + 1) }
        return sum
    }
}
