#!/usr/bin/env bash
# Builds the fuzz targets, replays the kept inputs, then fuzzes each target.
#
#   fuzz/ci.sh [TARGET...]        (default: every target of fuzz/Cargo.toml)
#
# 1. installs cargo-fuzz if it is missing (`cargo install cargo-fuzz --locked`);
# 2. builds every target without a sanitizer (`-s none`, quicker to build and
#    run; set FUZZ_SANITIZER=address for ASan on a nightly toolchain);
# 3. replays every file under fuzz/regressions/TARGET/ (minimized crash
#    reproducers) and fuzz/corpus/TARGET/ (hand-written seeds) once
#    (libFuzzer's -runs=0);
# 4. fuzzes each target for FUZZ_SECONDS (default 30) seconds, one after the
#    other, on a copy of its seeds in a temporary directory (the seeds in the
#    repository do not grow);
# 5. prints a table: executions, exec/s, coverage (cov, ft), corpus size and
#    crashes per target, with the machine it ran on.
#
# Exits non-zero if a replay fails or any target crashes (a panic, a failed
# assertion, a timeout of FUZZ_TIMEOUT seconds on one input, or going over
# libFuzzer's 2 GiB RSS limit); the crashing input is left in
# fuzz/artifacts/TARGET/ (minimize it with `cargo fuzz tmin -s none TARGET
# FILE` and keep it under fuzz/regressions/TARGET/). Set FUZZ_REPORT=FILE to
# also write the table to FILE. Runs from any directory.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
secs=${FUZZ_SECONDS:-30}
san=${FUZZ_SANITIZER:-none}
timeout_s=${FUZZ_TIMEOUT:-30}
# cargo fuzz passes nightly-only flags; let a stable toolchain accept them.
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked || exit 2
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

start=$(date +%s)
echo "== building the fuzz targets (-s $san)"
if ! cargo fuzz build -s "$san"; then
    echo "fuzz: build failed" >&2
    exit 2
fi
echo "== built in $(($(date +%s) - start)) s"

work=$(mktemp -d "${TMPDIR:-/tmp}/rasd-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=()
rows=()

# One field of libFuzzer's final stats or progress lines.
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

for t in "${targets[@]}"; do
    dirs=()
    for d in "fuzz/regressions/$t" "fuzz/corpus/$t"; do
        [ -d "$d" ] && dirs+=("$d")
    done
    if [ ${#dirs[@]} -gt 0 ]; then
        echo "== $t: replaying ${dirs[*]}"
        if ! cargo fuzz run -s "$san" "$t" "${dirs[@]}" -- -runs=0 -timeout="$timeout_s" \
            >"$work/$t.replay.log" 2>&1; then
            tail -n 40 "$work/$t.replay.log"
            echo "fuzz: $t: replay of kept inputs FAILED" >&2
            failed+=("$t (replay)")
        fi
    fi
    [ "$secs" -gt 0 ] || continue
    echo "== $t: fuzzing for $secs s"
    mkdir -p "$work/corpus/$t" "fuzz/artifacts/$t"
    [ -d "fuzz/corpus/$t" ] && cp -r "fuzz/corpus/$t/." "$work/corpus/$t/"
    log="$work/$t.log"
    crashed=0
    cargo fuzz run -s "$san" "$t" "$work/corpus/$t" -- \
        -max_total_time="$secs" -timeout="$timeout_s" -print_final_stats=1 \
        >"$log" 2>&1 || crashed=1
    execs=$(stat number_of_executed_units "$log")
    rate=$(stat average_exec_per_sec "$log")
    # The last progress line: `#N DONE cov: C ft: F corp: U/S ...`.
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
    seeds=$(find "fuzz/corpus/$t" -type f 2>/dev/null | wc -l)
    echo "$t: ${execs:-?} executions, ${rate:-?} exec/s; final: ${last:-none}"
    if [ "$crashed" = 1 ]; then
        grep -E -m 3 "panicked at|ERROR: libFuzzer|SUMMARY|Test unit written" "$log"
        tail -n 30 "$log"
        echo "fuzz: $t CRASHED (input in fuzz/artifacts/$t/)" >&2
        failed+=("$t")
    fi
    rows+=("| $t | $secs | ${execs:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | $seeds → ${corp:-?} | $crashed |")
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
avx512=no
grep -qw avx512f /proc/cpuinfo 2>/dev/null && avx512=yes
{
    echo
    echo "| target | seconds | executions | exec/s | cov | ft | corpus: seeds → units/bytes | crashes |"
    echo "|---|---:|---:|---:|---:|---:|---|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Machine: $(nproc) CPUs, ${cpu:-unknown CPU}, AVX-512: $avx512; $(rustc --version); cargo-fuzz $(cargo fuzz --version 2>/dev/null | awk '{print $2}'), -s $san."
} | tee "${FUZZ_REPORT:-/dev/null}"
echo "fuzz: total $(($(date +%s) - start)) s"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: ok"
