/* test.h — a minimal harness for the runtime's C unit tests.
 *
 * CHECK records a failure and carries on, so one run reports every broken
 * expectation. expect_panic runs a function in a child process (a panic
 * exits) and compares what it wrote and its exit status. */
#ifndef PURR_TEST_H
#define PURR_TEST_H

#define _DEFAULT_SOURCE /* fork, pipe, on_exit */
#include "purr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int test_failures;

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            test_failures++;                                                        \
        }                                                                           \
    } while (0)

/* Compares a purr_str with a C string, printing both on mismatch. */
#define CHECK_STR(s, want) check_str_at(__FILE__, __LINE__, (s), (want))
static inline void check_str_at(const char *file, int line, const purr_str *s, const char *want) {
    if (s->len == (int64_t)strlen(want) && memcmp(s->data, want, (size_t)s->len) == 0) return;
    fprintf(stderr, "%s:%d: got \"%.*s\", want \"%s\"\n", file, line, (int)s->len, s->data, want);
    test_failures++;
}

/* Consumes an owned string: checks it, then releases it. */
#define CHECK_OWNED_STR(expr, want)                                                 \
    do {                                                                            \
        purr_str *owned_ = (expr);                                                  \
        CHECK_STR(owned_, want);                                                    \
        purr_str_release(owned_);                                                   \
    } while (0)

#define RUN(test)                                                                   \
    do {                                                                            \
        int before_ = test_failures;                                                \
        test();                                                                     \
        if (test_failures != before_) fprintf(stderr, "  in %s\n", #test);          \
    } while (0)

/* The exit path of a panicking child: leave with the panic's status at once,
 * skipping the leak checkers' atexit hooks (a panic leaks by design). */
static inline void child_exit(int status, void *arg) {
    (void)arg;
    fflush(NULL);
    _exit(status);
}

/* Runs fn() in a child whose stdout and stderr go to one pipe; checks that
 * it exits with `status` after writing exactly `want`. */
#define EXPECT_EXIT(fn, status, want) expect_exit_at(__FILE__, __LINE__, (fn), (status), (want))
static inline void expect_exit_at(const char *file, int line, void (*fn)(void), int status, const char *want) {
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(2);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[1]);
        on_exit(child_exit, NULL);
        fn();
        exit(0);
    }
    close(fds[1]);
    char got[4096];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof got - 1 && (r = read(fds[0], got + n, sizeof got - 1 - n)) > 0) n += (size_t)r;
    got[n] = '\0';
    close(fds[0]);
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    if (code != status || strcmp(got, want) != 0) {
        fprintf(stderr, "%s:%d: child exited %d with \"%s\", want %d with \"%s\"\n", file, line, code, got,
                status, want);
        test_failures++;
    }
}

#define EXPECT_PANIC(fn, want) EXPECT_EXIT(fn, 101, want)

/* A panic exits without releasing anything. Objects a panicking child
 * allocates go through KEEP, which leaves them reachable from a global, so
 * that valgrind's leak check of the child does not report them. */
__attribute__((unused)) static void *volatile test_keep[16]; /* volatile: stores kept */
__attribute__((unused)) static int test_nkeep;
#define KEEP(p) (test_keep[test_nkeep++ % 16] = (p))

/* The location the tests pass to runtime calls, and its rendering. */
__attribute__((unused)) static const purr_loc LOC = {"t.pu", 3, 7};
#define AT "panic at t.pu:3:7: "

/* Ends a test binary: every heap byte must have been returned. */
static inline int test_finish(void) {
    if (purr_heap_bytes() != 0) {
        fprintf(stderr, "leak: %zu heap bytes still live at exit\n", purr_heap_bytes());
        test_failures++;
    }
    return test_failures == 0 ? 0 : 1;
}

#endif /* PURR_TEST_H */
