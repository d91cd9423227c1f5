/* actor.h — the actor record as the runtime sees it (actor.c, probe.c and
 * the schedulers). Generated code sees only the purr_actor at its start. */
#ifndef PURR_ACTOR_H
#define PURR_ACTOR_H

#include "internal.h"
#include "mailbox.h"
#include "metrics.h"

#include <setjmp.h>

/* purr_actor.status */
enum {
    PURR__ALIVE = 0,    /* handles messages */
    PURR__STOPPING = 1, /* called stop(): ends when the current handler returns */
    PURR__DEAD = 2      /* ended: state released, sends are dropped */
};

/* The full record: one allocation holding the public part, the runtime's
 * fields and then the state (type->state_size bytes at `state`).
 *
 * Invariants:
 *   - rc counts the references: generated code's mailbox values, replies,
 *     timers, monitor lists, and one held by the runtime from spawn until the
 *     actor ends (stop, fault, or scheduler shutdown). So rc >= 1 while not
 *     DEAD, and the record is freed when rc reaches 0 (only once DEAD).
 *   - The actor is on the live list exactly while it is not DEAD.
 *   - depth == the number of messages in the mailbox.
 *   - run_next is the scheduler's: meaningful only while the actor is in a
 *     FIFO run queue (runq.h). It is in the run queue exactly while it is
 *     not DEAD, its mailbox is not marked EMPTY, and it is not the actor
 *     being run. (An ended actor's mailbox is left as it was: sends check
 *     status before pushing.)
 *   - pub.rt is NULL or a purr__actor_extra (allocated by the first
 *     monitor() of this actor, or when it faults), freed with the record. */
typedef struct purr__actor purr__actor;
struct purr__actor {
    purr_actor pub; /* first, so a purr_actor * is a purr__actor * */
    purr__mailbox mailbox;
    purr__actor *run_next;
    purr__actor *live_prev, *live_next; /* spawn order, for shutdown */
    int64_t depth;
};

/* A resource an actor owns — a listener, a connection, an open file — which
 * the runtime closes when the actor ends (stop, fault or shutdown), so that
 * an actor that dies never leaks a descriptor. The I/O layer embeds it in
 * its own record.
 * Invariants: `owner` is NULL or an actor that is not DEAD; the resources
 * of an actor form a doubly linked list through prev/next, headed in its
 * purr__actor_extra, and a resource is on at most one list (its owner's). */
typedef struct purr__resource purr__resource;
struct purr__resource {
    purr__resource *prev, *next;
    purr__actor *owner;
    /* The owner ended: close. Called after the resource left the list; it
     * must not touch the owner. */
    void (*owner_ended)(purr__resource *r);
};

/* Behind pub.rt: what only monitored actors and actors owning resources
 * need. */
typedef struct purr__actor_extra {
    purr__actor **watchers; /* retained; told when this actor faults */
    int32_t nwatchers, capwatchers;
    purr_str *exit_reason;  /* the panic message once faulted, else NULL */
    purr__resource *resources;
    bool spared; /* sim.spare: outside the machine that sim.crash_* crashes */
} purr__actor_extra;

/* fault.c: a's extra record, allocated on first use. */
purr__actor_extra *purr__actor_extra_of(purr__actor *a);
/* actor.c: `owner` (not DEAD) owns r from now on; r leaves its previous
 * owner's list, if any. */
void purr__resource_own(purr__resource *r, purr__actor *owner);
/* r has no owner any more (it was closed). */
void purr__resource_disown(purr__resource *r);

static inline purr__actor *purr__actor_of(purr_actor *a) { return (purr__actor *)(void *)a; }

/* A new record of type t: ALIVE, empty mailbox, on the live list, rc 2 (the
 * caller's reference and the runtime's), id 0, state uninitialised. */
purr__actor *purr__actor_new(const purr_actor_type *t);

/* Runs the oldest message of `a` (a scheduled, non-probe actor): dispatch,
 * drop, and the end of the actor when it stopped or faulted. Returns true
 * when `a` has more messages and must be queued again; false when its
 * mailbox is now marked EMPTY or it ended. */
static inline bool purr__actor_run_one(purr__actor *a);
/* The actor whose handler is running and its message, or NULL. */
purr__actor *purr__actor_current(void);
const purr_msg *purr__actor_current_msg(void);
/* Where a fault in a handler unwinds to. purr__sched_guard (scheduler.h) sets
 * it with setjmp in a frame below the scheduler loop that calls
 * purr__actor_run_one (once per run, not per message); when setjmp returns
 * nonzero, a handler has faulted, and the guard calls purr__actor_recover
 * before anything else, which finishes that step as if run_one had
 * returned false. Handlers run only under run_one, inside the guard, so the
 * buffer is always set while one runs. */
extern jmp_buf purr__fault_jump;
/* The owned stack's top (purr.h) where handlers begin: set by
 * purr__sched_guard with purr__fault_jump. A fault releases the entries
 * above it, which the handler's abandoned frames registered. */
extern size_t purr__handler_owned_base;
/* Finishes the step whose handler faulted: drops its message and ends the
 * actor with the fault's reason (tells its watchers). */
void purr__actor_recover(void);
/* Unwinds from a faulting handler to purr__fault_jump with `reason`
 * (owned), which purr__actor_recover ends the actor with. */
PURR_NORETURN void purr__actor_unwind(purr_str *reason);
/* fault.c: the registered name of a message kind (for fault reports). */
const char *purr__msg_name(uint32_t kind);
/* fault.c: purr_panic inside a handler. Reports to stderr, then unwinds
 * with `reason` (owned: a copy of the message, since the text may live in
 * the frames about to be abandoned). */
PURR_NORETURN void purr__actor_fault(const purr_loc *loc, purr_str *reason);
/* fault.c: at the end of actor `a`: when it faulted (reason != NULL,
 * borrowed) records the reason and sends ActorExited to its watchers; in
 * every case lets go of the watchers. */
void purr__actor_exit_notify(purr__actor *a, purr_str *reason);
/* fault.c: frees pub.rt (when the record is freed). */
void purr__actor_extra_free(purr__actor *a);
/* At scheduler start: ids count from 1 again. */
void purr__actors_reset(void);
/* At scheduler shutdown: ends every actor still alive (no ActorExited),
 * and forgets a handler that a test's failed expectation abandoned. */
void purr__actors_shutdown(void);

/* probe.c: the actor type of probes, and delivery to one (at send time). */
extern const purr_actor_type purr__probe_type;
void purr__probe_record(purr__actor *p, purr_msg *m);

/* sim.crash_*: ends every live actor but the test's probes and the spared
 * actors, in spawn order, as shutdown does (no ActorExited). No handler
 * may be running. */
void purr__actors_crash(void);
/* After a crash emptied the run queue: queues again, in spawn order, each
 * actor that survived it with messages in its mailbox. */
void purr__actors_requeue(void);
/* The live actor (not DEAD) with this id, or NULL; O(live actors), for
 * the simulation's controls (sim.c). */
purr__actor *purr__actor_find(int64_t id);
/* Ends `a` (not DEAD yet, reason borrowed or NULL): see actor.c. */
void purr__actor_end(purr__actor *a, purr_str *reason);
/* The handler running now (NULL between handlers) and its message (owned
 * by run_one); actor.c's, exposed for the inline run_one below. */
extern purr__actor *purr__current;
extern purr_msg *purr__current_msg;

/* Runs m's handler on `a` and drops m. False when the handler stopped
 * `a`, which is then ended. Inline so that the scheduler loop runs a
 * message without a call into actor.c. A fault in the handler does not
 * return here: it longjmps to the scheduler's purr__fault_jump, and the
 * scheduler calls purr__actor_recover, which finishes this step. */
static inline bool purr__actor_handle(purr__actor *a, purr_msg *m) {
    a->depth--;
    purr__metrics.message_count++;
    purr__current = a;
    purr__current_msg = m;
    a->pub.type->dispatch(&a->pub, m);
    purr__current = NULL;
    purr__current_msg = NULL;
    m->drop(m);
    if (PURR_UNLIKELY(a->pub.status == PURR__STOPPING)) {
        purr__actor_end(a, NULL);
        return false;
    }
    return true;
}

/* Inline, with the single-threaded mailbox, so that the scheduler loop
 * makes no call into mailbox.c either. */
static inline bool purr__actor_run_one(purr__actor *a) {
    purr_msg *m = PURR_LIKELY(purr__single_threaded) ? purr__mailbox_pop_st(&a->mailbox)
                                                    : purr__mailbox_pop(&a->mailbox);
    if (m == NULL) return !purr__mailbox_mark_empty(&a->mailbox); /* a push still under way */
    if (!purr__actor_handle(a, m)) return false;
    return PURR_LIKELY(purr__single_threaded) ? !purr__mailbox_mark_empty_st(&a->mailbox)
                                              : !purr__mailbox_mark_empty(&a->mailbox);
}

#endif /* PURR_ACTOR_H */
