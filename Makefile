# Share Hub: two commands do everything on a fresh Debian 12 machine.
#   make run   installs what is missing, builds, starts the server with demo data and the app
#   make test  the same set-up, then every check and test
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test setup ui app deb sizes startup-bench

run:
	scripts/setup.sh run
	scripts/build-ui.sh
	cargo build --locked -p sharehub-app -p sharehub-server
	scripts/run.sh

test:
	scripts/setup.sh test
	scripts/test.sh

ui:
	scripts/build-ui.sh

app: ui
	cargo build --locked -p sharehub-app

# A Debian package of the app (release build) via the npm Tauri CLI.
deb: ui
	TAURI_APP_PATH=src-tauri npx --yes @tauri-apps/cli@2 build -b deb

# Size figures: the wasm (raw and brotli) and the app binary.
sizes: app
	@printf 'wasm raw:    %s bytes\n' $$(stat -c %s ui/dist/sharehub-ui_bg.wasm)
	@printf 'wasm brotli: %s bytes\n' $$(brotli -c -q 11 ui/dist/sharehub-ui_bg.wasm | wc -c)
	@printf 'app binary (debug):   %s bytes\n' $$(stat -c %s target/debug/sharehub-app)
	@[ ! -f target/release/sharehub-app ] || printf 'app binary (release): %s bytes\n' $$(stat -c %s target/release/sharehub-app)

startup-bench: app
	cargo run --locked -q -p sharehub-e2e --bin startup-bench -- 5
