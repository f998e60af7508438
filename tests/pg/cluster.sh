#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for rasd's tests: `cluster.sh start DIR
# [PORT]` runs initdb into DIR (a new or empty folder), starts the server on
# 127.0.0.1:PORT (default 54329; its socket in DIR too), creates the database
# `rasd` and prints its URL; `cluster.sh stop DIR` stops it. Run as root, the
# server runs as the `postgres` user (PostgreSQL refuses to run as root).
# Needs Debian's `postgresql` package (.ci/run installs it).
set -euo pipefail
cmd="${1:?usage: cluster.sh start|stop DIR [PORT]}"
dir="${2:?usage: cluster.sh start|stop DIR [PORT]}"
port="${3:-54329}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL server not installed (no /usr/lib/postgresql/*/bin/initdb)" >&2; exit 1; }
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U rasd --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U rasd rasd
    echo "postgres://rasd@127.0.0.1:$port/rasd"
    ;;
  stop)
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  *) echo "usage: cluster.sh start|stop DIR [PORT]" >&2; exit 2 ;;
esac
