/* test_sched.c — actors on the deterministic scheduler: step order, on
 * start, stop and dropped messages, metrics, replies, probes, and faults
 * (panic isolation, monitors, stack overflow). */
#include "test.h"

#include "actor_util.h"
#include "actor.h"

/* ---------- a logging actor ----------
 * Logs every message; K_SEND forwards v to the actor in its state; K_STOP
 * stops it. drop_state counts how often states were released. */
typedef struct logger_state {
    purr_actor *peer; /* retained, or NULL */
    purr_str *name;   /* owned */
} logger_state;

static int states_dropped;

static void logger_dispatch(purr_actor *self, purr_msg *m) {
    logger_state *s = self->state;
    log_add(self->id, m->kind, m->kind >= PURR_KIND_FIRST_USER && m->kind != K_STR ? int_of(m) : 0);
    if (m->kind == K_SEND && s->peer != NULL) purr_send(s->peer, int_msg_new(K_INT, int_of(m)));
    if (m->kind == K_STOP) {
        purr_stop(self);
        purr_send(self, int_msg_new(K_INT, 99)); /* after stop(): dropped */
    }
}
static void logger_drop(void *state) {
    logger_state *s = state;
    if (s->peer != NULL) purr_actor_release(s->peer);
    purr_str_release(s->name);
    states_dropped++;
}
static const purr_actor_type logger_type = {"Logger", sizeof(logger_state), logger_dispatch, logger_drop};

static purr_actor *spawn_logger(purr_actor *peer, bool has_start) {
    logger_state init = {peer, purr_str_from_cstr("logger")};
    if (peer != NULL) purr_actor_retain(peer);
    return purr_spawn(&logger_type, &init, has_start);
}

static void test_step_order(void) {
    size_t heap0 = purr_heap_bytes();
    purr_sched_init(PURR_SCHED_DET);
    log_reset();
    purr_actor *a = spawn_logger(NULL, false), *b = spawn_logger(NULL, false), *c = spawn_logger(NULL, false);
    CHECK(a->id == 1 && b->id == 2 && c->id == 3 && purr_actor_id(c) == 3);
    purr_send(a, int_msg_new(K_INT, 1));
    purr_send(a, int_msg_new(K_INT, 2));
    purr_send(a, int_msg_new(K_INT, 3));
    purr_send(b, int_msg_new(K_INT, 1));
    purr_send(c, int_msg_new(K_INT, 1));
    purr_send(c, int_msg_new(K_INT, 2));
    /* One message per step; an actor with more goes to the back. */
    CHECK(purr_drain_steps(1) == 1);
    CHECK_LOG("1:1:1");
    CHECK(purr_drain_steps(2) == 2);
    CHECK_LOG("1:1:1 2:1:1 3:1:1");
    purr_drain();
    CHECK_LOG("1:1:1 2:1:1 3:1:1 1:1:2 3:1:2 1:1:3");
    CHECK(purr_drain_steps(10) == 0);
    purr_metrics m = purr_metrics_get();
    CHECK(m.message_count == 6 && m.scheduler_steps == 6);
    CHECK(m.max_mailbox_depth == 3 && m.actors_spawned == 3 && m.dropped_messages == 0);
    CHECK(m.peak_heap_bytes >= (int64_t)(purr_heap_bytes() - heap0));

    /* An idle actor that gets mail joins the back of the queue. */
    log_reset();
    purr_send(b, int_msg_new(K_INT, 4));
    purr_send(a, int_msg_new(K_INT, 4));
    purr_send(b, int_msg_new(K_INT, 5));
    purr_drain();
    CHECK_LOG("2:1:4 1:1:4 2:1:5");

    purr_actor_release(a);
    purr_actor_release(b);
    purr_actor_release(c);
    states_dropped = 0;
    purr_sched_shutdown();
    CHECK(states_dropped == 3);
    CHECK(purr_heap_bytes() == heap0);
}

static void test_start_and_forwarding(void) {
    size_t heap0 = purr_heap_bytes();
    purr_sched_init(PURR_SCHED_DET);
    log_reset();
    purr_actor *sink = spawn_logger(NULL, true);
    purr_actor *fwd = spawn_logger(sink, true);
    purr_send(fwd, int_msg_new(K_SEND, 7));
    purr_drain();
    /* start first, then mail; the forward lands behind sink's start. */
    CHECK_LOG("1:0:0 2:0:0 2:5:7 1:1:7");
    CHECK(purr_metrics_get().message_count == 4);
    purr_actor_release(sink);
    purr_actor_release(fwd);
    purr_sched_shutdown();
    CHECK(purr_heap_bytes() == heap0);
}

static void test_stop_and_dropped(void) {
    size_t heap0 = purr_heap_bytes();
    purr_sched_init(PURR_SCHED_DET);
    log_reset();
    states_dropped = 0;
    purr_actor *a = spawn_logger(NULL, false);
    purr_actor *b = spawn_logger(NULL, false);
    purr_send(a, int_msg_new(K_INT, 1));
    purr_send(a, int_msg_new(K_STOP, 2));
    purr_send(a, str_msg_new("never handled"));
    purr_send(a, int_msg_new(K_INT, 4));
    purr_send(b, int_msg_new(K_INT, 1));
    purr_drain();
    CHECK_LOG("1:1:1 2:1:1 1:3:2");
    CHECK(states_dropped == 1);
    /* The send after stop() and the two queued messages. */
    CHECK(purr_metrics_get().dropped_messages == 3);
    purr_send(a, int_msg_new(K_INT, 5));
    purr_send(a, str_msg_new("to a stopped actor"));
    CHECK(purr_metrics_get().dropped_messages == 5);
    purr_drain();
    CHECK_LOG("1:1:1 2:1:1 1:3:2");
    CHECK(purr_metrics_get().message_count == 3);
    /* The record outlives the actor while referenced. */
    CHECK(a->id == 1 && a->rc == 1);
    purr_actor_release(a);
    purr_actor_release(b);
    purr_sched_shutdown();
    CHECK(states_dropped == 2);
    CHECK(purr_heap_bytes() == heap0);
}

/* Resources an actor owns are closed when it ends, newest first; one moved
 * to another owner, or disowned, is not closed with the first. */
static int closed_log[8], nclosed;
typedef struct test_resource {
    purr__resource r;
    int id;
} test_resource;
static void test_resource_closed(purr__resource *r) { closed_log[nclosed++] = ((test_resource *)(void *)r)->id; }

static void test_owned_resources(void) {
    size_t heap0 = purr_heap_bytes();
    purr_sched_init(PURR_SCHED_DET);
    log_reset();
    nclosed = 0;
    purr_actor *a = spawn_logger(NULL, false);
    purr_actor *b = spawn_logger(NULL, false);
    test_resource res[4];
    for (int i = 0; i < 4; i++) {
        res[i] = (test_resource){{NULL, NULL, NULL, test_resource_closed}, i + 1};
        purr__resource_own(&res[i].r, purr__actor_of(a));
    }
    purr__resource_own(&res[1].r, purr__actor_of(b)); /* moved */
    purr__resource_disown(&res[2].r);                 /* closed by its layer */
    purr_send(a, int_msg_new(K_STOP, 0));
    purr_drain();
    CHECK(nclosed == 2 && closed_log[0] == 4 && closed_log[1] == 1);
    CHECK(res[0].r.owner == NULL && res[1].r.owner == purr__actor_of(b));
    purr_actor_release(a);
    purr_actor_release(b);
    purr_sched_shutdown(); /* b ends at shutdown: its resource closes */
    CHECK(nclosed == 3 && closed_log[2] == 2);
    CHECK(purr_heap_bytes() == heap0);
}

/* Shutdown releases queued messages, states (even in cycles) and timers. */
static void test_shutdown_releases_everything(void) {
    size_t heap0 = purr_heap_bytes();
    purr_sched_init(PURR_SCHED_DET);
    purr_actor *a = spawn_logger(NULL, true);
    purr_actor *b = spawn_logger(a, true);
    logger_state *sa = a->state;
    sa->peer = b; /* a cycle: a -> b -> a */
    purr_actor_retain(b);
    purr_send(a, str_msg_new("queued"));
    purr_send_after(b, 10, str_msg_new("timer"));
    purr_monitor(a, b);
    purr_monitor(b, a);
    purr_actor *p = int_probe();
    purr_send(p, int_msg_new(K_INT, 1));
    purr_actor_release(a);
    purr_actor_release(b);
    purr_actor_release(p);
    purr_sched_shutdown();
    CHECK(purr_heap_bytes() == heap0);
    /* A fresh scheduler counts ids and metrics from the start. */
    purr_sched_init(PURR_SCHED_DET);
    purr_actor *c = spawn_logger(NULL, false);
    CHECK(c->id == 1 && purr_metrics_get().actors_spawned == 1 && purr_metrics_get().message_count == 0);
    purr_actor_release(c);
    purr_sched_shutdown();
    purr_sched_shutdown(); /* twice is harmless */
    CHECK(purr_heap_bytes() == heap0);
}

/* ---------- replies and probes ---------- */

static void test_reply_and_probe(void) {
    size_t heap0 = purr_heap_bytes();
    purr_sched_init(PURR_SCHED_DET);
    purr_actor *p = purr_probe_new(&purr_type_str, offsetof(str_msg, s));
    CHECK(p->id == 0 && purr_metrics_get().actors_spawned == 0);
    purr_reply *r1 = purr_reply_new(p), *r2 = purr_reply_new(p);
    purr_reply_retain(r1); /* a copy shares the use */
    purr_reply_send(r2, str_msg_new("first"), &LOC);
    purr_list *got = purr_probe_received(p);
    CHECK(got->len == 1 && got->rc == 2);
    purr_reply_send(r1, str_msg_new("second"), &LOC);
    /* Recording happened at send time, with no scheduler step; the copy
     * taken before is unchanged (copy-on-write). */
    CHECK(got->len == 1 && purr_metrics_get().scheduler_steps == 0 && purr_metrics_get().message_count == 0);
    purr_list_release(got);
    got = purr_probe_received(p);
    CHECK(got->len == 2);
    CHECK_STR(*(purr_str **)purr_list_at(got, 0, &LOC), "first");
    CHECK_STR(*(purr_str **)purr_list_at(got, 1, &LOC), "second");
    purr_list_release(got);
    purr_reply_release(r1);
    purr_reply_release(r1);
    purr_reply_release(r2);
    purr_sched_shutdown();
    /* After shutdown a probe reads as empty and drops what it is sent. */
    got = purr_probe_received(p);
    CHECK(got->len == 0);
    purr_list_release(got);
    int64_t dropped = purr_metrics_get().dropped_messages;
    purr_send(p, str_msg_new("late"));
    CHECK(purr_metrics_get().dropped_messages == dropped + 1);
    purr_actor_release(p);
    CHECK(purr_heap_bytes() == heap0);
}

static void reply_twice(void) {
    purr_sched_init(PURR_SCHED_DET);
    purr_actor *p = int_probe();
    purr_reply *r = purr_reply_new(p);
    KEEP(r);
    KEEP(p);
    purr_reply_send(r, int_msg_new(K_INT, 1), &LOC);
    purr_reply_send(r, int_msg_new(K_INT, 2), &LOC);
}

/* ---------- faults ---------- */

static const char *const names[] = {"start", "Int",     "Str",   "Stop",        "Boom", "Send",
                                    "Dive",  "Now",     "Monitor", "Reply", "ActorExited"};

/* Crasher panics on K_BOOM (a plain panic) and K_STR (a long formatted
 * one); a second reply use on K_REPLY; prints otherwise. */
static void crasher_dispatch(purr_actor *self, purr_msg *m) {
    (void)self;
    if (m->kind == K_BOOM) {
        /* Registered as generated code registers its temporaries: the
         * fault must release it. */
        size_t base = purr_owned_enter(1);
        purr_str *temp = purr_str_from_cstr("a temporary the fault releases");
        purr_own(base, &temp, &purr_type_str);
        purr_panic(&LOC, "kaboom");
    }
    if (m->kind == K_STR) purr_panicf(&LOC, "%0300d", 0);
    if (m->kind == K_REPLY) {
        purr_reply *r = *(purr_reply **)((char *)m + sizeof(purr_msg));
        purr_reply_send(r, int_msg_new(K_INT, 1), &LOC);
        purr_reply_send(r, int_msg_new(K_INT, 2), &LOC);
    }
    PURR_STR_LIT(alive, "crasher alive");
    purr_println(PURR_STR_LIT_REF(alive));
}
static const purr_actor_type crasher_type = {"Crasher", 0, crasher_dispatch, NULL};

/* Watcher: K_MONITOR monitors the actor in its state; ActorExited is
 * printed. */
static void watcher_dispatch(purr_actor *self, purr_msg *m) {
    purr_actor *target = *(purr_actor **)self->state;
    if (m->kind == K_MONITOR) purr_monitor(self, target);
    if (m->kind == K_EXITED) {
        const exited_msg *e = (const exited_msg *)(const void *)m;
        printf("watcher %lld: actor %lld exited: %.20s (%lld bytes)\n", (long long)self->id, (long long)e->id,
               e->reason->data, (long long)e->reason->len);
    }
}
static void watcher_drop(void *state) { purr_actor_release(*(purr_actor **)state); }
static const purr_actor_type watcher_type = {"Watcher", sizeof(purr_actor *), watcher_dispatch, watcher_drop};

static void counter_dispatch(purr_actor *self, purr_msg *m) {
    (void)m;
    printf("counter %lld\n", (long long)++*(int64_t *)self->state);
}
static const purr_actor_type counter_type = {"Counter", sizeof(int64_t), counter_dispatch, NULL};

typedef struct reply_msg {
    purr_msg hdr;
    purr_reply *r;
} reply_msg;
static void reply_msg_drop(purr_msg *m) {
    purr_reply_release(((reply_msg *)(void *)m)->r);
    purr_msg_free(m);
}

/* In a child: a panicking actor ends alone; others go on; watchers hear. */
static void isolation(void) {
    purr_register_messages(names, sizeof names / sizeof names[0]);
    size_t heap0 = purr_heap_bytes();
    purr_sched_init(PURR_SCHED_DET);
    purr_actor *crasher = purr_spawn(&crasher_type, NULL, false);
    purr_actor *counter;
    int64_t zero = 0;
    counter = purr_spawn(&counter_type, &zero, false);
    purr_actor_retain(crasher);
    purr_actor *w1 = purr_spawn(&watcher_type, &crasher, false);
    purr_actor_retain(crasher);
    purr_actor *w2 = purr_spawn(&watcher_type, &crasher, false);
    purr_send(w1, int_msg_new(K_MONITOR, 0));
    purr_send(w2, int_msg_new(K_MONITOR, 0));
    purr_send(crasher, int_msg_new(K_INT, 0));
    purr_send(counter, int_msg_new(K_INT, 0));
    purr_drain();
    purr_send(crasher, int_msg_new(K_BOOM, 0));
    purr_send(crasher, int_msg_new(K_INT, 0)); /* queued behind the fault: dropped */
    purr_send(counter, int_msg_new(K_INT, 0));
    purr_drain();
    purr_send(crasher, int_msg_new(K_INT, 0)); /* dead: dropped */
    purr_send(counter, int_msg_new(K_INT, 0));
    purr_drain();
    purr_metrics m = purr_metrics_get();
    printf("crasher status %d, dropped %lld, handled %lld\n", crasher->status, (long long)m.dropped_messages,
           (long long)m.message_count);
    /* Monitoring an actor that already faulted reports at once. */
    purr_actor_retain(crasher);
    purr_actor *late = purr_spawn(&watcher_type, &crasher, false);
    purr_send(late, int_msg_new(K_MONITOR, 0));
    purr_drain();

    /* A long formatted panic, the start handler, and a reply used twice. */
    purr_actor *c2 = purr_spawn(&crasher_type, NULL, false);
    purr_send(c2, str_msg_new("x"));
    purr_drain();
    purr_actor *c3 = purr_spawn(&crasher_type, NULL, true);
    purr_actor *p = int_probe();
    reply_msg *rm = (reply_msg *)(void *)purr_msg_alloc(sizeof *rm, K_REPLY, reply_msg_drop);
    rm->r = purr_reply_new(p);
    purr_send(c3, &rm->hdr);
    purr_drain();
    purr_list *got = purr_probe_received(p);
    printf("probe got %lld\n", (long long)got->len);
    purr_list_release(got);
    purr_actor *all[] = {crasher, counter, w1, w2, late, c2, c3, p};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) purr_actor_release(all[i]);
    purr_sched_shutdown();
    /* Nothing is left, not even the temporary of the faulting handler. */
    printf("leaked %zu bytes\n", purr_heap_bytes() - heap0);
}

static void test_panic_isolation(void) {
    char want[2048];
    char zeros[301];
    memset(zeros, '0', 300);
    zeros[300] = '\0';
    snprintf(want, sizeof want,
             "crasher alive\n"
             "counter 1\n"
             "panic in actor Crasher handling Boom at t.pu:3:7: kaboom\n"
             "counter 2\n"
             "watcher 3: actor 1 exited: kaboom (6 bytes)\n"
             "watcher 4: actor 1 exited: kaboom (6 bytes)\n"
             "counter 3\n"
             "crasher status 2, dropped 2, handled 9\n"
             "watcher 5: actor 1 exited: kaboom (6 bytes)\n"
             "panic in actor Crasher handling Str at t.pu:3:7: %s\n"
             "crasher alive\n"
             "panic in actor Crasher handling Reply at t.pu:3:7: reply already used\n"
             "probe got 1\n"
             "leaked %zu bytes\n",
             zeros, (size_t)0);
    EXPECT_EXIT(isolation, 0, want);
}

/* A panic in a handler reports `start` and `ActorExited` by name. */
static void start_crasher_dispatch(purr_actor *self, purr_msg *m) {
    (void)self;
    purr_panic(NULL, m->kind == PURR_KIND_START ? "in start" : "in exit");
}
static const purr_actor_type start_crasher_type = {"Starter", 0, start_crasher_dispatch, NULL};
static void builtin_names(void) {
    purr_register_messages(names, sizeof names / sizeof names[0]);
    purr_sched_init(PURR_SCHED_DET);
    purr_actor *a = purr_spawn(&start_crasher_type, NULL, true);
    purr_actor *b = purr_spawn(&start_crasher_type, NULL, false);
    purr_monitor(b, a);
    purr_drain();
    purr_actor_release(a);
    purr_actor_release(b);
    purr_sched_shutdown();
    PURR_STR_LIT(done, "done");
    purr_println(PURR_STR_LIT_REF(done));
    purr_panic(&LOC, "outside actors");
}

/* Deep recursion in a handler. */
static volatile int depth_sink;
static int dive(int n) {
    volatile char frame[256];
    frame[n % 256] = (char)n;
    if (depth_sink >= 0) depth_sink = dive(n + 1) + frame[n % 256];
    return depth_sink;
}
static void diver_dispatch(purr_actor *self, purr_msg *m) {
    (void)self;
    (void)m;
    PURR_STR_LIT(before, "printed before the overflow");
    purr_println(PURR_STR_LIT_REF(before));
    dive(0);
}
static const purr_actor_type diver_type = {"Diver", 0, diver_dispatch, NULL};
static void overflow(void) {
    purr_register_messages(names, sizeof names / sizeof names[0]);
    char *argv[] = {"prog", NULL};
    purr_init(1, argv);
    purr_sched_init(PURR_SCHED_DET);
    purr_actor *a = purr_spawn(&diver_type, NULL, false);
    KEEP(a);
    purr_send(a, int_msg_new(K_DIVE, 0));
    purr_drain();
}
static void overflow_outside(void) {
    purr__install_overflow_handler();
    dive(0);
}
static void bad_pointer(void) {
    purr__install_overflow_handler();
    volatile int *volatile p = (volatile int *)(uintptr_t)64; /* unmapped, and not NULL for UBSan */
    depth_sink = *p;
}

static void test_faults(void) {
    EXPECT_PANIC(reply_twice, AT "reply already used\n");
    EXPECT_PANIC(builtin_names, "panic in actor Starter handling start: in start\n"
                                "panic in actor Starter handling ActorExited: in exit\n"
                                "done\n" AT "outside actors\n");
    EXPECT_EXIT(overflow, 101, "printed before the overflow\nstack overflow in actor Diver handling Dive\n");
    EXPECT_EXIT(overflow_outside, 101, "stack overflow\n");
    EXPECT_EXIT(bad_pointer, -1, ""); /* not an overflow: killed by SIGSEGV */
}

int main(void) {
    RUN(test_step_order);
    RUN(test_start_and_forwarding);
    RUN(test_stop_and_dropped);
    RUN(test_owned_resources);
    RUN(test_shutdown_releases_everything);
    RUN(test_reply_and_probe);
    RUN(test_panic_isolation);
    RUN(test_faults);
    return test_finish();
}
