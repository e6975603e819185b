# vouch: `make run` (the main job on the bundled sample) and `make test` (the whole suite).
SHELL := /bin/bash
SHARED ?= $(abspath ../shared)
IMAGES ?= $(HOME)/.cache/vouch-images
TOOLS_VENV ?= $(HOME)/.cache/vouch-tools/venv
SYSTEM_PACKAGES := libarchive-dev libjansson-dev libssl-dev libsqlite3-dev zlib1g-dev pkg-config
export SWIFT_BACKTRACE := enable=no
export VOUCH_TEST_IMAGES := $(IMAGES)

.PHONY: all deps build release run test tools images bench fuzz clean

all: build

# Debian packages the system-library targets link against; installed only when missing.
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f '$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; fi

build: deps
	swift build

release: deps
	swift build -c release

# The main job: the user's day on the bundled sample image, as far as vouch goes today.
run: release
	bash scripts/main-job.sh .build/release/vouch

# Outside tools used as oracles (syft, trivy, validators); idempotent.
tools:
	@if [ -f $(SHARED)/tools/install-tools.sh ]; then bash $(SHARED)/tools/install-tools.sh; \
	else echo "make: $(SHARED)/tools absent; tests that need outside tools will skip"; fi

# Real Debian test images (about 3 minutes, cached in $(IMAGES)).
images: tools
	@if [ -f $(IMAGES)/images.tsv ]; then echo "test images cached in $(IMAGES)"; \
	elif [ -f $(SHARED)/tools/make-test-image.sh ] && [ "$$(id -u)" = 0 ]; then bash $(SHARED)/tools/make-test-image.sh $(IMAGES); \
	else echo "make: cannot build test images (needs root and $(SHARED)/tools); image tests will skip"; fi

test: deps tools images
	swift build --build-tests
	swift test --skip-build

bench: release
	bash scripts/bench.sh .build/release/vouch
	bash scripts/bench-scan.sh .build/release/vouch

# libFuzzer over the parsers of untrusted input; FUZZ_SECONDS per target (default 60), FUZZ_TARGETS to choose.
fuzz: deps
	bash scripts/fuzz.sh

clean:
	rm -rf .build out
