# Sourced by the SaudiNewsNet benchmarks: sets `root` (the repository) and
# `corpus`, and exits with a clear skip message when ../shared is absent.
root="$(cd "$(dirname "${BASH_SOURCE[1]}")/.." && pwd)"
corpus="$root/../shared/corpora/saudinewsnet"
if [ ! -d "$corpus" ]; then
  echo "skip: $corpus not found (the benchmark needs ../shared beside the repo)"
  exit 0
fi

# Prints the machine: cores, architecture, CPU model and AVX-512 (figures of
# different machines are not comparable).
machine_info() {
  echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  grep -q avx512f /proc/cpuinfo && echo "AVX-512: yes" || echo "AVX-512: no"
}

# Puts the `rasd` binary of this build at $tmp/rasd-new and that of revision
# $1 at $tmp/rasd-old ($OLD_BIN instead of building it, when set), building
# the old one in a worktree under $tmp (the caller's EXIT trap removes it).
build_new_and_old() {
  cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p rasd
  cp "${CARGO_TARGET_DIR:-$root/target}/release/rasd" "$tmp/rasd-new"
  if [ -n "${OLD_BIN:-}" ]; then
    cp "$OLD_BIN" "$tmp/rasd-old"
  else
    git -C "$root" worktree add --force --detach "$tmp/old" "$1" >/dev/null 2>&1
    (cd "$tmp/old" && CARGO_TARGET_DIR="$tmp/old-target" cargo build --release --quiet -p rasd)
    cp "$tmp/old-target/release/rasd" "$tmp/rasd-old"
  fi
}

# Sets PG_URL to a PostgreSQL database: the caller's own when PG_URL is set
# (a user that may create databases), else a throw-away cluster started in
# $tmp/pg on port $1 (tests/pg/cluster.sh); `pg_stop` (for the caller's EXIT
# trap) stops a cluster started here.
pg_server() {
  if [ -z "${PG_URL:-}" ]; then
    pg_started=1
    PG_URL="$(bash "$root/tests/pg/cluster.sh" start "$tmp/pg" "$1")"
  fi
}
pg_stop() {
  if [ -n "${pg_started:-}" ]; then
    bash "$root/tests/pg/cluster.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
  fi
}
