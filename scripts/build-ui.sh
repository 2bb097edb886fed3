#!/usr/bin/env bash
# Builds the Leptos UI into ui/dist: cargo (wasm32, profile wasm-release) → wasm-bindgen
# (the CLI version equals Cargo.lock's) → wasm-opt from npm binaryen. ui/dist is replaced
# only when every step succeeded.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-$PWD/target}

echo "==> building the UI (wasm32)"
scripts/wasm-cargo.sh build -p sharehub-ui --profile wasm-release --locked
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/sharehub-ui.wasm"
if [ -f ui/dist/sharehub-ui_bg.wasm ] &&
  [ -z "$(find "$wasm" ui/index.html ui/style.css ui/boot.js ui/report-errors.js ui/map-glue.js package-lock.json -newer ui/dist/sharehub-ui_bg.wasm)" ]; then
  echo "==> ui/dist is up to date"
  exit 0
fi

staging=$(mktemp -d "${TMPDIR:-/tmp}/sharehub-ui.XXXXXX")
trap 'rm -rf "$staging"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$staging" --out-name sharehub-ui \
  "$wasm"
if [ -x node_modules/.bin/wasm-opt ]; then
  node_modules/.bin/wasm-opt -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals \
    "$staging/sharehub-ui_bg.wasm" -o "$staging/sharehub-ui_bg.opt.wasm"
  mv "$staging/sharehub-ui_bg.opt.wasm" "$staging/sharehub-ui_bg.wasm"
else
  echo "note: node_modules/.bin/wasm-opt missing (run scripts/setup.sh); the wasm stays unoptimised"
fi
cp ui/index.html ui/style.css ui/boot.js ui/report-errors.js ui/map-glue.js "$staging/"
# Leaflet and its clustering plugin, bundled from npm (never loaded from a CDN).
mkdir -p "$staging/vendor"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
  node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
  node_modules/leaflet.markercluster/dist/MarkerCluster.css "$staging/vendor/"
cp node_modules/leaflet/LICENSE "$staging/vendor/LICENSE-leaflet"
cp node_modules/leaflet.markercluster/MIT-LICENCE.txt "$staging/vendor/LICENSE-leaflet.markercluster"
rm -rf ui/dist.old
[ -d ui/dist ] && mv ui/dist ui/dist.old
mv "$staging" ui/dist
chmod 755 ui/dist
rm -rf ui/dist.old
trap - EXIT
echo "==> ui/dist: $(du -h ui/dist/sharehub-ui_bg.wasm | cut -f1) wasm"
