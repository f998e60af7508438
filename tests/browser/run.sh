#!/usr/bin/env bash
# Browser acceptance test of the rasd web UI: ingests the five seed pages (and
# fixtures/markup-as-text.txt) into a temporary database, starts `rasd serve` on a free
# loopback port and drives headless Chromium over it with tests/browser/test.mjs.
#
#   tests/browser/run.sh
#
# Needs: ../shared/seeds beside the repository (skipped without it), Node.js 20+, Chromium
# (/usr/bin/chromium, or $CHROMIUM) and target/release/rasd (built if missing; or $RASD_BIN).
# Screenshots go to test-output/browser/. Exits with the test's status.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SEEDS="$REPO/../shared/seeds"

if [ ! -d "$SEEDS" ]; then
    echo "skipped: the seed pages are not available ($SEEDS is absent); the browser test needs ../shared/seeds beside the repository"
    exit 0
fi

export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
    echo "error: no Chromium at $CHROMIUM (Debian: apt-get install chromium; or set CHROMIUM=/path/to/chromium)" >&2
    exit 1
fi
command -v node >/dev/null || { echo "error: node (Node.js 20+) is needed" >&2; exit 1; }

BIN="${RASD_BIN:-$REPO/target/release/rasd}"
if [ ! -x "$BIN" ]; then
    echo "building $BIN (cargo build --release -p rasd)"
    (cd "$REPO" && cargo build --release -p rasd)
fi
if ! "$BIN" serve --help >/dev/null 2>&1; then
    echo "error: $BIN has no 'serve' command: rebuild it with cargo build --release -p rasd" >&2
    exit 1
fi

if [ ! -d "$HERE/node_modules/playwright-core" ]; then
    (cd "$HERE" && npm ci --no-audit --no-fund)
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/rasd-browser.XXXXXX")"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DB="$WORK/rasd.db"
echo "ingesting $SEEDS and $HERE/fixtures into $DB"
"$BIN" --db "$DB" ingest "$SEEDS" >"$WORK/ingest.log" 2>&1 || { cat "$WORK/ingest.log" >&2; exit 1; }
"$BIN" --db "$DB" ingest "$HERE/fixtures" >>"$WORK/ingest.log" 2>&1 || { cat "$WORK/ingest.log" >&2; exit 1; }

# A free loopback port: the kernel picks one, node reports it.
PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
BASE="http://127.0.0.1:$PORT"

"$BIN" --db "$DB" serve --addr "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!

# Wait (up to 60 s) until the API answers.
ready=""
for _ in $(seq 1 120); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "error: rasd serve exited early:" >&2
        cat "$WORK/serve.log" >&2
        exit 1
    fi
    if node -e "fetch('$BASE/api/v1/stats').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.5
done
if [ -z "$ready" ]; then
    echo "error: rasd serve did not answer $BASE/api/v1/stats within 60 s" >&2
    cat "$WORK/serve.log" >&2
    exit 1
fi
echo "rasd serve is up at $BASE"

status=0
(cd "$REPO" && node "$HERE/test.mjs" "$BASE") || status=$?
if [ "$status" -ne 0 ]; then
    echo "--- rasd serve log (last 40 lines) ---"
    tail -n 40 "$WORK/serve.log" || true
fi
exit "$status"
