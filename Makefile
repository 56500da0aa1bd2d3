# Warden: `make test` and `make run` do all set-up on a fresh machine (Debian, Swift toolchain on PATH).
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: deps sdk build test run bench bench-check clean

# Installs the system packages Warden links against (LMDB), curl (make run asks the server with it) and openssl
# (the TLS test makes its certificate with it) when missing.
deps:
	@if [ ! -f /usr/include/lmdb.h ] || ! command -v curl >/dev/null || ! command -v openssl >/dev/null; then \
		echo "installing liblmdb-dev, curl and openssl"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq liblmdb-dev pkg-config curl openssl; \
	fi
	@# PostgreSQL: `make test` runs the PostgreSQL store's tests on a throwaway cluster (scripts/with-postgres.sh).
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "installing postgresql"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql; \
	fi
	@# Headless Chromium renders `warden bench --report` pages in a test.
	@if ! command -v chromium >/dev/null; then \
		echo "installing chromium"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; \
	fi

build: deps
	$(SWIFT) build

# OpenFGA's official Python SDK, in a virtual environment under .build, for the server test.
SDK_VENV := .build/sdk-venv
sdk:
	@if [ ! -x $(SDK_VENV)/bin/python ]; then \
		echo "installing openfga-sdk 0.10.5 into $(SDK_VENV)"; \
		python3 -m venv $(SDK_VENV) 2>/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && python3 -m venv $(SDK_VENV); }; \
		$(SDK_VENV)/bin/pip install -q openfga-sdk==0.10.5; \
	fi

# The tests run against a throwaway PostgreSQL cluster made in a temporary directory and removed at the end, unless
# WARDEN_POSTGRES_URL names a server already.
test: deps sdk
	scripts/with-postgres.sh $(SWIFT) test

# The main job on the embedded LMDB default: validate and test each example in models/, load it into a store in
# ./warden-data, and answer checks with their explanations (scripts/run.sh).
# The release binary links the Swift runtime statically: every command starts in 14 ms instead of 21.
RELEASE := -c release --static-swift-stdlib

run: deps
	$(SWIFT) build $(RELEASE) --product warden
	@scripts/run.sh

# Benchmarks (package-benchmark, a separate package so `swift test` never builds it).
bench: deps
	cd Benchmarks && $(SWIFT) package benchmark

# The check benchmarks against the figures recorded in Benchmarks/Thresholds: exits 1 on a regression.
bench-check: deps
	Benchmarks/thresholds.sh check

clean:
	rm -rf .build Benchmarks/.build
