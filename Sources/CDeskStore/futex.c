#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "CDeskStore.h"

uint32_t opsdesk_atomic_load32(const uint32_t *word) { return __atomic_load_n(word, __ATOMIC_SEQ_CST); }
uint64_t opsdesk_atomic_load64(const uint64_t *word) { return __atomic_load_n(word, __ATOMIC_SEQ_CST); }
void opsdesk_atomic_add64(uint64_t *word, uint64_t delta) { __atomic_add_fetch(word, delta, __ATOMIC_SEQ_CST); }

// Why no sleeper misses a wake-up although the leader skips the wake call when `waiters` is 0:
// the sleeper counts itself (a sequentially consistent read-modify-write: a full barrier)
// before the kernel compares `word` with `expected`; the leader bumps `word` (also a full
// barrier) before it reads `waiters`. So either the leader sees the count and wakes, or the
// kernel sees the bumped word and the sleeper does not sleep (EAGAIN). A sleeper killed while
// counted leaves the count above 0: leaders then wake on every turn, as they did before.

int opsdesk_futex_wait(uint32_t *word, uint32_t expected, uint32_t *waiters, int64_t timeout_ns) {
    struct timespec ts = { .tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000 };
    __atomic_add_fetch(waiters, 1, __ATOMIC_SEQ_CST);
    // Not FUTEX_PRIVATE_FLAG: the word is in a file mapped shared by several processes.
    long rc = syscall(SYS_futex, word, FUTEX_WAIT, expected, &ts, NULL, 0);
    int result = rc == 0 ? 0 : -errno;
    __atomic_sub_fetch(waiters, 1, __ATOMIC_SEQ_CST);
    return result;
}

int opsdesk_futex_bump_and_wake(uint32_t *word, const uint32_t *waiters, int count) {
    __atomic_add_fetch(word, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(waiters, __ATOMIC_SEQ_CST) == 0) return 0;
    syscall(SYS_futex, word, FUTEX_WAKE, count <= 0 ? INT_MAX : count, NULL, NULL, 0);
    return 1;
}
