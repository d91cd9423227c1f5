/* test_crc32c.c — CRC-32C (crc32c.c): the RFC 3720 (iSCSI) test vectors
 * through the builtins crc32c and bytes_crc32c, ranges inside a buffer,
 * the SSE4.2 path against the table at every length up to 300 and every
 * alignment, and a range out of bounds panicking. */
#include "test.h"

#include "internal.h"

static purr_bytes *filled(int n, uint8_t (*byte)(int)) {
    purr_bytes *b = purr_bytes_new(n, &LOC);
    for (int i = 0; i < n; i++) purr_bytes_set(&b, i, byte(i), &LOC);
    return b;
}
static uint8_t zero(int i) {
    (void)i;
    return 0;
}
static uint8_t ones(int i) {
    (void)i;
    return 0xff;
}
static uint8_t up(int i) { return (uint8_t)i; }
static uint8_t down(int i) { return (uint8_t)(31 - i); }

/* RFC 3720, B.4: the CRC as the builtin returns it (the RFC lists its
 * bytes in little-endian order). */
static void test_rfc3720_vectors(void) {
    uint8_t (*fill[])(int) = {zero, ones, up, down};
    const uint32_t want[] = {0x8A9136AAu, 0x62A8AB43u, 0x46DD794Eu, 0x113FDB5Cu};
    for (int k = 0; k < 4; k++) {
        purr_bytes *b = filled(32, fill[k]);
        CHECK(purr_crc32c(b) == want[k]);
        CHECK(purr_bytes_crc32c(b, 0, 32, &LOC) == want[k]);
        purr_bytes_release(b);
    }
    /* An iSCSI read command PDU. */
    static const uint8_t pdu[48] = {0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                    0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
                                    0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
                                    0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    purr_bytes *b = purr_bytes_from(pdu, 48);
    CHECK(purr_crc32c(b) == 0xD9963A56u);
    purr_bytes_release(b);
}

static void test_ranges(void) {
    purr_bytes *b = purr_bytes_from((const uint8_t *)"xx123456789yy", 13);
    CHECK(purr_bytes_crc32c(b, 2, 11, &LOC) == 0xE3069283u);
    CHECK(purr_bytes_crc32c(b, 5, 5, &LOC) == 0);
    purr_bytes *empty = purr_bytes_new(0, &LOC);
    CHECK(purr_bytes_crc32c(empty, 0, 0, &LOC) == 0);
    CHECK(purr_crc32c(empty) == 0);
    purr_bytes_release(b);
    purr_bytes_release(empty);
}

/* Whatever path purr__crc32c takes on this machine agrees with the table
 * at every length and at every start modulo 8 (the SSE4.2 path steps
 * bytewise to an 8-byte boundary first). */
static void test_paths_agree(void) {
    uint8_t buf[320];
    for (int i = 0; i < 320; i++) buf[i] = (uint8_t)(i * 131 + 7);
    for (int start = 0; start < 8; start++) {
        for (size_t n = 0; n <= 300; n++) {
            uint32_t want = ~purr__crc32c_portable(0xffffffffu, buf + start, n);
            if (purr__crc32c(buf + start, n) != want) {
                fprintf(stderr, "start %d length %zu disagrees\n", start, n);
                CHECK(0);
                return;
            }
        }
    }
}

static void bad_range(void) {
    purr_bytes *b = KEEP(purr_bytes_new(4, &LOC));
    purr_bytes_crc32c(b, 2, 5, &LOC);
}

int main(void) {
    RUN(test_rfc3720_vectors);
    RUN(test_ranges);
    RUN(test_paths_agree);
    EXPECT_PANIC(bad_range, AT "bytes_crc32c range 2..5 out of bounds for length 4\n");
    return test_finish();
}
