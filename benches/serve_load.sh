#!/usr/bin/env bash
# Load benchmark of `prapp serve` with the built-in coach, on 127.0.0.1, with wrk
# (`apt-get install wrk`): GET /api/v1/sessions (a page of 20 from 200 sessions) and
# POST /api/v1/sessions/{id}/messages (spread over the 200 sessions). Prints requests/s, the
# latency percentiles and the server's peak RSS (VmHWM).
#
#   benches/serve_load.sh [duration, default 10s] [connections, default 32]
#
# The client and the server share the machine: on a 2-core box both fight for the same cores.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
conns=${2:-32}
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk"; exit 1; }

cargo build --release --locked --quiet --bin prapp
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

RUST_LOG=warn target/release/prapp --data-dir "$tmp/data" serve --bind 127.0.0.1:0 2>"$tmp/server.log" &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/server.log" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^prapp: listening on //p' "$tmp/server.log" | head -1)

token=$(curl -sf -X POST "$base/api/v1/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"load@example.org","password":"load-test-password"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
auth="Authorization: Bearer $token"

echo "seeding 200 sessions…"
: >"$tmp/ids"
for _ in $(seq 200); do
  curl -sf -X POST "$base/api/v1/sessions" -H "$auth" -H 'content-type: application/json' \
    -d '{"preparation_type":"interview"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["session_id"])' >>"$tmp/ids"
done

ids_lua=$(sed 's/.*/"&",/' "$tmp/ids" | tr -d '\n')
cat >"$tmp/post.lua" <<LUA
local ids = { ${ids_lua} }
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${token}"
wrk.body = '{"content":"In my last role I led the migration of our payments service. First I mapped the dependencies, then we moved one service a week, and we cut deploy time by 60 percent."}'
request = function()
  n = n + 1
  return wrk.format(nil, "/api/v1/sessions/" .. ids[(n % #ids) + 1] .. "/messages")
end
done = function(summary, latency, requests)
  io.write(string.format("non-2xx/3xx: %d\n", summary.errors.status))
end
LUA
cat >"$tmp/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer ${token}"
done = function(summary, latency, requests)
  io.write(string.format("non-2xx/3xx: %d\n", summary.errors.status))
end
LUA

echo
echo "== GET /api/v1/sessions (page of 20 of 200), ${conns} connections, ${duration}"
wrk -t2 -c"$conns" -d"$duration" --latency -s "$tmp/get.lua" "$base/api/v1/sessions"
echo
echo "== POST /api/v1/sessions/{id}/messages (built-in coach), ${conns} connections, ${duration}"
wrk -t2 -c"$conns" -d"$duration" --latency -s "$tmp/post.lua" "$base/api/v1/sessions"
echo
messages=$(curl -sf "$base/api/v1/sessions/$(head -1 "$tmp/ids")" -H "$auth" |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)["transcript"]))')
echo "one session's transcript after the run: ${messages} messages"
echo "server peak RSS: $(grep VmHWM /proc/$server_pid/status | awk '{print $2, $3}')"
