/* sched_epoll.c — the event loop (docs/actors.md §9), the scheduler of
 * programs: one thread runs the actors, the timers and fd readiness.
 *
 * Each turn of the loop:
 *   1. runs the actors of the run queue (runq.h) in FIFO order, each for a
 *      batch of PURR__LOOP_BATCH messages (an actor with more goes to the
 *      back; one alone in the queue runs on), until the queue is empty or
 *      PURR__LOOP_TURN_MESSAGES messages have run (values and measurements
 *      in scheduler.h);
 *   2. fires the timers that are due on the monotonic clock (ms);
 *   3. waits for fd readiness with epoll_wait: timeout 0 while actors are
 *      runnable, else until the next timer's deadline, else indefinitely
 *      while I/O is open (purr__io_refs), polling briefly before it
 *      sleeps (poll_window.h); and calls each ready fd's on_ready,
 *      which turns readiness into messages;
 * and the loop ends when no actor is runnable, no timer is pending and no
 * I/O is open. A handler's fault ends that actor (and so its batch) and the
 * loop goes on, as under the deterministic scheduler (purr__sched_guard).
 *
 * Batches: an actor's messages run back to back, and the run queue is
 * touched once per batch instead of once per message; an actor alone in
 * the queue keeps running, since nobody waits for it. Per-sender order is
 * the mailbox's FIFO whatever the batch; a runnable actor waits for at most
 * one batch of each actor ahead of it.
 *
 * Step 3 is skipped while actors are runnable and nothing could be ready
 * (no fd watched, no I/O open): a program that only exchanges messages
 * makes no system call, and runs as fast as on the deterministic
 * scheduler. Wake-ups from worker threads arrive through the eventfd of
 * loop_post.c, watched here like any fd. */
#include "loop_post.h"
#include "metrics.h"
#include "poll_window.h"
#include "scheduler.h"
#include "timer.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

/* Readiness collected per epoll_wait. */
#define MAX_EVENTS 64

/* A watched fd's registration, indexed by fd. gen counts the watches of
 * that fd number and rides in the epoll event's data with the fd, so
 * readiness collected for an earlier watch (unwatched, the number reused)
 * is recognised and skipped. */
typedef struct watch {
    purr__io_ready on_ready; /* NULL: not watched */
    void *ctx;
    uint32_t gen;
} watch;

/* Invariants:
 *   - purr__sched_runq holds each actor whose mailbox is not marked EMPTY,
 *     except the one running, exactly once (runq.h).
 *   - watches[fd].on_ready != NULL exactly while fd is registered in epfd,
 *     with data (watches[fd].gen << 32 | fd); cap is the table's length.
 *   - nwatched counts the fds watched through the interface (the eventfd
 *     of loop_post.c is not among them: a post comes only with an I/O
 *     reference, which the loop already waits for).
 *   - running is true while run() is on the stack; it may not be entered
 *     again from a handler. */
static struct {
    int epfd;
    purr__timers timers;
    watch *watches;
    size_t cap;
    int64_t nwatched;
    purr__poll_window poll;
    bool running;
} loop;

static int64_t now(void) { return purr__clock_ms(); }

/* ---------- fd registrations ---------- */

static uint64_t event_data(int fd) { return (uint64_t)loop.watches[fd].gen << 32 | (uint32_t)fd; }

static int add_fd(int fd, uint32_t events, purr__io_ready on_ready, void *ctx) {
    if (fd < 0 || on_ready == NULL) return -EINVAL;
    if ((size_t)fd >= loop.cap) {
        size_t old = loop.cap;
        loop.watches = purr__table_grow(loop.watches, &loop.cap, (size_t)fd + 1, 64, sizeof *loop.watches, "fd table");
        memset(loop.watches + old, 0, (loop.cap - old) * sizeof *loop.watches);
    }
    watch *w = &loop.watches[fd];
    if (w->on_ready != NULL) return -EEXIST;
    w->gen++;
    struct epoll_event ev = {.events = events, .data.u64 = event_data(fd)};
    if (epoll_ctl(loop.epfd, EPOLL_CTL_ADD, fd, &ev) != 0) return -errno;
    w->on_ready = on_ready;
    w->ctx = ctx;
    return 0;
}

static bool watched(int fd) { return fd >= 0 && (size_t)fd < loop.cap && loop.watches[fd].on_ready != NULL; }

static int watch_fd(int fd, uint32_t events, purr__io_ready on_ready, void *ctx) {
    int err = add_fd(fd, events, on_ready, ctx);
    if (err == 0) loop.nwatched++;
    return err;
}

static int modify_fd(int fd, uint32_t events) {
    if (!watched(fd)) return -ENOENT;
    struct epoll_event ev = {.events = events, .data.u64 = event_data(fd)};
    return epoll_ctl(loop.epfd, EPOLL_CTL_MOD, fd, &ev) != 0 ? -errno : 0;
}

/* The registration goes even if epoll_ctl fails (an fd closed too early
 * has already left the epoll set), so on_ready is never called again. */
static int unwatch_fd(int fd) {
    if (!watched(fd)) return -ENOENT;
    loop.watches[fd].on_ready = NULL;
    loop.watches[fd].ctx = NULL;
    loop.nwatched--;
    return epoll_ctl(loop.epfd, EPOLL_CTL_DEL, fd, NULL) != 0 ? -errno : 0;
}

/* ---------- the loop ---------- */

static void init(void) {
    loop.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (loop.epfd < 0) purr__fatal("epoll_create1: %s", strerror(errno));
    purr__timers_init(&loop.timers);
    loop.watches = NULL;
    loop.cap = 0;
    loop.nwatched = 0;
    purr__poll_window_init(&loop.poll, (int64_t)purr__env_number("PURR_POLL_US", PURR__LOOP_POLL_US, 1000000) * 1000);
    loop.running = false;
    int err = add_fd(purr__posts_open(), EPOLLIN, purr__posts_ready, NULL);
    if (err != 0) purr__fatal("watching the loop's eventfd: %s", strerror(-err));
}

/* Posts still queued run first, while the timers and the actors they may
 * reach exist; the fds other layers watch are theirs to close. */
static void shutdown(void) {
    purr__posts_close();
    purr__timers_free(&loop.timers);
    close(loop.epfd);
    free(loop.watches);
    loop.watches = NULL;
    loop.cap = 0;
    loop.running = false;
}

/* Step 1: runs actors until the queue is empty or the turn's messages are
 * spent. An actor runs PURR__LOOP_BATCH messages while others wait, and on
 * while it is alone in the queue (nobody waits for its turn to end), up to
 * the end of the turn. */
static void run_ready(purr__runq *q) {
    int64_t turn_end = purr__metrics.message_count + PURR__LOOP_TURN_MESSAGES;
    while (!purr__runq_empty(q) && purr__metrics.message_count < turn_end) {
        purr__actor *a = purr__runq_pop(q);
        purr__metrics.scheduler_steps++;
        int64_t batch_end = purr__metrics.message_count + PURR__LOOP_BATCH;
        while (purr__actor_run_one(a)) {
            int64_t n = purr__metrics.message_count;
            if ((n >= batch_end && !purr__runq_empty(q)) || n >= turn_end) {
                purr__runq_push(q, a);
                break;
            }
        }
        purr__turn_end();
    }
}

/* Polls epoll until readiness, an error or the clock passes `until`. */
static int poll_until(struct epoll_event *ev, int64_t until) {
    int n;
    do n = epoll_wait(loop.epfd, ev, MAX_EVENTS, 0);
    while (n == 0 && purr__clock_ns() < until);
    return n;
}

/* Waits up to timeout_ms (-1: no limit, never 0): polls for the window,
 * then sleeps, and adapts the window to the sleep. A timer may so fire up
 * to one window late. */
static int sleep_until_ready(struct epoll_event *ev, int timeout_ms) {
    /* stdout is fully buffered for speed (process.c); before the loop
     * sleeps, what the program printed goes out, so a server's output
     * appears when it happens, not when the buffer fills. */
    purr__flush_stdout();
    purr__poll_window *p = &loop.poll;
    if (p->limit_ns == 0) return epoll_wait(loop.epfd, ev, MAX_EVENTS, timeout_ms);
    int64_t start = purr__clock_ns();
    int n = p->window_ns > 0 ? poll_until(ev, start + p->window_ns) : 0;
    if (n != 0) return n;
    n = epoll_wait(loop.epfd, ev, MAX_EVENTS, timeout_ms);
    if (n >= 0) purr__poll_window_adapt(p, purr__clock_ns() - start, n > 0);
    return n;
}

/* Step 3: waits up to timeout_ms (-1: no limit) and dispatches readiness.
 * A signal cuts the wait short (EINTR): the caller's next turn computes
 * the timeout again. */
static void wait_io(int timeout_ms) {
    struct epoll_event ev[MAX_EVENTS];
    int n = timeout_ms == 0 ? epoll_wait(loop.epfd, ev, MAX_EVENTS, 0) : sleep_until_ready(ev, timeout_ms);
    if (n < 0) {
        if (errno == EINTR) return;
        purr__fatal("epoll_wait: %s", strerror(errno));
    }
    for (int i = 0; i < n; i++) {
        int fd = (int)(uint32_t)ev[i].data.u64;
        uint32_t gen = (uint32_t)(ev[i].data.u64 >> 32);
        /* Re-read each time: a callback may unwatch fds or grow the table. */
        if (!watched(fd) || loop.watches[fd].gen != gen) continue;
        loop.watches[fd].on_ready(loop.watches[fd].ctx, ev[i].events);
    }
}

static int ms_until(int64_t deadline) {
    int64_t left = deadline - purr__clock_ms();
    return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

static void turns(void) {
    purr__runq *q = &purr__sched_runq;
    for (;;) {
        run_ready(q);
        if (loop.timers.len != 0) {
            int64_t t = purr__clock_ms();
            while (purr__timers_fire_one(&loop.timers, t)) {}
        }
        int64_t deadline;
        if (!purr__runq_empty(q)) {
            if (loop.nwatched > 0 || purr__io_refs > 0) wait_io(0);
        } else if (purr__timers_next(&loop.timers, &deadline)) {
            wait_io(ms_until(deadline));
        } else if (purr__io_refs > 0) {
            wait_io(-1);
        } else {
            return;
        }
    }
}

static void run(void) {
    if (loop.running) purr__fatal("the scheduler was entered from a handler");
    loop.running = true;
    purr__sched_guard(turns);
    loop.running = false;
}

static int64_t add_timer(purr_actor *target, int64_t delay_ms, purr_msg *m) {
    return purr__timers_add(&loop.timers, purr__timer_deadline(now(), delay_ms), 0, target, m);
}

static bool cancel_timer(int64_t id) { return purr__timers_cancel(&loop.timers, id); }

const purr__sched_ops purr__sched_epoll = {
    .name = "event loop",
    .init = init,
    .shutdown = shutdown,
    .schedule = purr__sched_schedule,
    .run = run,
    .now = now,
    .add_timer = add_timer,
    .cancel_timer = cancel_timer,
    .watch = watch_fd,
    .modify = modify_fd,
    .unwatch = unwatch_fd,
};
