/* reply.c — reply<T>: a counted, single-use channel to an actor or probe.
 *
 * Copies of a reply value share one object (it travels inside messages and
 * is retained like any heap value), so "single use" holds across copies:
 * the first send through any of them uses it up. The target is released at
 * that first send rather than with the reply, so that a used reply kept in
 * some state does not keep an ended actor's record alive. */
#include "internal.h"

/* Invariant: target is retained while the reply is unused and NULL after. */
struct purr_reply {
    int64_t rc;
    purr_actor *target;
};

purr_reply *purr_reply_new(purr_actor *target) {
    purr_reply *r = purr_alloc(sizeof *r);
    r->rc = 1;
    purr_actor_retain(target);
    r->target = target;
    return r;
}

void purr_reply_retain(purr_reply *r) { r->rc++; }

void purr_reply_release(purr_reply *r) {
    if (--r->rc > 0) return;
    if (r->target != NULL) purr_actor_release(r->target);
    purr_free(r, sizeof *r);
}

void purr_reply_send(purr_reply *r, purr_msg *m, const purr_loc *loc) {
    purr_actor *target = r->target;
    if (target == NULL) {
        /* m is ours: drop it, since a panic in a handler does not end the
         * process. */
        m->drop(m);
        purr_panic(loc, "reply already used");
    }
    r->target = NULL;
    purr_send(target, m);
    purr_actor_release(target);
}
