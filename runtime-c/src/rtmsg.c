/* rtmsg.c — the registry of the constructors of runtime-built messages
 * (rtmsg.h). Written at start-up by the generated main, read afterwards. */
#include "rtmsg.h"

/* Indexed by purr__rtmsg: the qualified names under which std declares
 * the messages (std.prelude is the prelude every program loads). */
static const char *const names[PURR__MSG_COUNT] = {
    [PURR__MSG_ACTOR_EXITED] = "std.prelude.ActorExited",
    [PURR__MSG_NET_ACCEPTED] = "std.net.Accepted",
    [PURR__MSG_NET_DATA] = "std.net.Data",
    [PURR__MSG_NET_CLOSED] = "std.net.Closed",
    [PURR__MSG_NET_CONNECTED] = "std.net.Connected",
    [PURR__MSG_NET_WRITABLE] = "std.net.Writable",
    [PURR__MSG_FILE_SYNCED] = "std.file.Synced",
    [PURR__MSG_OS_SIGNAL] = "std.os.Signal",
};

purr_msg_ctor purr__msg_ctors[PURR__MSG_COUNT];

void purr_register_message_ctor(const char *name, purr_msg_ctor ctor) {
    for (int m = 0; m < PURR__MSG_COUNT; m++) {
        if (strcmp(names[m], name) == 0) {
            purr__msg_ctors[m] = ctor;
            return;
        }
    }
    /* std declares a runtime message this runtime does not build: purrc and
     * its runtime do not match. */
    purr__fatal("no runtime message %s", name);
}

purr_msg_ctor purr__msg_ctor_of(purr__rtmsg m) {
    if (purr__msg_ctors[m] == NULL) purr__fatal("the program registered no constructor for %s", names[m]);
    return purr__msg_ctors[m];
}
