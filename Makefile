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
	@for tool in python3 jq; do command -v $$tool >/dev/null || { \
		echo "installing $$tool (apt-get)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$tool; }; done

build: deps
	$(SWIFT) build

demo: build
	$(BIN)/sluiced --demo $(DEMO_ARGS)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	$(SWIFT) package clean
