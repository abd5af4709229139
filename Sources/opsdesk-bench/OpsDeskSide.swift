import DeskStore
import Foundation
import ITSM

/// OpsDesk's side of each measure. (Waiting for the DeskStore engine's API.)
enum OpsDeskSide {
    static func create(at path: String) throws { throw BenchError("DeskStore engine not merged yet") }
    static func commitLoop(store: String, base: Int, startAt: Int64, seconds: Double) throws {
        throw BenchError("DeskStore engine not merged yet")
    }
    static func importIncidents(count: Int, into store: String) throws { throw BenchError("DeskStore engine not merged yet") }
    static func openMicroseconds(store: String, number: Int) throws -> Double { throw BenchError("DeskStore engine not merged yet") }
    static func lookupMicroseconds(store: String, numbers: [Int]) throws -> Double { throw BenchError("DeskStore engine not merged yet") }
}
