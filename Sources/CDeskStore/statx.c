// File size and identity without reading the file's timestamps.
//
// Why: since Linux 6.13 ext4 (and xfs, btrfs, tmpfs) keep multigrain timestamps. Once anyone
// has *read* a file's ctime/mtime (any fstat or stat does), the next write stamps a fine-grained
// time, so every write changes the inode and every fdatasync must also write the inode block:
// one more synchronous disk write per commit. statx asking only for the size or the inode
// number leaves the timestamps unread; writes then change the inode once per clock tick at most.
#define _GNU_SOURCE
#include "CDeskStore.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static int identity(int dirfd, const char *path, int flags, unsigned int mask, int64_t *size, uint64_t *device, uint64_t *inode) {
    struct statx sx;
    if (statx(dirfd, path, flags, mask, &sx) == 0) {
        if (size) *size = (int64_t)sx.stx_size;
        if (device) *device = ((uint64_t)sx.stx_dev_major << 32) | sx.stx_dev_minor;
        if (inode) *inode = sx.stx_ino;
        return 0;
    }
    if (errno != ENOSYS) return -1;
    // Kernels before 4.11: plain fstatat (timestamps are coarse there anyway).
    struct stat st;
    if (fstatat(dirfd, path, &st, flags) != 0) return -1;
    if (size) *size = (int64_t)st.st_size;
    if (device) *device = ((uint64_t)major(st.st_dev) << 32) | minor(st.st_dev);
    if (inode) *inode = st.st_ino;
    return 0;
}

int opsdesk_file_size(int fd, int64_t *size) {
    return identity(fd, "", AT_EMPTY_PATH, STATX_SIZE, size, 0, 0);
}

int opsdesk_file_id(int fd, const char *path, uint64_t *device, uint64_t *inode) {
    if (path) return identity(AT_FDCWD, path, 0, STATX_INO, 0, device, inode);
    return identity(fd, "", AT_EMPTY_PATH, STATX_INO, 0, device, inode);
}
