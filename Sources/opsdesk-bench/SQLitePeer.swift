import CSQLite
import Foundation

/// SQLite as the peer: WAL mode, `synchronous=FULL`, one table of current incident state.
final class SQLitePeer {
    private var db: OpaquePointer?

    /// Opens (creating if needed) the database; `setUp` sets WAL and FULL and creates the table,
    /// as a writer does; a bare reader (the cold-open run) skips it.
    init(path: String, setUp: Bool = true) throws {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK else {
            throw BenchError("sqlite3_open \(path): \(db.map { String(cString: sqlite3_errmsg($0)) } ?? "?")")
        }
        sqlite3_busy_timeout(db, 10_000)
        guard setUp else { return }
        try exec("PRAGMA journal_mode=WAL")
        try exec("PRAGMA synchronous=FULL")
        try exec("""
            CREATE TABLE IF NOT EXISTS incidents(
              id INTEGER PRIMARY KEY, title TEXT NOT NULL, state TEXT NOT NULL, priority INTEGER NOT NULL,
              grp TEXT NOT NULL, caller TEXT NOT NULL, description TEXT NOT NULL)
            """)
    }

    deinit { sqlite3_close_v2(db) }

    func exec(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "?"
            sqlite3_free(message)
            throw BenchError("sqlite: \(sql): \(text)")
        }
    }

    final class Statement {
        let handle: OpaquePointer
        init(_ handle: OpaquePointer) { self.handle = handle }
        deinit { sqlite3_finalize(handle) }
    }

    func prepare(_ sql: String) throws -> Statement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw BenchError("sqlite prepare: \(String(cString: sqlite3_errmsg(db)))")
        }
        return Statement(statement)
    }

    func insertStatement() throws -> Statement {
        try prepare("INSERT INTO incidents(id, title, state, priority, grp, caller, description) VALUES(?,?,?,?,?,?,?)")
    }

    /// Binds and runs one insert (a transaction of its own unless one is open).
    func insert(_ incident: SampleIncident, with statement: Statement) throws {
        let s = statement.handle
        sqlite3_reset(s)
        sqlite3_bind_int64(s, 1, Int64(incident.number))
        sqlite3_bind_int64(s, 4, Int64(incident.priority))
        let rc = incident.title.withCString { title in
            incident.state.withCString { state in
                incident.group.withCString { group in
                    incident.caller.withCString { caller in
                        incident.description.withCString { description in
                            sqlite3_bind_text(s, 2, title, -1, nil)
                            sqlite3_bind_text(s, 3, state, -1, nil)
                            sqlite3_bind_text(s, 5, group, -1, nil)
                            sqlite3_bind_text(s, 6, caller, -1, nil)
                            sqlite3_bind_text(s, 7, description, -1, nil)
                            return sqlite3_step(s)
                        }
                    }
                }
            }
        }
        sqlite3_clear_bindings(s)
        guard rc == SQLITE_DONE else { throw BenchError("sqlite insert: \(String(cString: sqlite3_errmsg(db)))") }
    }

    func lookupStatement() throws -> Statement {
        try prepare("SELECT title, state, priority FROM incidents WHERE id = ?")
    }

    /// The title of incident `number`, or nil.
    func title(of number: Int, with statement: Statement) -> String? {
        let s = statement.handle
        sqlite3_reset(s)
        sqlite3_bind_int64(s, 1, Int64(number))
        guard sqlite3_step(s) == SQLITE_ROW, let text = sqlite3_column_text(s, 0) else { return nil }
        return String(cString: text)
    }

    /// Imports the incidents in transactions of `batch` rows.
    func importIncidents(_ incidents: [SampleIncident], batch: Int = 10_000) throws {
        let statement = try insertStatement()
        for slice in incidents.batches(of: batch) {
            try exec("BEGIN")
            for incident in slice { try insert(incident, with: statement) }
            try exec("COMMIT")
        }
    }
}
