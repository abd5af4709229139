#ifndef OPSDESK_CDESKSTORE_H
#define OPSDESK_CDESKSTORE_H
#include <stdint.h>
#include <stddef.h>
uint32_t opsdesk_crc32c(uint32_t crc, const void *data, size_t length);
int opsdesk_flock(int fd, int operation);
#endif
