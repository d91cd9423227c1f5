/* rtmsg.h — messages the runtime builds (rtmsg.c): the I/O layers' events
 * and ActorExited.
 *
 * Such a message is declared in the standard library as an `extern message`
 * (docs/compiler.md); the generated program defines its node type and a
 * constructor taking the fields in declaration order (owned), and registers
 * the constructor by the message's qualified name at start-up. The runtime
 * calls it through the signature below, so adding a runtime message is a
 * declaration in std, a line in the table in rtmsg.c and a typedef here. A
 * program that never uses a namespace registers none of its messages; the
 * layer that would build them is then never called. */
#ifndef PURR_RTMSG_H
#define PURR_RTMSG_H

#include "internal.h"

typedef enum purr__rtmsg {
    PURR__MSG_ACTOR_EXITED,
    PURR__MSG_NET_ACCEPTED,
    PURR__MSG_NET_DATA,
    PURR__MSG_NET_CLOSED,
    PURR__MSG_NET_CONNECTED,
    PURR__MSG_NET_WRITABLE,
    PURR__MSG_FILE_SYNCED,
    PURR__MSG_OS_SIGNAL,
    PURR__MSG_COUNT
} purr__rtmsg;

/* The constructors, by message (handles are int64_t ids). */
typedef purr_msg *(*purr__new_actor_exited)(int64_t id, purr_str *reason);
typedef purr_msg *(*purr__new_net_accepted)(int64_t listener, int64_t conn, purr_str *peer);
typedef purr_msg *(*purr__new_net_data)(int64_t conn, purr_bytes *data);
typedef purr_msg *(*purr__new_net_closed)(int64_t conn, purr_str *reason);
typedef purr_msg *(*purr__new_net_conn)(int64_t conn); /* Connected, Writable */
typedef purr_msg *(*purr__new_file_synced)(int64_t file, int64_t upto, purr_str *error);
typedef purr_msg *(*purr__new_os_signal)(purr_str *name);

/* The registered constructor of `m`, NULL when the program registered none
 * (it does not use the message). */
extern purr_msg_ctor purr__msg_ctors[PURR__MSG_COUNT];

/* The constructor of `m` as its own type; a missing one is a compiler bug. */
#define PURR__MSG_CTOR(m, type) ((type)purr__msg_ctor_of(m))
purr_msg_ctor purr__msg_ctor_of(purr__rtmsg m);

#endif /* PURR_RTMSG_H */
