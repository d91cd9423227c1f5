/* panic.c — fatal errors.
 *
 * A panic ends the process with status 101, like Rust's default panic. stdout
 * is flushed first because the runtime buffers it (print.c): output written
 * before the panic must appear before the panic message. Every panic goes
 * through purr_panic, so one place decides how a fault is reported. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void purr_panic(const purr_loc *loc, const char *msg) {
    fflush(stdout);
    if (loc != NULL)
        fprintf(stderr, "panic at %s:%d:%d: %s\n", loc->file, (int)loc->line, (int)loc->col, msg);
    else
        fprintf(stderr, "panic: %s\n", msg);
    exit(101);
}

void purr_panicf(const purr_loc *loc, const char *fmt, ...) {
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n < sizeof small) purr_panic(loc, n < 0 ? fmt : small);

    /* Plain malloc: the process is about to exit, and the heap counters
     * should not be disturbed by the message itself. */
    char *big = malloc((size_t)n + 1);
    if (big == NULL) purr_panic(loc, small);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    purr_panic(loc, big);
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
