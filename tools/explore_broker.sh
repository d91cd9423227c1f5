#!/bin/sh
# The broker's simulated suite (examples/broker/sim_test.pu, the tests
# named "sim: ...") under 1,000 seeds, with the time it took
# (docs/testing.md §9). CI runs 100 of them (tests/broker.rs).
#
#     tools/explore_broker.sh [SEEDS]      default 1000
set -e
cd "$(dirname "$0")/.."
exec python3 tools/explore.py --seeds "${1:-1000}" --filter 'sim:' examples/broker
