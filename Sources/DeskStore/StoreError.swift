#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ITSM

/// Why the store refused to open, read or write — each case says what and where, and what to do.
public enum StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The directory holds no store (no segment, no lock file).
    case notAStore(path: String)
    /// A store already exists where `create` was asked to make one.
    case alreadyExists(path: String)
    /// Valid frames follow a bad one: the middle of the log is damaged. Writing is refused.
    case damagedLog(segment: String, offset: Int, reason: String)
    /// A file was written by a newer OpsDesk (format version or incompatible features).
    case newerFormat(file: String, version: UInt16, features: UInt32)
    /// A file does not start like a store file should.
    case notAStoreFile(file: String, reason: String)
    /// An earlier fsync/fdatasync failed: the kernel may have dropped the data, so this
    /// process writes nothing more (fsyncgate).
    case writingDisabled(reason: String)
    /// fsync/fdatasync failed just now. The transaction may not be durable; it was not acknowledged.
    case syncFailed(file: String, errno: Int32)
    /// A write failed or came up short (disk full, I/O error). Nothing was applied or acknowledged.
    case writeFailed(file: String, errno: Int32)
    /// The store was opened read-only (or opened despite damage, which is read-only).
    case readOnly(reason: String)
    /// The operating system refused access.
    case permissionDenied(path: String, operation: String)
    /// Any other system call failure.
    case system(operation: String, path: String, errno: Int32)
    /// A frame passed its checksum but its payload cannot be read by this build.
    case unreadablePayload(segment: String, offset: Int)
    /// One transaction is larger than a frame may be.
    case transactionTooLarge(bytes: Int, limit: Int)
    /// A transaction must hold at least one event.
    case emptyTransaction
    /// The log became shorter than what this process has read (someone ran `store repair`).
    case logRewound(segment: String, expected: Int, found: Int)
    /// A record's body in the snapshot cannot be decoded (a bug: the file is checksummed).
    case unreadableSnapshotBody(record: String)

    public var description: String {
        switch self {
        case let .notAStore(path):
            "No OpsDesk store at \(path). Create one with `opsdesk store init`."
        case let .alreadyExists(path):
            "A store already exists at \(path)."
        case let .damagedLog(segment, offset, reason):
            "The store's log is damaged in the middle: \(segment) at byte \(offset) (\(reason)), and valid "
                + "transactions follow it. Writing is refused so nothing more is lost. Run `opsdesk store repair` "
                + "to keep everything before the damage and set the rest aside in quarantine/."
        case let .newerFormat(file, version, features):
            features == 0
                ? "\(file) was written by a newer OpsDesk (store format \(version); this build reads up to \(StoreFormat.version)). Upgrade OpsDesk to open it."
                : "\(file) uses features this OpsDesk does not know (flags 0x\(String(features, radix: 16))). Upgrade OpsDesk to open it."
        case let .notAStoreFile(file, reason):
            "\(file) is not a valid store file: \(reason)."
        case let .writingDisabled(reason):
            "Writing is disabled in this process: \(reason). Nothing more will be written; restart OpsDesk after checking the disk (dmesg)."
        case let .syncFailed(file, errno):
            "Could not make the write to \(file) durable (fsync failed: \(String(cString: strerror(errno)))). "
                + "The change was not confirmed, and this process will write nothing more."
        case let .writeFailed(file, errno):
            "Could not write to \(file): \(String(cString: strerror(errno))). Nothing was saved; the store is unchanged."
        case let .readOnly(reason):
            "The store is open read-only: \(reason)."
        case let .permissionDenied(path, operation):
            "Permission denied to \(operation) \(path). Store files belong to the desk's group; ask an admin to add you to it."
        case let .system(operation, path, errno):
            "\(operation) \(path) failed: \(String(cString: strerror(errno)))."
        case let .unreadablePayload(segment, offset):
            "The transaction in \(segment) at byte \(offset) cannot be read by this OpsDesk (written by a newer or broken build)."
        case let .transactionTooLarge(bytes, limit):
            "A transaction of \(bytes) bytes is larger than the limit of \(limit) bytes."
        case let .unreadableSnapshotBody(record):
            "The snapshot's copy of \(record) cannot be read. `opsdesk store compact` writes a new snapshot from the log."
        case .emptyTransaction:
            "A transaction must hold at least one event."
        case let .logRewound(segment, expected, found):
            "The store was repaired while open here (\(segment) is now \(found) bytes, this process had read \(expected)). Nothing was written; reopen the store."
        }
    }

    static func fromErrno(_ operation: String, _ path: String, _ code: Int32 = errno) -> StoreError {
        if code == EACCES || code == EPERM { return .permissionDenied(path: path, operation: operation) }
        return .system(operation: operation, path: path, errno: code)
    }
}

/// A command was built on a version of a record that another agent has since changed.
/// Reads like: "INC-123 was changed by alice at 10:42: state → On hold".
public struct StaleEdit: Error, CustomStringConvertible, Sendable, Equatable {
    public let record: RecordID
    /// The version the command was built on, and the record's version now.
    public let expectedVersion: UInt64
    public let currentVersion: UInt64
    /// The latest event of the record (who changed it, when, what); nil if it does not exist.
    public let lastEvent: Event?

    public init(record: RecordID, expectedVersion: UInt64, currentVersion: UInt64, lastEvent: Event?) {
        self.record = record
        self.expectedVersion = expectedVersion
        self.currentVersion = currentVersion
        self.lastEvent = lastEvent
    }

    public var description: String { describe(timeZone: .current) }

    /// The message, with times shown in `timeZone` (tests pin it).
    public func describe(timeZone: TimeZone, now: Date = Date()) -> String {
        guard let last = lastEvent else {
            return "\(record) does not exist (any more); it may have been created or removed by someone else."
        }
        if expectedVersion == 0 && currentVersion > 0 && currentVersion == 1 {
            return "\(record) already exists: created by \(last.actor) at \(Self.clock(last.at, timeZone: timeZone, now: now))."
        }
        var text = "\(record) was changed by \(last.actor) at \(Self.clock(last.at, timeZone: timeZone, now: now))"
        let changed = last.changes.filter { $0.from != $0.to }
        if !changed.isEmpty {
            text += ": " + changed.map { "\($0.field) → \(Self.show($0.to))" }.joined(separator: ", ")
        } else {
            text += " (\(last.action))"
        }
        let missed = currentVersion > expectedVersion ? currentVersion - expectedVersion : 0
        if missed > 1 { text += " (and \(missed - 1) earlier change\(missed == 2 ? "" : "s") since you opened it)" }
        return text
    }

    static func clock(_ date: Date, timeZone: TimeZone, now: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let hm = String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
        if calendar.isDate(date, inSameDayAs: now) { return hm }
        return String(format: "%04d-%02d-%02d ", c.year ?? 0, c.month ?? 0, c.day ?? 0) + hm
    }

    static func show(_ value: FieldValue) -> String {
        switch value {
        case .none: "(none)"
        case let .text(s): s
        case let .int(i): String(i)
        case let .number(d): String(d)
        case let .bool(b): b ? "yes" : "no"
        case let .time(t): ISO8601DateFormatter().string(from: t)
        case let .list(l): l.isEmpty ? "(none)" : l.joined(separator: ", ")
        }
    }
}
