/* print.c — print, println, eprintln.
 *
 * stdout is fully buffered (process.c). stderr is unbuffered, so eprintln
 * flushes stdout before writing: the two streams then appear in program
 * order even when both go to the same terminal or file. The event loop
 * flushes stdout before it sleeps (purr__flush_stdout), so output is never
 * held back while a program waits.
 *
 * Under the test harness print and println write into the test's capture
 * buffer instead (expect_output compares it), and under the bench harness
 * nowhere; test.c switches purr__out. eprintln always writes to stderr:
 * it is the channel for diagnostics, which a test should not swallow. */
#include "internal.h"

#include <stdio.h>

purr__out_mode purr__out = PURR__OUT_STDOUT;
volatile int purr__in_stdio;

static void out(const char *data, size_t len, bool newline) {
    switch (purr__out) {
    case PURR__OUT_STDOUT:
        purr__in_stdio = 1;
        fwrite(data, 1, len, stdout);
        if (newline) putc('\n', stdout);
        purr__in_stdio = 0;
        break;
    case PURR__OUT_CAPTURE:
        purr__capture_write(data, len);
        if (newline) purr__capture_write("\n", 1);
        break;
    case PURR__OUT_DISCARD:
        break;
    }
}

void purr_print(const purr_str *s) { out(s->data, (size_t)s->len, false); }

void purr_println(const purr_str *s) { out(s->data, (size_t)s->len, true); }

void purr__flush_stdout(void) {
    purr__in_stdio = 1;
    fflush(stdout);
    purr__in_stdio = 0;
}

void purr_eprintln(const purr_str *s) {
    purr__in_stdio = 1;
    fflush(stdout);
    fwrite(s->data, 1, (size_t)s->len, stderr);
    putc('\n', stderr);
    purr__in_stdio = 0;
}
