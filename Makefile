# Disclosure — build, demo, test, install.  `make demo` and `make test` are all a newcomer needs.
SWIFT   ?= swift
PREFIX  ?= /usr/local
DEMO_DB ?= $(CURDIR)/.build/demo/disclosure.db
DEMO_AS_OF ?= 2026-11-20
BIN_RELEASE = .build/release/disclosure
BIN_DEBUG   = .build/debug/disclosure

# System packages (Debian names): SQLite and libxml2 to build; the sqlite3 shell and xmllint, which the
# tests and the bench check our output with; Chromium, poppler-utils and CJK fonts, with which a test
# prints a notice to PDF as an office would.

.PHONY: all deps build release demo test bench install uninstall clean

all: release

deps:
	@command -v $(SWIFT) >/dev/null 2>&1 || { echo "Swift 6 is required and not found: install the Swift 6 toolchain for Linux from swift.org and put it on PATH"; exit 1; }
	@missing=""; \
	pkg-config --exists sqlite3 2>/dev/null || missing="$$missing libsqlite3-dev"; \
	pkg-config --exists libxml-2.0 2>/dev/null || missing="$$missing libxml2-dev"; \
	command -v sqlite3 >/dev/null 2>&1 || missing="$$missing sqlite3"; \
	command -v xmllint >/dev/null 2>&1 || missing="$$missing libxml2-utils"; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdfinfo >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	[ -d /usr/share/fonts/opentype/noto ] || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing with sudo:$$missing"; \
	    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing system packages; install them with: apt-get install$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The main job on a fresh database: register a realistic set of applications, take some through
# their procedural steps, and print the deadline board as of $(DEMO_AS_OF).
demo: release
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	@BIN=$(BIN_RELEASE) DB=$(DEMO_DB) AS_OF=$(DEMO_AS_OF) sh Storage/demo/run.sh

test: deps
	$(SWIFT) build --build-tests
	DISCLOSURE_BIN=$(CURDIR)/$(BIN_DEBUG) $(SWIFT) test --skip-build

# Speed and memory, measured as whole commands against baselines in the same run.
BENCH_CASES ?= 100000
bench: release
	.build/release/disclosure-bench exchange --cases $(BENCH_CASES) --runs 3 --results Tests/Bench/results.txt

install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN_RELEASE) $(DESTDIR)$(PREFIX)/bin/disclosure

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/disclosure

clean:
	rm -rf .build
