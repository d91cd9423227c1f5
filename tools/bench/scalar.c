/* C equivalent of scalar.pu: the same work, the same output. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#define LIMIT 1000000
#define ROUNDS 100000000

static int64_t collatz_steps(int64_t start) {
    int64_t n = start, steps = 0;
    while (n != 1) {
        if (n % 2 == 0)
            n = n / 2;
        else
            n = 3 * n + 1;
        steps += 1;
    }
    return steps;
}

static uint32_t hash_rounds(uint32_t seed, int64_t rounds) {
    uint32_t h = seed;
    for (int64_t i = 0; i < rounds; i++) {
        h = h * 2654435761u + (uint32_t)i;
        h = h ^ (h >> 15);
        h = h * 2246822519u;
    }
    return h;
}

int main(void) {
    int64_t best = 0, best_start = 0, total = 0;
    for (int64_t n = 1; n < LIMIT; n++) {
        int64_t steps = collatz_steps(n);
        total += steps;
        if (steps > best) {
            best = steps;
            best_start = n;
        }
    }
    printf("collatz below %d: longest %" PRId64 " steps from %" PRId64 ", total %" PRId64 "\n", LIMIT, best, best_start, total);
    printf("hash after %d rounds = %" PRIu32 "\n", ROUNDS, hash_rounds(2166136261u, ROUNDS));
    return 0;
}
