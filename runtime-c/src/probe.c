/* probe.c — probe<T> (docs/actors.md §10): a test's stand-in for an actor that
 * keeps every message it is sent.
 *
 * A probe is an actor record (so mailbox and reply code take it unchanged)
 * whose state is the list of payloads received. Delivery happens inside
 * purr_send, not in a scheduler step: a test can look at what was sent the
 * moment the sending handler returns (even after drain_steps(1)), and a
 * probe adds no steps or message_count to the metrics. The payload is moved
 * out of the node (the runtime owns the node once sent, and the payload
 * would be released by the node's drop right after) and the bare node
 * freed, so recording costs no dup/drop pair. Probes take no actor id
 * (their id is 0) and are not counted in actors_spawned; like actors, they
 * live until purr_sched_shutdown, which releases what they received. */
#include "actor.h"

/* Invariant: received is a list of `payload`, owned, until the probe ends;
 * NULL after. */
typedef struct probe_state {
    const purr_type *payload;
    size_t offset; /* of the payload in a message node */
    purr_list *received;
} probe_state;

static void probe_dispatch(purr_actor *self, purr_msg *m) {
    (void)m;
    purr__fatal("probe #%lld scheduled", (long long)self->id); /* purr_send records instead */
}

static void probe_drop_state(void *state) {
    probe_state *s = state;
    purr_list_release(s->received);
    s->received = NULL;
}

const purr_actor_type purr__probe_type = {"probe", sizeof(probe_state), probe_dispatch, probe_drop_state};

purr_actor *purr_probe_new(const purr_type *payload, size_t payload_offset) {
    purr__actor *p = purr__actor_new(&purr__probe_type);
    probe_state *s = p->pub.state;
    s->payload = payload;
    s->offset = payload_offset;
    s->received = purr_list_new(payload);
    return &p->pub;
}

void purr__probe_record(purr__actor *p, purr_msg *m) {
    probe_state *s = p->pub.state;
    if (s->offset + s->payload->size > m->size)
        purr__fatal("probe of %zu-byte payloads at offset %zu got a %u-byte message", s->payload->size,
                    s->offset, (unsigned)m->size);
    memcpy(purr_list_push_slot(&s->received), (char *)m + s->offset, s->payload->size);
    purr_msg_free(m);
}

purr_list *purr_probe_received(purr_actor *probe) {
    if (probe->type != &purr__probe_type) purr__fatal("probe_received of actor %s", probe->type->name);
    probe_state *s = probe->state;
    if (s->received == NULL) return purr_list_new(s->payload); /* after shutdown */
    purr_list_retain(s->received);
    return s->received;
}
