#!/usr/bin/env bash
# `cargo SUBCOMMAND … --target wasm32-unknown-unknown`, with Debian's rust-web fallback when
# scripts/setup.sh had to use it. The fallback variables stay inside this process, so they
# never reach (and never rebuild) the native build.
set -euo pipefail
target_dir=${CARGO_TARGET_DIR:-$(cd "$(dirname "$0")/.." && pwd)/target}
sub=$1
shift
if [ -f "$target_dir/.wasm-from-debian" ]; then
  export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19
fi
exec cargo "$sub" --target wasm32-unknown-unknown "$@"
