#!/bin/sh
# Builds the runtime and every tests/test_*.c, runs each test binary, prints
# one line per binary and a final "N passed, M failed".
#
#   tests/run.sh              gcc with AddressSanitizer + UBSan (required: a
#                             compiler that cannot build with them fails the run)
#   VALGRIND=1 tests/run.sh   no sanitizers; each binary under valgrind, leaks fatal
#   CC=clang tests/run.sh     another compiler
set -u
cd "$(dirname "$0")/.." || exit 2

CC=${CC:-gcc}
CFLAGS="-std=c11 -O1 -g -Wall -Wextra -Werror -Iinclude -Isrc"
OUT=$(mktemp -d "${TMPDIR:-/tmp}/purr-rt-tests.XXXXXX") || exit 2
trap 'rm -rf "$OUT"' EXIT

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
RUNNER=""
if [ "${VALGRIND:-0}" = 1 ]; then
    SAN=""
    RUNNER="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --child-silent-after-fork=yes"
elif ! printf 'int main(void) { return 0; }\n' >"$OUT/probe.c" ||
     ! $CC $SAN "$OUT/probe.c" -o "$OUT/probe" >"$OUT/probe.log" 2>&1 || ! "$OUT/probe" >>"$OUT/probe.log" 2>&1; then
    # Silently testing without them would pass runs that the sanitizers fail.
    echo "sanitizers FAILED: $CC cannot build and run a program with $SAN"
    sed 's/^/    /' "$OUT/probe.log"
    echo "(gcc's libasan and libubsan come with Debian's gcc package; .ci/run installs it)"
    echo "0 passed, 1 failed"
    exit 1
fi

passed=0
failed=0
objs=""
for src in src/*.c; do
    obj="$OUT/$(basename "$src" .c).o"
    if ! $CC $CFLAGS $SAN -c "$src" -o "$obj" 2>"$OUT/build.log"; then
        echo "runtime build FAILED: $src"
        cat "$OUT/build.log"
        echo "0 passed, 1 failed"
        exit 1
    fi
    objs="$objs $obj"
done

for test in tests/test_*.c; do
    name=$(basename "$test" .c)
    if ! $CC $CFLAGS $SAN "$test" $objs -o "$OUT/$name" 2>"$OUT/$name.build"; then
        echo "$name ... FAILED to build"
        sed 's/^/    /' "$OUT/$name.build"
        failed=$((failed + 1))
    elif $RUNNER "$OUT/$name" >"$OUT/$name.log" 2>&1; then
        echo "$name ... ok"
        passed=$((passed + 1))
    else
        echo "$name ... FAILED"
        sed 's/^/    /' "$OUT/$name.log"
        failed=$((failed + 1))
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
