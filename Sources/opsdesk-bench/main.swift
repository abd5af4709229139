import Foundation
// The store benchmark's main lives on branch storeproc; this hook only starts the queue
// benchmark (issue 6): `opsdesk-bench queue …`.
if CommandLine.arguments.dropFirst().first == "queue" {
    do {
        try QueueBench.run(Array(CommandLine.arguments.dropFirst(2)))
    } catch {
        FileHandle.standardError.write(Data("opsdesk-bench queue: \(error)\n".utf8))
        exit(1)
    }
} else {
    print("todo")
}
