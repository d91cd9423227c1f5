/* net_sock.c — std.net's transport over real sockets, under the event loop
 * (docs/io.md). Non-blocking TCP sockets watched with purr__io_watch
 * (scheduler.h); readiness callbacks read, accept and write, then hand the
 * connection to net.c.
 *
 * System calls: one read per readiness of a connection that wants input,
 * one sendmsg (a writev with MSG_NOSIGNAL) per connection per turn for
 * everything the turn queued, and epoll_ctl only when interest changes.
 * Interest in input is dropped lazily: a connection whose window fills
 * keeps EPOLLIN until a readiness finds it not wanting input, so a reader
 * that keeps up never touches epoll.
 *
 * Running out of descriptors (EMFILE, ENFILE, or kernel memory) on accept
 * would leave the listener ready forever: a busy loop. The listener stops
 * being watched instead (backed off), and is watched again when a
 * connection of this layer closes its descriptor, or at the end of a turn
 * at least RETRY_MS after the failure (descriptors closed elsewhere, such
 * as files). Meanwhile the peers wait in the kernel's backlog. */
#define _GNU_SOURCE /* accept4 */
#include "net.h"

#include "scheduler.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

enum {
    /* Connections accepted per readiness: a flood of connections cannot
     * hold the loop for long, and the rest wait for the next turn. */
    ACCEPT_BATCH = 64,
    /* Buffers per sendmsg: 4 KiB of iovecs on the stack; a longer queue
     * takes another call in the same flush. */
    IOV_BATCH = 256,
    RETRY_MS = 100,
};

/* Invariant: backed_off lists the listeners with backed_off set (unwatched
 * for input), linked through next; since is when the latest backed off. */
static struct {
    purr__net_listener *backed_off;
    int64_t since;
} sock;

/* ---------- addresses ---------- */

int purr__net_address(const purr_str *host, int64_t port, struct sockaddr_storage *ss, socklen_t *len) {
    if (port < 0 || port > 65535) return -EINVAL;
    const char *text = strcmp(host->data, "localhost") == 0 ? "127.0.0.1" : host->data;
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof *v4;
    } else if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
    } else {
        return PURR__NET_EBADHOST;
    }
    return 0;
}

/* "ip:port", "[ip6]:port" */
static purr_str *address_text(const struct sockaddr_storage *ss) {
    char ip[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 16];
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &v6->sin6_addr, ip, sizeof ip);
        snprintf(text, sizeof text, "[%s]:%u", ip, (unsigned)ntohs(v6->sin6_port));
    } else {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &v4->sin_addr, ip, sizeof ip);
        snprintf(text, sizeof text, "%s:%u", ip, (unsigned)ntohs(v4->sin_port));
    }
    return purr_str_from_cstr(text);
}

static void no_delay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int socket_error(int fd) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
    return err;
}

/* ---------- connections ---------- */

static void conn_ready(void *ctx, uint32_t events);

/* Registers what c waits for: input while it wants some (kept until a
 * readiness finds it unwanted, see the top), output while its send buffer
 * is full or it connects. ERR and HUP come whatever the mask, so an
 * attached connection stays registered while paused: a reset still ends
 * it. */
static void set_interest(purr__net_conn *c, uint32_t unwanted) {
    uint32_t mask = c->armed & ~unwanted & ~(uint32_t)EPOLLOUT;
    if (purr__net_wants_input(c)) mask |= EPOLLIN;
    if (c->flags & (PURR__NET_BLOCKED | PURR__NET_CONNECTING)) mask |= EPOLLOUT;
    if (c->flags & PURR__NET_WATCHED) {
        if (mask != c->armed && purr__io_modify(c->fd, mask) == 0) c->armed = mask;
    } else if ((mask != 0 || (c->flags & PURR__NET_READING)) && purr__io_watch(c->fd, mask, conn_ready, c) == 0) {
        c->flags |= PURR__NET_WATCHED;
        c->armed = mask;
    }
}

/* Sends the queue: one sendmsg for up to IOV_BATCH buffers; a short write
 * means the send buffer is full (BLOCKED until EPOLLOUT). */
static void flush(purr__net_conn *c) {
    purr__net_outq *q = &c->out;
    while (q->len > 0) {
        struct iovec iov[IOV_BATCH];
        uint32_t n = q->len < IOV_BATCH ? q->len : IOV_BATCH;
        size_t offered = 0;
        for (uint32_t i = 0; i < n; i++) {
            purr_bytes *b = q->buf[(q->head + i) & (q->cap - 1)];
            int64_t skip = i == 0 ? q->off : 0;
            iov[i].iov_base = b->data + skip;
            iov[i].iov_len = (size_t)(b->len - skip);
            offered += iov[i].iov_len;
        }
        struct msghdr msg = {.msg_iov = iov, .msg_iovlen = n};
        ssize_t w = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                c->flags |= PURR__NET_BLOCKED;
            else
                purr__net_fail(c, purr__net_errno_reason(errno));
            return;
        }
        purr__net_outq_consume(q, w);
        if ((size_t)w < offered) {
            c->flags |= PURR__NET_BLOCKED;
            return;
        }
    }
}

static void sock_pump(purr__net_conn *c) {
    if (!(c->flags & (PURR__NET_BLOCKED | PURR__NET_CONNECTING)) && c->out.len > 0) flush(c);
    if (!(c->flags & PURR__NET_OPEN)) return; /* the flush failed */
    if ((c->flags & PURR__NET_DRAINING) && c->out.len == 0) {
        c->tp->close(c, false);
        return;
    }
    set_interest(c, 0);
}

static void sock_close(purr__net_conn *c, bool reset) {
    if (c->flags & PURR__NET_WATCHED) purr__io_unwatch(c->fd);
    if (reset) {
        struct linger now = {.l_onoff = 1, .l_linger = 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &now, sizeof now);
    }
    close(c->fd);
    c->fd = -1;
    c->flags &= ~PURR__NET_WATCHED;
    c->armed = 0;
    purr__net_transport_closed(c);
}

/* One read into c's input (framing cuts it in purr__net_progress). */
static void receive(purr__net_conn *c) {
    int64_t room;
    uint8_t *at = purr__net_room(c, &room);
    ssize_t n = read(c->fd, at, (size_t)room);
    if (n > 0)
        c->in->len += n;
    else if (n == 0)
        c->flags |= PURR__NET_EOF;
    else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        purr__net_fail(c, purr__net_errno_reason(errno));
}

static void conn_ready(void *ctx, uint32_t events) {
    purr__net_conn *c = ctx;
    uint32_t unwanted = 0;
    if (c->flags & PURR__NET_CONNECTING) {
        int err = socket_error(c->fd);
        if (err != 0) {
            purr__net_fail(c, purr__net_errno_reason(err));
        } else if (events & (EPOLLOUT | EPOLLHUP)) {
            c->flags = (c->flags & ~PURR__NET_CONNECTING) | PURR__NET_CONNECTED_DUE;
        }
    } else if (events & EPOLLERR) {
        int err = socket_error(c->fd);
        purr__net_fail(c, purr__net_errno_reason(err != 0 ? err : ECONNRESET));
    } else {
        if (events & EPOLLOUT) {
            c->flags &= ~PURR__NET_BLOCKED;
            flush(c);
        }
        if ((c->flags & PURR__NET_OPEN) && (events & (EPOLLIN | EPOLLHUP))) {
            if (purr__net_wants_input(c))
                receive(c);
            else if (events & EPOLLHUP) /* both ways shut while not reading: it will not change */
                purr__net_fail(c, purr_str_from_cstr("peer closed"));
            else
                unwanted = EPOLLIN;
        }
    }
    if ((c->flags & PURR__NET_OPEN) && unwanted != 0) set_interest(c, unwanted);
    purr__net_progress(c);
}

int64_t purr__net_sock_connect(purr__actor *owner, const purr_str *host, int64_t port) {
    purr__net_conn *c = purr__net_conn_new(&purr__net_sock, owner);
    c->flags |= PURR__NET_TELLS;
    struct sockaddr_storage ss;
    socklen_t len;
    int err = purr__net_address(host, port, &ss, &len);
    if (err != 0) {
        purr__net_fail(c, purr_net_error_text(err));
        return c->h.id;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        purr__net_fail(c, purr__net_errno_reason(errno));
        return c->h.id;
    }
    c->fd = fd;
    purr__net_opened(c);
    no_delay(fd);
    if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
        c->flags |= PURR__NET_CONNECTED_DUE;
        purr__net_mark(c);
    } else if (errno == EINPROGRESS) {
        c->flags |= PURR__NET_CONNECTING;
        set_interest(c, 0);
    } else {
        purr__net_fail(c, purr__net_errno_reason(errno));
    }
    return c->h.id;
}

/* ---------- listeners ---------- */

static void back_off(purr__net_listener *l) {
    purr__io_modify(l->fd, 0);
    l->backed_off = true;
    l->next = sock.backed_off;
    sock.backed_off = l;
    sock.since = purr__clock_ms();
    purr__net_arm_hook();
}

bool purr__net_sock_backed_off(void) { return sock.backed_off != NULL; }

void purr__net_sock_retry_accept(bool fd_freed) {
    if (sock.backed_off == NULL || (!fd_freed && purr__clock_ms() - sock.since < RETRY_MS)) return;
    for (purr__net_listener *l = sock.backed_off; l != NULL; l = l->next) {
        l->backed_off = false;
        purr__io_modify(l->fd, EPOLLIN);
    }
    sock.backed_off = NULL;
}

static void listener_ready(void *ctx, uint32_t events) {
    (void)events;
    purr__net_listener *l = ctx;
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int fd = accept4(l->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                back_off(l);
            else if (errno != EAGAIN && errno != EWOULDBLOCK)
                continue; /* that connection failed (ECONNABORTED, a network error): the next */
            return;
        }
        no_delay(fd);
        purr__net_conn *c = purr__net_conn_new(&purr__net_sock, l->h.res.owner);
        c->fd = fd;
        purr__net_opened(c);
        purr__net_send_accepted(l, c, address_text(&ss));
    }
}

int64_t purr__net_sock_listen(purr__actor *owner, const purr_str *host, int64_t port) {
    struct sockaddr_storage ss;
    socklen_t len;
    int err = purr__net_address(host, port, &ss, &len);
    if (err != 0) return err;
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, SOMAXCONN) != 0 ||
        getsockname(fd, (struct sockaddr *)&bound, &blen) != 0) {
        err = -errno;
        close(fd);
        return err;
    }
    purr__net_listener *l = purr__net_listener_new(&purr__net_sock, owner);
    l->fd = fd;
    l->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                : ((struct sockaddr_in *)&bound)->sin_port);
    err = purr__io_watch(fd, EPOLLIN, listener_ready, l);
    if (err != 0) {
        close(fd);
        purr__net_listener_free(l);
        return err;
    }
    purr__io_ref();
    return l->h.id;
}

static void sock_close_listener(purr__net_listener *l) {
    if (l->backed_off) {
        purr__net_listener **p = &sock.backed_off;
        while (*p != l) p = &(*p)->next;
        *p = l->next;
    }
    purr__io_unwatch(l->fd);
    close(l->fd);
}

const purr__net_transport purr__net_sock = {
    .pump = sock_pump,
    .close = sock_close,
    .close_listener = sock_close_listener,
};
