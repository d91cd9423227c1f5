/* process.c — program start and end, argv, the clocks, the environment. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"
#include "scheduler.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* argv as given to main(); read-only after purr_init. */
static int purr__argc;
static char **purr__argv;

/* Full buffering makes println cheap; it is safe because every path out of
 * the process (purr_shutdown, purr_exit, purr_panic) and every write to stderr
 * (purr_eprintln) flushes stdout first. Static so that the buffer outlives
 * the final flush done by exit(). */
static char purr__stdout_buf[64 * 1024];

void purr_init(int argc, char **argv) {
    purr__argc = argc;
    purr__argv = argv;
    setvbuf(stdout, purr__stdout_buf, _IOFBF, sizeof purr__stdout_buf);
    purr__install_overflow_handler();
}

/* Exit status when PURR_CHECK_HEAP finds live heap at the normal end of a
 * program (docs/compiler.md, "Memory checks"): 70 is EX_SOFTWARE in
 * sysexits.h, distinct from a panic's 101 and a failed test run's 1. */
#define EXIT_HEAP_LIVE 70

/* Only here, at the normal end: purr_exit, a panic and a stack overflow
 * leave with the frames that owned values still on the stack. */
void purr_shutdown(void) {
    purr__owned_free();
    fflush(stdout);
    if (getenv("PURR_CHECK_HEAP") != NULL && purr__heap_live != 0) {
        fprintf(stderr, "purr: %zu bytes of heap still live at exit\n", purr__heap_live);
        exit(EXIT_HEAP_LIVE);
    }
}

void purr_exit(int32_t code) {
    fflush(stdout);
    exit(code);
}

/* A whole decimal number from the environment variable `name`, or `dflt`
 * when it is unset; anything else ends the program (status 2, as purrc's
 * usage errors): a run under other settings than asked for would mislead. */
uint64_t purr__env_number(const char *name, uint64_t dflt, uint64_t max) {
    const char *text = getenv(name);
    if (text == NULL) return dflt;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*text < '0' || *text > '9' || *end != '\0' || errno != 0 || v > max) {
        fflush(stdout);
        fprintf(stderr, "purr: %s=%s is not a whole number from 0 to %llu\n", name, text, (unsigned long long)max);
        exit(2);
    }
    return v;
}

int64_t purr__clock_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t purr__clock_ms(void) { return purr__clock_ns() / 1000000; }

/* While a scheduler runs, now_ms() is its clock: virtual under the
 * deterministic scheduler (§7), so that a program's output does not depend
 * on how fast it ran. */
int64_t purr_now_ms(void) { return purr__sched != NULL ? purr__sched->now() : purr__clock_ms(); }

/* 2026-01-01T00:00:00Z in ms since 1970: the wall clock at virtual time 0. */
#define DET_UNIX_EPOCH_MS 1767225600000

/* Virtual under the deterministic scheduler too (docs/io.md), or IDs made
 * from it would differ from run to run. */
int64_t purr_time_unix_ms(void) {
    if (purr__sched == &purr__sched_det) return DET_UNIX_EPOCH_MS + purr__sched->now();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

purr_str *purr_os_getenv(const purr_str *name) {
    /* A NUL inside the name would look up another variable. */
    if (strlen(name->data) != (size_t)name->len) return NULL;
    const char *value = getenv(name->data);
    return value == NULL ? NULL : purr_str_from_cstr(value);
}

purr_list *purr_args(void) {
    purr_list *l = purr_list_with_cap(&purr_type_str, purr__argc);
    for (int i = 0; i < purr__argc; i++)
        *(purr_str **)purr_list_push_slot(&l) = purr_str_from_cstr(purr__argv[i]);
    return l;
}
