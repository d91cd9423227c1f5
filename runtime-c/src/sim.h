/* sim.h — the simulation (docs/testing.md): under the deterministic
 * scheduler a run is a pure function of the program, its input and a seed.
 *
 * Seed 0 is the FIFO order of docs/actors.md §9. Any other seed draws from
 * one generator (rng.h) the choices a real machine would make for the
 * program: which runnable actor goes next, the order of timers due in the
 * same millisecond (sched_det.c), the network's latency, read chunks and
 * watermarks (net_mem.c), and the latency of file syncs (file_sync.c).
 * The torn write of a machine crash (sim_crash.c) is drawn under seed 0
 * too. Each scheduler start takes its own stream, seeded from the run's
 * seed and the case's name, so a test's schedule does not depend on which
 * other tests ran before it (--filter).
 *
 * Every step also costs step_cost_us of virtual time, seed 0 included, so
 * that timers fire among busy actors.
 *
 * Configuration comes from the test or bench harness (--seed,
 * --step-cost-us, --step-limit) or, in a program built with
 * `--scheduler det`, from PURR_SEED and PURR_STEP_COST_US. */
#ifndef PURR_SIM_H
#define PURR_SIM_H

#include "rng.h"

enum {
    PURR__SIM_STEP_COST_US = 1,          /* default virtual cost of a step */
    PURR__SIM_TEST_STEP_LIMIT = 10000000, /* default steps a test may take */
    PURR__SIM_LATENCY_MAX_US = 2000,     /* default network latency: 0..2 ms */
    PURR__SIM_SYNC_LATENCY_MAX_US = 2000, /* a seeded file.sync answers in 0..2 ms */
    PURR__SIM_HIGH_MIN = 16,             /* a seeded connection's high watermark: */
    PURR__SIM_HIGH_MAX = 16384,          /* from 16 bytes to 16 KiB (low: a quarter) */
    PURR__SIM_MAX_STALLED = 16           /* ports stalled at once */
};

/* Invariants: case_seed is 0 exactly when seed is (a seeded run never
 * falls back to FIFO for a case); rng was seeded at the last scheduler
 * start from case_seed, or from the case name under seed 0 (a torn write
 * is drawn under any seed); 0 <= latency_min_us <= latency_max_us; the
 * latency and the stalled ports are reset at each scheduler start. */
typedef struct purr__sim {
    bool configured;       /* set by a harness; else the environment is read */
    uint64_t seed;         /* the run's */
    int64_t step_cost_us;  /* >= 0 */
    int64_t step_limit;    /* steps per scheduler start (a test); >= 1 */
    const char *case_name; /* the test or bench that the next start runs, or NULL */
    uint64_t case_seed;
    purr__rng rng;
    int64_t latency_min_us, latency_max_us;
    int64_t stalled[PURR__SIM_MAX_STALLED]; /* distinct ports, [0, nstalled) */
    uint32_t nstalled;
} purr__sim;

extern purr__sim purr__sim_state;

/* The harness's settings, for every scheduler start from now on. */
void purr__sim_configure(uint64_t seed, int64_t step_cost_us, int64_t step_limit);
/* The case the next scheduler start runs (its name seeds its stream). */
void purr__sim_case(const char *name);
/* At the deterministic scheduler's start: the case's stream. */
void purr__sim_start(void);

static inline bool purr__sim_seeded(void) { return purr__sim_state.case_seed != 0; }
/* Uniform in [0, n), n > 0. */
static inline uint64_t purr__sim_below(uint64_t n) { return purr__rng_below(&purr__sim_state.rng, n); }
/* Uniform in [lo, hi], lo <= hi. */
static inline int64_t purr__sim_between(int64_t lo, int64_t hi) {
    return lo + (int64_t)purr__sim_below((uint64_t)(hi - lo) + 1);
}

/* Whether sim.stall holds the connections made through `port`. */
static inline bool purr__sim_stalled(int64_t port) {
    for (uint32_t i = 0; i < purr__sim_state.nstalled; i++)
        if (purr__sim_state.stalled[i] == port) return true;
    return false;
}
/* sim.stall / sim.heal's bookkeeping; heal returns whether it was stalled. */
void purr__sim_stall(int64_t port);
bool purr__sim_heal(int64_t port);

/* std.sim's calls need the deterministic scheduler: a panic naming `what`
 * otherwise. */
void purr__sim_need_det(const char *what);

#endif /* PURR_SIM_H */
