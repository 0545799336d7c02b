# qoltanba — see README.md. Every target works on a fresh clone after .ci/run's packages.
GO      ?= go
BIN     := bin/qoltanba
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
PKGS    := ./...

.PHONY: run test bench bench-compare build lint fuzz clean screenshots

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/qoltanba

# run builds and starts the agent on wss://127.0.0.1:13579; until the tray
# app arrives it asks in this terminal.
run: build
	./$(BIN) run

test: lint
	$(GO) test -count=1 $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

lint:
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	 if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# fuzz runs each fuzz target for FUZZTIME (default 20s).
FUZZTIME ?= 20s
fuzz:
	@for p in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
	    echo "== $$p $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s -parallel 1 $$p || exit 1; \
	  done; done

clean:
	rm -rf bin dist

# bench-compare runs the comparisons with external tools (xmlsec1, sha256sum).
bench-compare:
	./scripts/bench-xml-vs-xmlsec1.sh
	./scripts/bench-hash-vs-sha256sum.sh

# screenshots regenerates docs/screenshots (dialogs under Xvfb, tray menu).
screenshots:
	QOLTANBA_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run 'DesktopScreenshots|TrayMenu' ./cmd/qoltanba ./ui
