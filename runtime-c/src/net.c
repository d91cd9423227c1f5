/* net.c — std.net's handles and the life of a connection (docs/io.md).
 *
 * Every public call lands here; a transport (net_sock.c over real sockets
 * under the event loop, net_mem.c in memory under the deterministic
 * scheduler) moves the bytes, and net_frame.c cuts input into Data. What
 * the program observes is decided here, once for both transports:
 *
 *   - Window. A connection counts its Data in flight: sent and not yet
 *     dropped. The drop runs after the handler (actor.h, run_one), so the
 *     count falls as the owner handles them; Data's drop is wrapped to see
 *     it. No Data is cut while window are in flight, and reading stops
 *     (the socket's buffer fills and TCP slows the peer).
 *   - Closed comes once, after every Data was handled (in flight 0, even
 *     in the mailbox of an owner the connection moved away from), to the
 *     owner, with the first reason the connection ended for.
 *   - End of the turn. Calls made in a handler only change state and put
 *     the connection on the dirty list; purr__turn_end_hook (scheduler.h),
 *     set while the list is not empty, runs each one's work after the
 *     actor's turn: one writev for all the turn's writes, frames cut once
 *     the window opens again, Writable and Closed sent. A program without
 *     pending work pays one load and branch per turn.
 *
 * Ownership: a listener or connection is a resource of its owner (actor.h)
 * and closes when the owner ends. */
#include "net.h"

#include "rtmsg.h"
#include "scheduler.h"

#include <errno.h>
#include <string.h>

enum {
    DEFAULT_WINDOW = 8,
    DEFAULT_LOW = 256 << 10,
    DEFAULT_HIGH = 1 << 20,
    DEFAULT_HARD = 64 << 20,
};

/* The handle table.
 * Invariants:
 *   - slots[0..len) are in use or free; a slot in use holds the record whose
 *     id is gen << 32 | index; a free one is on the free list (through
 *     next_free, UINT32_MAX ends it), and gen is what its next record gets.
 *   - gen is in [1, 2^31): ids are > 0, and a freed slot's old ids never
 *     match again until its generation wraps.
 *   - dirty_head..dirty_tail (through next_dirty) lists, oldest first, the
 *     connections with DIRTY set, each once; purr__turn_end_hook is set
 *     while it is not empty or a listener waits to accept again. */
typedef struct slot {
    purr__net_handle *obj;
    uint32_t gen;
    uint32_t next_free;
} slot;

static struct {
    slot *slots;
    uint32_t len, cap, free_head;
    purr__net_conn *dirty_head, *dirty_tail;
} net = {NULL, 0, 0, UINT32_MAX, NULL, NULL};

static void shutdown_net(void);
static void turn_end(void);

/* ---------- handles ---------- */

static int64_t handle_add(purr__net_handle *h) {
    if (net.slots == NULL) purr__net_shutdown_hook = shutdown_net;
    uint32_t i = net.free_head;
    if (i != UINT32_MAX) {
        net.free_head = net.slots[i].next_free;
    } else {
        if (net.len == net.cap) {
            uint32_t cap = net.cap == 0 ? 16 : net.cap * 2;
            net.slots = purr_realloc(net.slots, net.cap * sizeof(slot), cap * sizeof(slot));
            net.cap = cap;
        }
        i = net.len++;
        net.slots[i].gen = 1;
    }
    net.slots[i].obj = h;
    h->id = (int64_t)net.slots[i].gen << 32 | i;
    return h->id;
}

static void handle_remove(purr__net_handle *h) {
    slot *s = &net.slots[(uint32_t)h->id];
    s->obj = NULL;
    s->gen = s->gen == INT32_MAX ? 1 : s->gen + 1;
    s->next_free = net.free_head;
    net.free_head = (uint32_t)h->id;
}

static purr__net_handle *handle_of(int64_t id, purr__net_kind kind) {
    uint32_t i = (uint32_t)id;
    if (id <= 0 || i >= net.len) return NULL;
    purr__net_handle *h = net.slots[i].obj;
    return h != NULL && h->id == id && h->kind == kind ? h : NULL;
}

purr__net_conn *purr__net_conn_of(int64_t id) { return (purr__net_conn *)(void *)handle_of(id, PURR__NET_CONN); }

static purr__net_listener *listener_of(int64_t id) {
    return (purr__net_listener *)(void *)handle_of(id, PURR__NET_LISTENER);
}

static void conn_owner_ended(purr__resource *r);
static void listener_owner_ended(purr__resource *r);

static void handle_init(purr__net_handle *h, purr__net_kind kind, purr__actor *owner,
                        void (*owner_ended)(purr__resource *)) {
    h->kind = kind;
    h->res.owner = NULL;
    h->res.owner_ended = owner_ended;
    handle_add(h);
    purr__resource_own(&h->res, owner);
}

purr__net_conn *purr__net_conn_new(const purr__net_transport *tp, purr__actor *owner) {
    purr__net_conn *c = purr_alloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->tp = tp;
    c->fd = -1;
    c->window = DEFAULT_WINDOW;
    c->low = DEFAULT_LOW;
    c->high = DEFAULT_HIGH;
    c->hard = DEFAULT_HARD;
    handle_init(&c->h, PURR__NET_CONN, owner, conn_owner_ended);
    return c;
}

static void conn_free(purr__net_conn *c) {
    purr__resource_disown(&c->h.res);
    handle_remove(&c->h);
    purr__net_drop_input(c);
    purr__net_outq_clear(&c->out);
    purr_free(c->out.buf, c->out.cap * sizeof *c->out.buf);
    if (c->reason != NULL) purr_str_release(c->reason);
    purr_free(c, sizeof *c);
}

purr__net_listener *purr__net_listener_new(const purr__net_transport *tp, purr__actor *owner) {
    purr__net_listener *l = purr_alloc(sizeof *l);
    memset(l, 0, sizeof *l);
    l->tp = tp;
    l->fd = -1;
    handle_init(&l->h, PURR__NET_LISTENER, owner, listener_owner_ended);
    return l;
}

void purr__net_listener_free(purr__net_listener *l) {
    purr__resource_disown(&l->h.res);
    handle_remove(&l->h);
    purr_free(l, sizeof *l);
}

static void listener_close(purr__net_listener *l) {
    l->tp->close_listener(l);
    purr__io_unref();
    purr__net_listener_free(l);
}

static void listener_owner_ended(purr__resource *r) { listener_close((purr__net_listener *)(void *)r); }

/* ---------- the output queue ---------- */

static void outq_push(purr__net_outq *q, purr_bytes *b) {
    if (q->len == q->cap) {
        uint32_t cap = q->cap == 0 ? 4 : q->cap * 2;
        purr_bytes **buf = purr_alloc(cap * sizeof *buf);
        for (uint32_t i = 0; i < q->len; i++) buf[i] = q->buf[(q->head + i) & (q->cap - 1)];
        purr_free(q->buf, q->cap * sizeof *q->buf);
        q->buf = buf;
        q->cap = cap;
        q->head = 0;
    }
    purr_bytes_retain(b);
    q->buf[(q->head + q->len) & (q->cap - 1)] = b;
    q->len++;
    q->bytes += b->len;
}

void purr__net_outq_consume(purr__net_outq *q, int64_t n) {
    q->bytes -= n;
    while (n > 0) {
        purr_bytes *b = q->buf[q->head];
        int64_t left = b->len - q->off;
        if (n < left) {
            q->off += n;
            return;
        }
        n -= left;
        purr_bytes_release(b);
        q->head = (q->head + 1) & (q->cap - 1);
        q->len--;
        q->off = 0;
    }
}

void purr__net_outq_clear(purr__net_outq *q) { purr__net_outq_consume(q, q->bytes); }

/* ---------- events ---------- */

/* Every net message's payload starts with its handle (the first field of
 * each message in std.net), right after the header (purr.h: a node is the
 * header followed by the payload). */
typedef struct net_event {
    purr_msg hdr;
    int64_t conn;
} net_event;

/* Data's own drop (the program's); every Data node gets data_drop, which
 * counts the Data out of its connection's window and then calls it. */
static void (*program_data_drop)(purr_msg *m);

static void data_drop(purr_msg *m) {
    purr__net_conn *c = purr__net_conn_of(((net_event *)(void *)m)->conn);
    program_data_drop(m);
    if (c == NULL) return;
    c->in_flight--;
    if (c->in_flight + 1 >= c->window || (c->in_flight == 0 && (c->flags & PURR__NET_ENDING)))
        purr__net_mark(c);
    else
        purr__net_input_trim(c); /* the last view of the buffer may have gone */
}

static purr__actor *owner_of(purr__net_conn *c) { return c->h.res.owner; }

void purr__net_send_data(purr__net_conn *c, purr_bytes *data) {
    purr_msg *m = PURR__MSG_CTOR(PURR__MSG_NET_DATA, purr__new_net_data)(c->h.id, data);
    program_data_drop = m->drop;
    m->drop = data_drop;
    c->in_flight++; /* before the send: a send to an ended actor drops at once */
    purr_send(&owner_of(c)->pub, m);
}

static void send_conn_event(purr__net_conn *c, purr__rtmsg kind) {
    purr_send(&owner_of(c)->pub, PURR__MSG_CTOR(kind, purr__new_net_conn)(c->h.id));
}

void purr__net_send_accepted(purr__net_listener *l, purr__net_conn *c, purr_str *peer) {
    purr_msg *m = PURR__MSG_CTOR(PURR__MSG_NET_ACCEPTED, purr__new_net_accepted)(l->h.id, c->h.id, peer);
    purr_send(&l->h.res.owner->pub, m);
}

/* ---------- the life of a connection ---------- */

void purr__net_mark(purr__net_conn *c) {
    if (c->flags & PURR__NET_DIRTY) return;
    c->flags |= PURR__NET_DIRTY;
    c->next_dirty = NULL;
    if (net.dirty_tail != NULL)
        net.dirty_tail->next_dirty = c;
    else
        net.dirty_head = c;
    net.dirty_tail = c;
    purr__turn_end_hook = turn_end;
}

void purr__net_arm_hook(void) { purr__turn_end_hook = turn_end; }

bool purr__net_wants_input(const purr__net_conn *c) {
    enum {
        BLOCKERS = PURR__NET_PAUSED | PURR__NET_EOF | PURR__NET_INPUT_DONE | PURR__NET_CLOSED |
                   PURR__NET_CONNECTING
    };
    return (c->flags & (PURR__NET_READING | PURR__NET_OPEN | BLOCKERS)) == (PURR__NET_READING | PURR__NET_OPEN) &&
           c->in_flight < c->window;
}

void purr__net_opened(purr__net_conn *c) {
    c->flags |= PURR__NET_OPEN;
    purr__io_ref();
}

void purr__net_transport_closed(purr__net_conn *c) {
    c->flags &= ~(PURR__NET_OPEN | PURR__NET_DRAINING | PURR__NET_BLOCKED | PURR__NET_CONNECTING);
    purr__io_unref();
    purr__net_sock_retry_accept(true);
}

/* The connection ends for `reason` (owned) unless it ended already: the
 * first reason is the one reported. */
static void end_with(purr__net_conn *c, purr_str *reason) {
    if (c->flags & PURR__NET_ENDING) {
        purr_str_release(reason);
        return;
    }
    c->flags |= PURR__NET_ENDING;
    c->reason = reason;
}

typedef enum { GRACEFUL, AT_ONCE, RESET } close_how;

/* The handle closes now: no more Data is cut, writes return Closed. The
 * transport sends what is queued first (GRACEFUL), or drops it and closes
 * now (AT_ONCE; RESET tells the peer with a reset). */
static void close_handle(purr__net_conn *c, purr_str *reason, close_how how) {
    end_with(c, reason);
    c->flags |= PURR__NET_CLOSED | PURR__NET_INPUT_DONE;
    c->flags &= ~PURR__NET_WRITABLE_OWED;
    purr__net_drop_input(c);
    if (how != GRACEFUL) {
        purr__net_outq_clear(&c->out);
        if (c->flags & PURR__NET_OPEN) c->tp->close(c, how == RESET);
    } else if (c->flags & PURR__NET_OPEN) {
        c->flags |= PURR__NET_DRAINING;
    }
    purr__net_mark(c);
}

void purr__net_fail(purr__net_conn *c, purr_str *reason) { close_handle(c, reason, AT_ONCE); }

void purr__net_frame_too_long(purr__net_conn *c) {
    close_handle(c, purr_str_from_cstr("frame too long"), GRACEFUL);
}

void purr__net_input_ended(purr__net_conn *c) {
    c->flags |= PURR__NET_INPUT_DONE;
    end_with(c, purr_str_from_cstr("peer closed"));
}

/* Sends Closed once it is due (see the top); true when it did. A
 * connection whose input ended (peer closed) closes its handle only now, so
 * that the handlers of its last Data could still write their replies. */
static bool report(purr__net_conn *c) {
    uint32_t f = c->flags;
    if ((f & (PURR__NET_ENDING | PURR__NET_REPORTED | PURR__NET_TELLS)) != (PURR__NET_ENDING | PURR__NET_TELLS) ||
        !(f & (PURR__NET_CLOSED | PURR__NET_INPUT_DONE)) || c->in_flight != 0)
        return false;
    if (!(f & PURR__NET_CLOSED)) {
        purr_str_retain(c->reason);
        close_handle(c, c->reason, GRACEFUL);
    }
    c->flags |= PURR__NET_REPORTED;
    purr_str_retain(c->reason);
    purr_msg *m = PURR__MSG_CTOR(PURR__MSG_NET_CLOSED, purr__new_net_closed)(c->h.id, c->reason);
    purr_send(&owner_of(c)->pub, m);
    return true;
}

void purr__net_progress(purr__net_conn *c) {
    if (c->flags & PURR__NET_CONNECTED_DUE) {
        c->flags &= ~PURR__NET_CONNECTED_DUE;
        if (!(c->flags & PURR__NET_CLOSED)) send_conn_event(c, PURR__MSG_NET_CONNECTED);
    }
    /* Frames first: interest in more input depends on the window they fill. */
    purr__net_cut(c);
    if (c->flags & PURR__NET_OPEN) c->tp->pump(c);
    if (report(c) && (c->flags & PURR__NET_OPEN)) c->tp->pump(c);
    if ((c->flags & PURR__NET_WRITABLE_OWED) && (c->out.bytes < c->low || c->out.bytes == 0)) {
        c->flags &= ~PURR__NET_WRITABLE_OWED;
        if (c->flags & PURR__NET_TELLS) send_conn_event(c, PURR__MSG_NET_WRITABLE);
    }
    if (!(c->flags & (PURR__NET_OPEN | PURR__NET_DIRTY)) && (c->flags & PURR__NET_REPORTED)) conn_free(c);
}

/* The owner ended: nobody is told any more; what is queued is still sent. */
static void conn_owner_ended(purr__resource *r) {
    purr__net_conn *c = (purr__net_conn *)(void *)r;
    c->flags = (c->flags | PURR__NET_REPORTED) & ~PURR__NET_TELLS;
    close_handle(c, purr_str_from_cstr("closed"), GRACEFUL);
}

/* purr__turn_end_hook: the dirty connections' work, oldest first (work may
 * mark more, which run in the same call). */
static void turn_end(void) {
    while (net.dirty_head != NULL) {
        purr__net_conn *c = net.dirty_head;
        net.dirty_head = c->next_dirty;
        if (net.dirty_head == NULL) net.dirty_tail = NULL;
        c->flags &= ~PURR__NET_DIRTY;
        purr__net_progress(c);
    }
    if (purr__net_sock_backed_off())
        purr__net_sock_retry_accept(false);
    else
        purr__turn_end_hook = NULL;
}

/* purr__net_shutdown_hook, after every actor ended: closes what is left
 * (connections still sending what their ended owners queued) without
 * telling anyone, and frees the table. */
static void shutdown_net(void) {
    for (uint32_t i = 0; i < net.len; i++) {
        purr__net_handle *h = net.slots[i].obj;
        if (h == NULL) continue;
        if (h->kind == PURR__NET_LISTENER) {
            listener_close((purr__net_listener *)(void *)h);
            continue;
        }
        purr__net_conn *c = (purr__net_conn *)(void *)h;
        purr__net_outq_clear(&c->out);
        if (c->flags & PURR__NET_OPEN) c->tp->close(c, false);
        conn_free(c);
    }
    purr_free(net.slots, net.cap * sizeof(slot));
    net.slots = NULL;
    net.len = net.cap = 0;
    net.free_head = UINT32_MAX;
    net.dirty_head = net.dirty_tail = NULL;
    purr__net_buffers_free();
    purr__net_mem_reset();
    purr__turn_end_hook = NULL;
    purr__net_shutdown_hook = NULL;
}

/* ---------- the public calls ---------- */

static purr__actor *caller(const char *what) {
    purr__actor *a = purr__actor_current();
    if (a == NULL) purr__fatal("%s outside an actor's handler", what);
    return a;
}

static bool in_memory(void) { return purr__sched == &purr__sched_det; }

int64_t purr_net_listen(const purr_str *host, int64_t port) {
    purr__actor *owner = caller("net.listen");
    return in_memory() ? purr__net_mem_listen(owner, host, port) : purr__net_sock_listen(owner, host, port);
}

int64_t purr_net_local_port(int64_t listener) {
    purr__net_listener *l = listener_of(listener);
    return l != NULL ? l->port : 0;
}

void purr_net_close_listener(int64_t listener) {
    purr__net_listener *l = listener_of(listener);
    if (l != NULL) listener_close(l);
}

int64_t purr_net_connect(const purr_str *host, int64_t port) {
    purr__actor *owner = caller("net.connect");
    return in_memory() ? purr__net_mem_connect(owner, host, port) : purr__net_sock_connect(owner, host, port);
}

static void check_framing(const char *what, int32_t framing, int64_t width, int64_t max) {
    bool ok = framing == PURR_NET_RAW ||
              (framing == PURR_NET_LINE && max >= 0) ||
              (framing == PURR_NET_PREFIXED && max >= 0 && (width == 1 || width == 2 || width == 4));
    if (!ok)
        purr_panicf(NULL, "%s: invalid framing (kind %d, width %lld, max %lld)", what, (int)framing,
                    (long long)width, (long long)max);
}

static void set_framing(purr__net_conn *c, int32_t framing, int64_t width, int64_t max) {
    c->framing = (uint8_t)framing;
    c->width = (uint8_t)width;
    c->max = max;
    c->scan = c->cut;
}

/* A connection that the running handler may configure: NULL when the id
 * is stale or closed (nothing to do), a panic when the caller is not the
 * owner. */
static purr__net_conn *owned(int64_t id, const char *what) {
    purr__net_conn *c = purr__net_conn_of(id);
    if (c == NULL || (c->flags & PURR__NET_CLOSED)) return NULL;
    purr__actor *me = caller(what);
    if (owner_of(c) != me)
        purr_panicf(NULL, "%s: connection %lld belongs to actor %s #%lld, not to the caller", what, (long long)id,
                    owner_of(c)->pub.type->name, (long long)owner_of(c)->pub.id);
    return c;
}

void purr_net_attach(int64_t conn, int32_t framing, int64_t width, int64_t max) {
    purr__actor *me = caller("net.attach");
    check_framing("net.attach", framing, width, max);
    purr__net_conn *c = purr__net_conn_of(conn);
    if (c == NULL || (c->flags & PURR__NET_REPORTED)) return;
    if (owner_of(c) != me) purr__resource_own(&c->h.res, me);
    c->flags |= PURR__NET_READING | PURR__NET_TELLS;
    set_framing(c, framing, width, max);
    purr__net_mark(c);
}

void purr_net_set_framing(int64_t conn, int32_t framing, int64_t width, int64_t max) {
    check_framing("net.set_framing", framing, width, max);
    purr__net_conn *c = owned(conn, "net.set_framing");
    if (c == NULL) return;
    set_framing(c, framing, width, max);
    purr__net_mark(c);
}

void purr_net_set_window(int64_t conn, int64_t n) {
    if (n < 1 || n > INT32_MAX) purr_panicf(NULL, "net.set_window: window %lld is not in 1..%d", (long long)n, INT32_MAX);
    purr__net_conn *c = owned(conn, "net.set_window");
    if (c == NULL) return;
    c->window = (int32_t)n;
    purr__net_mark(c);
}

void purr_net_pause(int64_t conn) {
    purr__net_conn *c = owned(conn, "net.pause");
    if (c != NULL) c->flags |= PURR__NET_PAUSED;
}

void purr_net_resume(int64_t conn) {
    purr__net_conn *c = owned(conn, "net.resume");
    if (c == NULL || !(c->flags & PURR__NET_PAUSED)) return;
    c->flags &= ~PURR__NET_PAUSED;
    purr__net_mark(c);
}

int32_t purr_net_write(int64_t conn, purr_bytes *data) {
    purr__net_conn *c = purr__net_conn_of(conn);
    if (c == NULL || (c->flags & PURR__NET_CLOSED)) return PURR_NET_CLOSED;
    if (data->len > c->hard - c->out.bytes) {
        close_handle(c, purr_str_from_cstr("output buffer limit"), AT_ONCE);
        return PURR_NET_CLOSED;
    }
    if (data->len > 0) {
        outq_push(&c->out, data);
        purr__net_mark(c);
    }
    if (c->out.bytes <= c->high) return PURR_NET_OK;
    c->flags |= PURR__NET_WRITABLE_OWED;
    return PURR_NET_THROTTLED;
}

void purr_net_set_limits(int64_t conn, int64_t low, int64_t high, int64_t hard) {
    if (low < 0 || low > high || high > hard)
        purr_panicf(NULL, "net.set_limits: need 0 <= low <= high <= hard, got %lld, %lld, %lld", (long long)low,
                    (long long)high, (long long)hard);
    purr__net_conn *c = purr__net_conn_of(conn);
    if (c == NULL || (c->flags & PURR__NET_CLOSED)) return;
    c->low = low;
    c->high = high;
    c->hard = hard;
    purr__net_mark(c);
}

void purr_net_close(int64_t conn) {
    purr__net_conn *c = purr__net_conn_of(conn);
    if (c != NULL && !(c->flags & PURR__NET_CLOSED)) close_handle(c, purr_str_from_cstr("closed"), GRACEFUL);
}

/* An abort after a close cuts short what the close still sends: a peer
 * that never reads would keep a draining connection (and so the program)
 * open for ever. */
void purr__net_reset(purr__net_conn *c) {
    if (!(c->flags & PURR__NET_CLOSED)) close_handle(c, purr_str_from_cstr("reset"), RESET);
}

void purr_net_abort(int64_t conn) {
    purr__net_conn *c = purr__net_conn_of(conn);
    if (c == NULL) return;
    if (!(c->flags & PURR__NET_CLOSED)) {
        close_handle(c, purr_str_from_cstr("aborted"), RESET);
    } else if (c->flags & PURR__NET_DRAINING) {
        purr__net_outq_clear(&c->out);
        c->tp->close(c, true);
        purr__net_mark(c); /* freed at the end of the turn, once reported */
    }
}

purr_str *purr__net_errno_reason(int err) {
    if (err == ECONNRESET || err == EPIPE) return purr_str_from_cstr("reset");
    return purr_str_from_cstr(strerror(err));
}

purr_str *purr_net_error_text(int64_t code) {
    if (code == PURR__NET_EBADHOST) return purr_str_from_cstr("not a numeric IP address (names are not resolved)");
    if (code < 0 && code > -4096) return purr_str_from_cstr(strerror((int)-code));
    return purr_str_empty();
}
