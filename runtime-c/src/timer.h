/* timer.h — pending timers of one scheduler (timer.c), and the runtime's
 * own events on the deterministic scheduler's clock (sched_det.c). */
#ifndef PURR_TIMER_H
#define PURR_TIMER_H

#include "internal.h"

/* A callback that an event calls when it falls due (ctx is its own: the
 * heap neither owns nor frees it). */
typedef void (*purr__event_fn)(void *ctx);

/* A timer sends msg to target; an event (target NULL) calls fire(ctx). */
typedef struct purr__timer {
    int64_t deadline;   /* clock value at which it fires */
    uint64_t tie;       /* orders equal deadlines: 0, or seeded (sim.h) */
    int64_t id;         /* > 0, increasing in creation order; the last tie-break */
    purr_actor *target; /* retained; NULL for an event */
    purr_msg *msg;      /* owned */
    purr__event_fn fire;
    void *ctx;
    size_t pos;         /* its index in heap */
} purr__timer;

/* A binary min-heap of timers and events ordered by (deadline, tie, id),
 * with an index by id for cancelling timers.
 * Invariants:
 *   - heap[0..len) holds every pending timer and event; for each i > 0,
 *     key(heap[(i-1)/2]) < key(heap[i]), keys being (deadline, tie, id),
 *     all distinct because ids are. So the root fires next; with ties all
 *     0, entries with equal deadlines fire in creation order, and with
 *     seeded ties in an order the seed decides.
 *   - heap[i]->pos == i.
 *   - by_id maps the id of each pending timer (not event) to its node, and
 *     nothing else: a fired or cancelled timer is removed from both at
 *     once. So cancel_timer never reaches an event. */
typedef struct purr__timers {
    purr__timer **heap;
    size_t len, cap;
    purr_map *by_id; /* i64 -> ptr */
    int64_t next_id;
} purr__timers;

/* now + delay (delay >= 0), saturating: a delay too long for the clock
 * never falls due rather than wrapping into the past. */
static inline int64_t purr__timer_deadline(int64_t now, int64_t delay) {
    return delay > INT64_MAX - now ? INT64_MAX : now + delay;
}

void purr__timers_init(purr__timers *t);
/* Adds a timer for m (owned) to target (retained); returns its id. */
int64_t purr__timers_add(purr__timers *t, int64_t deadline, uint64_t tie, purr_actor *target, purr_msg *m);
/* Adds an event that calls fire(ctx) at deadline. */
void purr__timers_add_event(purr__timers *t, int64_t deadline, uint64_t tie, purr__event_fn fire, void *ctx);
/* Removes a pending timer and drops its message; false when id is not pending. */
bool purr__timers_cancel(purr__timers *t, int64_t id);
/* The earliest deadline, if any timer is pending. */
bool purr__timers_next(const purr__timers *t, int64_t *deadline);
/* Fires the next timer or event if its deadline is <= now: removes it,
 * then sends its message or calls it. Returns whether one fired. */
bool purr__timers_fire_one(purr__timers *t, int64_t now);
/* Drops every pending timer (events are forgotten: their owners keep their
 * own state) and frees the heap and index. */
void purr__timers_free(purr__timers *t);

#endif /* PURR_TIMER_H */
