/* panic.c — fatal errors.
 *
 * Where a panic lands (docs/actors.md, "Failure"): inside a handler it ends
 * only that actor (fault.c reports it and unwinds to the scheduler); in a
 * test body it fails that test and the run goes on (test.c); elsewhere (fn
 * main, a bench body) it ends the process with status 101, like Rust's
 * default panic. stdout is flushed first because the runtime buffers it
 * (print.c): output written before the panic must appear before the panic
 * message. Every panic goes through panic_text, so one place decides. */
#include "actor.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const purr_loc *purr_std_caller;

/* The display paths purrc gives standard library files (stdlib.rs). */
static const char STDLIB_PREFIX[] = "<stdlib>/";

const purr_loc *purr__std_caller_of(const purr_loc *loc) {
    if (loc == NULL || strncmp(loc->file, STDLIB_PREFIX, sizeof STDLIB_PREFIX - 1) != 0) return NULL;
    return purr_std_caller;
}

void purr__report_std_caller(const purr_loc *loc) {
    const purr_loc *caller = purr__std_caller_of(loc);
    if (caller != NULL)
        fprintf(stderr, "  called from %s:%d:%d\n", caller->file, (int)caller->line, (int)caller->col);
}

/* `heap`: msg is a malloc'd block this function frees when the process
 * goes on (a handler or a test ends instead of the process). */
PURR_NORETURN static void panic_text(const purr_loc *loc, char *msg, bool heap) {
    if (purr__actor_current() != NULL) {
        purr_str *reason = purr_str_from_cstr(msg);
        if (heap) free(msg);
        purr__actor_fault(loc, reason);
    }
    if (purr__harness_on_panic(loc, msg)) {
        if (heap) free(msg);
        purr__harness_unwind();
    }
    fflush(stdout);
    if (loc != NULL)
        fprintf(stderr, "panic at %s:%d:%d: %s\n", loc->file, (int)loc->line, (int)loc->col, msg);
    else
        fprintf(stderr, "panic: %s\n", msg);
    purr__report_std_caller(loc);
    exit(101);
}

void purr_panic(const purr_loc *loc, const char *msg) { panic_text(loc, (char *)msg, false); }

void purr_panicf(const purr_loc *loc, const char *fmt, ...) {
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n < sizeof small) purr_panic(loc, n < 0 ? fmt : small);

    /* Plain malloc: the heap counters should not be disturbed by the
     * message itself. */
    char *big = malloc((size_t)n + 1);
    if (big == NULL) purr_panic(loc, small);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    panic_text(loc, big, true);
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
