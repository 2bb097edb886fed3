#!/usr/bin/env bash
# Installs whatever is missing to build and run Share Hub (`setup.sh run`) or also to test it
# (`setup.sh test`) on Debian 12. Idempotent: a second run checks and installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages -------------------------------------------------------------------
# build-essential, pkg-config: C parts of crates (bundled SQLite); libwebkit2gtk-4.1-dev: the
# webview Tauri uses on Linux (pulls GTK 3, libsoup 3); fonts-nanum: Korean glyphs;
# nodejs/npm: the npm build tools (binaryen's wasm-opt).
packages=(build-essential pkg-config curl libwebkit2gtk-4.1-dev fonts-nanum fonts-noto-color-emoji)
command -v npm >/dev/null || packages+=(nodejs npm)
if [ "$mode" = test ]; then
  # xvfb: a virtual display; webkit2gtk-driver: WebKitWebDriver for the end-to-end tests;
  # postgresql: the second server backend; brotli: the wasm size report.
  packages+=(xvfb webkit2gtk-driver postgresql postgresql-contrib brotli)
  python3 -m venv --help >/dev/null 2>&1 || packages+=(python3-venv)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- Rust: the wasm target -----------------------------------------------------------------
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  if ! rustup target add wasm32-unknown-unknown; then
    say "rustup could not add the target: using Debian's rust-web toolchain (std built from source)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      rustc-web cargo-web rust-web-src lld-19
    mkdir -p target && touch target/.wasm-from-debian
  fi
fi

# --- Rust tools ----------------------------------------------------------------------------
# wasm-bindgen-cli must equal the wasm-bindgen version in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (takes a few minutes once)"
  cargo install wasm-bindgen-cli --version "$want"
fi
if [ "$mode" = test ] && ! command -v tauri-driver >/dev/null; then
  say "installing tauri-driver (WebDriver bridge for the end-to-end tests)"
  cargo install tauri-driver --version '^2' --locked
fi

# --- npm build tools -------------------------------------------------------------------------
if [ ! -x node_modules/.bin/wasm-opt ]; then
  say "installing npm build tools (package-lock.json)"
  npm ci --no-audit --no-fund
fi
say "set-up complete ($mode)"
