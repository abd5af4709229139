#if canImport(Glibc)
import Glibc
#endif
import CDeskStore

/// A value computed on a thread of its own while the caller does something else: the console's
/// start spreads its first look over both cores with it. A bare pthread, placed on another CPU
/// than the caller's (`opsdesk_thread_attr_other_cpu`): Foundation's `Thread` took half a
/// millisecond to get going, and a thread left to the scheduler often waited most of a
/// millisecond for the caller's own CPU — a tenth of the start each.
public final class OtherThread<Value>: @unchecked Sendable {  // `value` is written before the join returns
    private var value: Value?
    private var thread: pthread_t?

    public init(_ work: @escaping @Sendable () -> Value) {
        let body = ThreadBody { [self] in value = work() }
        var t = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        _ = opsdesk_thread_attr_other_cpu(&attributes)
        let started = pthread_create(&t, &attributes, { raw in
            Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, Unmanaged.passRetained(body).toOpaque())
        if started == 0 {
            thread = t
        } else {
            // No thread to be had (resource limits): do the work here, late but done.
            Unmanaged.passUnretained(body).release()
            value = work()
        }
    }

    /// Waits for the value (call once).
    public func join() -> Value {
        if let thread { pthread_join(thread, nil) }
        return value!
    }
}

/// The closure a thread runs, passed through pthread_create's context pointer.
private final class ThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
