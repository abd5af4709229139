#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import DeskStore

/// The console start's helper thread: the work runs on another thread, at the same time as
/// the caller's, and `join` hands back its value.
@Suite struct OtherThreadTests {
    @Test func workRunsOnAnotherThreadAlongsideTheCaller() {
        let caller = pthread_self()
        let gate = Gate()
        let other = OtherThread { () -> (Bool, Int) in
            gate.wait()  // only returns once the caller has opened the gate: both ran at once
            return (pthread_equal(pthread_self(), caller) == 0, (1...1000).reduce(0, +))
        }
        gate.open()
        let (elsewhere, sum) = other.join()
        #expect(elsewhere)
        #expect(sum == 500_500)
    }
}

private final class Gate: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()
    private var isOpen = false
    init() { pthread_mutex_init(&mutex, nil); pthread_cond_init(&cond, nil) }
    func open() { pthread_mutex_lock(&mutex); isOpen = true; pthread_cond_broadcast(&cond); pthread_mutex_unlock(&mutex) }
    func wait() { pthread_mutex_lock(&mutex); while !isOpen { pthread_cond_wait(&cond, &mutex) }; pthread_mutex_unlock(&mutex) }
}
