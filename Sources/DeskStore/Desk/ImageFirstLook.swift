import Foundation
import ITSM

extension Desk {
    /// The queue's rows and the directory straight from the `queue-rows` image, without opening
    /// the store — only when the image is current: the transaction it was built at is still the
    /// log's last frame (three small reads). Nil otherwise (no image, one written without its anchor frame, any
    /// later commit, another log): open the desk the long way.
    ///
    /// This is what lets a console draw its first frame in a few milliseconds at a million
    /// incidents while the store's own open (which indexes every record) runs in the
    /// background; the desk opened later maps the same image, so its rows are the same.
    /// `problemCount` and `knownErrorCount` are not known here and are 0.
    public static func firstLook(at path: String) -> DeskSnapshot? {
        guard let image = RowImage.map(path: path + "/" + RowImage.fileName), let anchor = image.anchorFrame,
              LogTail.isLast(anchor, sequence: image.anchorSequence, in: path),
              let events = try? EventCoding.decode(transaction: image.directoryBytes) else { return nil }
        let directory = DeskState(events: events).directory
        var table = IncidentTable(image: image)
        table.warnings = Desk.warnings(directory)
        return DeskSnapshot(incidents: table, directory: directory, lastSequence: image.anchorSequence,
                            problemCount: 0, knownErrorCount: 0)
    }
}
