# Sluice: the two set-up commands are `make demo` and `make test`; each installs what is
# missing first (librdkafka-dev through apt-get).
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN = $(shell $(SWIFT) build --show-bin-path 2>/dev/null || echo .build/debug)

.PHONY: deps build demo test clean

deps:
	@pkg-config --exists rdkafka 2>/dev/null || { \
		echo "installing librdkafka-dev (apt-get)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq librdkafka-dev pkg-config; }
	@command -v python3 >/dev/null || { \
		echo "installing python3 (apt-get)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3; }

build: deps
	$(SWIFT) build

demo: build
	$(BIN)/sluiced --demo $(DEMO_ARGS)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	$(SWIFT) package clean
