#!/usr/bin/env bash
# Starts the Share Hub app (built by `make run`). Without a display (a server, CI), the
# app runs on a virtual Xvfb display and this script says how to look at it.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
app="$target_dir/debug/sharehub-app"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  if ! command -v Xvfb >/dev/null; then
    echo "No display found. Run this from a desktop session, or install xvfb to use a virtual one." >&2
    exit 1
  fi
  display_file=$(mktemp)
  Xvfb -displayfd 1 -screen 0 1280x900x24 -nolisten tcp >"$display_file" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$display_file" ] && break; sleep 0.1; done
  [ -s "$display_file" ] || { echo "Xvfb did not start" >&2; exit 1; }
  export DISPLAY=":$(head -n1 "$display_file")"
  rm -f "$display_file"
  echo "No display found: the app runs on the virtual display $DISPLAY."
  echo "Screenshot: import -display $DISPLAY -window root shot.png"
fi

# The Share Hub server with the Seoul demo data, on loopback. Its database lives in
# target/run/ and survives restarts (seeding is idempotent).
server="$target_dir/debug/sharehub-server"
listen=${SHAREHUB_LISTEN:-127.0.0.1:8787}
mkdir -p "$target_dir/run"
echo "==> starting the Share Hub server on http://$listen (demo data; log: target/run/server.log)"
"$server" --listen "$listen" --data "$target_dir/run/hub.db" --seed demo >"$target_dir/run/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
  curl -fsS "http://$listen/readyz" >/dev/null 2>&1 && break
  kill -0 "${pids[-1]}" 2>/dev/null || { echo "the server stopped:" >&2; cat "$target_dir/run/server.log" >&2; exit 1; }
  sleep 0.1
done
curl -fsS "http://$listen/readyz" >/dev/null || { echo "the server did not become ready" >&2; exit 1; }
export SHAREHUB_SERVER_URL="http://$listen"
# Demo convenience: a new device signs in as the demo resident and syncs (the app honours
# this only for a server on this machine). Sign out on the Account page to try others.
export SHAREHUB_DEMO_SIGN_IN=1

echo "==> starting the Share Hub app"
"$app" &
pids+=($!)
wait "${pids[-1]}"
