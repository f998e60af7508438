#!/usr/bin/env bash
# Rebuilds the README's screenshots (docs/screenshots/) from examples/demo:
# ingest into a temporary store, serve it, photograph four pages.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BIN="${RASD_BIN:-$REPO/target/release/rasd}"
[ -x "$BIN" ] || (cd "$REPO" && cargo build --release -p rasd)
[ -d "$HERE/node_modules/playwright-core" ] || (cd "$HERE" && npm ci --no-audit --no-fund)
WORK="$(mktemp -d)"
trap 'kill "${PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
"$BIN" --db "$WORK/demo.db" ingest "$REPO/examples/demo" > /dev/null
PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
"$BIN" --db "$WORK/demo.db" serve --addr "127.0.0.1:$PORT" 2> "$WORK/serve.log" &
PID=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/api/v1/stats" > /dev/null && break; sleep 0.5; done
mkdir -p "$REPO/docs/screenshots"
node "$HERE/screenshots.mjs" "http://127.0.0.1:$PORT" "$REPO/docs/screenshots"
