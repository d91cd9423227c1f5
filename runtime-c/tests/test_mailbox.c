/* test_mailbox.c — the MPSC mailbox on one thread: FIFO order, the EMPTY
 * mark and the "must schedule" signal of push. */
#include "test.h"

#include "mailbox.h"

static void test_fifo_and_signal(void) {
    purr__mailbox q;
    purr__mailbox_init(&q);
    purr_msg m[6];
    CHECK(purr__mailbox_pop(&q) == NULL);
    CHECK(purr__mailbox_mark_empty(&q)); /* starts marked */

    CHECK(purr__mailbox_push(&q, &m[0]));  /* first push: schedule */
    CHECK(!purr__mailbox_push(&q, &m[1])); /* already scheduled */
    CHECK(!purr__mailbox_mark_empty(&q));  /* not empty: stays scheduled */
    CHECK(purr__mailbox_pop(&q) == &m[0]);
    CHECK(!purr__mailbox_push(&q, &m[2]));
    CHECK(purr__mailbox_pop(&q) == &m[1]);
    CHECK(!purr__mailbox_mark_empty(&q));
    CHECK(purr__mailbox_pop(&q) == &m[2]);
    CHECK(purr__mailbox_pop(&q) == NULL);
    CHECK(purr__mailbox_pop(&q) == NULL);
    CHECK(purr__mailbox_mark_empty(&q));
    CHECK(purr__mailbox_mark_empty(&q)); /* idempotent */

    CHECK(purr__mailbox_push(&q, &m[3])); /* empty again: schedule again */
    CHECK(purr__mailbox_pop(&q) == &m[3]);
    /* Popping the last message put the stub back; a push after that is
     * still not a "schedule" while the consumer holds the actor. */
    CHECK(!purr__mailbox_push(&q, &m[4]));
    CHECK(!purr__mailbox_push(&q, &m[5]));
    CHECK(purr__mailbox_pop(&q) == &m[4]);
    CHECK(purr__mailbox_pop(&q) == &m[5]);
    CHECK(purr__mailbox_pop(&q) == NULL);
    CHECK(purr__mailbox_mark_empty(&q));
}

/* Random pushes, pops and "give up the turn" against a model queue. */
static void test_against_model(void) {
    enum { N = 20000 };
    static purr_msg nodes[N];
    purr__mailbox q;
    purr__mailbox_init(&q);
    size_t pushed = 0, popped = 0;
    bool scheduled = false;
    uint64_t rng = 12345;
    while (popped < N) {
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned r = (unsigned)(rng >> 33) % 10;
        if (r < 5 && pushed < N) {
            bool must = purr__mailbox_push(&q, &nodes[pushed]);
            CHECK(must == !scheduled);
            scheduled = true;
            pushed++;
        } else if (r < 9) {
            if (!scheduled) continue; /* only a scheduled actor is run */
            purr_msg *m = purr__mailbox_pop(&q);
            if (popped < pushed) {
                CHECK(m == &nodes[popped]);
                popped++;
            } else {
                CHECK(m == NULL);
            }
        } else if (scheduled) {
            bool marked = purr__mailbox_mark_empty(&q);
            CHECK(marked == (popped == pushed));
            if (marked) scheduled = false;
        }
        if (test_failures > 0) return;
    }
}

int main(void) {
    RUN(test_fifo_and_signal);
    RUN(test_against_model);
    return test_finish();
}
