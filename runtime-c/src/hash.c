/* hash.c — the byte-string hash behind string map keys.
 *
 * Eight bytes per round, each round a bijection of the state for a fixed
 * input word (xor, rotate, multiply by an odd constant), so two inputs of the
 * same length that differ in one word never collide before the final mix;
 * the length is folded in first so that inputs of different lengths start
 * apart. The SplitMix64 finaliser then spreads every bit into the low bits
 * that the map uses as an index. Not DoS-resistant: there is no seed. */
#include "internal.h"

#define K1 0x9e3779b97f4a7c15ULL
#define K2 0xc2b2ae3d27d4eb4fULL

static inline uint64_t round_word(uint64_t h, uint64_t w) {
    h ^= w * K1;
    h = (h << 31) | (h >> 33);
    return h * K2;
}

uint64_t purr__hash_bytes(const void *data, size_t len) {
    const unsigned char *p = data;
    uint64_t h = K2 ^ ((uint64_t)len * K1);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = round_word(h, w);
        p += 8;
        len -= 8;
    }
    if (len > 0) {
        uint64_t w = 0;
        for (size_t i = 0; i < len; i++) w |= (uint64_t)p[i] << (8 * i);
        h = round_word(h, w);
    }
    return purr__mix64(h);
}
