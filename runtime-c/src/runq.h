/* runq.h — the run queue: a FIFO of actors waiting for a turn, shared by
 * both schedulers (sched_det.c, sched_epoll.c).
 *
 * Intrusive through purr__actor.run_next, so queuing an actor allocates
 * nothing and costs a few stores; inline because purr_send queues the
 * target of every message that finds its mailbox EMPTY (actor.c), and the
 * schedulers pop once per actor turn. One thread owns a queue: no atomics.
 *
 * Invariants:
 *   - head..tail, linked through run_next, is the queue in arrival order;
 *     tail->run_next == NULL; head == NULL exactly when tail == NULL.
 *   - An actor is in at most one queue, at most once: it is pushed only by
 *     the push that cleared its mailbox's EMPTY mark, or by the scheduler
 *     after a turn that left messages (mailbox.h), and popped before its
 *     turn. So run_next is free for the queue's use (actor.h). */
#ifndef PURR_RUNQ_H
#define PURR_RUNQ_H

#include "actor.h"

typedef struct purr__runq {
    purr__actor *head, *tail;
} purr__runq;

static inline void purr__runq_clear(purr__runq *q) { q->head = q->tail = NULL; }

static inline bool purr__runq_empty(const purr__runq *q) { return q->head == NULL; }

static inline void purr__runq_push(purr__runq *q, purr__actor *a) {
    a->run_next = NULL;
    if (q->tail != NULL)
        q->tail->run_next = a;
    else
        q->head = a;
    q->tail = a;
}

/* The oldest actor; the queue must not be empty. */
static inline purr__actor *purr__runq_pop(purr__runq *q) {
    purr__actor *a = q->head;
    q->head = a->run_next;
    if (q->head == NULL) q->tail = NULL;
    return a;
}

#endif /* PURR_RUNQ_H */
