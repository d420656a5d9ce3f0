# Sluice: the two set-up commands are `make demo` and `make test`; each installs what is
# missing first (librdkafka-dev, and the interpreters the example plugins and the tests
# run: python3, jq, node; through apt-get).
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN = $(shell $(SWIFT) build --show-bin-path 2>/dev/null || echo .build/debug)

# make install: PREFIX (default /usr/local), DESTDIR for staging; BUILT=DIR installs
# binaries built already instead of making a release build.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR ?= $(PREFIX)/lib/systemd/system
DATADIR ?= $(PREFIX)/share/sluice
DOCDIR ?= $(PREFIX)/share/doc/sluice
PROGRAMS = sluiced sluicectl echo-plugin measurement-validator
VERSION := $(shell cat VERSION)
UNITS = sluice.service sluice@.service
DOCS = README.md docs/PROTOCOL.md docs/OPERATIONS.md docs/PLUGINS.md

.PHONY: deps python-deps test-tools build demo test unit sim bench chaos soak fuzz asan tsan clean install uninstall release deb

# Installs, through apt-get, the package of each TOOL:PACKAGE in $(1) whose tool is not on PATH.
install_missing = for tool in $(1); do command -v $${tool%%:*} >/dev/null || { \
		echo "installing $${tool\#*:} (apt-get)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $${tool\#*:}; }; done

deps:
	@pkg-config --exists rdkafka 2>/dev/null || { \
		echo "installing librdkafka-dev (apt-get)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq librdkafka-dev pkg-config; }
	@$(call install_missing,python3:python3 jq:jq node:nodejs)

# What some end-to-end tests run besides sluiced: systemd-analyze (the units) and gnuplot
# (the bench's plots). Under CI=true a test whose tool is missing fails; it is not skipped.
test-tools:
	@$(call install_missing,systemd-analyze:systemd gnuplot:gnuplot-nox)

# The kafka-native example plugin (and its test) use confluent-kafka: from pip where the
# python3 on PATH lets pip install, else Debian's package (a stock Debian's python3 refuses
# pip, PEP 668).
python-deps:
	@python3 -c 'import confluent_kafka' 2>/dev/null || { \
		echo "installing confluent-kafka (pip)"; python3 -m pip install -q confluent-kafka 2>/dev/null; } || { \
		echo "installing python3-confluent-kafka (apt-get)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-confluent-kafka; }

build: deps
	$(SWIFT) build

demo: build
	$(BIN)/sluiced --demo $(DEMO_ARGS)

test: deps python-deps test-tools
	$(SWIFT) build --build-tests
	$(SWIFT) build --product generate-manual
	$(SWIFT) test --skip-build
	$(MAKE) sim SIM_BUILD=debug SIM_SCHEDULES=1000

# The fast loop: the unit tests alone (pure logic: no processes, no broker), in seconds.
unit: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter 'PluginProtocolTests|SluiceControlTests|SluiceCoreTests|SupervisorUnitTests'

# The message flow's core (SluiceCore) through seeded random schedules: the fixed seeds
# 1...SIM_SCHEDULES, then as many time-seeded ones (both printed), every invariant checked
# at every step; a failing seed is printed and replays with `sluice-sim --seed N --trace`.
# Then the defects build plants each defect the simulator must catch, one at a time.
SIM_BUILD ?= release
SIM_SCHEDULES ?= 5000
sim: deps
	$(SWIFT) build -c $(SIM_BUILD) --product sluice-sim
	$$($(SWIFT) build -c $(SIM_BUILD) --show-bin-path)/sluice-sim --schedules $(SIM_SCHEDULES)
	$(SWIFT) build -c $(SIM_BUILD) --traits PlantedDefects --scratch-path .build-defects --product sluice-sim
	$$($(SWIFT) build -c $(SIM_BUILD) --traits PlantedDefects --scratch-path .build-defects --show-bin-path)/sluice-sim --plant all --schedules 2000

release: deps
	$(SWIFT) build -c release

# Measures sluiced against a raw relay and the original demo's design on the embedded mock
# cluster (release build), prints the tables and writes them into docs/BENCHMARKS.md, with
# the sweeps' plots beside it (drawn by gnuplot, installed here when missing).
# BENCH_ARGS passes options, e.g. BENCH_ARGS="--quick" or BENCH_ARGS="--only sweep".
bench: deps python-deps release
	@$(call install_missing,gnuplot:gnuplot-nox)
	$$($(SWIFT) build -c release --show-bin-path)/sluice-bench --document docs/BENCHMARKS.md $(BENCH_ARGS)

# Injects faults while messages flow on the embedded mock cluster (broker outages, request
# errors, latency, sluiced and plugins killed or stalled), then accounts for every message;
# prints the figures and writes them into docs/RELIABILITY.md. `make test` runs a short form.
# CHAOS_ARGS passes options, e.g. CHAOS_ARGS="--messages 50000 --only 'broker'".
chaos: deps release
	$$($(SWIFT) build -c release --show-bin-path)/sluice-chaos --document docs/RELIABILITY.md $(CHAOS_ARGS)

# Ten minutes of a steady stream through two sluiced with a fault at random every few
# seconds, then every message accounted for. SOAK_ARGS passes options (--minutes, --rate).
soak: deps release
	$$($(SWIFT) build -c release --show-bin-path)/sluice-chaos soak --document docs/RELIABILITY.md $(SOAK_ARGS)

# libFuzzer with AddressSanitizer on the parsers of outside input (plugin responses, Kafka
# messages made into request frames, the config file), FUZZ_SECONDS each; findings are
# written to .build-fuzz/. `make test` runs the same targets on a fixed set of mutants.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = response-frame request-frame config-file
fuzz: build
	$(SWIFT) build --product sluice-fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
		-Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
	@for target in $(FUZZ_TARGETS); do \
		$(BIN)/sluice-fuzz seeds $$target .build-fuzz/corpus/$$target || exit 1; \
		echo "fuzzing $$target for $(FUZZ_SECONDS) s"; \
		SLUICE_FUZZ_TARGET=$$target ASAN_OPTIONS=detect_leaks=0 .build-fuzz/debug/sluice-fuzz -max_total_time=$(FUZZ_SECONDS) \
			-max_len=65536 -print_final_stats=1 -artifact_prefix=.build-fuzz/$$target- .build-fuzz/corpus/$$target || exit 1; \
	done

# The whole suite with sluiced, its tools and the tests built under AddressSanitizer or
# ThreadSanitizer (--sanitize instruments the C helpers too); fails on any report, which
# is written to .build-asan/reports or .build-tsan/reports. TEST_ARGS passes options,
# e.g. TEST_ARGS="--filter SluicedTests".
asan tsan: deps python-deps
	$(SWIFT) build --build-tests --scratch-path .build-$@ --sanitize=$(if $(filter asan,$@),address,thread)
	rm -rf .build-$@/reports && mkdir -p .build-$@/reports
	ASAN_OPTIONS=detect_leaks=0:log_path=$(CURDIR)/.build-$@/reports/report TSAN_OPTIONS=log_path=$(CURDIR)/.build-$@/reports/report \
		$(SWIFT) test --skip-build --scratch-path .build-$@ $(TEST_ARGS)
	@if ls .build-$@/reports/report.* >/dev/null 2>&1; then \
		echo "sanitizer reports:"; ls .build-$@/reports; exit 1; else echo "no sanitizer report"; fi

install: $(if $(BUILT),,release)
	@built="$(BUILT)"; built=$${built:-$$($(SWIFT) build -c release --show-bin-path)}; \
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(UNITDIR)" "$(DESTDIR)$(SYSCONFDIR)/sluice" \
		"$(DESTDIR)$(DATADIR)/examples/plugins" "$(DESTDIR)$(DOCDIR)"; \
	for program in $(PROGRAMS); do install -m 0755 "$$built/$$program" "$(DESTDIR)$(BINDIR)/$$program"; done; \
	for unit in $(UNITS); do \
		sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
			"systemd/$$unit" > "$(DESTDIR)$(UNITDIR)/$$unit"; chmod 0644 "$(DESTDIR)$(UNITDIR)/$$unit"; done; \
	install -m 0644 config/sluice.toml "$(DESTDIR)$(DATADIR)/sluice.toml.example"; \
	[ -e "$(DESTDIR)$(SYSCONFDIR)/sluice/sluice.toml" ] || \
		sed -e 's|/usr/local/share/sluice|$(DATADIR)|g' config/sluice.toml > "$(DESTDIR)$(SYSCONFDIR)/sluice/sluice.toml"; \
	install -m 0644 $$(find examples/plugins -maxdepth 1 -type f) "$(DESTDIR)$(DATADIR)/examples/plugins/"; \
	install -m 0644 $(DOCS) "$(DESTDIR)$(DOCDIR)/"; \
	echo "installed under $(DESTDIR)$(PREFIX); config in $(DESTDIR)$(SYSCONFDIR)/sluice (kept if present)"

# make deb: sluice_VERSION_ARCH.deb with dpkg's own tools, from a release build with the
# Swift runtime linked in (the package runs where Swift is not installed); BUILT=DIR
# packages binaries built already (the test does, with DEB_SHLIBDEPS_FLAGS=--ignore-missing-info
# for its debug build's toolchain libraries, and GENERATE_MANUAL=PATH, which `make test`
# builds). Lays out what `make install PREFIX=/usr`
# does, plus man pages (swift-argument-parser's generate-manual), bash and zsh
# completions, /etc/sluice/sluice.toml as a conffile, and maintainer scripts doing what
# dh_installsystemd does (packaging/debian). DEBFULLNAME and DEBEMAIL name the maintainer.
DEB_ARCH = $(shell dpkg --print-architecture)
DEB_DIR ?= .
DEB = $(DEB_DIR)/sluice_$(VERSION)_$(DEB_ARCH).deb
DEB_STAGE ?= .build/deb
DEBFULLNAME ?= Sluice maintainers
DEBEMAIL ?= sluice@localhost
deb: $(if $(BUILT),,static-release)
	@command -v dpkg-shlibdeps >/dev/null || { echo "installing dpkg-dev (apt-get)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq dpkg-dev; }
	rm -rf $(DEB_STAGE) && mkdir -p $(DEB_STAGE)/root/DEBIAN $(DEB_STAGE)/debian
	@built="$(BUILT)"; built=$$(cd "$${built:-$$($(SWIFT) build -c release --show-bin-path)}" && pwd); \
	root=$(DEB_STAGE)/root; manual="$(GENERATE_MANUAL)"; \
	[ -n "$$manual" ] || { $(SWIFT) build --product generate-manual >/dev/null && manual="$(BIN)/generate-manual"; } || exit 1; \
	$(MAKE) -s install DESTDIR=$$(cd $$root && pwd) PREFIX=/usr BUILT=$$built >/dev/null && \
	install -d $$root/usr/share/man/man1 $$root/usr/share/bash-completion/completions $$root/usr/share/zsh/vendor-completions && \
	for tool in sluiced sluicectl; do \
		"$$manual" "$$built/$$tool" --output-directory $$root/usr/share/man/man1 >/dev/null || exit 1; \
		"$$built/$$tool" --generate-completion-script bash > $$root/usr/share/bash-completion/completions/$$tool; \
		"$$built/$$tool" --generate-completion-script zsh > $$root/usr/share/zsh/vendor-completions/_$$tool; \
	done && \
	gzip -9n $$root/usr/share/man/man1/*.1 && \
	strip --strip-unneeded --remove-section=.comment --remove-section=.note $(foreach program,$(PROGRAMS),$$root/usr/bin/$(program)) && \
	install -m 0644 packaging/debian/copyright $$root/usr/share/doc/sluice/copyright && \
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@MAINTAINER@|$(DEBFULLNAME) <$(DEBEMAIL)>|' -e "s|@DATE@|$$(date -R)|" \
		packaging/debian/changelog.in | gzip -9n > $$root/usr/share/doc/sluice/changelog.Debian.gz && \
	install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm $$root/DEBIAN/ && \
	echo /etc/sluice/sluice.toml > $$root/DEBIAN/conffiles && \
	printf 'Source: sluice\n\nPackage: sluice\nArchitecture: any\n' > $(DEB_STAGE)/debian/control && \
	depends=$$(cd $(DEB_STAGE) && dpkg-shlibdeps -O $(DEB_SHLIBDEPS_FLAGS) $(foreach program,$(PROGRAMS),root/usr/bin/$(program)) 2>/dev/null | sed -n 's/^shlibs:Depends=//p') && \
	[ -n "$$depends" ] || { echo "dpkg-shlibdeps found no dependencies"; exit 1; }; \
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@ARCH@|$(DEB_ARCH)|' -e "s|@DEPENDS@|$$depends|" \
		-e 's|@MAINTAINER@|$(DEBFULLNAME) <$(DEBEMAIL)>|' packaging/debian/control.in > $$root/DEBIAN/control && \
	echo "Installed-Size: $$(du -sk --exclude=DEBIAN $$root | cut -f1)" >> $$root/DEBIAN/control && \
	dpkg-deb --root-owner-group -Zxz --build $$root $(DEB) >/dev/null && echo "built $(DEB)"

# The release build `make deb` packages: the Swift runtime and Foundation linked in.
static-release: deps
	$(SWIFT) build -c release --static-swift-stdlib

# Keeps $(SYSCONFDIR)/sluice/*.toml: they are the operator's.
uninstall:
	rm -f $(foreach program,$(PROGRAMS),"$(DESTDIR)$(BINDIR)/$(program)") \
		$(foreach unit,$(UNITS),"$(DESTDIR)$(UNITDIR)/$(unit)") \
		$(foreach doc,$(DOCS),"$(DESTDIR)$(DOCDIR)/$(notdir $(doc))") \
		"$(DESTDIR)$(DATADIR)/sluice.toml.example" "$(DESTDIR)$(DATADIR)"/examples/plugins/*
	rmdir "$(DESTDIR)$(DATADIR)/examples/plugins" "$(DESTDIR)$(DATADIR)/examples" "$(DESTDIR)$(DATADIR)" "$(DESTDIR)$(DOCDIR)" 2>/dev/null || true

clean:
	$(SWIFT) package clean
