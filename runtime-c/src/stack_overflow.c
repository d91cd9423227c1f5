/* stack_overflow.c — reporting deep recursion instead of dying silently.
 *
 * Running off the end of the stack raises SIGSEGV on the guard page. A
 * handler can run only on another stack (sigaltstack). It cannot resume the
 * program: the faulting frame is unfinished and the stack is exhausted, so
 * unlike a panic this is not isolated to one actor. The handler reports
 *     stack overflow in actor NAME handling MSG     (inside a handler)
 *     stack overflow                                (elsewhere)
 * on stderr and exits with status 101, like a panic outside actors.
 *
 * Telling an overflow from other segfaults (a bad pointer from C interop):
 * the fault address must lie in the region the main stack may grow into,
 * between the stack top recorded at install time and RLIMIT_STACK (plus
 * slack for one large frame skipping the guard page) below it. Other faults
 * get the default action back and re-fault, so they still dump core as
 * usual. Only the main thread's stack is covered; the runtime has no other.
 *
 * The handler may use only async-signal-safe calls (write, _exit), with one
 * exception: it flushes stdout, so output printed before the overflow is not
 * lost, unless the overflow hit inside stdio (purr__in_stdio, set by
 * print.c), where the FILE may be half-updated. */
#define _XOPEN_SOURCE 700 /* sigaltstack, SA_ONSTACK: XSI on top of POSIX 2008 */
#include "actor.h"

#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#define SLACK ((uintptr_t)16 << 20)
#define UNLIMITED_STACK ((uintptr_t)1 << 30)

static char alt_stack[64 * 1024];
static bool installed;
static uintptr_t stack_top;   /* an address near the top of the main stack */
static uintptr_t stack_reach; /* how far below it an overflow faults */

static void append(char *buf, size_t *n, size_t cap, const char *s) {
    while (*s != '\0' && *n < cap) buf[(*n)++] = *s++;
}

static void on_segv(int sig, siginfo_t *info, void *context) {
    (void)context;
    uintptr_t addr = (uintptr_t)info->si_addr;
    if (addr >= stack_top || stack_top - addr > stack_reach) {
        signal(sig, SIG_DFL); /* not ours: fault again, and die as usual */
        return;
    }
    if (!purr__in_stdio) fflush(stdout);
    char buf[512];
    size_t n = 0;
    append(buf, &n, sizeof buf - 1, "stack overflow");
    const purr__actor *a = purr__actor_current();
    if (a != NULL) {
        append(buf, &n, sizeof buf - 1, " in actor ");
        append(buf, &n, sizeof buf - 1, a->pub.type->name);
        append(buf, &n, sizeof buf - 1, " handling ");
        append(buf, &n, sizeof buf - 1, purr__msg_name(purr__actor_current_msg()->kind));
    }
    buf[n++] = '\n';
    ssize_t w = write(2, buf, n);
    (void)w;
    _exit(101);
}

void purr__install_overflow_handler(void) {
    if (installed) return;
    installed = true;
    char here;
    stack_top = (uintptr_t)&here;
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < UNLIMITED_STACK)
        stack_reach = (uintptr_t)rl.rlim_cur + SLACK;
    else
        stack_reach = UNLIMITED_STACK;

    stack_t ss;
    ss.ss_sp = alt_stack;
    ss.ss_size = sizeof alt_stack;
    ss.ss_flags = 0;
    if (sigaltstack(&ss, NULL) != 0) return; /* no report, but no harm */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
}
