/* fault.c — a panic inside a handler (docs/actors.md, "Failure"): the report,
 * message names for it, monitors and ActorExited.
 *
 * A fault ends only the faulting actor. purr_panic comes here when a
 * handler is running; we report at once (stdout flushed first, as for any
 * panic, so that the report follows the output that preceded it), then
 * unwind to the scheduler (actor.c), which ends the actor and calls
 * purr__actor_exit_notify to tell the watchers. */
#include "actor.h"
#include "rtmsg.h"

#include <stdio.h>

/* The program's message names, index = kind (purr_register_messages);
 * borrowed: the generated table is static. */
static const char *const *msg_names;
static uint32_t msg_count;

void purr_register_messages(const char *const *names, uint32_t count) {
    msg_names = names;
    msg_count = count;
}

const char *purr__msg_name(uint32_t kind) {
    if (kind == PURR_KIND_START) return "start";
    if (kind < msg_count && msg_names[kind] != NULL) return msg_names[kind];
    return "message"; /* names not registered (runtime unit tests) */
}

void purr__actor_fault(const purr_loc *loc, purr_str *reason) {
    const purr__actor *a = purr__actor_current();
    const char *name = a->pub.type->name;
    const char *handling = purr__msg_name(purr__actor_current_msg()->kind);
    /* On the stack: the heap may be what failed. */
    char line[1024];
    if (loc != NULL)
        snprintf(line, sizeof line, "panic in actor %s handling %s at %s:%d:%d: %s", name, handling, loc->file,
                 (int)loc->line, (int)loc->col, reason->data);
    else
        snprintf(line, sizeof line, "panic in actor %s handling %s: %s", name, handling, reason->data);
    if (!purr__harness_on_fault(line)) {
        fflush(stdout);
        fprintf(stderr, "%s\n", line);
        purr__report_std_caller(loc);
    }
    /* The frames above the scheduler are intact until the jump. */
    purr__owned_release_from(purr__handler_owned_base);
    purr__actor_unwind(reason);
}

purr__actor_extra *purr__actor_extra_of(purr__actor *a) {
    if (a->pub.rt == NULL) {
        purr__actor_extra *x = purr_alloc(sizeof *x);
        x->watchers = NULL;
        x->nwatchers = x->capwatchers = 0;
        x->exit_reason = NULL;
        x->resources = NULL;
        x->spared = false;
        a->pub.rt = x;
    }
    return a->pub.rt;
}

/* ActorExited is the prelude's `extern message` (rtmsg.h). */
static void send_exited(purr_actor *watcher, int64_t id, purr_str *reason) {
    purr_str_retain(reason);
    purr_send(watcher, PURR__MSG_CTOR(PURR__MSG_ACTOR_EXITED, purr__new_actor_exited)(id, reason));
}

/* Each call adds one watch, as Erlang's monitor/2 does: monitoring twice
 * gives two ActorExited. Monitoring an actor that has already faulted
 * delivers its ActorExited at once (the watcher must not miss a fault
 * because it happened first); one that stopped normally, or a probe, never
 * sends one. */
void purr_monitor(purr_actor *watcher, purr_actor *target) {
    purr__actor *t = purr__actor_of(target);
    if (target->type == &purr__probe_type) return;
    if (target->status == PURR__DEAD) {
        const purr__actor_extra *x = target->rt;
        if (x != NULL && x->exit_reason != NULL) send_exited(watcher, target->id, x->exit_reason);
        return;
    }
    purr__actor_extra *x = purr__actor_extra_of(t);
    if (x->nwatchers == x->capwatchers) {
        int32_t cap = x->capwatchers == 0 ? 2 : x->capwatchers * 2;
        x->watchers = purr_realloc(x->watchers, (size_t)x->capwatchers * sizeof *x->watchers,
                                   (size_t)cap * sizeof *x->watchers);
        x->capwatchers = cap;
    }
    purr_actor_retain(watcher);
    x->watchers[x->nwatchers++] = purr__actor_of(watcher);
}

void purr__actor_exit_notify(purr__actor *a, purr_str *reason) {
    if (reason != NULL) {
        purr__actor_extra *x = purr__actor_extra_of(a);
        purr_str_retain(reason);
        x->exit_reason = reason;
    }
    purr__actor_extra *x = a->pub.rt;
    if (x == NULL) return;
    /* In watch order, so delivery order is deterministic. */
    for (int32_t i = 0; i < x->nwatchers; i++) {
        if (reason != NULL) send_exited(&x->watchers[i]->pub, a->pub.id, reason);
        purr_actor_release(&x->watchers[i]->pub);
    }
    purr_free(x->watchers, (size_t)x->capwatchers * sizeof *x->watchers);
    x->watchers = NULL;
    x->nwatchers = x->capwatchers = 0;
}

bool purr_actor_faulted(const purr_actor *a) {
    const purr__actor_extra *x = a->rt;
    return a->status == PURR__DEAD && x != NULL && x->exit_reason != NULL;
}

void purr__actor_extra_free(purr__actor *a) {
    purr__actor_extra *x = a->pub.rt;
    if (x == NULL) return;
    if (x->exit_reason != NULL) purr_str_release(x->exit_reason);
    purr_free(x->watchers, (size_t)x->capwatchers * sizeof *x->watchers);
    purr_free(x, sizeof *x);
    a->pub.rt = NULL;
}
