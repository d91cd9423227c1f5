/* sim.c — the simulation's settings and each case's stream of choices
 * (sim.h, docs/testing.md), and std.sim's calls that only read or set them
 * (those that reach connections are in net_sim.c, so that a program
 * without std.net links none of net.c). */
#include "scheduler.h"
#include "sim.h"

#include <string.h>

purr__sim purr__sim_state = {
    .step_cost_us = PURR__SIM_STEP_COST_US,
    .step_limit = INT64_MAX,
    .latency_max_us = PURR__SIM_LATENCY_MAX_US,
};

void purr__sim_configure(uint64_t seed, int64_t step_cost_us, int64_t step_limit) {
    purr__sim_state.configured = true;
    purr__sim_state.seed = seed;
    purr__sim_state.step_cost_us = step_cost_us;
    purr__sim_state.step_limit = step_limit;
}

void purr__sim_case(const char *name) { purr__sim_state.case_name = name; }

/* A program built with `--scheduler det` reads its settings once. */
static void configure_from_env(void) {
    uint64_t seed = purr__env_number("PURR_SEED", 0, UINT64_MAX);
    int64_t cost = (int64_t)purr__env_number("PURR_STEP_COST_US", PURR__SIM_STEP_COST_US, INT32_MAX);
    purr__sim_configure(seed, cost, INT64_MAX);
}

void purr__sim_start(void) {
    purr__sim *s = &purr__sim_state;
    if (!s->configured) configure_from_env();
    const char *name = s->case_name != NULL ? s->case_name : "";
    uint64_t name_hash = purr__hash_bytes(name, strlen(name));
    s->case_seed = 0;
    if (s->seed != 0) {
        s->case_seed = purr__mix64(s->seed ^ purr__mix64(name_hash));
        if (s->case_seed == 0) s->case_seed = 1;
    }
    purr__rng_seed(&s->rng, s->case_seed != 0 ? s->case_seed : name_hash);
    s->latency_min_us = 0;
    s->latency_max_us = PURR__SIM_LATENCY_MAX_US;
    s->nstalled = 0;
}

void purr__sim_stall(int64_t port) {
    purr__sim *s = &purr__sim_state;
    if (purr__sim_stalled(port)) return;
    if (s->nstalled == PURR__SIM_MAX_STALLED)
        purr_panicf(NULL, "sim.stall: at most %d ports are stalled at once", PURR__SIM_MAX_STALLED);
    s->stalled[s->nstalled++] = port;
}

bool purr__sim_heal(int64_t port) {
    purr__sim *s = &purr__sim_state;
    for (uint32_t i = 0; i < s->nstalled; i++)
        if (s->stalled[i] == port) {
            s->stalled[i] = s->stalled[--s->nstalled];
            return true;
        }
    return false;
}

void purr__sim_need_det(const char *what) {
    if (purr__sched != &purr__sched_det)
        purr_panicf(NULL, "%s needs the deterministic scheduler (purrc --test, or a program built with --scheduler det)",
                    what);
}

/* The event loop (and a program without actors, which runs no scheduler)
 * has no seed. */
uint64_t purr_sim_seed(void) { return purr__sched == &purr__sched_det ? purr__sim_state.seed : 0; }

void purr_sim_kill(int64_t id) {
    purr__sim_need_det("sim.kill");
    purr__actor *a = purr__actor_find(id);
    if (a == NULL || a->pub.type == &purr__probe_type) return;
    if (a == purr__actor_current())
        purr_panicf(NULL, "sim.kill: actor %s #%lld cannot kill itself (stop() ends it)", a->pub.type->name,
                    (long long)id);
    purr__det_unqueue(a);
    purr_str *reason = purr_str_from_cstr("killed");
    purr__actor_end(a, reason);
    purr_str_release(reason);
    /* What it owned closed: outside a handler no turn ends to run that. */
    if (purr__actor_current() == NULL) purr__turn_end();
}

void purr_sim_spare(int64_t id) {
    purr__sim_need_det("sim.spare");
    purr__actor *a = purr__actor_find(id);
    if (a != NULL && a->pub.type != &purr__probe_type) purr__actor_extra_of(a)->spared = true;
}

void purr_sim_set_latency(int64_t min_us, int64_t max_us) {
    purr__sim_need_det("sim.set_latency");
    if (min_us < 0 || min_us > max_us || max_us > INT32_MAX)
        purr_panicf(NULL, "sim.set_latency: need 0 <= min_us <= max_us <= %d, got %lld and %lld", INT32_MAX,
                    (long long)min_us, (long long)max_us);
    purr__sim_state.latency_min_us = min_us;
    purr__sim_state.latency_max_us = max_us;
}
