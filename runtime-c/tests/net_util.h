/* net_util.h — what the net tests share (included after test.h and
 * actor_util.h): std.net's message nodes with the constructors a program
 * would register, and text logs of what actors saw. */
#ifndef PURR_NET_UTIL_H
#define PURR_NET_UTIL_H

#include <stdarg.h>

enum { K_ACCEPTED = 40, K_DATA, K_CLOSED, K_CONNECTED, K_WRITABLE };

typedef struct accepted_msg {
    purr_msg hdr;
    int64_t listener, conn;
    purr_str *peer;
} accepted_msg;
typedef struct data_msg {
    purr_msg hdr;
    int64_t conn;
    purr_bytes *data;
} data_msg;
typedef struct closed_msg {
    purr_msg hdr;
    int64_t conn;
    purr_str *reason;
} closed_msg;
typedef struct conn_msg {
    purr_msg hdr;
    int64_t conn;
} conn_msg;

#define ACCEPTED(m) ((const accepted_msg *)(const void *)(m))
#define DATA(m) ((const data_msg *)(const void *)(m))
#define CLOSED(m) ((const closed_msg *)(const void *)(m))
#define CONN(m) (((const conn_msg *)(const void *)(m))->conn)

static void accepted_drop(purr_msg *m) {
    purr_str_release(((accepted_msg *)(void *)m)->peer);
    purr_msg_free(m);
}
static void data_msg_drop(purr_msg *m) {
    purr_bytes_release(((data_msg *)(void *)m)->data);
    purr_msg_free(m);
}
static void closed_drop(purr_msg *m) {
    purr_str_release(((closed_msg *)(void *)m)->reason);
    purr_msg_free(m);
}
static purr_msg *new_accepted(int64_t listener, int64_t conn, purr_str *peer) {
    accepted_msg *m = (accepted_msg *)(void *)purr_msg_alloc(sizeof *m, K_ACCEPTED, accepted_drop);
    m->listener = listener;
    m->conn = conn;
    m->peer = peer;
    return &m->hdr;
}
static purr_msg *new_data(int64_t conn, purr_bytes *data) {
    data_msg *m = (data_msg *)(void *)purr_msg_alloc(sizeof *m, K_DATA, data_msg_drop);
    m->conn = conn;
    m->data = data;
    return &m->hdr;
}
static purr_msg *new_closed(int64_t conn, purr_str *reason) {
    closed_msg *m = (closed_msg *)(void *)purr_msg_alloc(sizeof *m, K_CLOSED, closed_drop);
    m->conn = conn;
    m->reason = reason;
    return &m->hdr;
}
static purr_msg *new_connected(int64_t conn) {
    conn_msg *m = (conn_msg *)(void *)purr_msg_alloc(sizeof *m, K_CONNECTED, purr_msg_free);
    m->conn = conn;
    return &m->hdr;
}
static purr_msg *new_writable(int64_t conn) {
    conn_msg *m = (conn_msg *)(void *)purr_msg_alloc(sizeof *m, K_WRITABLE, purr_msg_free);
    m->conn = conn;
    return &m->hdr;
}

/* What the generated main does for a program that uses std.net. */
static void register_net_messages(void) {
    purr_register_message_ctor("std.net.Accepted", (purr_msg_ctor)new_accepted);
    purr_register_message_ctor("std.net.Data", (purr_msg_ctor)new_data);
    purr_register_message_ctor("std.net.Closed", (purr_msg_ctor)new_closed);
    purr_register_message_ctor("std.net.Connected", (purr_msg_ctor)new_connected);
    purr_register_message_ctor("std.net.Writable", (purr_msg_ctor)new_writable);
}

static purr_bytes *bytes_of(const char *text) { return purr_bytes_from((const uint8_t *)text, (int64_t)strlen(text)); }

/* Writes text to conn; returns what net.write returned. */
__attribute__((unused)) static int32_t write_text(int64_t conn, const char *text) {
    purr_bytes *b = bytes_of(text);
    int32_t r = purr_net_write(conn, b);
    purr_bytes_release(b);
    return r;
}

PURR_STR_LIT(host_lit, "127.0.0.1");
#define HOST PURR_STR_LIT_REF(host_lit)

/* A log of what an actor saw: "; "-separated entries. */
typedef struct textlog {
    char text[1 << 15];
    size_t len;
} textlog;

__attribute__((unused, format(printf, 2, 3))) static void tlog(textlog *l, const char *fmt, ...) {
    if (l->len != 0 && l->len + 2 < sizeof l->text) {
        memcpy(l->text + l->len, "; ", 3);
        l->len += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->text + l->len, sizeof l->text - l->len, fmt, ap);
    va_end(ap);
    if (n > 0) l->len += (size_t)n < sizeof l->text - l->len ? (size_t)n : sizeof l->text - l->len - 1;
}

/* Data as text, bytes outside printable ASCII as \xNN. */
__attribute__((unused)) static const char *shown(const purr_bytes *b) {
    static char text[4096];
    size_t n = 0;
    for (int64_t i = 0; i < b->len && n + 5 < sizeof text; i++) {
        uint8_t c = b->data[i];
        if (c >= 32 && c < 127 && c != '\\')
            text[n++] = (char)c;
        else
            n += (size_t)snprintf(text + n, sizeof text - n, "\\x%02x", c);
    }
    text[n] = '\0';
    return text;
}

#define CHECK_TEXT(l, want)                                                                       \
    do {                                                                                          \
        if (strcmp((l)->text, want) != 0) {                                                       \
            fprintf(stderr, "%s:%d: log is\n  \"%s\"\nwant\n  \"%s\"\n", __FILE__, __LINE__, (l)->text, want); \
            test_failures++;                                                                      \
        }                                                                                         \
    } while (0)

/* ---------- a server and a client, configured per test ----------
 * The server listens at start (its port goes to net.port) and sends the
 * client actor the port, which it connects to; a test whose client is a
 * plain socket of another thread spawns no client actor. Each test sets
 * the hooks for what the actors do with their events; every event is
 * logged first (slog, clog). */
typedef struct scenario {
    void (*accepted)(purr_actor *self, int64_t conn);
    void (*server_data)(purr_actor *self, int64_t conn, const purr_bytes *data);
    void (*server_closed)(purr_actor *self, int64_t conn);
    void (*server_writable)(purr_actor *self, int64_t conn);
    void (*connecting)(purr_actor *self, int64_t conn); /* right after net.connect */
    void (*connected)(purr_actor *self, int64_t conn);
    void (*client_writable)(purr_actor *self, int64_t conn);
    void (*client_step)(purr_actor *self, int64_t conn, int64_t step); /* K_SEND to itself */
    void (*timer)(purr_actor *self, int64_t v);                        /* K_INT from send_after */
    bool no_client;
} scenario;
static scenario sc;
static struct {
    int64_t listener, port, client_conn, server_conn;
    purr_actor *client;
    char peer[64];
} net;
static textlog slog, clog;

static void server_dispatch(purr_actor *self, purr_msg *m) {
    switch (m->kind) {
    case PURR_KIND_START:
        net.listener = purr_net_listen(HOST, 0);
        tlog(&slog, "listening");
        __atomic_store_n(&net.port, purr_net_local_port(net.listener), __ATOMIC_SEQ_CST);
        if (net.client != NULL) purr_send(net.client, int_msg_new(K_INT, net.port));
        break;
    case K_ACCEPTED:
        net.server_conn = ACCEPTED(m)->conn;
        snprintf(net.peer, sizeof net.peer, "%s", ACCEPTED(m)->peer->data);
        tlog(&slog, "accepted");
        if (sc.accepted != NULL) sc.accepted(self, ACCEPTED(m)->conn);
        break;
    case K_DATA:
        tlog(&slog, "data %s", shown(DATA(m)->data));
        if (sc.server_data != NULL) sc.server_data(self, DATA(m)->conn, DATA(m)->data);
        break;
    case K_CLOSED:
        tlog(&slog, "closed %s", CLOSED(m)->reason->data);
        if (sc.server_closed != NULL) sc.server_closed(self, CLOSED(m)->conn);
        purr_net_close_listener(net.listener);
        break;
    case K_WRITABLE:
        tlog(&slog, "writable");
        if (sc.server_writable != NULL) sc.server_writable(self, CONN(m));
        break;
    case K_INT:
        if (sc.timer != NULL) sc.timer(self, int_of(m));
        break;
    }
}
static const purr_actor_type server_type = {"Server", 0, server_dispatch, NULL};

static void client_dispatch(purr_actor *self, purr_msg *m) {
    switch (m->kind) {
    case K_INT:
        net.client_conn = purr_net_connect(HOST, int_of(m));
        if (sc.connecting != NULL) sc.connecting(self, net.client_conn);
        break;
    case K_CONNECTED:
        tlog(&clog, "connected");
        if (sc.connected != NULL) sc.connected(self, CONN(m));
        break;
    case K_SEND:
        sc.client_step(self, net.client_conn, int_of(m));
        break;
    case K_DATA:
        tlog(&clog, "data %s", shown(DATA(m)->data));
        break;
    case K_WRITABLE:
        tlog(&clog, "writable");
        if (sc.client_writable != NULL) sc.client_writable(self, CONN(m));
        break;
    case K_CLOSED:
        tlog(&clog, "closed %s", CLOSED(m)->reason->data);
        purr_stop(self);
        break;
    }
}
static const purr_actor_type client_type = {"Client", 0, client_dispatch, NULL};

static void logs_reset(void) {
    slog.len = clog.len = 0;
    slog.text[0] = clog.text[0] = '\0';
}

/* A fresh scheduler with the scenario's actors (the client first, then the
 * server: ids 1 and 2); the caller runs it. */
static purr_actor *scenario_start(purr_sched_kind kind, scenario s) {
    sc = s;
    logs_reset();
    memset(&net, 0, sizeof net);
    purr_sched_init(kind);
    if (!s.no_client) net.client = purr_spawn(&client_type, NULL, false);
    return purr_spawn(&server_type, NULL, true);
}

static void scenario_end(purr_actor *server) {
    if (net.client != NULL) purr_actor_release(net.client);
    purr_actor_release(server);
    purr_sched_shutdown();
}

/* Runs one actor of type t (with on start) to the end on a fresh scheduler. */
__attribute__((unused)) static void run_actor(purr_sched_kind kind, const purr_actor_type *t) {
    logs_reset();
    purr_sched_init(kind);
    purr_actor *a = purr_spawn(t, NULL, true);
    purr_sched_run();
    purr_actor_release(a);
    purr_sched_shutdown();
}

/* Runs the scenario to its end on a fresh scheduler. */
__attribute__((unused)) static void run_on(purr_sched_kind kind, scenario s) {
    purr_actor *server = scenario_start(kind, s);
    purr_sched_run();
    scenario_end(server);
}

#endif /* PURR_NET_UTIL_H */
