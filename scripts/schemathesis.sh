#!/usr/bin/env bash
# Property-based API testing: runs schemathesis (4.x) with all checks against the real
# sharehub-server binary, seeded with demo data, on a free port of 127.0.0.1, signed in as
# the demo resident. Bounded examples: finishes in a few minutes on 2 cores.
#   scripts/schemathesis.sh            # uses ${CARGO_TARGET_DIR:-target}
# The virtual environment lives in target/venv (created once; SHAREHUB_VENV overrides).
# The "examples" phase is left out: with CPython 3.11 its example filling intermittently
# crashes inside Python ("AST constructor recursion depth mismatch"), not in the API.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${SHAREHUB_VENV:-$ROOT/target/venv}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
MAX_EXAMPLES="${SHAREHUB_SCHEMATHESIS_EXAMPLES:-100}"

PY="$(SHAREHUB_VENV="$VENV" "$ROOT/scripts/test-venv.sh")"

(cd "$ROOT" && cargo build -q -p sharehub-server --bin sharehub-server)
SERVER="$TARGET/debug/sharehub-server"

TMP="$(mktemp -d /tmp/sharehub-schemathesis.XXXXXX)"
PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
SHAREHUB_LOG=warn "$SERVER" --listen "127.0.0.1:$PORT" --data "$TMP/hub.db" --seed demo >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
cleanup() {
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        wait "$SERVER_PID" || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# Wait (bounded) until the server answers /readyz; stop early if it died.
"$PY" - "$BASE" "$SERVER_PID" "$TMP/server.log" <<'PY'
import os, sys, time, urllib.request
base, pid, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("the server exited:\n" + open(log).read())
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit("the server did not become ready in 120 s:\n" + open(log).read())
PY

login() {
    "$PY" - "$BASE" "$1" <<'PY'
import json, sys, urllib.request
base, login = sys.argv[1], sys.argv[2]
body = json.dumps({"login": login, "password": "sharehub-demo-2026"}).encode()
request = urllib.request.Request(base + "/v1/sessions", data=body, headers={"Content-Type": "application/json"})
with urllib.request.urlopen(request) as r:
    print(json.load(r)["token"])
PY
}

# ensure_resource_availability is left out: another person's account answers 404, never 403,
# so account ids cannot be confirmed by probing (tests/api/accounts.rs), and the stateful
# phase registers an account and then reads it with the demo resident's token. "Created,
# then not found" is that privacy rule working. (`--checks all` overrides the config file,
# so it is excluded here.) The API tests check that what a person creates is theirs to read.
run_schemathesis() {
    "$VENV/bin/schemathesis" --config-file "$ROOT/crates/server/schemathesis.toml" run "$BASE/v1/openapi.json" \
        --checks all \
        --exclude-checks ensure_resource_availability \
        --phases coverage,fuzzing,stateful \
        --max-examples "$MAX_EXAMPLES" \
        --workers 2 \
        --seed 20261126 \
        --generation-deterministic \
        --request-timeout 10 \
        --no-color \
        --suppress-health-check too_slow,filter_too_much \
        "$@"
}

status=0
# Everything but ending sessions, signed in as the demo resident (stateful testing would
# otherwise revoke the very session it tests with, and see only 401 afterwards)...
run_schemathesis -H "Authorization: Bearer $(login resident@demo.sharehub.kr)" \
    --exclude-path-regex '^/v1/sessions/' || status=$?
# ...then ending sessions, signed in as another demo account.
run_schemathesis -H "Authorization: Bearer $(login organizer@demo.sharehub.kr)" \
    --include-path-regex '^/v1/sessions/' || status=$?
exit "$status"
