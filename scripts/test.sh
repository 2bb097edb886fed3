#!/usr/bin/env bash
# Every check and test: formatting, clippy (native and wasm), the wasm build of the core,
# unit, integration and end-to-end tests. Run through `make test` (which sets up first).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
started=$SECONDS
step() { printf '\n==> [%4ds] %s\n' $((SECONDS - started)) "$*"; }

step "formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "UI (wasm) build"
scripts/build-ui.sh

step "clippy, native crates"
cargo clippy --locked --workspace --exclude sharehub-ui --all-targets -- -D warnings

step "clippy, wasm crates"
scripts/wasm-cargo.sh clippy --locked -p sharehub-ui -p sharehub-core -p sharehub-areas -- -D warnings

step "wasm build of sharehub-core"
scripts/wasm-cargo.sh build --locked -p sharehub-core

step "build the app and the server for the end-to-end tests"
cargo build --locked -p sharehub-app -p sharehub-server

step "the tests' Python tools (schemathesis, icalendar)"
SHAREHUB_PYTHON="$(scripts/test-venv.sh)"
export SHAREHUB_PYTHON

step "unit, integration and end-to-end tests (SQLite, and PostgreSQL in a throwaway cluster)"
scripts/with-postgres.sh cargo test --locked --no-fail-fast --workspace --exclude sharehub-ui

step "schemathesis against the live server's OpenAPI document"
scripts/schemathesis.sh

step "done in $((SECONDS - started)) s"
