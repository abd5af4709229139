import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension MultiProcessTests {
    /// `opsdesk store …` as a script runs it: the store found through `OPSDESK_STORE`, clear
    /// output, exit status 1 with a message on stderr when something is wrong, and damage in the
    /// middle of the log found by `verify`, named by `info`, refused to writers, and mended by
    /// `repair`; then `compact` writes a snapshot that `info --json` shows.
    @Test func storeCommandsInitInfoCompactVerifyAndRepairARealStore() throws {
        let opsdesk = try builtExecutable("opsdesk")
        let torture = try tortureExecutable()
        let scratch = try ScratchDirectory("cli")
        defer { scratch.remove() }
        let storePath = scratch.path + "/desk"
        let env = ["OPSDESK_STORE": storePath]
        func store(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
            try runToEnd(opsdesk, ["store"] + arguments, environment: env, scratch: scratch.path)
        }

        let missing = try store("info")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("No OpsDesk store at \(storePath)"), "\(missing.stderr)")

        let created = try store("init")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("Created an empty store at \(storePath)"))
        let again = try store("init")
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"), "\(again.stderr)")
        let badGroup = try runToEnd(opsdesk, ["store", "init", "--store", scratch.path + "/other", "--group", "no-such-group-xyz"],
                                    scratch: scratch.path)
        #expect(badGroup.status == 1)
        #expect(badGroup.stderr.contains("no Unix group named no-such-group-xyz"), "\(badGroup.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/other"))

        let writer = try runToEnd(torture, ["distinct", "--store", storePath, "--writer", "1", "--count", "40"], scratch: scratch.path)
        #expect(writer.status == 0, "\(writer.stderr)")

        let info = try store("info")
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("Transactions: 40"), "\(info.stdout)")
        #expect(info.stdout.contains("Records: 41"), "\(info.stdout)")
        let intact = try store("verify")
        #expect(intact.status == 0, "\(intact.stderr)")
        #expect(intact.stdout.contains("Checked 40 transactions"), "\(intact.stdout)")

        // Damage the middle of the log: one flipped bit a little past the first frames. (The
        // file goes on with pre-allocated zeros after its frames: a third of the frames.)
        let segment = storePath + "/log-00000001.seg"
        let framesEnd = (fileBytes(segment).lastIndex(where: { $0 != 0 }) ?? 0) + 1
        let fd = open(segment, O_RDWR)
        #expect(fd >= 0)
        var byte: UInt8 = 0
        let offset = off_t(framesEnd / 3)
        #expect(pread(fd, &byte, 1, offset) == 1)
        byte ^= 0x10
        #expect(pwrite(fd, &byte, 1, offset) == 1)
        close(fd)

        let damaged = try store("verify")
        #expect(damaged.status == 1)
        #expect(damaged.stdout.contains("damaged"), "\(damaged.stdout)")
        let damagedJSON = try store("verify", "--json")
        #expect(damagedJSON.status == 1)
        #expect((try JSONSerialization.jsonObject(with: Data(damagedJSON.stdout.utf8)) as? [String: Any])?["intact"] as? Bool == false)
        let noted = try store("info")
        #expect(noted.status == 0, "\(noted.stderr)")
        #expect(noted.stdout.contains("opsdesk store repair"), "\(noted.stdout)")
        let refused = try runToEnd(torture, ["distinct", "--store", storePath, "--writer", "2", "--count", "1"], scratch: scratch.path)
        #expect(refused.status != 0, "a writer opened a store damaged in the middle")

        let repaired = try store("repair")
        #expect(repaired.status == 0, "\(repaired.stderr)")
        #expect(repaired.stdout.contains("Set aside"), "\(repaired.stdout)")
        let afterRepair = try store("verify")
        #expect(afterRepair.status == 0, "\(afterRepair.stdout) \(afterRepair.stderr)")
        let kept = try store("info", "--json")
        let keptCount = (try JSONSerialization.jsonObject(with: Data(kept.stdout.utf8)) as? [String: Any])?["transactions"] as? Int ?? -1
        #expect(keptCount > 0 && keptCount < 40, "\(kept.stdout)")
        let writesAgain = try runToEnd(torture, ["distinct", "--store", storePath, "--writer", "2", "--count", "3"], scratch: scratch.path)
        #expect(writesAgain.status == 0, "\(writesAgain.stderr)")

        let compacted = try store("compact")
        #expect(compacted.status == 0, "\(compacted.stderr)")
        #expect(compacted.stdout.contains("up to transaction \(keptCount + 3)"), "\(compacted.stdout)")
        let json = try store("info", "--json")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(parsed?["transactions"] as? Int == keptCount + 3)
        #expect((parsed?["snapshot"] as? [String: Any])?["transaction"] as? Int == keptCount + 3)
    }
}
