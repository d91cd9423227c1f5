/* C code of the FFI test's own, linked with `--c-source`. */
#include <stdint.h>
#include <string.h>

int64_t triple(int64_t x) { return 3 * x; }

double halve(double x) { return x / 2.0; }

/* Writes `n` copies of `c` into `buf` (a Purr bytes buffer). */
void fill(uint8_t *buf, int64_t n, uint8_t c) { memset(buf, c, (size_t)n); }

int32_t count_char(const char *s, uint8_t c) {
    int32_t n = 0;
    for (; *s; s++) n += (uint8_t)*s == c;
    return n;
}

const char *greeting(int32_t polite) { return polite ? "good day" : "hi"; }

const char *nothing(void) { return NULL; }

_Bool is_even(int64_t x) { return x % 2 == 0; }
