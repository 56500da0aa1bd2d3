# Warden: `make test` and `make run` do all set-up on a fresh machine (Debian, Swift toolchain on PATH).
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: deps build test run bench clean

# Installs the system packages Warden links against (LMDB) when they are missing.
deps:
	@if [ ! -f /usr/include/lmdb.h ]; then \
		echo "installing liblmdb-dev"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq liblmdb-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) test

# The main job: validate every example model in models/ and draw it.
run: deps
	$(SWIFT) build -c release --product warden
	@for model in models/*/model.fga; do \
		echo "== $$model"; \
		.build/release/warden model validate "$$model" || exit 1; \
		.build/release/warden model graph "$$model" --format mermaid; \
	done

# Benchmarks (package-benchmark, a separate package so `swift test` never builds it).
bench: deps
	cd Benchmarks && $(SWIFT) package benchmark

clean:
	rm -rf .build Benchmarks/.build
