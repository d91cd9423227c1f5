/* C equivalent of recursion.pu: the same work, the same output. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static int64_t fib(int64_t n) {
    if (n < 2) return n;
    return fib(n - 1) + fib(n - 2);
}

static int64_t ack(int64_t m, int64_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static int64_t tak(int64_t x, int64_t y, int64_t z) {
    if (y >= x) return z;
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

int main(void) {
    printf("fib(40) = %" PRId64 "\n", fib(40));
    printf("ack(3, 11) = %" PRId64 "\n", ack(3, 11));
    printf("tak(30, 20, 10) = %" PRId64 "\n", tak(30, 20, 10));
    return 0;
}
