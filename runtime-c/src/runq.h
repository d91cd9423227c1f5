/* runq.h — the run queue: the actors waiting for a turn, shared by both
 * schedulers (sched_det.c, sched_epoll.c).
 *
 * Two forms. The FIFO one (the event loop, and the deterministic scheduler
 * under seed 0) is a list linked through purr__actor.run_next, so queuing
 * an actor allocates nothing and costs a few stores. Under a seed, the
 * deterministic scheduler picks any runnable actor (sched_det.c): the
 * queue is then an array, the pool, where an actor is taken from any
 * position and the newest fills the gap. Every push of the pool writes the
 * slot past its end and only moves the end when the actor is queued,
 * without a branch on it: under a random order whether a send found its
 * receiver's mailbox empty is a coin toss for the branch predictor
 * (docs/performance.md "Simulation"). Inline because purr_send queues the
 * target of every message that finds its mailbox EMPTY (actor.c), and the
 * schedulers take one actor per turn. One thread owns a queue: no
 * atomics.
 *
 * Invariants:
 *   - pool == NULL: len == cap == 0, and head..tail, linked through
 *     run_next, is the queue in arrival order; tail->run_next == NULL;
 *     head == NULL exactly when tail == NULL.
 *   - pool != NULL: the queue is pool[0..len); len < cap, so pool[len] is
 *     free; head == tail == NULL.
 *   - An actor is in at most one queue, at most once: it is pushed only by
 *     the push that cleared its mailbox's EMPTY mark, or by the scheduler
 *     after a turn that left messages (mailbox.h), and leaves before its
 *     turn. So run_next is free for the queue's use (actor.h). */
#ifndef PURR_RUNQ_H
#define PURR_RUNQ_H

#include "actor.h"

typedef struct purr__runq {
    purr__actor *head, *tail;
    purr__actor **pool;
    uint32_t len, cap;
} purr__runq;

/* Turns an empty queue into a pool, or a pool back into an empty FIFO
 * queue (runq.c). */
void purr__runq_pool_start(purr__runq *q);
void purr__runq_pool_stop(purr__runq *q);
/* Doubles the pool (runq.c): out of line, as it happens O(log actors)
 * times. */
void purr__runq_pool_grow(purr__runq *q);
/* Removes `a` if queued (from a pool, the newest fills its place).
 * O(len): for the rare kill of a queued actor (sim.c). */
void purr__runq_remove(purr__runq *q, purr__actor *a);

static inline void purr__runq_clear(purr__runq *q) {
    q->head = q->tail = NULL;
    q->len = 0;
}

static inline bool purr__runq_empty(const purr__runq *q) { return q->head == NULL && q->len == 0; }

/* Queues `a` when `yes`: without a branch on it in a pool. */
static inline void purr__runq_push_if(purr__runq *q, purr__actor *a, bool yes) {
    if (q->pool != NULL) {
        q->pool[q->len] = a;
        q->len += yes;
        if (PURR_UNLIKELY(q->len == q->cap)) purr__runq_pool_grow(q);
    } else if (yes) {
        a->run_next = NULL;
        if (q->tail != NULL)
            q->tail->run_next = a;
        else
            q->head = a;
        q->tail = a;
    }
}

static inline void purr__runq_push(purr__runq *q, purr__actor *a) { purr__runq_push_if(q, a, true); }

/* FIFO: the oldest actor; the queue must not be empty. */
static inline purr__actor *purr__runq_pop(purr__runq *q) {
    purr__actor *a = q->head;
    q->head = a->run_next;
    if (q->head == NULL) q->tail = NULL;
    return a;
}

/* Pool: the actor at position k < len; the newest takes its place. */
static inline purr__actor *purr__runq_take(purr__runq *q, uint32_t k) {
    purr__actor *a = q->pool[k];
    q->pool[k] = q->pool[--q->len];
    return a;
}

#endif /* PURR_RUNQ_H */
