#include "CDeskStore.h"
#include <sys/file.h>
#include <string.h>

int opsdesk_flock(int fd, int operation) { return flock(fd, operation); }

int opsdesk_all_zero(const void *data, size_t length) {
    const unsigned char *p = data;
    while (length > 0 && ((uintptr_t)p & 7)) { if (*p) return 0; p++; length--; }
    const uint64_t *w = (const uint64_t *)p;
    while (length >= 32) {
        if (w[0] | w[1] | w[2] | w[3]) return 0;
        w += 4; length -= 32;
    }
    p = (const unsigned char *)w;
    while (length > 0) { if (*p) return 0; p++; length--; }
    return 1;
}

/* CRC32C (Castagnoli, reflected polynomial 0x82F63B78), as LevelDB and iSCSI use it.
   The caller passes the previous CRC (0 to start); pre- and post-inversion happen here,
   so opsdesk_crc32c(opsdesk_crc32c(0, a), b) == crc of a followed by b. */

static uint32_t table[8][256];
static int table_ready = 0;

static void build_table(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[0][n] = c;
    }
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = table[0][n];
        for (int t = 1; t < 8; t++) { c = table[0][c & 0xff] ^ (c >> 8); table[t][n] = c; }
    }
    __atomic_store_n(&table_ready, 1, __ATOMIC_RELEASE);
}

uint32_t opsdesk_crc32c_software(uint32_t crc, const void *data, size_t length) {
    if (!__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE)) build_table();
    const unsigned char *p = data;
    uint32_t c = ~crc;
    while (length >= 8) {
        uint64_t w; memcpy(&w, p, 8);
        w ^= c;
        c = table[7][w & 0xff] ^ table[6][(w >> 8) & 0xff] ^ table[5][(w >> 16) & 0xff] ^
            table[4][(w >> 24) & 0xff] ^ table[3][(w >> 32) & 0xff] ^ table[2][(w >> 40) & 0xff] ^
            table[1][(w >> 48) & 0xff] ^ table[0][w >> 56];
        p += 8; length -= 8;
    }
    while (length--) c = table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(uint32_t crc, const void *data, size_t length) {
    const unsigned char *p = data;
    uint64_t c = (uint32_t)~crc;
    while (length && ((uintptr_t)p & 7)) { c = __builtin_ia32_crc32qi((uint32_t)c, *p++); length--; }
    while (length >= 8) {
        uint64_t w; memcpy(&w, p, 8);
        c = __builtin_ia32_crc32di(c, w);
        p += 8; length -= 8;
    }
    while (length--) c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
    return ~(uint32_t)c;
}

/* Combining CRCs (as zlib's crc32_combine): crc(A || B) from crc(A), crc(B) and len(B). */
static uint32_t gf2_multmodp(uint32_t a, uint32_t b) {
    uint32_t m = 1u << 31, p = 0;
    for (;;) {
        if (a & m) { p ^= b; if ((a & (m - 1)) == 0) break; }
        m >>= 1;
        b = (b & 1) ? (b >> 1) ^ 0x82F63B78u : b >> 1;
    }
    return p;
}

/* x^(n * 2^k) modulo the polynomial. */
static uint32_t x2nmodp(size_t n, unsigned k) {
    uint32_t p = 1u << 31;             /* x^0 */
    uint32_t sq = 1u << 30;            /* x^1, squared k times below */
    for (unsigned i = 0; i < k; i++) sq = gf2_multmodp(sq, sq);
    while (n) {
        if (n & 1) p = gf2_multmodp(sq, p);
        n >>= 1;
        sq = gf2_multmodp(sq, sq);
    }
    return p;
}

uint32_t opsdesk_crc32c_combine(uint32_t crc1, uint32_t crc2, size_t length2) {
    return gf2_multmodp(x2nmodp(length2, 3), crc1) ^ crc2;
}

/* Large buffers: three independent crc32 chains (the instruction's latency is three cycles,
   its throughput one per cycle), combined at the end. */
__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42_3way(uint32_t crc, const void *data, size_t length) {
    const unsigned char *p = data;
    size_t third = (length / 24) * 8;
    const unsigned char *a = p, *b = p + third, *c = p + 2 * third;
    uint64_t ca = (uint32_t)~crc, cb = 0xffffffffu, cc = 0xffffffffu;
    for (size_t i = 0; i < third; i += 8) {
        uint64_t wa, wb, wc;
        memcpy(&wa, a + i, 8); memcpy(&wb, b + i, 8); memcpy(&wc, c + i, 8);
        ca = __builtin_ia32_crc32di(ca, wa);
        cb = __builtin_ia32_crc32di(cb, wb);
        cc = __builtin_ia32_crc32di(cc, wc);
    }
    uint32_t crcA = ~(uint32_t)ca, crcB = ~(uint32_t)cb;
    uint32_t crcC = crc32c_sse42(~(uint32_t)cc, p + 3 * third, length - 3 * third);
    uint32_t ab = opsdesk_crc32c_combine(crcA, crcB, third);
    return opsdesk_crc32c_combine(ab, crcC, length - 2 * third);
}
#endif

int opsdesk_crc32c_hardware(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") ? 1 : 0;
#else
    return 0;
#endif
}

uint32_t opsdesk_crc32c(uint32_t crc, const void *data, size_t length) {
#if defined(__x86_64__)
    static int hw = -1;
    int h = __atomic_load_n(&hw, __ATOMIC_RELAXED);
    if (h < 0) { h = opsdesk_crc32c_hardware(); __atomic_store_n(&hw, h, __ATOMIC_RELAXED); }
    if (h) return length >= (1u << 16) ? crc32c_sse42_3way(crc, data, length) : crc32c_sse42(crc, data, length);
#endif
    return opsdesk_crc32c_software(crc, data, length);
}
