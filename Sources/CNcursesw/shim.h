#ifndef OPSDESK_CNCURSESW_SHIM_H
#define OPSDESK_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE, so the wide-char API must be asked for here.
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <ncursesw/curses.h>

// What Swift cannot import from curses.h (function-like macros, globals that Swift 6 refuses
// as shared mutable state, ACS tables), as static inline functions. Only Terminal uses these.

// ---- attributes -------------------------------------------------------------------------
static inline attr_t opsdesk_A_NORMAL(void) { return A_NORMAL; }
static inline attr_t opsdesk_A_BOLD(void) { return A_BOLD; }
static inline attr_t opsdesk_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t opsdesk_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t opsdesk_A_DIM(void) { return A_DIM; }
static inline attr_t opsdesk_A_ITALIC(void) { return A_ITALIC; }
static inline attr_t opsdesk_A_STANDOUT(void) { return A_STANDOUT; }
static inline attr_t opsdesk_WA_NORMAL(void) { return WA_NORMAL; }
static inline attr_t opsdesk_WA_BOLD(void) { return WA_BOLD; }
static inline attr_t opsdesk_WA_UNDERLINE(void) { return WA_UNDERLINE; }
static inline attr_t opsdesk_WA_REVERSE(void) { return WA_REVERSE; }
static inline attr_t opsdesk_WA_DIM(void) { return WA_DIM; }
static inline attr_t opsdesk_WA_ITALIC(void) { return WA_ITALIC; }
static inline attr_t opsdesk_COLOR_PAIR(int n) { return (attr_t)COLOR_PAIR(n); }

// ---- globals ----------------------------------------------------------------------------
static inline WINDOW *opsdesk_stdscr(void) { return stdscr; }
static inline int opsdesk_LINES(void) { return LINES; }
static inline int opsdesk_COLS(void) { return COLS; }
static inline int opsdesk_COLORS(void) { return COLORS; }
static inline int opsdesk_COLOR_PAIRS(void) { return COLOR_PAIRS; }
static inline int opsdesk_ESCDELAY(void) { return ESCDELAY; }
static inline int opsdesk_set_ESCDELAY(int ms) { return set_escdelay(ms); }

// ---- geometry ---------------------------------------------------------------------------
static inline void opsdesk_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }
static inline void opsdesk_getyx(WINDOW *w, int *y, int *x) { int yy, xx; getyx(w, yy, xx); *y = yy; *x = xx; }

// ---- keys and mouse ---------------------------------------------------------------------
static inline int opsdesk_KEY_F(int n) { return KEY_F(n); }
static inline mmask_t opsdesk_ALL_MOUSE_EVENTS(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t opsdesk_REPORT_MOUSE_POSITION(void) { return REPORT_MOUSE_POSITION; }
static inline mmask_t opsdesk_BUTTON1_PRESSED(void) { return BUTTON1_PRESSED; }
static inline mmask_t opsdesk_BUTTON1_RELEASED(void) { return BUTTON1_RELEASED; }
static inline mmask_t opsdesk_BUTTON1_CLICKED(void) { return BUTTON1_CLICKED; }
static inline mmask_t opsdesk_BUTTON1_DOUBLE_CLICKED(void) { return BUTTON1_DOUBLE_CLICKED; }
static inline mmask_t opsdesk_BUTTON2_PRESSED(void) { return BUTTON2_PRESSED; }
static inline mmask_t opsdesk_BUTTON2_RELEASED(void) { return BUTTON2_RELEASED; }
static inline mmask_t opsdesk_BUTTON2_CLICKED(void) { return BUTTON2_CLICKED; }
static inline mmask_t opsdesk_BUTTON3_PRESSED(void) { return BUTTON3_PRESSED; }
static inline mmask_t opsdesk_BUTTON3_RELEASED(void) { return BUTTON3_RELEASED; }
static inline mmask_t opsdesk_BUTTON3_CLICKED(void) { return BUTTON3_CLICKED; }
static inline mmask_t opsdesk_BUTTON4_PRESSED(void) { return BUTTON4_PRESSED; }
static inline mmask_t opsdesk_BUTTON5_PRESSED(void) { return BUTTON5_PRESSED; }

// ---- line drawing (valid only after initscr) ----------------------------------------------
static inline chtype opsdesk_ACS_HLINE(void) { return ACS_HLINE; }
static inline chtype opsdesk_ACS_VLINE(void) { return ACS_VLINE; }
static inline chtype opsdesk_ACS_ULCORNER(void) { return ACS_ULCORNER; }
static inline chtype opsdesk_ACS_URCORNER(void) { return ACS_URCORNER; }
static inline chtype opsdesk_ACS_LLCORNER(void) { return ACS_LLCORNER; }
static inline chtype opsdesk_ACS_LRCORNER(void) { return ACS_LRCORNER; }
static inline chtype opsdesk_ACS_LTEE(void) { return ACS_LTEE; }
static inline chtype opsdesk_ACS_RTEE(void) { return ACS_RTEE; }
static inline chtype opsdesk_ACS_TTEE(void) { return ACS_TTEE; }
static inline chtype opsdesk_ACS_BTEE(void) { return ACS_BTEE; }
static inline chtype opsdesk_ACS_PLUS(void) { return ACS_PLUS; }
static inline const cchar_t *opsdesk_WACS_HLINE(void) { return WACS_HLINE; }
static inline const cchar_t *opsdesk_WACS_VLINE(void) { return WACS_VLINE; }
static inline const cchar_t *opsdesk_WACS_ULCORNER(void) { return WACS_ULCORNER; }
static inline const cchar_t *opsdesk_WACS_URCORNER(void) { return WACS_URCORNER; }
static inline const cchar_t *opsdesk_WACS_LLCORNER(void) { return WACS_LLCORNER; }
static inline const cchar_t *opsdesk_WACS_LRCORNER(void) { return WACS_LRCORNER; }

// ---- wide characters --------------------------------------------------------------------
static inline int opsdesk_CCHARW_MAX(void) { return CCHARW_MAX; }

/// Puts one grapheme (up to CCHARW_MAX-1 wide chars, NUL-terminated) with attributes and a
/// colour pair at (y, x) of `w`. Pair numbers above 255 travel through `opts`.
static inline int opsdesk_put_cell(WINDOW *w, int y, int x, const wchar_t *wch, attr_t attrs, int pair) {
    cchar_t c;
    int p = pair;
    if (setcchar(&c, wch, attrs, (short)(pair > 32767 ? 0 : pair), &p) == ERR) return ERR;
    return mvwadd_wch(w, y, x, &c);
}

// ---- signals and terminal restore ---------------------------------------------------------
/// Clears the signal mask this thread inherited (a parent that blocked SIGWINCH/SIGINT/SIGTERM
/// would otherwise silence resize, Ctrl-C and kill).
static inline int opsdesk_clear_signal_mask(void) {
    sigset_t empty;
    sigemptyset(&empty);
    return sigprocmask(SIG_SETMASK, &empty, NULL);
}

/// Blocks the signals that end the process from outside (TERM, HUP, INT, QUIT) while curses is
/// being left on purpose, so a handler never runs in the middle of endwin; `old` gets the mask
/// to put back with `opsdesk_set_signal_mask`.
static inline int opsdesk_block_exit_signals(sigset_t *old) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGQUIT);
    return sigprocmask(SIG_BLOCK, &set, old);
}

static inline int opsdesk_set_signal_mask(const sigset_t *mask) {
    return sigprocmask(SIG_SETMASK, mask, NULL);
}

/// Unblocks one signal and re-raises it with its default action (the handler is already
/// reset). Async-signal-safe.
static inline void opsdesk_reraise_default(int sig) {
    struct sigaction sa;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    sigprocmask(SIG_UNBLOCK, &one, NULL);
    raise(sig);
}

/// Installs `handler` for `sig` with SA_RESETHAND (a second signal kills outright) and
/// SA_NODEFER off; returns 0 on success.
static inline int opsdesk_install_handler(int sig, void (*handler)(int)) {
    struct sigaction sa;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sa.sa_handler = handler;
    return sigaction(sig, &sa, NULL);
}

/// Installs `handler` for `sig`, kept across deliveries, restarting interrupted calls. Unlike
/// SIG_IGN, a caught signal reverts to its default in a program we exec (the editor).
static inline int opsdesk_install_quiet_handler(int sig, void (*handler)(int)) {
    struct sigaction sa;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = handler;
    return sigaction(sig, &sa, NULL);
}

// ---- stdio and terminfo -------------------------------------------------------------------
static inline FILE *opsdesk_stdout(void) { return stdout; }
static inline FILE *opsdesk_stdin(void) { return stdin; }

/// What terminfo says about `term` (NULL: $TERM), without touching the screen: colours,
/// colour pairs, the RGB (direct colour) flag, and whether it reports the mouse (kmous).
/// Returns 0, or -1 when the terminal is unknown.
#include <ncursesw/term.h>
static inline int opsdesk_query_terminfo(const char *term, int *colors, int *pairs, int *rgb, int *mouse) {
    TERMINAL *saved = cur_term;
    int err = 0;
    if (setupterm((char *)term, -1, &err) != OK) { set_curterm(saved); return -1; }
    *colors = tigetnum("colors");
    *pairs = tigetnum("pairs");
    *rgb = tigetflag("RGB") > 0 || tigetflag("Tc") > 0;
    const char *kmous = tigetstr("kmous");
    *mouse = kmous != NULL && kmous != (char *)-1 && kmous[0] != 0;
    TERMINAL *mine = set_curterm(saved);
    if (mine != saved) del_curterm(mine);
    return 0;
}


// ---- SIGWINCH chaining ----------------------------------------------------------------------
// Our SIGWINCH handler wakes the input loop, then calls the handler curses installed at newterm,
// which Swift keeps in `previous` (a header cannot own storage for an imported module).

/// Installs `handler` for SIGWINCH, saving what was there in `previous`.
static inline int opsdesk_chain_sigwinch(void (*handler)(int), struct sigaction *previous) {
    struct sigaction sa;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = handler;
    return sigaction(SIGWINCH, &sa, previous);
}

/// Puts `previous` back as the SIGWINCH handler.
static inline int opsdesk_unchain_sigwinch(const struct sigaction *previous) {
    return sigaction(SIGWINCH, previous, NULL);
}

/// Calls the handler in `previous` (curses' own), if it is a function. Async-signal-safe.
static inline void opsdesk_call_chained_sigwinch(int sig, const struct sigaction *previous) {
    if (previous->sa_flags & SA_SIGINFO) {
        if (previous->sa_sigaction) previous->sa_sigaction(sig, NULL, NULL);
        return;
    }
    void (*h)(int) = previous->sa_handler;
    if (h != SIG_DFL && h != SIG_IGN && h != NULL) h(sig);
}

// ---- wcwidth and the input wake-up set ------------------------------------------------------
#include <sys/epoll.h>
#include <fcntl.h>
extern int wcwidth(wchar_t c);

#include <langinfo.h>
#include <string.h>
/// Whether the current locale (after setlocale) encodes characters as UTF-8.
static inline int opsdesk_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/// The columns the C library (and so ncurses) gives a character in the current locale.
static inline int opsdesk_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }

/// A non-blocking, close-on-exec pipe; 0 on success.
static inline int opsdesk_wake_pipe(int *read_end, int *write_end) {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    *read_end = fds[0];
    *write_end = fds[1];
    return 0;
}

/// An epoll descriptor that is readable when `a` or `b` is; -1 on failure.
static inline int opsdesk_epoll_pair(int a, int b) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return -1;
    struct epoll_event ev;
    ev.events = EPOLLIN;
    ev.data.fd = a;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, a, &ev) != 0) { close(ep); return -1; }
    ev.events = EPOLLIN;
    ev.data.fd = b;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, b, &ev) != 0) { close(ep); return -1; }
    return ep;
}


/// Whether the current terminal (after newterm) can move the cursor anywhere: `TERM=dumb` and
/// similar cannot, and curses would draw nothing on them.
static inline int opsdesk_can_address_cursor(void) {
    const char *cup = tigetstr("cup");
    return cup != NULL && cup != (char *)-1 && cup[0] != 0;
}

// ---- stderr while curses owns the screen --------------------------------------------------
/// Points fd 2 at an unlinked temporary file, so messages (a Swift fatal error, a library's
/// warning) neither garble the screen nor vanish with the alternate screen. `*saved` gets the
/// real stderr, `*capture` the file. 0 on success.
static inline int opsdesk_capture_stderr(int *saved, int *capture) {
    char path[] = "/tmp/opsdesk-stderr-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    unlink(path);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    fflush(stderr);
    int real = fcntl(2, F_DUPFD_CLOEXEC, 3);
    if (real < 0) { close(fd); return -1; }
    if (dup2(fd, 2) < 0) { close(fd); close(real); return -1; }
    *saved = real;
    *capture = fd;
    return 0;
}

/// Points fd 2 back at the real stderr, writes out what was captured, closes both.
/// Async-signal-safe (dup2, pread, write, close only).
static inline void opsdesk_release_stderr(int saved, int capture) {
    if (saved < 0) return;
    dup2(saved, 2);
    char buffer[4096];
    off_t at = 0;
    for (;;) {
        ssize_t n = pread(capture, buffer, sizeof buffer, at);
        if (n <= 0) break;
        at += n;
        ssize_t done = 0;
        while (done < n) {
            ssize_t w = write(2, buffer + done, (size_t)(n - done));
            if (w <= 0) break;
            done += w;
        }
        if (done < n) break;
    }
    close(capture);
    close(saved);
}

#endif
