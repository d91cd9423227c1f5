/* mailbox.h — an actor's message queue (design in mailbox.c). */
#ifndef PURR_MAILBOX_H
#define PURR_MAILBOX_H

#include "internal.h"

/* Intrusive multi-producer single-consumer queue of purr_msg nodes.
 *
 * Invariants:
 *   - tail is the consumer's end: the node that pop looks at first (the
 *     stub or the oldest message). Only the consumer reads or writes tail.
 *   - head (the producers' end, with bit 0 as the EMPTY mark cleared) is the
 *     node pushed last; following next from tail reaches it, except that a
 *     producer between its exchange and its link store leaves the chain
 *     briefly cut (pop then reports "nothing yet", never a wrong node).
 *   - The stub is in the chain at most once; it is pushed back only when
 *     the last real node must be detached.
 *   - Bit 0 of head (EMPTY) is set only by the consumer, only when the chain
 *     holds nothing but the stub; it means "nobody will pop: the actor is not
 *     scheduled". The push that clears it is told so and must schedule the
 *     actor. Hence: the actor is scheduled (queued or running) exactly while
 *     EMPTY is clear. */
typedef struct purr__mailbox {
    uintptr_t head;  /* producers: atomic exchange only */
    purr_msg *tail;  /* consumer only */
    purr_msg stub;   /* never freed, never delivered */
} purr__mailbox;

/* True while the scheduler in use runs every producer and the consumer of
 * every mailbox on its one thread (both schedulers: set by
 * purr_sched_init, cleared at purr_sched_shutdown). push, pop
 * and mark_empty then use plain loads and stores instead of atomic
 * read-modify-writes; the queue's layout and invariants are the same on
 * both paths, so the flag may change while mailboxes hold messages, but
 * never while another thread could touch one. A multi-threaded scheduler
 * must leave it false. Declared in purr.h (the inline message allocator
 * reads it too). */

/* Empty and marked EMPTY: the first push will report that it must schedule. */
void purr__mailbox_init(purr__mailbox *q);
/* Any thread. Links m (owned) at the head. Returns true when the mailbox was
 * marked EMPTY: the caller must then schedule the actor. */
bool purr__mailbox_push(purr__mailbox *q, purr_msg *m);
/* Consumer only. The oldest message (now owned by the caller), or NULL when
 * there is none yet (none at all, or a push still under way). */
purr_msg *purr__mailbox_pop(purr__mailbox *q);
/* Consumer only, after pop has nothing more to give or when the actor gives
 * up its turn: marks the mailbox EMPTY if it holds no message. Returns true
 * when marked (the actor must not be queued again until a push says so),
 * false when a message is there or on its way (the actor stays scheduled). */
bool purr__mailbox_mark_empty(purr__mailbox *q);

/* Bit 0 of head: the mailbox is marked EMPTY (not scheduled). */
#define PURR__MAILBOX_EMPTY ((uintptr_t)1)

/* The single-threaded paths of push, pop and mark_empty (valid only while
 * purr__single_threaded): the same algorithm with plain loads and stores.
 * Safe because every producer (purr_send from handlers, timers, shutdown)
 * and the consumer run on the scheduler thread, one operation to the end
 * before the next: no other thread can observe the chain cut between the
 * head store and the link store, and nothing needs publishing to another
 * thread. Inline here so that actor.c's send and run_one need no call. */
static inline bool purr__mailbox_push_st(purr__mailbox *q, purr_msg *m) {
    m->next = NULL;
    uintptr_t prev = q->head;
    q->head = (uintptr_t)m;
    ((purr_msg *)(prev & ~PURR__MAILBOX_EMPTY))->next = m;
    return (prev & PURR__MAILBOX_EMPTY) != 0;
}

static inline purr_msg *purr__mailbox_pop_st(purr__mailbox *q) {
    purr_msg *tail = q->tail;
    purr_msg *next = tail->next;
    if (tail == &q->stub) {
        if (next == NULL) return NULL;
        q->tail = tail = next;
        next = tail->next;
    }
    if (next == NULL) {
        /* tail is the last node (the chain is never cut on one thread):
         * put the stub behind it so that it can leave. */
        (void)purr__mailbox_push_st(q, &q->stub);
        next = &q->stub;
    }
    q->tail = next;
    return tail;
}

static inline bool purr__mailbox_mark_empty_st(purr__mailbox *q) {
    if (q->tail == &q->stub && q->head == (uintptr_t)&q->stub) {
        q->head |= PURR__MAILBOX_EMPTY; /* the stub is the newest node, so the only one */
        return true;
    }
    return (q->head & PURR__MAILBOX_EMPTY) != 0;
}

/* The same pop and mark_empty as above, with selects instead of branches
 * on the mailbox's state: whether the stub is at the tail, whether the
 * message is the last one, whether nothing is left. Under a FIFO order
 * those outcomes repeat from step to step and the branches cost nothing;
 * under the seeded scheduler's random order each is a coin toss, and a
 * mispredicted branch costs more than the few stores these make either
 * way. The mailbox must hold a message. */
static inline uintptr_t purr__mailbox_select(bool yes, uintptr_t a, uintptr_t b) {
    uintptr_t mask = -(uintptr_t)yes;
    return (a & mask) | (b & ~mask);
}

static inline purr_msg *purr__mailbox_pop_st_flat(purr__mailbox *q) {
    purr_msg *stub = &q->stub;
    purr_msg *m = (purr_msg *)purr__mailbox_select(q->tail == stub, (uintptr_t)stub->next, (uintptr_t)q->tail);
    purr_msg *next = m->next;
    bool last = next == NULL;
    /* The last message leaves the stub alone in the chain (as pop_st, less
     * the link from m, which leaves). On one thread the stub is in the
     * chain only at the tail: it is pushed only as the last message leaves,
     * becoming the tail at once, and skipped as soon as a message follows
     * it. So its next is free to clear whether it stays or not. */
    stub->next = NULL;
    q->head = purr__mailbox_select(last, (uintptr_t)stub, q->head);
    q->tail = (purr_msg *)purr__mailbox_select(last, (uintptr_t)stub, (uintptr_t)next);
    return m;
}

/* The stub is the newest node only while it is the tail too (see
 * pop_st_flat), so head alone tells whether nothing is left. */
static inline bool purr__mailbox_mark_empty_st_flat(purr__mailbox *q) {
    bool empty = q->head == (uintptr_t)&q->stub;
    q->head |= empty;
    return empty;
}

#endif /* PURR_MAILBOX_H */
