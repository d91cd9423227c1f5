/* poll_window.h — how long the event loop polls before it sleeps
 * (sched_epoll.c, docs/actors.md §9).
 *
 * A loop asleep in epoll_wait is woken by whoever makes its fd ready, and
 * the sender pays for the wake-up (an inter-processor interrupt; under a
 * hypervisor, an exit to the host): a server that falls asleep between the
 * requests of a busy client slows the client down. So, like Linux's
 * haltpoll cpuidle governor (and as Erlang's schedulers busy-wait), the
 * loop polls epoll with timeout 0 for up to window_ns before it blocks,
 * and learns the window from its sleeps: a sleep that readiness ended
 * within limit_ns would have been caught by a longer poll, so the window
 * grows (doubling, from a quarter of the limit); a longer sleep, or one a
 * timeout ended, halves it (below a quarter of the limit, to 0). A busy
 * server rarely sleeps; one whose sleeps last longer than the limit (an
 * idle one, or one waiting on a client's 50 µs round trips) stops polling
 * (measured: the same CPU as without polling; shrinking only after sleeps
 * of 4 or 10 limits cost 13 % and 48 % more CPU there). Figures:
 * scheduler.h, PURR__LOOP_POLL_US. */
#ifndef PURR_POLL_WINDOW_H
#define PURR_POLL_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

/* Invariant: 0 <= window_ns <= limit_ns; limit_ns 0 turns polling off. */
typedef struct purr__poll_window {
    int64_t window_ns;
    int64_t limit_ns;
} purr__poll_window;

static inline void purr__poll_window_init(purr__poll_window *p, int64_t limit_ns) {
    p->window_ns = 0;
    p->limit_ns = limit_ns;
}

/* After a sleep of slept_ns (polling included) that readiness ended
 * (woken) or a timeout did. */
static inline void purr__poll_window_adapt(purr__poll_window *p, int64_t slept_ns, bool woken) {
    int64_t start = p->limit_ns / 4;
    if (woken && slept_ns <= p->limit_ns) {
        int64_t grown = p->window_ns < start ? start : p->window_ns * 2;
        p->window_ns = grown < p->limit_ns ? grown : p->limit_ns;
    } else {
        p->window_ns = p->window_ns / 2 < start ? 0 : p->window_ns / 2;
    }
}

#endif
