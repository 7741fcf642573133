#!/usr/bin/env bash
# `prapp sync` on 10,000 sessions, release build, against a real `prapp serve` on 127.0.0.1:
#   1. the first sync of device A (10,000 seeded sessions, each completed and evaluated: every one
#      pushed, then pulled back once as already known);
#   2. a no-op sync right after it;
#   3. the first sync of a fresh device B (10,000 sessions pulled and written);
#   4. a no-op sync on B.
# Prints each one's wall time, the client's peak RSS (/usr/bin/time -v) and peak heap (RssAnon),
# and its JSON report.
#
#   benches/sync_10k.sh [sessions, default 10000]
#
# The client and the server share the machine: on a 2-core box both fight for the same cores.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time"; exit 1; }

cargo build --release --locked --quiet --bin prapp
bin=$PWD/target/release/prapp
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

export PRAPP_SECRETS=file PRAPP_LOG_DIR="$tmp/logs"
RUST_LOG=warn PRAPP_HOME="$tmp/server" "$bin" serve --bind 127.0.0.1:0 2>"$tmp/server.log" &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/server.log" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^prapp: listening on //p' "$tmp/server.log" | head -1)

device() { # device NAME ARGS… — prapp on that device's data and config dirs
  local name=$1; shift
  PRAPP_HOME="$tmp/$name" PRAPP_CONFIG_DIR="$tmp/$name-config" "$bin" "$@"
}

timed_sync() { # timed_sync DEVICE LABEL
  local name=$1 label=$2 pid heap=0 now
  PRAPP_HOME="$tmp/$name" PRAPP_CONFIG_DIR="$tmp/$name-config" \
    /usr/bin/time -v -o "$tmp/time" "$bin" sync --json >"$tmp/report" &
  pid=$!
  # Peak RSS counts the database pages the store maps (mmap_size): the heap alone is RssAnon,
  # sampled every 20 ms from the client's /proc entry.
  while kill -0 "$pid" 2>/dev/null; do
    for child in $(cat "/proc/$pid/task/$pid/children" 2>/dev/null); do
      now=$(awk '/RssAnon/{print $2}' "/proc/$child/status" 2>/dev/null || echo 0)
      [ "${now:-0}" -gt "$heap" ] && heap=$now
    done
    sleep 0.02
  done
  wait "$pid"
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
  printf '%-30s %8s  peak RSS %6d KiB (heap %6d KiB)  %s\n' "$label" "$wall" "$rss" "$heap" \
    "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("pushed %(pushed)d pulled %(pulled)d unchanged %(unchanged)d errors %(e)d requests %(requests)d" % dict(r, e=len(r["errors"])))' "$tmp/report")"
}

echo "seeding $n evaluated sessions on device A…"
device a dev seed --sessions "$n" --evaluated >/dev/null
echo "correct horse battery" | device a remote signup --server "$base" --email bench@example.org --password-stdin >/dev/null 2>&1
echo "correct horse battery" | device b remote login --server "$base" --email bench@example.org --password-stdin >/dev/null 2>&1

timed_sync a "A: first sync ($n pushed)"
timed_sync a "A: second sync (no-op)"
timed_sync b "B: first sync ($n pulled)"
timed_sync b "B: second sync (no-op)"
