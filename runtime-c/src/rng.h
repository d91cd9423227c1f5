/* rng.h — the simulation's pseudo-random generator (docs/testing.md).
 *
 * xoshiro256** (Blackman and Vigna, 2018): 256 bits of state, four xors,
 * two shifts and a rotate a number, statistically sound for every use a
 * schedule makes of it, and a pure function of its seed, so a run is
 * replayed exactly from the seed alone. The state is filled from the
 * 64-bit seed by SplitMix64, as the authors recommend: any seed, 0
 * included, gives a state that is not all zeros (the one state xoshiro
 * cannot leave).
 *
 * Invariant: s is never all zeros. */
#ifndef PURR_RNG_H
#define PURR_RNG_H

#include "internal.h"

typedef struct purr__rng {
    uint64_t s[4];
} purr__rng;

/* SplitMix64: the next number of the sequence at *x (x advances). */
static inline uint64_t purr__splitmix64(uint64_t *x) { return purr__mix64(*x += 0x9e3779b97f4a7c15ULL); }

static inline void purr__rng_seed(purr__rng *r, uint64_t seed) {
    for (int i = 0; i < 4; i++) r->s[i] = purr__splitmix64(&seed);
}

static inline uint64_t purr__rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t purr__rng_next(purr__rng *r) {
    uint64_t *s = r->s;
    uint64_t result = purr__rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = purr__rotl64(s[3], 45);
    return result;
}

/* Uniform in [0, n), n > 0, without bias, from the draw x (already taken
 * from r, so that a caller can look at where it points before it needs
 * it) and, rarely, more draws from r: Lemire's multiply-and-reject ("Fast
 * random integer generation in an interval", 2019), which divides only in
 * the rare case that a draw may be rejected. */
static inline uint64_t purr__rng_scale(purr__rng *r, uint64_t x, uint64_t n) {
#if defined(__SIZEOF_INT128__)
    unsigned __int128 m = (unsigned __int128)x * n;
    if ((uint64_t)m < n) {
        uint64_t floor = -n % n; /* 2^64 mod n */
        while ((uint64_t)m < floor) m = (unsigned __int128)purr__rng_next(r) * n;
    }
    return (uint64_t)(m >> 64);
#else
    uint64_t floor = -n % n;
    while (x < floor) x = purr__rng_next(r);
    return x % n;
#endif
}

/* Where purr__rng_scale(r, x, n) lands unless it rejects x (a guess, for
 * prefetching). */
static inline uint64_t purr__rng_guess(uint64_t x, uint64_t n) {
#if defined(__SIZEOF_INT128__)
    return (uint64_t)(((unsigned __int128)x * n) >> 64);
#else
    return x % n;
#endif
}

/* Uniform in [0, n), n > 0. */
static inline uint64_t purr__rng_below(purr__rng *r, uint64_t n) { return purr__rng_scale(r, purr__rng_next(r), n); }

#endif /* PURR_RNG_H */
