#!/usr/bin/env bash
# Property-based API testing: schemathesis (from PyPI, in a venv under target/) generates requests
# from the running server's /openapi.json, with a real token, and fails on any 5xx or on any
# response that breaks the documented schema or status codes. Bounded: a few examples per
# operation, so it takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/schemathesis-venv
if [ ! -x "$venv/bin/schemathesis" ]; then
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check 'schemathesis>=4,<5'; } >/dev/null 2>&1; then
    echo "schemathesis: SKIPPED — could not install it from PyPI (offline?)"
    exit 0
  fi
fi

cargo build --locked --quiet --bin prapp
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

RUST_LOG=warn target/debug/prapp --data-dir "$tmp/data" serve --bind 127.0.0.1:0 2>"$tmp/server.log" &
server_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$tmp/server.log" 2>/dev/null && break
  sleep 0.1
done
base=$(sed -n 's/^prapp: listening on //p' "$tmp/server.log" | head -1)
[ -n "$base" ] || { echo "schemathesis: the server did not start"; cat "$tmp/server.log"; exit 1; }

token=$(curl -sf -X POST "$base/api/v1/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"schemathesis@example.org","password":"schemathesis-password","full_name":"Fuzz"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
# A session to find by id, so the {session_id} operations see more than 404s.
curl -sf -X POST "$base/api/v1/sessions" -H "authorization: Bearer $token" \
  -H 'content-type: application/json' -d '{"preparation_type":"interview"}' >/dev/null

# Logout would revoke the token halfway through the run: it has its own tests.
"$venv/bin/schemathesis" run "$base/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --exclude-path /api/v1/auth/logout \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-20}" \
  --seed 1 \
  --no-color
