/* actor.c — actor records: spawn, references, ids, send, stop, running one
 * message, and the end of an actor.
 *
 * Lifetime. A record is one allocation: the public purr_actor, the mailbox
 * and links (actor.h), then the state. The runtime holds one reference from
 * spawn until the actor ends, so an actor lives on while no mailbox value
 * points at it (a timer or another actor's reply may still reach it). It
 * ends by stop() (after the handler returns), by a fault in a handler, or
 * at purr_sched_shutdown; ending closes the resources it owns (listeners,
 * connections, files: actor.h), releases the state (type->drop_state),
 * drops and counts the messages still queued, tells watchers about a fault,
 * and gives up the runtime's reference. The record itself outlives the actor
 * while references remain, so sends to an ended actor can be dropped and
 * counted; its state bytes stay allocated with it (one allocation, no
 * pointer chasing on dispatch). Idle actors that nothing refers to are not
 * collected early: a program ends when nothing is runnable, and then they
 * all go at shutdown.
 *
 * Faults. Each scheduler runs its loop under purr__sched_guard
 * (scheduler.c), which sets purr__fault_jump once per run (not once per
 * message: setjmp was a measurable share of a message's cost); the loop
 * calls run_one for each message. purr_panic inside a handler reports
 * (fault.c) and longjmps to the guard, which calls purr__actor_recover: the
 * message is dropped and the actor ended, exactly as if run_one had
 * returned false, and the guard re-enters the loop. Before the
 * jump, the values the handler's frames own (strings, lists held in C
 * locals and temporaries) are released through the owned stack (purr.h);
 * its message and the actor's state are released here, because the
 * runtime, not the handler, owns those. drop_state then runs on the state
 * as the handler left it, which requires generated code to keep every
 * state field valid (never released but not yet replaced) across any call
 * that can panic. */
#include "actor.h"
#include "metrics.h"
#include "scheduler.h"

#include <setjmp.h>

/* The live list: every actor not yet DEAD (probes included), oldest first,
 * so shutdown ends them in spawn order and its output is deterministic. */
static purr__actor *live_head, *live_tail;
static int64_t next_id = 1;

/* The handler running now (NULL between handlers), its message (owned by
 * run_one), where a fault in it unwinds to (set by purr__sched_guard), and the
 * fault's reason until purr__actor_recover takes it. */
purr__actor *purr__current;
purr_msg *purr__current_msg;
jmp_buf purr__fault_jump;
size_t purr__handler_owned_base;
static purr_str *fault_reason;

/* The state starts 16-byte aligned, as malloc's blocks do. */
static size_t state_offset(void) { return (sizeof(purr__actor) + 15) & ~(size_t)15; }
static size_t record_size(const purr_actor_type *t) { return state_offset() + t->state_size; }

purr__actor *purr__actor_new(const purr_actor_type *t) {
    purr__actor *a = purr_alloc(record_size(t));
    a->pub.rc = 2;
    a->pub.type = t;
    a->pub.state = (char *)a + state_offset();
    a->pub.id = 0;
    a->pub.status = PURR__ALIVE;
    a->pub.rt = NULL;
    purr__mailbox_init(&a->mailbox);
    a->run_next = NULL;
    a->live_next = NULL;
    a->live_prev = live_tail;
    if (live_tail != NULL)
        live_tail->live_next = a;
    else
        live_head = a;
    live_tail = a;
    a->depth = 0;
    return a;
}

purr_actor *purr_spawn(const purr_actor_type *type, const void *init, bool has_start) {
    if (purr__sched == NULL) purr__fatal("spawn of %s before purr_sched_init", type->name);
    purr__actor *a = purr__actor_new(type);
    a->pub.id = next_id++;
    if (type->state_size != 0) memcpy(a->pub.state, init, type->state_size);
    purr__metrics.actors_spawned++;
    if (has_start) purr_send(&a->pub, purr_msg_alloc(sizeof(purr_msg), PURR_KIND_START, purr_msg_free));
    return &a->pub;
}

void purr_actor_retain(purr_actor *a) { a->rc++; }

void purr_actor_release(purr_actor *pa) {
    if (--pa->rc > 0) return;
    if (pa->status != PURR__DEAD)
        purr__fatal("actor %s #%lld released while alive", pa->type->name, (long long)pa->id);
    purr__actor *a = purr__actor_of(pa);
    purr__actor_extra_free(a);
    purr_free(a, record_size(pa->type));
}

void purr_send(purr_actor *target, purr_msg *m) {
    purr__actor *a = purr__actor_of(target);
    /* A STOPPING actor runs no further handler, so its mail is dropped at
     * once rather than queued and dropped when it ends: same count. */
    if (target->status != PURR__ALIVE) {
        m->drop(m);
        purr__metrics.dropped_messages++;
        return;
    }
    if (target->type == &purr__probe_type) {
        purr__probe_record(a, m);
        return;
    }
    if (++a->depth > purr__metrics.max_mailbox_depth) purr__metrics.max_mailbox_depth = a->depth;
    if (PURR_LIKELY(purr__single_threaded)) {
        purr__runq_push_if(&purr__sched_runq, a, purr__mailbox_push_st(&a->mailbox, m));
    } else if (purr__mailbox_push(&a->mailbox, m)) {
        purr__sched->schedule(a);
    }
}

void purr_stop(purr_actor *self) {
    if (purr__actor_of(self) != purr__current) purr__fatal("stop() outside the actor's own handler");
    if (self->status == PURR__ALIVE) self->status = PURR__STOPPING;
}

purr__actor *purr__actor_current(void) { return purr__current; }
const purr_msg *purr__actor_current_msg(void) { return purr__current_msg; }

void purr__actor_unwind(purr_str *reason) {
    fault_reason = reason;
    longjmp(purr__fault_jump, 1);
}

void purr__resource_own(purr__resource *r, purr__actor *owner) {
    purr__resource_disown(r);
    purr__actor_extra *x = purr__actor_extra_of(owner);
    r->owner = owner;
    r->prev = NULL;
    r->next = x->resources;
    if (x->resources != NULL) x->resources->prev = r;
    x->resources = r;
}

void purr__resource_disown(purr__resource *r) {
    if (r->owner == NULL) return;
    purr__actor_extra *x = r->owner->pub.rt;
    if (r->prev != NULL)
        r->prev->next = r->next;
    else
        x->resources = r->next;
    if (r->next != NULL) r->next->prev = r->prev;
    r->owner = NULL;
    r->prev = r->next = NULL;
}

/* Closes what `a` owns, newest first. */
static void close_resources(purr__actor *a) {
    purr__actor_extra *x = a->pub.rt;
    while (x != NULL && x->resources != NULL) {
        purr__resource *r = x->resources;
        purr__resource_disown(r);
        r->owner_ended(r);
    }
}

/* Ends `a` (not DEAD yet): see the top of the file. */
void purr__actor_end(purr__actor *a, purr_str *reason) {
    a->pub.status = PURR__DEAD;
    if (a->live_prev != NULL)
        a->live_prev->live_next = a->live_next;
    else
        live_head = a->live_next;
    if (a->live_next != NULL)
        a->live_next->live_prev = a->live_prev;
    else
        live_tail = a->live_prev;
    a->live_prev = a->live_next = NULL;

    close_resources(a);
    if (a->pub.type->drop_state != NULL) a->pub.type->drop_state(a->pub.state);
    purr_msg *m;
    while ((m = purr__mailbox_pop(&a->mailbox)) != NULL) {
        a->depth--;
        m->drop(m);
        purr__metrics.dropped_messages++;
    }
    purr__actor_exit_notify(a, reason);
    purr_actor_release(&a->pub); /* the runtime's reference; may free a */
}

void purr__actor_recover(void) {
    purr__actor *a = purr__current;
    purr_msg *m = purr__current_msg;
    purr__current = NULL;
    purr__current_msg = NULL;
    m->drop(m);
    purr_str *reason = fault_reason;
    fault_reason = NULL;
    purr__actor_end(a, reason);
    purr_str_release(reason);
}

void purr__actors_reset(void) { next_id = 1; }

static bool survives_crash(const purr__actor *a) {
    const purr__actor_extra *x = a->pub.rt;
    return a->pub.type == &purr__probe_type || (x != NULL && x->spared);
}

void purr__actors_crash(void) {
    purr__actor *a = live_head;
    while (a != NULL) {
        /* Live, so not freed by ending the others (the runtime's
         * reference): safe to keep. */
        purr__actor *next = a->live_next;
        if (!survives_crash(a)) purr__actor_end(a, NULL);
        a = next;
    }
}

/* A mailbox not marked EMPTY is one whose actor the scheduler owes a turn
 * (mailbox.h): the crash cleared the queue that held it. Probes never
 * queue (their mail is recorded at send). */
void purr__actors_requeue(void) {
    for (purr__actor *a = live_head; a != NULL; a = a->live_next)
        if (a->pub.type != &purr__probe_type && (a->mailbox.head & PURR__MAILBOX_EMPTY) == 0)
            purr__sched->schedule(a);
}

purr__actor *purr__actor_find(int64_t id) {
    for (purr__actor *a = live_head; a != NULL; a = a->live_next)
        if (a->pub.id == id) return a;
    return NULL;
}

void purr__actors_shutdown(void) {
    /* A test's failed expectation may have left a handler mid-way (its
     * longjmp skips dispatch's epilogue): drop its message here. */
    if (purr__current_msg != NULL) purr__current_msg->drop(purr__current_msg);
    purr__current = NULL;
    purr__current_msg = NULL;
    while (live_head != NULL) purr__actor_end(live_head, NULL);
}
