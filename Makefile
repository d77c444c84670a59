# Disclosure — build, demo, test, install.  `make demo` and `make test` are all a newcomer needs.
SWIFT   ?= swift
PREFIX  ?= /usr/local
DEMO_DB ?= $(CURDIR)/.build/demo/disclosure.db
DEMO_AS_OF ?= 2026-11-20
VENV ?= $(CURDIR)/.build/venv
SCHEMATHESIS_VERSION ?= 4.32.5
AIOSMTPD_VERSION ?= 1.4.6
BIN_RELEASE = .build/release/disclosure
BIN_DEBUG   = .build/debug/disclosure

# System packages (Debian names): SQLite and libxml2 to build; the sqlite3 shell and xmllint, which the
# tests and the bench check our output with; Chromium, poppler-utils and CJK fonts, with which a test
# prints a notice to PDF as an office would; faketime and tzdata, with which the tests, the demo and
# the README's examples run each step on its day (the program reads today only from the clock); nginx
# and openssl, with which a test runs the server behind TLS as an office would; python3-venv, for
# schemathesis from PyPI; chromium-driver, with which a test walks a case through the staff pages in a
# real browser; msmtp, through which a test delivers the reminders to aiosmtpd (PyPI) on loopback;
# LibreOffice Writer (no GUI), with which a test opens the annual report's .docx and prints it to PDF.

.PHONY: all deps test-deps build release release-cli demo test bench reliability fuzz sanitize docs install uninstall clean

all: release

# apt-get install $(1) as root or with sudo, or say in one line what to install.
define apt_install
	if [ -n "$(1)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$(1)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null || exit 1; \
	  elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing with sudo:$(1)"; \
	    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null || exit 1; \
	  else \
	    echo "missing system packages; install them with: apt-get install$(1)"; exit 1; \
	  fi; \
	fi
endef

# What building and the demo need: the toolchain, SQLite and libxml2, faketime and tzdata (the demo
# enters each step on its day). An office PC needs nothing more.
deps:
	@command -v $(SWIFT) >/dev/null 2>&1 || { echo "Swift 6 is required and not found: install the Swift 6 toolchain for Linux from swift.org and put it on PATH"; exit 1; }
	@missing=""; \
	pkg-config --exists sqlite3 2>/dev/null || missing="$$missing libsqlite3-dev"; \
	pkg-config --exists libxml-2.0 2>/dev/null || missing="$$missing libxml2-dev"; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	command -v faketime >/dev/null 2>&1 || missing="$$missing faketime"; \
	[ -e /usr/share/zoneinfo/Asia/Shanghai ] || missing="$$missing tzdata"; \
	$(call apt_install,$$missing)

# What the tests add: the tools they check our output with and the real components they run.
test-deps: deps
	@missing=""; \
	command -v sqlite3 >/dev/null 2>&1 || missing="$$missing sqlite3"; \
	command -v xmllint >/dev/null 2>&1 || missing="$$missing libxml2-utils"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	command -v msmtp >/dev/null 2>&1 || missing="$$missing msmtp"; \
	command -v pdfinfo >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	[ -d /usr/share/fonts/opentype/noto ] || missing="$$missing fonts-noto-cjk"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v openssl >/dev/null 2>&1 || missing="$$missing openssl"; \
	command -v curl >/dev/null 2>&1 || missing="$$missing curl"; \
	command -v python3 >/dev/null 2>&1 || missing="$$missing python3"; \
	python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	$(call apt_install,$$missing)
	@# schemathesis (PyPI) checks the live server against forms/openapi.yaml; kept in .build, not the system.
	@[ -x $(VENV)/bin/schemathesis ] || { echo "installing schemathesis $(SCHEMATHESIS_VERSION) into $(VENV)"; \
	  python3 -m venv $(VENV) && $(VENV)/bin/pip install -q "schemathesis==$(SCHEMATHESIS_VERSION)"; }
	@# aiosmtpd (PyPI): the SMTP server the reminder test delivers to through msmtp.
	@$(VENV)/bin/python -c 'import aiosmtpd' 2>/dev/null || { echo "installing aiosmtpd $(AIOSMTPD_VERSION) into $(VENV)"; \
	  $(VENV)/bin/pip install -q "aiosmtpd==$(AIOSMTPD_VERSION)"; }

build: deps
	$(SWIFT) build

# The Swift runtime and Foundation are linked in: a command then starts in a third of the time
# (no dynamic linking of Foundation), and the binary runs on a machine without the toolchain.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib

# The CLI alone, without the server's HTTP stack (a quarter of the build time): what the demo needs.
release-cli: deps
	$(SWIFT) build -c release --static-swift-stdlib --product disclosure

# The main job on a fresh database: register a realistic set of applications, take some through
# their procedural steps, and print the deadline board as of $(DEMO_AS_OF).
demo: release-cli
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	@BIN=$(BIN_RELEASE) DB=$(DEMO_DB) AS_OF=$(DEMO_AS_OF) sh Storage/demo/run.sh

# The whole log goes to .build/test.log; the terminal gets the failures, with their messages, and the
# summary line.
test: test-deps
	$(SWIFT) build --build-tests
	@echo "running the tests (the whole log: .build/test.log)"
	@DISCLOSURE_BIN=$(CURDIR)/$(BIN_DEBUG) $(SWIFT) test --skip-build > .build/test.log 2>&1; rc=$$?; \
	grep -E '^(✘|􀢄)|error:|fatal|Fatal' .build/test.log | head -200; \
	grep -E '^(✔|✘|􁁛|􀢄) Test run with' .build/test.log || tail -20 .build/test.log; \
	exit $$rc

# Speed and memory, measured as whole commands against baselines in the same run: register, due and
# the annual report on a generated office of BENCH_SCALE cases, then export and import of BENCH_CASES,
# then export, validation and import of cases at the attachment limit, then the server under load (wrk)
# on the same generated office.
# The figures are printed and written to Tests/Bench/results/, one file per run.
BENCH_SCALE ?= 1000000
BENCH_CASES ?= 100000
BENCH_RUNS ?= 11
BENCH_WORK ?= $(CURDIR)/.build/bench
bench: release test-deps
	@command -v wrk >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk curl >/dev/null; \
	  else echo "the server bench needs wrk and curl: apt-get install wrk curl"; exit 1; fi; }
	@mkdir -p Tests/Bench/results
	@out=Tests/Bench/results/$$(date -u +%Y-%m-%dT%H%MZ).txt; \
	.build/release/disclosure-bench scale --cases $(BENCH_SCALE) --runs $(BENCH_RUNS) --work $(BENCH_WORK) --results $$out && \
	.build/release/disclosure-bench exchange --cases $(BENCH_CASES) --runs 3 --results $$out && \
	.build/release/disclosure-bench documents --results $$out && \
	.build/release/disclosure-bench server --cases $(BENCH_SCALE) --work $(BENCH_WORK) --results $$out && \
	echo "figures written to $$out"

# Crash, concurrency and fault tests at full size (make test runs them smaller), on the release
# binary that offices run.
reliability: release test-deps
	$(SWIFT) build --build-tests
	DISCLOSURE_RELIABILITY=full DISCLOSURE_BIN=$(CURDIR)/$(BIN_RELEASE) $(SWIFT) test --skip-build --filter 'ReliabilityTests|CrashTests'

# libFuzzer on every parser of user input, SECONDS each (make fuzz SECONDS=600). Built with
# AddressSanitizer and coverage in .build-fuzz; libFuzzer's driver is called from our own main.
# New inputs go to .build-fuzz/corpus, crashes to .build-fuzz/crashes; the seeds are Tests/Fuzz/corpus.
SECONDS ?= 60
FUZZ_TARGETS ?= import calendar fields
FUZZER_LIB = $(firstword $(wildcard $(dir $(shell readlink -f $$(command -v $(SWIFT))))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a))
fuzz: deps
	@test -n "$(FUZZER_LIB)" || { echo "libFuzzer (libclang_rt.fuzzer_no_main) not found in the Swift toolchain"; exit 1; }
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) build --scratch-path .build-fuzz --product disclosure-fuzz \
	  -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp -Xswiftc -DFUZZING \
	  -Xlinker $(FUZZER_LIB) -Xlinker -lstdc++
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus/$$t .build-fuzz/crashes; \
	  echo "fuzzing $$t for $(SECONDS) s"; \
	  ASAN_OPTIONS=detect_leaks=0 .build-fuzz/debug/disclosure-fuzz $$t -max_total_time=$(SECONDS) -print_final_stats=1 \
	    -artifact_prefix=.build-fuzz/crashes/$$t- .build-fuzz/corpus/$$t Tests/Fuzz/corpus/$$t || exit 1; \
	done

# The whole test suite under AddressSanitizer, then ThreadSanitizer, each in its own build folder.
# Leak reports are off: the Swift runtime keeps metadata for the life of the process by design.
sanitize: test-deps
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=detect_leaks=0 DISCLOSURE_BIN=$(CURDIR)/.build-asan/debug/disclosure \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS=halt_on_error=1 DISCLOSURE_BIN=$(CURDIR)/.build-tsan/debug/disclosure \
	  $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan

# The man page and the shell completions, written from the command tree the built program describes,
# so that they list exactly its commands and options. BIN and MANUAL name the binaries (release by
# default; the tests pass the debug ones), DOCS the folder they go to.
BIN ?= $(BIN_RELEASE)
MANUAL ?= .build/release/disclosure-manual
DOCS ?= .build/docs
docs:
	@mkdir -p $(DOCS)
	@$(MANUAL) $(BIN) > $(DOCS)/disclosure.1
	@$(BIN) --generate-completion-script bash > $(DOCS)/disclosure.bash
	@$(BIN) --generate-completion-script zsh > $(DOCS)/_disclosure
	@$(BIN) --generate-completion-script fish > $(DOCS)/disclosure.fish

install: release
	@$(MAKE) -s docs
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(BIN_RELEASE) $(DESTDIR)$(PREFIX)/bin/disclosure
	install -m 0755 .build/release/disclosure-server $(DESTDIR)$(PREFIX)/bin/disclosure-server
	install -m 0644 $(DOCS)/disclosure.1 $(DESTDIR)$(PREFIX)/share/man/man1/disclosure.1
	install -m 0644 $(DOCS)/disclosure.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/disclosure
	install -m 0644 $(DOCS)/_disclosure $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_disclosure
	install -m 0644 $(DOCS)/disclosure.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/disclosure.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/disclosure $(DESTDIR)$(PREFIX)/bin/disclosure-server \
	  $(DESTDIR)$(PREFIX)/share/man/man1/disclosure.1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions/disclosure \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_disclosure \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/disclosure.fish

clean:
	rm -rf .build
