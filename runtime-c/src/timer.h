/* timer.h — pending timers of one scheduler (timer.c). */
#ifndef PURR_TIMER_H
#define PURR_TIMER_H

#include "internal.h"

typedef struct purr__timer {
    int64_t deadline;   /* clock value at which it fires */
    int64_t id;         /* > 0, increasing in creation order; also the tie-break */
    purr_actor *target; /* retained */
    purr_msg *msg;      /* owned */
    size_t pos;         /* its index in heap */
} purr__timer;

/* A binary min-heap of timers ordered by (deadline, id), with an index by id
 * for cancellation.
 * Invariants:
 *   - heap[0..len) holds every pending timer; for each i > 0,
 *     key(heap[(i-1)/2]) < key(heap[i]), keys being (deadline, id), all
 *     distinct because ids are. So the root fires next, and timers with
 *     equal deadlines fire in creation order.
 *   - heap[i]->pos == i.
 *   - by_id maps the id of each pending timer to its node, and nothing
 *     else: a fired or cancelled timer is removed from both at once. */
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
int64_t purr__timers_add(purr__timers *t, int64_t deadline, purr_actor *target, purr_msg *m);
/* Removes a pending timer and drops its message; false when id is not pending. */
bool purr__timers_cancel(purr__timers *t, int64_t id);
/* The earliest deadline, if any timer is pending. */
bool purr__timers_next(const purr__timers *t, int64_t *deadline);
/* Fires the next timer if its deadline is <= now: removes it, then sends its
 * message. Returns whether one fired. */
bool purr__timers_fire_one(purr__timers *t, int64_t now);
/* Drops every pending timer and frees the heap and index. */
void purr__timers_free(purr__timers *t);

#endif /* PURR_TIMER_H */
