/* mailbox.c — the intrusive MPSC message queue behind every actor.
 *
 * Design (Dmitry Vyukov's intrusive MPSC queue, with the "empty" mark of
 * ponyc's messageq.c):
 *   - Producers (any sender) push with ONE atomic exchange on head, then
 *     link the previous head to the new node. No loops, no locks: a send
 *     costs the same however many senders race.
 *   - The consumer (the scheduler running the actor; one at a time) pops at
 *     tail without atomic read-modify-writes, except in the two rare cases
 *     below.
 *   - The chain always holds at least one node so that producers never
 *     touch tail: a stub node. ponyc lets the last popped message serve as
 *     the next stub and frees it one pop later; that suits its pool
 *     allocator and GC'd payloads, but a Purr message must be dropped (its
 *     payload released) right after its handler. So the stub lives inside
 *     the mailbox, is skipped when it reaches the tail, and is pushed back
 *     (the first rare case) only when the last real message is popped. A
 *     popped message is then wholly the consumer's.
 *   - Bit 0 of head marks the mailbox EMPTY, i.e. not scheduled. Only the
 *     consumer sets it (CAS, the second rare case), and only when nothing
 *     but the stub is left; the exchange of the next push clears it and
 *     returns it, so exactly one sender learns that it must schedule the
 *     actor. An actor is therefore never queued twice, and never left with
 *     messages but unscheduled. Nodes are at least 8-byte aligned, so bit 0
 *     of a node address is free.
 * Invariants: see mailbox.h.
 *
 * Memory orders (what each one pairs with):
 *   - push's exchange is acq_rel. Release: our m->next = NULL is ordered
 *     before the next producer's store to m->next (it gets m from this
 *     exchange with acquire), so our NULL cannot overwrite its link.
 *     Acquire: likewise for the node we link to, and it pairs with the
 *     consumer's release CAS that set EMPTY, so a sender that schedules the
 *     actor sees everything the actor's last handler wrote.
 *   - push's link store is release and pop's load of next is acquire: the
 *     consumer sees the message's payload, written before the push.
 *   - mark_empty's CAS is release on success (above); on failure nothing is
 *     published or consumed, so relaxed.
 *   - pop's load of head only decides whether the last node can be
 *     detached now or later; a stale value just makes pop report "nothing
 *     yet" or push the stub one node further, both of which the algorithm
 *     handles, but acquire costs nothing on x86 and ARM64 loads.
 * With one thread (the deterministic scheduler) every operation runs to the
 * end before the next begins: the chain is never cut, pop returns NULL only
 * when the mailbox is empty, and mark_empty fails only when it is not.
 * While purr__single_threaded is set, push, pop and mark_empty take a path
 * with plain loads and stores instead (no locked instruction per message);
 * the atomic path above stays for a multi-threaded scheduler.
 *
 * The GCC/Clang __atomic builtins are used rather than <stdatomic.h>
 * because purr_msg.next is declared in purr.h, which generated C includes,
 * and must stay a plain pointer for compilers without C11 atomics (tcc). */
#include "mailbox.h"

#define EMPTY PURR__MAILBOX_EMPTY

bool purr__single_threaded;

void purr__mailbox_init(purr__mailbox *q) {
    q->stub.next = NULL;
    q->stub.drop = NULL;
    q->stub.kind = UINT32_MAX;
    q->stub.size = 0;
    q->tail = &q->stub;
    q->head = (uintptr_t)&q->stub | EMPTY;
}

bool purr__mailbox_push(purr__mailbox *q, purr_msg *m) {
    if (PURR_LIKELY(purr__single_threaded)) return purr__mailbox_push_st(q, m);
    m->next = NULL; /* m is not shared yet */
    uintptr_t prev = __atomic_exchange_n(&q->head, (uintptr_t)m, __ATOMIC_ACQ_REL);
    purr_msg *prev_node = (purr_msg *)(prev & ~EMPTY);
    __atomic_store_n(&prev_node->next, m, __ATOMIC_RELEASE);
    return (prev & EMPTY) != 0;
}

purr_msg *purr__mailbox_pop(purr__mailbox *q) {
    if (PURR_LIKELY(purr__single_threaded)) return purr__mailbox_pop_st(q);
    purr_msg *tail = q->tail;
    purr_msg *next = __atomic_load_n(&tail->next, __ATOMIC_ACQUIRE);
    if (tail == &q->stub) {
        if (next == NULL) return NULL; /* empty */
        q->tail = tail = next;         /* skip the stub */
        next = __atomic_load_n(&tail->next, __ATOMIC_ACQUIRE);
    }
    if (next != NULL) {
        q->tail = next;
        return tail;
    }
    /* tail is the newest linked node. It can leave only with a successor,
     * so the stub goes behind it — unless a producer has already exchanged
     * head and not linked yet: then its link will be the successor. */
    uintptr_t head = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE) & ~EMPTY;
    if (head != (uintptr_t)tail) return NULL;
    /* head is unmarked here (a message is queued), so the result, "was
     * EMPTY", is false and there is nobody to schedule. */
    (void)purr__mailbox_push(q, &q->stub);
    next = __atomic_load_n(&tail->next, __ATOMIC_ACQUIRE);
    if (next == NULL) return NULL; /* another push got in first, not linked yet */
    q->tail = next;
    return tail;
}

bool purr__mailbox_mark_empty(purr__mailbox *q) {
    if (PURR_LIKELY(purr__single_threaded)) return purr__mailbox_mark_empty_st(q);
    uintptr_t head = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
    if (head & EMPTY) return true;
    /* Empty means: tail is the stub and the stub is the newest node. */
    if (q->tail != &q->stub || head != (uintptr_t)&q->stub) return false;
    uintptr_t expected = (uintptr_t)&q->stub;
    return __atomic_compare_exchange_n(&q->head, &expected, expected | EMPTY, false, __ATOMIC_RELEASE,
                                       __ATOMIC_RELAXED);
}
