/* actor_util.h — message nodes and a logging actor shared by the actor
 * tests (included after test.h). */
#ifndef PURR_ACTOR_UTIL_H
#define PURR_ACTOR_UTIL_H

#include <stddef.h>

/* Message kinds used by the tests. */
enum { K_INT = PURR_KIND_FIRST_USER, K_STR, K_STOP, K_BOOM, K_SEND, K_DIVE, K_NOW, K_MONITOR, K_REPLY, K_EXITED };

/* ActorExited as the prelude declares it (`extern message ActorExited {
 * id: i64, reason: string }`), with the constructor a generated main
 * registers, registered before the tests run. */
typedef struct exited_msg {
    purr_msg hdr;
    int64_t id;
    purr_str *reason;
} exited_msg;

__attribute__((unused)) static void exited_drop(purr_msg *m) {
    purr_str_release(((exited_msg *)(void *)m)->reason);
    purr_msg_free(m);
}
__attribute__((unused)) static purr_msg *exited_new(int64_t id, purr_str *reason) {
    exited_msg *m = (exited_msg *)(void *)purr_msg_alloc(sizeof *m, K_EXITED, exited_drop);
    m->id = id;
    m->reason = reason;
    return &m->hdr;
}
__attribute__((constructor)) static void register_exited(void) {
    purr_register_message_ctor("std.prelude.ActorExited", (purr_msg_ctor)exited_new);
}

/* A message with an i64 payload. */
typedef struct int_msg {
    purr_msg hdr;
    int64_t v;
} int_msg;

__attribute__((unused)) static purr_msg *int_msg_new(uint32_t kind, int64_t v) {
    int_msg *m = (int_msg *)(void *)purr_msg_alloc(sizeof *m, kind, purr_msg_free);
    m->v = v;
    return &m->hdr;
}
__attribute__((unused)) static int64_t int_of(const purr_msg *m) { return ((const int_msg *)(const void *)m)->v; }

/* A message with a string payload (drop releases it). */
typedef struct str_msg {
    purr_msg hdr;
    purr_str *s;
} str_msg;

__attribute__((unused)) static void str_msg_drop(purr_msg *m) {
    purr_str_release(((str_msg *)(void *)m)->s);
    purr_msg_free(m);
}
__attribute__((unused)) static purr_msg *str_msg_new(const char *text) {
    str_msg *m = (str_msg *)(void *)purr_msg_alloc(sizeof *m, K_STR, str_msg_drop);
    m->s = purr_str_from_cstr(text);
    return &m->hdr;
}

/* The order handlers ran in: "id:kind:value" entries. */
static char test_log[1 << 14];
static size_t test_log_len;
__attribute__((unused)) static void log_reset(void) {
    test_log_len = 0;
    test_log[0] = '\0';
}
__attribute__((unused)) static void log_add(int64_t id, uint32_t kind, int64_t v) {
    test_log_len += (size_t)snprintf(test_log + test_log_len, sizeof test_log - test_log_len, "%s%lld:%u:%lld",
                                     test_log_len ? " " : "", (long long)id, (unsigned)kind, (long long)v);
}
#define CHECK_LOG(want)                                                                     \
    do {                                                                                    \
        if (strcmp(test_log, want) != 0) {                                                  \
            fprintf(stderr, "%s:%d: log is \"%s\", want \"%s\"\n", __FILE__, __LINE__, test_log, want); \
            test_failures++;                                                                \
        }                                                                                   \
    } while (0)

/* Probes of i64 payloads. */
__attribute__((unused)) static purr_actor *int_probe(void) {
    return purr_probe_new(&purr_type_i64, offsetof(int_msg, v));
}
/* The i64s a probe received, as "a b c". */
__attribute__((unused)) static const char *probe_text(purr_actor *p) {
    static char text[4096];
    size_t n = 0;
    text[0] = '\0';
    purr_list *l = purr_probe_received(p);
    for (int64_t i = 0; i < l->len; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%lld", i ? " " : "",
                              (long long)*(int64_t *)purr_list_at(l, i, NULL));
    purr_list_release(l);
    return text;
}
#define CHECK_PROBE(p, want)                                                                \
    do {                                                                                    \
        const char *got_ = probe_text(p);                                                   \
        if (strcmp(got_, want) != 0) {                                                      \
            fprintf(stderr, "%s:%d: probe got \"%s\", want \"%s\"\n", __FILE__, __LINE__, got_, want); \
            test_failures++;                                                                \
        }                                                                                   \
    } while (0)

#endif /* PURR_ACTOR_UTIL_H */
