/// Where frames go: the real terminal (`CursesScreen`) or a test buffer (`TestBackend`).
/// The console draws a whole frame into a `Canvas`, then presents it once.
public protocol Backend: AnyObject {
    /// The current size of the screen in cells.
    var size: Size { get }
    /// Shows `canvas`; the cursor is put at `cursor` (e.g. in a text input) or hidden when nil.
    func present(_ canvas: Canvas, cursor: (x: Int, y: Int)?)
}
