/* runq.c — the run queue's rare operations (runq.h). */
#include "runq.h"

#include <stdlib.h>

void purr__runq_pool_start(purr__runq *q) { purr__runq_pool_grow(q); }

void purr__runq_pool_stop(purr__runq *q) {
    free(q->pool);
    q->pool = NULL;
    q->len = q->cap = 0;
}

/* Bookkeeping, like the other tables, so not in the heap metrics. */
void purr__runq_pool_grow(purr__runq *q) {
    size_t cap = q->cap;
    q->pool = purr__table_grow(q->pool, &cap, (size_t)q->cap + 1, 16, sizeof *q->pool, "run queue");
    q->cap = (uint32_t)cap;
}

void purr__runq_remove(purr__runq *q, purr__actor *a) {
    for (uint32_t i = 0; i < q->len; i++)
        if (q->pool[i] == a) {
            (void)purr__runq_take(q, i);
            return;
        }
    purr__actor *prev = NULL;
    for (purr__actor *x = q->head; x != NULL; prev = x, x = x->run_next) {
        if (x != a) continue;
        if (prev != NULL)
            prev->run_next = x->run_next;
        else
            q->head = x->run_next;
        if (q->tail == x) q->tail = prev;
        return;
    }
}
