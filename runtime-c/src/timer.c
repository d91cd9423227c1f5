/* timer.c — send_after / cancel_timer, and the timer heap the schedulers
 * keep them in (with the deterministic scheduler's events: timer.h).
 *
 * A binary heap gives O(log n) add, fire and cancel, and the (deadline,
 * tie, id) key makes the firing order a pure function of the program (and
 * the seed): timers due at the same moment fire in the order they were set
 * (ties 0), or in the order the seed draws (docs/testing.md).
 * Cancellation removes the node at once (each node knows its heap index)
 * rather than marking it for lazy deletion: cancelled timers then cost no
 * memory and never reach the top, and the index by id answers "is it still
 * pending?" for cancel_timer's result. Invariants: see timer.h. */
#include "timer.h"
#include "scheduler.h"

int64_t purr_send_after(purr_actor *target, int64_t delay_ms, purr_msg *m) {
    if (purr__sched == NULL) purr__fatal("send_after before purr_sched_init");
    return purr__sched->add_timer(target, delay_ms < 0 ? 0 : delay_ms, m);
}

/* With no scheduler there is no pending timer to cancel. */
bool purr_cancel_timer(int64_t id) { return purr__sched != NULL && purr__sched->cancel_timer(id); }

/* ---------- the heap ---------- */

static bool before(const purr__timer *a, const purr__timer *b) {
    if (a->deadline != b->deadline) return a->deadline < b->deadline;
    if (a->tie != b->tie) return a->tie < b->tie;
    return a->id < b->id;
}

static void place(purr__timers *t, purr__timer *n, size_t i) {
    t->heap[i] = n;
    n->pos = i;
}

static void sift_up(purr__timers *t, size_t i) {
    purr__timer *n = t->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(n, t->heap[parent])) break;
        place(t, t->heap[parent], i);
        i = parent;
    }
    place(t, n, i);
}

static void sift_down(purr__timers *t, size_t i) {
    purr__timer *n = t->heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= t->len) break;
        if (child + 1 < t->len && before(t->heap[child + 1], t->heap[child])) child++;
        if (!before(t->heap[child], n)) break;
        place(t, t->heap[child], i);
        i = child;
    }
    place(t, n, i);
}

/* Takes node n out of the heap and the index (it is not freed). */
static void unlink_timer(purr__timers *t, purr__timer *n) {
    size_t i = n->pos;
    purr__timer *last = t->heap[--t->len];
    if (last != n) {
        place(t, last, i);
        /* The moved node may belong above or below its new place. */
        if (i > 0 && before(last, t->heap[(i - 1) / 2]))
            sift_up(t, i);
        else
            sift_down(t, i);
    }
    if (n->target != NULL) purr_map_remove(&t->by_id, &n->id, NULL);
}

static void free_node(purr__timer *n) {
    if (n->target != NULL) purr_actor_release(n->target);
    purr_free(n, sizeof *n);
}

void purr__timers_init(purr__timers *t) {
    t->heap = NULL;
    t->len = t->cap = 0;
    t->by_id = purr_map_new(&purr_type_i64, &purr_type_ptr);
    t->next_id = 1;
}

/* A new node in the heap, with the next id. */
static purr__timer *add_node(purr__timers *t, int64_t deadline, uint64_t tie) {
    if (t->len == t->cap) {
        size_t cap = t->cap == 0 ? 8 : t->cap * 2;
        t->heap = purr_realloc(t->heap, t->cap * sizeof *t->heap, cap * sizeof *t->heap);
        t->cap = cap;
    }
    purr__timer *n = purr_alloc(sizeof *n);
    memset(n, 0, sizeof *n);
    n->deadline = deadline;
    n->tie = tie;
    n->id = t->next_id++;
    place(t, n, t->len++);
    sift_up(t, n->pos);
    return n;
}

int64_t purr__timers_add(purr__timers *t, int64_t deadline, uint64_t tie, purr_actor *target, purr_msg *m) {
    purr__timer *n = add_node(t, deadline, tie);
    purr_actor_retain(target);
    n->target = target;
    n->msg = m;
    void *node = n;
    purr_map_set(&t->by_id, &n->id, &node);
    return n->id;
}

void purr__timers_add_event(purr__timers *t, int64_t deadline, uint64_t tie, purr__event_fn fire, void *ctx) {
    purr__timer *n = add_node(t, deadline, tie);
    n->fire = fire;
    n->ctx = ctx;
}

bool purr__timers_cancel(purr__timers *t, int64_t id) {
    void **found = purr_map_get(t->by_id, &id);
    if (found == NULL) return false;
    purr__timer *n = *found;
    unlink_timer(t, n);
    n->msg->drop(n->msg);
    free_node(n);
    return true;
}

bool purr__timers_next(const purr__timers *t, int64_t *deadline) {
    if (t->len == 0) return false;
    *deadline = t->heap[0]->deadline;
    return true;
}

bool purr__timers_fire_one(purr__timers *t, int64_t now) {
    if (t->len == 0 || t->heap[0]->deadline > now) return false;
    purr__timer *n = t->heap[0];
    /* Out of the heap before the send, so that the heap is consistent if
     * the send reaches code that sets or cancels timers. */
    unlink_timer(t, n);
    if (n->target != NULL)
        purr_send(n->target, n->msg);
    else
        n->fire(n->ctx);
    free_node(n);
    return true;
}

void purr__timers_free(purr__timers *t) {
    /* Creation order is not needed here: dropping has no visible effect. */
    for (size_t i = 0; i < t->len; i++) {
        if (t->heap[i]->target != NULL) t->heap[i]->msg->drop(t->heap[i]->msg);
        free_node(t->heap[i]);
    }
    purr_free(t->heap, t->cap * sizeof *t->heap);
    purr_map_release(t->by_id);
    t->heap = NULL;
    t->len = t->cap = 0;
    t->by_id = NULL;
}
