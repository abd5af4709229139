#include "CDeskStore.h"
#include <sys/file.h>
int opsdesk_flock(int fd, int operation) { return flock(fd, operation); }
uint32_t opsdesk_crc32c(uint32_t crc, const void *data, size_t length) { (void)data; (void)length; return crc; }
