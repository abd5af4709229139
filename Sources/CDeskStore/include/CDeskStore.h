#ifndef OPSDESK_CDESKSTORE_H
#define OPSDESK_CDESKSTORE_H
#include <stdint.h>
#include <stddef.h>
/// CRC32C of `data`, continuing from `crc` (0 to start). Uses the SSE4.2 instruction when present.
uint32_t opsdesk_crc32c(uint32_t crc, const void *data, size_t length);
/// The table-driven fallback, exposed so tests can check both paths give the same answer.
uint32_t opsdesk_crc32c_software(uint32_t crc, const void *data, size_t length);
/// The CRC32C of A followed by B, from crc(A), crc(B) and B's length.
uint32_t opsdesk_crc32c_combine(uint32_t crc1, uint32_t crc2, size_t length2);
/// 1 when the CPU has the SSE4.2 crc32 instruction.
int opsdesk_crc32c_hardware(void);
/// flock(2): Swift cannot call Glibc's, it is shadowed by `struct flock`.
int opsdesk_flock(int fd, int operation);
/// 1 when all `length` bytes at `data` are zero (pre-allocated free space at a segment's end).
int opsdesk_all_zero(const void *data, size_t length);
/// The size of the open file `fd`, without reading its timestamps (statx; see statx.c). 0 or -1 and errno.
int opsdesk_file_size(int fd, int64_t *size);
/// Device and inode of `path` (or of `fd` when `path` is NULL), without reading timestamps.
int opsdesk_file_id(int fd, const char *path, uint64_t *device, uint64_t *inode);
/// Atomic (sequentially consistent) read of a 32-bit word in shared memory.
uint32_t opsdesk_atomic_load32(const uint32_t *word);
/// Atomic (sequentially consistent) read of, and addition to, a 64-bit word in shared memory.
uint64_t opsdesk_atomic_load64(const uint64_t *word);
void opsdesk_atomic_add64(uint64_t *word, uint64_t delta);
/// Sleeps while `*word == expected` (a futex of memory mapped shared between processes), at most
/// `timeout_ns`, counted in `*waiters` while it may sleep. 0 when woken, else -errno (EAGAIN:
/// the word had changed; ETIMEDOUT; EINTR).
int opsdesk_futex_wait(uint32_t *word, uint32_t expected, uint32_t *waiters, int64_t timeout_ns);
/// Adds 1 to `*word` atomically, then wakes `count` (<= 0: all) of the processes sleeping on it —
/// only when `*waiters` counts any (see futex.c for why none is missed). 1 when it called wake.
int opsdesk_futex_bump_and_wake(uint32_t *word, const uint32_t *waiters, int count);
/// Sets `attr` so a thread made with it runs on any CPU the process may use but the caller's
/// current one (see thread.c). 1 when set, 0 when there is no other CPU or it failed.
#include <pthread.h>
int opsdesk_thread_attr_other_cpu(pthread_attr_t *attr);
#endif
