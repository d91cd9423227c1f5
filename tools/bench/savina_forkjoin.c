/*
 * C reference for tools/bench/savina_forkjoin.pu (Savina fork-join
 * throughput): the single-threaded round-robin runtime of
 * shared/peers/actors/c/actors.c, included unchanged, with this benchmark
 * added. A master sends M messages to each of K workers, round by round;
 * each worker does one LCG step per message and reports when it has had M.
 * K * M counted messages.
 *
 * Build (tools/bench_actors.py does this):
 *   gcc -O2 -DMSG_FREELIST -I shared/peers/actors/c tools/bench/savina_forkjoin.c
 * Usage: savina_forkjoin [M] [K]      (defaults 50000 and 60, as the .pu)
 * Prints one line in the format of actors.c.
 */
#define main actors_reference_main
#include "actors.c"
#undef main

static int64_t fj_messages;     /* M */
static int64_t fj_finished;     /* workers that have had M messages */
static uint64_t fj_check;       /* sum of the workers' final LCG states */

static void fj_worker_behave(Actor *self, Msg *m) {
    switch (m->tag) {
    case M_INC: {
        uint64_t acc = (uint64_t)self->sum;
        acc = acc * 6364136223846793005ULL + 1442695040888963407ULL;
        self->sum = (int64_t)acc;
        if (++self->n == fj_messages) {
            fj_finished++;
            fj_check += acc;
        }
        break;
    }
    default: abort();
    }
}

int main(int argc, char **argv) {
    int64_t m = argc > 1 ? atoll(argv[1]) : 50000;
    int k = argc > 2 ? atoi(argv[2]) : 60;
    fj_messages = m;
    rq_mask = 1024 - 1;
    rq = malloc(sizeof(Actor *) * 1024);

    double t0 = now();
    Actor **workers = malloc(sizeof(Actor *) * (size_t)k);
    for (int i = 0; i < k; i++) {
        workers[i] = actor_new(fj_worker_behave, i + 1);
        workers[i]->sum = 1;    /* the .pu's `state acc: u64 = 1` */
    }
    for (int64_t r = 0; r < m; r++)
        for (int i = 0; i < k; i++) send(workers[i], M_INC, NULL, 0);
    run();
    double secs = now() - t0;
    uint64_t msgs = (uint64_t)m * (uint64_t)k;
    if (fj_finished != k) {
        fprintf(stderr, "wrong result %lld workers finished, expected %d\n", (long long)fj_finished, k);
        return 1;
    }
    printf("bench=forkjoin n=%lld msgs=%llu delivered=%llu secs=%.4f msgs_per_s=%.0f result=%lld check=%llu\n",
           (long long)m, (unsigned long long)msgs, (unsigned long long)delivered, secs, msgs / secs,
           (long long)fj_finished, (unsigned long long)fj_check);
    return 0;
}
