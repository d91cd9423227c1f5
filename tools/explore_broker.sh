#!/bin/sh
# The broker's simulated suite (examples/broker/sim_test.pu, the tests
# named "sim: ...") under 1,000 seeds, with the time it took
# (docs/testing.md §8). CI runs 100 of them (tests/broker.rs). Built at
# -O0: the build of the whole broker at -O2 would take longer than the
# 1,000 seeds.
#
#     tools/explore_broker.sh [SEEDS]      default 1000
set -e
cd "$(dirname "$0")/.."
exec python3 tools/explore.py --seeds "${1:-1000}" --filter 'sim:' --opt 0 examples/broker
