/* net_mem.c — std.net's transport under the deterministic scheduler: an
 * in-memory network between the program's own actors (docs/io.md).
 *
 * A listener takes a port in a table of this process (port 0: the next
 * free one from FIRST_PORT); net.connect to a listening port makes two
 * connected records, the client's and the server's, each the other's
 * peer; to a port nobody listens on it fails with "Connection refused". No
 * socket is opened and nothing real is waited for, so open connections do
 * not keep drain() from returning (scheduler.h: the deterministic
 * scheduler ignores I/O references).
 *
 * Bytes a connection writes stay in its output queue, as in a socket's
 * send buffer, until deliver() moves them into the peer's input, where
 * net_frame.c cuts them as for a socket. deliver() runs in the connection's
 * end-of-turn work (net.c), so bytes written in a step arrive whole and in
 * order as Data handled at later steps, and it moves bytes only while the
 * reader wants input: a paused reader or a full window leaves them queued
 * with the writer, whose writes then turn Throttled and later Writable,
 * as over TCP. Every step is a pure function of the program.
 *
 * Under a seed other than 0 (sim.h, docs/testing.md) the network is
 * simulated: the writer's queued bytes go in flights, one at a time per
 * direction, each landing after a seeded latency (an event of the
 * deterministic scheduler) with a seeded number of bytes, from 1 up to
 * all that is queued, so readers see every split of the stream; and each
 * connection starts with seeded small watermarks, so writers see Throttled
 * and Writable; and Connected comes after a latency too (CONNECTING until
 * then: no byte crosses before). Under any seed a stalled port (sim.stall) holds the bytes
 * of its connections until it is healed.
 *
 * Ends: a close sends what is queued, then the peer reads the end (it gets
 * "peer closed" once it has read everything); an abort resets the peer
 * ("reset", even while it is paused). Bytes sent to an end that closed are
 * lost. */
#include "net.h"

#include "scheduler.h"
#include "sim.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

enum { FIRST_PORT = 40000 };

/* Invariant: ports lists the open in-memory listeners (distinct ports,
 * linked through next); next_port is where the search for a free port
 * starts, for listeners and for the clients' side of Accepted's peer;
 * conns lists the connections whose transport is OPEN (through next_mem). */
static struct {
    purr__net_listener *ports;
    int64_t next_port;
    purr__net_conn *conns;
} mem = {NULL, FIRST_PORT, NULL};

/* A connection made through `port`, on the list of open ones; seeded, with
 * small watermarks (net.set_limits may change them afterwards). */
static void mem_opened(purr__net_conn *c, int64_t port) {
    c->port = port;
    c->next_mem = mem.conns;
    mem.conns = c;
    purr__net_opened(c);
    if (purr__sim_seeded()) {
        c->high = purr__sim_between(PURR__SIM_HIGH_MIN, PURR__SIM_HIGH_MAX);
        c->low = c->high / 4;
    }
}

static purr__net_listener *listening(int64_t port) {
    for (purr__net_listener *l = mem.ports; l != NULL; l = l->next)
        if (l->port == port) return l;
    return NULL;
}

static int64_t free_port(void) {
    while (listening(mem.next_port) != NULL) mem.next_port++;
    return mem.next_port++;
}

/* The hosts and ports that the real network takes (net_sock.c). */
static int check_host(const purr_str *host, int64_t port) {
    struct sockaddr_storage ss;
    socklen_t len;
    return purr__net_address(host, port, &ss, &len);
}

int64_t purr__net_mem_listen(purr__actor *owner, const purr_str *host, int64_t port) {
    int err = check_host(host, port);
    if (err != 0) return err;
    if (port != 0 && listening(port) != NULL) return -EADDRINUSE;
    purr__net_listener *l = purr__net_listener_new(&purr__net_mem, owner);
    l->port = port != 0 ? port : free_port();
    l->next = mem.ports;
    mem.ports = l;
    purr__io_ref();
    return l->h.id;
}

/* Seeded: the network's latency for one crossing. */
static int64_t latency(void) {
    return purr__sim_between(purr__sim_state.latency_min_us, purr__sim_state.latency_max_us);
}

/* Seeded: the client's end of a connection is connected (between steps). */
static void connected(void *ctx) {
    purr__net_conn *c = purr__net_conn_of((int64_t)(intptr_t)ctx);
    if (c == NULL || !(c->flags & PURR__NET_CONNECTING)) return; /* closed meanwhile */
    c->flags = (c->flags & ~PURR__NET_CONNECTING) | PURR__NET_CONNECTED_DUE;
    purr__net_progress(c);
    if (c->peer != NULL) purr__net_progress(c->peer);
}

int64_t purr__net_mem_connect(purr__actor *owner, const purr_str *host, int64_t port) {
    purr__net_conn *c = purr__net_conn_new(&purr__net_mem, owner);
    c->flags |= PURR__NET_TELLS;
    int err = check_host(host, port);
    purr__net_listener *l = err == 0 ? listening(port) : NULL;
    if (l == NULL) {
        purr__net_fail(c, err != 0 ? purr_net_error_text(err) : purr__net_errno_reason(ECONNREFUSED));
        return c->h.id;
    }
    purr__net_conn *s = purr__net_conn_new(&purr__net_mem, l->h.res.owner);
    mem_opened(c, port);
    mem_opened(s, port);
    c->peer = s;
    s->peer = c;
    if (purr__sim_seeded()) {
        /* The handshake takes a latency: bytes wait for it both ways. */
        c->flags |= PURR__NET_CONNECTING;
        purr__det_after(latency(), connected, (void *)(intptr_t)c->h.id);
    } else {
        c->flags |= PURR__NET_CONNECTED_DUE;
        purr__net_mark(c);
    }
    char peer[32];
    snprintf(peer, sizeof peer, "127.0.0.1:%lld", (long long)free_port());
    purr__net_send_accepted(l, s, purr_str_from_cstr(peer));
    return c->h.id;
}

/* Copies up to `room` bytes from the front of q to `to` and takes them
 * off q; returns how many. */
static int64_t take(purr__net_outq *q, uint8_t *to, int64_t room) {
    int64_t n = 0;
    while (n < room && q->len > 0) {
        const purr_bytes *b = q->buf[q->head];
        int64_t k = b->len - q->off;
        if (k > room - n) k = room - n;
        memcpy(to + n, b->data + q->off, (size_t)k);
        n += k;
        purr__net_outq_consume(q, k);
    }
    return n;
}

static void land(void *ctx);

/* Seeded: puts w's output on the network, unless a flight is on it
 * already. */
static void launch(purr__net_conn *w) {
    if ((w->flags & PURR__NET_FLIGHT) || w->out.len == 0) return;
    w->flags |= PURR__NET_FLIGHT;
    /* The id, not the record: the record may be freed before it lands. */
    purr__det_after(latency(), land, (void *)(intptr_t)w->h.id);
}

/* The one place that decides which of w's bytes reach r, and when: here,
 * everything w queued, in order, as long as r wants input (a closed r
 * loses them) and the port is not stalled; seeded, launch() and land()
 * decide instead. `self` is the connection whose work runs; the other one
 * is queued for its own (Writable, Closed, more frames). */
static void deliver(purr__net_conn *w, purr__net_conn *r, purr__net_conn *self) {
    if (!(r->flags & PURR__NET_CLOSED) && (purr__sim_stalled(w->port) || ((w->flags | r->flags) & PURR__NET_CONNECTING)))
        return;
    if (purr__sim_seeded() && !(r->flags & PURR__NET_CLOSED)) {
        if (purr__net_wants_input(r)) launch(w);
        return;
    }
    bool moved = false;
    while (w->out.len > 0) {
        if (r->flags & PURR__NET_CLOSED) {
            purr__net_outq_clear(&w->out);
        } else {
            if (!purr__net_wants_input(r)) break;
            int64_t room;
            uint8_t *at = purr__net_room(r, &room);
            r->in->len += take(&w->out, at, room);
            purr__net_cut(r);
        }
        moved = true;
    }
    if (moved) purr__net_mark(w == self ? r : w);
}

/* A flight lands (between steps, no handler running): a seeded share of
 * what the writer has queued reaches the reader, if it still wants input
 * and the port is not stalled; otherwise the bytes wait with the writer
 * until the reader's or a heal's work launches them again. Both ends'
 * work runs now. */
static void land(void *ctx) {
    purr__net_conn *w = purr__net_conn_of((int64_t)(intptr_t)ctx);
    if (w == NULL) return;
    w->flags &= ~PURR__NET_FLIGHT;
    purr__net_conn *r = w->peer;
    if (!(w->flags & PURR__NET_OPEN) || r == NULL) {
        if (w->flags & PURR__NET_OPEN) purr__net_progress(w); /* the peer is gone */
        return;
    }
    if (w->out.len == 0 || purr__sim_stalled(w->port) || (r->flags & PURR__NET_CLOSED) ||
        !purr__net_wants_input(r))
        return;
    int64_t room;
    uint8_t *at = purr__net_room(r, &room);
    int64_t most = room < w->out.bytes ? room : w->out.bytes;
    r->in->len += take(&w->out, at, purr__sim_between(1, most));
    purr__net_cut(r);
    purr__net_progress(r);
    purr__net_progress(w); /* Writable, the next flight, a drained close */
}

void purr__net_mem_kick(int64_t port) {
    for (purr__net_conn *c = mem.conns; c != NULL; c = c->next_mem)
        if (c->port == port) purr__net_mark(c);
}

static void mem_pump(purr__net_conn *c) {
    purr__net_conn *peer = c->peer;
    if (peer != NULL) {
        deliver(c, peer, c);
        deliver(peer, c, c);
    } else {
        purr__net_outq_clear(&c->out); /* the peer is gone */
        if (purr__net_wants_input(c)) {
            c->flags |= PURR__NET_EOF;
            purr__net_cut(c);
        }
    }
    if ((c->flags & PURR__NET_DRAINING) && c->out.len == 0) c->tp->close(c, false);
}

static void mem_close(purr__net_conn *c, bool reset) {
    purr__net_conn **p = &mem.conns;
    while (*p != c) p = &(*p)->next_mem;
    *p = c->next_mem;
    purr__net_conn *peer = c->peer;
    if (peer != NULL) {
        c->peer = peer->peer = NULL;
        if (reset)
            purr__net_fail(peer, purr_str_from_cstr("reset"));
        else
            purr__net_mark(peer);
    }
    purr__net_transport_closed(c);
}

static void mem_close_listener(purr__net_listener *l) {
    purr__net_listener **p = &mem.ports;
    while (*p != l) p = &(*p)->next;
    *p = l->next;
}

void purr__net_mem_reset(void) {
    mem.ports = NULL;
    mem.next_port = FIRST_PORT;
    mem.conns = NULL;
}

const purr__net_transport purr__net_mem = {
    .pump = mem_pump,
    .close = mem_close,
    .close_listener = mem_close_listener,
};
