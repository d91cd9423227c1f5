#!/bin/sh
# A full disk under the broker's log, for real (root only: it mounts a
# 1 MiB tmpfs). The log (tools/bench/log_replay/main.pu over
# examples/broker/log.pu) appends batches of 100 entries until an append
# fails; then recovery must find exactly the entries whose appends
# succeeded, with no torn record (a write cut short by ENOSPC is truncated
# back by log.append); and once space is freed, appends go on after them.
#
#     sudo sh tools/enospc_log.sh        prints "ENOSPC: ok" or what went wrong
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PURRC=${PURRC:-$ROOT/target/release/purrc}
B=$ROOT/examples/broker
WORK=$(mktemp -d "${TMPDIR:-/tmp}/purr_enospc.XXXXXX")
MNT=$WORK/disk
mkdir -p "$MNT"
cleanup() { umount "$MNT" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

"$PURRC" -O2 "$ROOT/tools/bench/log_replay/main.pu" "$B/resp.pu" "$B/stream.pu" "$B/record.pu" "$B/log.pu" -o "$WORK/log_replay"
mount -t tmpfs -o size=1m tmpfs "$MNT"
# Leave room for a few batches only, so that one ends up cut short.
dd if=/dev/zero of="$MNT/filler" bs=1k count=900 2>/dev/null

filled=$("$WORK/log_replay" fill "$MNT/log")
echo "$filled"
n=$(echo "$filled" | sed -n 's/^filled entries=\([0-9]*\) error=.*: No space left on device$/\1/p')
[ -n "$n" ] || { echo "ENOSPC: FAILED: the append did not fail with ENOSPC"; exit 1; }

replayed=$("$WORK/log_replay" replay "$MNT/log" 2>"$WORK/notes")
echo "$replayed"
if [ -s "$WORK/notes" ]; then echo "ENOSPC: FAILED: recovery had to repair the log:"; cat "$WORK/notes"; exit 1; fi
echo "$replayed" | grep -q "^replay entries=$n " || { echo "ENOSPC: FAILED: recovery did not find the $n entries appended"; exit 1; }

# Space is back: 1000 more entries follow the last whole record.
rm "$MNT/filler"
"$WORK/log_replay" write "$MNT/log" 1000
again=$("$WORK/log_replay" replay "$MNT/log")
echo "$again"
echo "$again" | grep -q "^replay entries=$((n + 1000)) " || { echo "ENOSPC: FAILED: appends did not resume"; exit 1; }
echo "ENOSPC: ok"
