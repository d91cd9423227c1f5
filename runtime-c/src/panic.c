/* panic.c — fatal errors.
 *
 * Outside actors (main, a test body, a bench body) a panic ends the process
 * with status 101, like Rust's default panic. stdout is flushed first because
 * the runtime buffers it (print.c): output written before the panic must
 * appear before the panic message. Inside a handler a panic ends only that
 * actor (PURR.md §7): fault.c reports it and unwinds to the scheduler. Every
 * panic goes through purr_panic, so one place decides how a fault is
 * reported. */
#include "actor.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

PURR_NORETURN static void panic_exit(const purr_loc *loc, const char *msg) {
    purr__harness_on_panic();
    fflush(stdout);
    if (loc != NULL)
        fprintf(stderr, "panic at %s:%d:%d: %s\n", loc->file, (int)loc->line, (int)loc->col, msg);
    else
        fprintf(stderr, "panic: %s\n", msg);
    exit(101);
}

void purr_panic(const purr_loc *loc, const char *msg) {
    if (purr__actor_current() != NULL) purr__actor_fault(loc, purr_str_from_cstr(msg));
    panic_exit(loc, msg);
}

void purr_panicf(const purr_loc *loc, const char *fmt, ...) {
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n < sizeof small) purr_panic(loc, n < 0 ? fmt : small);

    /* Plain malloc: the heap counters should not be disturbed by the
     * message itself. The process goes on after a fault in a handler, so
     * there the text moves into the reason string and the block is freed. */
    char *big = malloc((size_t)n + 1);
    if (big == NULL) purr_panic(loc, small);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (purr__actor_current() != NULL) {
        purr_str *reason = purr_str_from(big, n);
        free(big);
        purr__actor_fault(loc, reason);
    }
    panic_exit(loc, big);
}

void purr__div_zero(const purr_loc *loc) { purr_panic(loc, "division by zero"); }

void purr__fatal(const char *fmt, ...) {
    fflush(stdout);
    fputs("purr: internal error: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
