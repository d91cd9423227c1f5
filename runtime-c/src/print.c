/* print.c — print, println, eprintln.
 *
 * stdout is fully buffered (process.c). stderr is unbuffered, so eprintln
 * flushes stdout before writing: the two streams then appear in program
 * order even when both go to the same terminal or file. */
#include "internal.h"

#include <stdio.h>

void purr_print(const purr_str *s) { fwrite(s->data, 1, (size_t)s->len, stdout); }

void purr_println(const purr_str *s) {
    fwrite(s->data, 1, (size_t)s->len, stdout);
    putc('\n', stdout);
}

void purr_eprintln(const purr_str *s) {
    fflush(stdout);
    fwrite(s->data, 1, (size_t)s->len, stderr);
    putc('\n', stderr);
}
