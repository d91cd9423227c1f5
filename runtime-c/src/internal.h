/* internal.h — helpers shared by the runtime's own files (never included by
 * generated code, which sees only purr.h). */
#ifndef PURR_INTERNAL_H
#define PURR_INTERNAL_H

#include "purr.h"

/* Runtime misuse that no Purr program can cause (a compiler bug or a broken
 * descriptor): prints "purr: internal error: ..." and aborts. */
PURR_NORETURN void purr__fatal(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* rc.c: grows one of the runtime's bookkeeping tables (handle and fd
 * tables, the owned stack, slab lists: not program data, so plain realloc,
 * outside the heap counters) to the smallest capacity first * 2^k, at
 * least the current one, that holds `need` elements of `size` bytes;
 * stores it in *cap and returns the table. Out of memory is fatal, naming
 * `what`. New elements are uninitialised. */
void *purr__table_grow(void *items, size_t *cap, size_t need, size_t first, size_t size, const char *what);

/* Longest text purr__fmt_f64 writes, excluding the NUL: "-1.2345678901234567e-308"
 * is 24 bytes and the decimal forms are shorter. */
#define PURR__F64_BUF 32

/* Writes str(v) for an f64 into buf (NUL-terminated); returns its length. */
int purr__fmt_f64(char *buf, double v);

/* Writes v in decimal into buf (NUL-terminated); returns its length.
 * buf needs room for 21 bytes. */
int purr__fmt_i64(char *buf, int64_t v);
int purr__fmt_u64(char *buf, uint64_t v);

/* crc32c.c: the CRC-32C of n bytes at p (initial and final value all
 * ones), with SSE4.2's crc32 instruction where the processor has it. */
uint32_t purr__crc32c(const uint8_t *p, size_t n);
/* crc32c.c: the table-driven CRC register update (no initial or final
 * inversion), which purr__crc32c falls back to; tests compare the two. */
uint32_t purr__crc32c_portable(uint32_t crc, const uint8_t *p, size_t n);

/* str.c: parse_i64 over the bytes [p, end): an optional sign, then decimal
 * digits, in range; false otherwise. */
bool purr__parse_i64(const char *p, const char *end, int64_t *out);

/* Hashes for map keys. The map takes the low bits of a hash as an index slot,
 * so every hash must be well mixed in all 64 bits. */
static inline uint64_t purr__mix64(uint64_t x) {
    /* SplitMix64's finaliser: every input bit affects every output bit. */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}
uint64_t purr__hash_bytes(const void *data, size_t len);

/* Byte-size arithmetic that aborts instead of wrapping. */
size_t purr__array_bytes(int64_t count, size_t elem_size);

/* The live and peak heap byte counters (rc.c), exposed so that allocators
 * layered over purr_alloc (actor.c's message free list) count the blocks
 * they hand out and take back without a call. */
/* purr__heap_live and purr__heap_peak are declared in purr.h. */
static inline void purr__heap_count_alloc(size_t size) {
    purr__heap_live += size;
    if (purr__heap_live > purr__heap_peak) purr__heap_peak = purr__heap_live;
}
static inline void purr__heap_count_free(size_t size) { purr__heap_live -= size; }

/* rc.c: a block of `size` bytes from the allocator behind purr_alloc (its
 * small-block pool or malloc), and its return, without counting it: for
 * allocators layered over it that count their blocks themselves
 * (msg_pool.c). A block is freed with the size it was allocated with. */
void *purr__block_alloc(size_t size);
void purr__block_free(void *p, size_t size);
/* The largest block rc.c serves from its size classes (bytes.c sizes its
 * inline buffers to fit). */
#define PURR__SMALL_BLOCK_MAX ((size_t)256)

/* msg_pool.c: whether valgrind runs the program (the pools then step
 * aside or describe their blocks to it). */
bool purr__under_valgrind(void);

/* msg_pool.c: sets purr__msg_fast (at purr_sched_init, after the scheduler
 * has set purr__single_threaded), and frees the message nodes kept for
 * reuse by purr_msg_alloc (at purr_sched_shutdown, after
 * purr__single_threaded is cleared). */
void purr__msg_pool_start(void);
void purr__msg_cache_release(void);

/* Starts a new peak for purr_heap_peak_bytes at the current live count, so a
 * bench reports the peak of its own run (metrics.c, at purr_sched_init). */
void purr__heap_reset_peak(void);

/* Monotonic wall-clock milli- and nanoseconds, whatever scheduler runs
 * (process.c). */
int64_t purr__clock_ms(void);
int64_t purr__clock_ns(void);

/* The whole number in environment variable `name` (dflt when unset); a
 * malformed value or one above max ends the program with status 2
 * (process.c). */
uint64_t purr__env_number(const char *name, uint64_t dflt, uint64_t max);

/* os.c: called with the descriptor after each successful fsync of std.fs
 * (NULL: nothing is called). The simulated disk (sim_disk.c) sets it, so
 * that os.c does not link it. */
extern void (*purr__os_fsync_hook)(int fd);

/* Where print and println write (print.c), switched by the test and bench
 * harness (test.c): the real stdout, the test's capture buffer, or nowhere. */
typedef enum purr__out_mode { PURR__OUT_STDOUT, PURR__OUT_CAPTURE, PURR__OUT_DISCARD } purr__out_mode;
extern purr__out_mode purr__out;
/* print.c: writes out what stdout buffered. */
void purr__flush_stdout(void);
/* Appends to the capture buffer (test.c). */
void purr__capture_write(const char *data, size_t len);
/* Nonzero while print.c is inside stdio, so the stack-overflow handler knows
 * that flushing stdout could meet a half-updated FILE. */
extern volatile int purr__in_stdio;

/* purr_panic outside actors, under the test or bench harness (test.c).
 * In a test: records the panic as the test's failure and returns true; the
 * caller then frees what it holds and calls purr__harness_unwind, which
 * ends the test (the run goes on with the next one). In a bench: prints
 * which bench failed and returns false (the process exits). Otherwise
 * returns false. */
bool purr__harness_on_panic(const purr_loc *loc, const char *msg);
PURR_NORETURN void purr__harness_unwind(void);
/* The deterministic scheduler stopped a test's run at its step limit
 * (sim.h) with work left: fails the test, naming the seed, and unwinds. */
PURR_NORETURN void purr__harness_step_limit(int64_t limit);
/* A handler's fault (`line`, without a newline) in a seeded test: the
 * harness keeps it for the test's report (shown when the test fails, with
 * the seed) and returns true; otherwise false, and fault.c prints it. */
bool purr__harness_on_fault(const char *line);

/* panic.c: the program's call into the standard library that led to a
 * panic at `loc`, or NULL when loc is not in the standard library. */
const purr_loc *purr__std_caller_of(const purr_loc *loc);
/* Prints "  called from FILE:LINE:COL" to stderr when it applies. */
void purr__report_std_caller(const purr_loc *loc);

/* owned.c: releases the owned stack's entries from `base` on, newest first
 * (a panic abandoning the frames that registered them), and frees the
 * stack at process end. */
void purr__owned_release_from(size_t base);
void purr__owned_free(void);

/* Installs the SIGSEGV handler that reports stack overflow on an alternate
 * stack (stack_overflow.c); idempotent. */
void purr__install_overflow_handler(void);

#endif /* PURR_INTERNAL_H */
