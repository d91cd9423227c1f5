/* signal.c — os.on_signal (docs/io.md): SIGTERM, SIGINT and SIGHUP
 * delivered to actors as Signal { name } messages instead of their default
 * action, so that a server can flush and close before it exits.
 *
 * Registrations. os.on_signal(name) inside a handler registers the running
 * actor. Every actor registered for a signal gets its own Signal, in the
 * order they registered (a log writer and a listener can both finish
 * cleanly); registering again changes nothing. A registration is a
 * resource of its actor (actor.h): it goes when the actor ends, and when
 * the last one of a signal goes, the disposition the signal had before
 * (default, ignored, or a handler of C code) comes back.
 *
 * Delivery on the event loop: the self-pipe trick. A sigaction handler
 * writes the signal's number into a nonblocking pipe whose read end the
 * loop watches; the readiness callback reads the numbers and sends the
 * messages on the scheduler thread. ponyc's event loop does the same (an
 * eventfd per signal), and for the same reason, rather than signalfd:
 * signalfd needs the signal blocked in every thread of the process, or a
 * thread that C code started takes the default action, while a handler
 * works on whichever thread the kernel picks. SA_RESTART keeps blocking
 * calls in C code from failing with EINTR; the loop's epoll_wait returns
 * EINTR regardless, and it waits again (sched_epoll.c). Watching the pipe
 * holds no I/O reference: a registration alone does not keep a program
 * running (a server has its listener open anyway).
 *
 * Deterministic scheduler: os.on_signal is accepted and does nothing, and
 * signals keep their default action. A deterministic run is a function of
 * its input and seed, and it ends when nothing is runnable instead of
 * waiting for the world outside (Ctrl-C still stops it). */
#define _GNU_SOURCE /* pipe2 */
#include "actor.h"
#include "rtmsg.h"
#include "scheduler.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

static const struct {
    const char *name;
    int signo;
} known[] = {{"TERM", SIGTERM}, {"INT", SIGINT}, {"HUP", SIGHUP}};
#define NKNOWN ((int)(sizeof known / sizeof known[0]))

typedef struct reg {
    purr__resource res; /* the registered actor */
    struct reg *next;
    int which; /* index in known */
} reg;

/* The write end of the pipe, as the handler reads it: -1 while the pipe is
 * closed. volatile sig_atomic_t, the one type a handler may read safely.
 * It is set before the first handler is installed and cleared before the
 * pipe closes, after every handler has been uninstalled; the file sync
 * thread blocks all signals (file_sync.c), so in a Purr program a handler
 * runs only on the scheduler thread, between these steps and never across
 * one. (A thread of C code with these signals unblocked could, in theory,
 * be inside the handler while the pipe closes; its write would then fail
 * with EBADF.) */
static volatile sig_atomic_t pipe_w = -1;

/* Scheduler thread only.
 * Invariants:
 *   - regs[i] lists the registrations of known[i], oldest first, each
 *     owned by an actor that has not ended (the resource invariant), no
 *     actor twice. Registrations exist only on the event loop.
 *   - regs[i] != NULL exactly while our handler is installed for known[i];
 *     saved[i] then holds the disposition it replaced.
 *   - The pipe is open (pipe_r >= 0, pipe_w >= 0, pipe_r watched) exactly
 *     while some regs[i] != NULL. */
static struct {
    reg *regs[NKNOWN];
    struct sigaction saved[NKNOWN];
    int pipe_r;
} sig = {.pipe_r = -1};

static void on_signal(int signo) {
    int saved_errno = errno;
    int fd = pipe_w;
    unsigned char b = (unsigned char)signo;
    /* A full pipe (64 KiB of signals nobody read yet) drops this one, as
     * the kernel merges a signal that is already pending. */
    if (fd >= 0)
        while (write(fd, &b, 1) < 0 && errno == EINTR) {}
    errno = saved_errno;
}

static int index_of_signo(int signo) {
    for (int i = 0; i < NKNOWN; i++)
        if (known[i].signo == signo) return i;
    return -1;
}

static void deliver(int which) {
    for (reg *r = sig.regs[which]; r != NULL; r = r->next)
        purr_send(&r->res.owner->pub,
                  PURR__MSG_CTOR(PURR__MSG_OS_SIGNAL, purr__new_os_signal)(purr_str_from_cstr(known[which].name)));
}

/* Each byte is a signal that arrived; one whose registrations all went in
 * the meantime reaches nobody. */
static void pipe_ready(void *ctx, uint32_t events) {
    (void)ctx, (void)events;
    unsigned char buf[64];
    for (;;) {
        ssize_t n = read(sig.pipe_r, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return; /* EAGAIN: read them all */
        for (ssize_t k = 0; k < n; k++) {
            int which = index_of_signo(buf[k]);
            if (which >= 0) deliver(which);
        }
    }
}

static bool any_registered(void) {
    for (int i = 0; i < NKNOWN; i++)
        if (sig.regs[i] != NULL) return true;
    return false;
}

static void open_pipe(void) {
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) purr__fatal("pipe for signals: %s", strerror(errno));
    sig.pipe_r = fds[0];
    pipe_w = fds[1];
    int err = purr__io_watch(sig.pipe_r, EPOLLIN, pipe_ready, NULL);
    if (err != 0) purr__fatal("watching the signal pipe: %s", strerror(-err));
}

/* Once every handler is uninstalled: the numbers still in the pipe have
 * nobody to go to. The unwatch finds nothing to remove when the event loop
 * has already shut down (actors end after it). */
static void close_pipe(void) {
    int w = pipe_w;
    pipe_w = -1;
    close(w);
    purr__io_unwatch(sig.pipe_r);
    close(sig.pipe_r);
    sig.pipe_r = -1;
}

static void registration_ended(purr__resource *res) {
    reg *r = (reg *)(void *)res; /* res is its first member */
    reg **link = &sig.regs[r->which];
    while (*link != r) link = &(*link)->next;
    *link = r->next;
    if (sig.regs[r->which] == NULL) sigaction(known[r->which].signo, &sig.saved[r->which], NULL);
    free(r);
    if (!any_registered()) close_pipe();
}

int32_t purr_os_on_signal(const purr_str *name) {
    int which = -1;
    for (int i = 0; i < NKNOWN; i++)
        if ((size_t)name->len == strlen(known[i].name) && memcmp(name->data, known[i].name, (size_t)name->len) == 0)
            which = i;
    if (which < 0) return -EINVAL;
    purr__actor *a = purr__actor_current();
    if (a == NULL) purr__fatal("os.on_signal outside an actor");
    if (purr__sched == &purr__sched_det) return 0;
    reg **link = &sig.regs[which];
    for (; *link != NULL; link = &(*link)->next)
        if ((*link)->res.owner == a) return 0;
    reg *r = calloc(1, sizeof *r);
    if (r == NULL) purr__fatal("out of memory (signal registration)");
    r->which = which;
    r->res.owner_ended = registration_ended;
    purr__resource_own(&r->res, a);
    if (sig.pipe_r < 0) open_pipe();
    *link = r;
    if (link == &sig.regs[which]) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        sigaction(known[which].signo, &sa, &sig.saved[which]);
    }
    return 0;
}
