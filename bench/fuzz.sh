#!/usr/bin/env bash
# The 10-minute fuzzing campaign: every fuzz target (or the ones named) for
# FUZZ_SECONDS (default 600) seconds each, one after the other, without a
# sanitizer, after replaying the kept inputs; prints a table of executions,
# exec/s, coverage, corpus size and crashes per target, and the machine.
# See fuzz/ci.sh (which CI runs with 30 s per target). Exits non-zero if a
# target crashes; its input is left in fuzz/artifacts/TARGET/.
#
#   bench/fuzz.sh [TARGET...]
#   FUZZ_REPORT=fuzz.md bench/fuzz.sh      # also write the table to fuzz.md
set -euo pipefail
export FUZZ_SECONDS=${FUZZ_SECONDS:-600}
exec "$(dirname "${BASH_SOURCE[0]}")/../fuzz/ci.sh" "$@"
