/* test_many_actors.c — a million actors: spawn, one message each, drain;
 * the memory an idle actor costs; everything returned at shutdown. */
#include "test.h"

#include "actor_util.h"

enum { COUNT = 1000000, MAX_IDLE_BYTES = 256 };

static int64_t handled;
static void tiny_dispatch(purr_actor *self, purr_msg *m) {
    *(int64_t *)self->state += int_of(m);
    handled++;
}
static const purr_actor_type tiny_type = {"Tiny", sizeof(int64_t), tiny_dispatch, NULL};

static void test_million(void) {
    size_t heap0 = purr_heap_bytes();
    purr_sched_init(PURR_SCHED_DET);
    size_t base = purr_heap_bytes();
    for (int64_t i = 0; i < COUNT; i++) {
        int64_t zero = 0;
        purr_actor *a = purr_spawn(&tiny_type, &zero, false);
        purr_send(a, int_msg_new(K_INT, i));
        purr_actor_release(a); /* the runtime keeps it alive */
    }
    purr_drain();
    CHECK(handled == COUNT);
    purr_metrics m = purr_metrics_get();
    CHECK(m.message_count == COUNT && m.scheduler_steps == COUNT && m.actors_spawned == COUNT);
    CHECK(m.max_mailbox_depth == 1 && m.dropped_messages == 0);
    /* Idle now: a record, its state and an empty mailbox per actor. */
    size_t per_actor = (purr_heap_bytes() - base) / COUNT;
    fprintf(stderr, "idle actor: %zu bytes (record, mailbox and an 8-byte state)\n", per_actor);
    CHECK(per_actor <= MAX_IDLE_BYTES);
    purr_sched_shutdown();
    CHECK(purr_heap_bytes() == heap0);
}

int main(void) {
    RUN(test_million);
    return test_finish();
}
