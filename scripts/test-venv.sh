#!/usr/bin/env bash
# The Python virtual environment the tests use, made or completed once (idempotent):
# schemathesis (API property tests) and icalendar (an independent RFC 5545 parser for the
# calendar-file tests). Prints the venv's python. Lives in target/venv (SHAREHUB_VENV
# overrides).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${SHAREHUB_VENV:-$ROOT/target/venv}"
if [ ! -x "$VENV/bin/python" ]; then
    echo "test-venv.sh: creating $VENV" >&2
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        if [ "$(id -u)" -eq 0 ]; then
            DEBIAN_FRONTEND=noninteractive apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
            rm -rf "$VENV"
            python3 -m venv "$VENV"
        else
            echo "test-venv.sh: python3 -m venv failed; install python3-venv" >&2
            exit 1
        fi
    fi
    "$VENV/bin/pip" install -q --upgrade pip >&2
fi
if ! "$VENV/bin/python" -c 'import schemathesis, icalendar' 2>/dev/null; then
    "$VENV/bin/pip" install -q 'schemathesis>=4,<5' 'icalendar>=6,<7' >&2
fi
echo "$VENV/bin/python"
