import CNcursesw
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Putting the terminal back however the process ends: `stop()`, `exit`, a signal that
/// terminates (SIGTERM, SIGHUP when SSH drops, SIGINT, SIGQUIT) or a crash (SIGSEGV, SIGBUS,
/// SIGILL, SIGFPE, SIGABRT, SIGTRAP — a Swift `fatalError` or failed precondition is SIGILL or
/// SIGTRAP). The handlers run `endwin()`, put back the tty modes saved at start, then re-raise the
/// signal with its default action, so the exit status still says which signal it was.
///
/// While curses owns the screen, stderr (when it is the terminal) goes to a temporary file and
/// is written out once the terminal is back, so a crash's "Fatal error: …" is still read.
///
/// Process-wide state, touched only from the terminal's thread and from signal handlers.
enum TerminalRestore {
    static let signals: [Int32] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    /// Called once curses is up: remembers the tty modes (nil: keep those remembered before)
    /// and arms the handlers.
    static func arm(savedModes: termios?) {
        if let savedModes {
            restoreState.pointee.savedModes = savedModes
            restoreState.pointee.hasSavedModes = true
        }
        if restoreState.pointee.stderrSaved < 0, isatty(STDERR_FILENO) == 1 {
            var saved: Int32 = -1, capture: Int32 = -1
            if opsdesk_capture_stderr(&saved, &capture) == 0 {
                restoreState.pointee.stderrCapture = capture
                restoreState.pointee.stderrSaved = saved
            }
        }
        restoreState.pointee.active = 1
        for signal in signals { _ = opsdesk_install_handler(signal, restoreOnSignal) }
        if restoreState.pointee.atexitRegistered == 0 {
            restoreState.pointee.atexitRegistered = 1
            atexit(restoreAtExit)
        }
    }

    /// While suspended for a program that owns the terminal (`$EDITOR`), Ctrl-C and Ctrl-\\ are
    /// for it: like system(3), we let SIGINT and SIGQUIT pass us by until `arm` again. (A
    /// handler, not SIG_IGN, so the program itself gets the default actions.)
    static func passInterruptsThrough() {
        _ = opsdesk_install_quiet_handler(SIGINT, ignoreWhileSuspended)
        _ = opsdesk_install_quiet_handler(SIGQUIT, ignoreWhileSuspended)
    }

    /// Called when curses was left on purpose (stop, suspend): nothing to restore any more;
    /// stderr is the terminal again, with what was written meanwhile.
    static func disarm() {
        restoreState.pointee.active = 0
        releaseStderr()
    }
}

/// Plain values only, no references: read from signal handlers.
private struct RestoreState {
    var active: sig_atomic_t = 0
    var atexitRegistered: sig_atomic_t = 0
    var hasSavedModes = false
    var savedModes = termios()
    var stderrSaved: Int32 = -1
    var stderrCapture: Int32 = -1
}

/// Heap storage, reached through a pointer: a signal handler must not go through Swift's
/// exclusivity checks on a global, which could trap if it interrupts an access in progress.
nonisolated(unsafe) private let restoreState: UnsafeMutablePointer<RestoreState> = {
    let pointer = UnsafeMutablePointer<RestoreState>.allocate(capacity: 1)
    pointer.initialize(to: RestoreState())
    return pointer
}()

/// The terminal's state put back, as far as a handler can: `endwin()` writes the exit sequences
/// (normal screen, cursor visible, keypad and mouse off) and restores the shell's tty modes;
/// `tcsetattr` then puts back exactly the modes we found, in case curses could not.
private func restoreTerminal() {
    guard restoreState.pointee.active != 0 else { return }
    restoreState.pointee.active = 0
    endwin()
    if restoreState.pointee.hasSavedModes {
        _ = tcsetattr(STDIN_FILENO, TCSADRAIN, &restoreState.pointee.savedModes)
    }
    releaseStderr()
}

private func releaseStderr() {
    let saved = restoreState.pointee.stderrSaved
    restoreState.pointee.stderrSaved = -1
    opsdesk_release_stderr(saved, restoreState.pointee.stderrCapture)
    restoreState.pointee.stderrCapture = -1
}

private func restoreOnSignal(_ signal: Int32) {
    restoreTerminal()
    opsdesk_reraise_default(signal)
}

private func ignoreWhileSuspended(_ signal: Int32) {}

private func restoreAtExit() {
    restoreTerminal()
}
