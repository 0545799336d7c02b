# qoltanba — see README.md. Every target works on a fresh clone with .ci/run's Debian
# packages installed (test-deb installs into the machine and needs root: CI runs it).
GO      ?= go
BIN     := bin/qoltanba
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# UPDATE_ROOT_B64 (test-deb sets it, nothing else does) links a test update
# repository's root (base64) into the program, as make release links the
# release repository's: test-deb's package can then be asked to update.
UPDATE_ROOT_B64 ?=
LDFLAGS := -s -w -X main.version=$(VERSION)$(if $(UPDATE_ROOT_B64), -X github.com/qoltanba/qoltanba/update.linkedRoot=$(UPDATE_ROOT_B64))
PKGS    := ./...

.PHONY: release check-docs rpm test-rpm test-deb run test bench bench-compare build lint fuzz soak clean screenshots deb windows msi test-windows

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/qoltanba

# run builds and starts the agent on wss://127.0.0.1:13579 with its dialogs
# and tray icon (without a display it asks in this terminal; with neither it
# runs and refuses requests, saying why).
run: build
	./$(BIN) run

# test: lint, every package's tests (check-docs among them), the .deb
# installed and purged (test-deb, as root), the .rpm checked (test-rpm),
# then the Windows build under Wine (test-windows). The
# TestDeb/TestRPM/TestWindows* tests skip in the first run: they need what
# their targets build.
test: lint
	$(GO) test -count=1 $(PKGS)
	$(MAKE) test-deb
	$(MAKE) test-rpm
	$(MAKE) test-windows

# check-docs (internal/testkit/docstest, part of test) runs every command block of
# README.md and docs/*.md as written, on a fresh copy of the tracked files
# after make build, with a throwaway HOME and NCA's test keys: scripts must
# exit 0, daemons must print their marker's line ("listening") and stop on
# Ctrl-C. A block that cannot run here (root, installing into the machine,
# Windows) is marked <!-- not run: REASON --> before it; the check fails on
# an unmarked one.
# It also runs docs/protocol.md's JavaScript on Cyrillic documents in
# headless Chromium and node.
check-docs:
	$(GO) test -count=1 ./internal/testkit/docstest

# test-rpm checks the .rpm's files, dependencies and scriptlets, and
# installs and erases its files in a throwaway rpm root.
test-rpm: rpm
	QOLTANBA_RPM=$(CURDIR)/$$(ls -t dist/qoltanba-*.rpm | head -1) $(GO) test -count=1 -v -run '^TestRPMPackage$$' ./cmd/qoltanba

# test-deb installs the .deb with apt and purges it again (as root: CI),
# checking the machine-wide setup, a user's login and that nothing is left.
# Its .deb (in dist/test-deb, beside make deb's, as v0.1.0) carries the
# root of a test update repository made here with qoltanba-release and
# throwaway keys (deleted once it is signed), which offers v0.2.0: the
# installed /usr/bin/qoltanba, asked to update from it on loopback, only
# says that the administrator updates the package, and stays as installed.
TESTDEB := dist/test-deb
test-deb:
	rm -rf $(TESTDEB) && mkdir -p $(TESTDEB)/keys
	for k in root targets snapshot timestamp; do openssl genpkey -algorithm ed25519 -out $(TESTDEB)/keys/$$k.pem || exit 1; done
	$(GO) build -o $(TESTDEB)/qoltanba-release ./cmd/qoltanba-release
	printf '#!/bin/sh\necho qoltanba v0.2.0\n' > $(TESTDEB)/qoltanba-v0.2.0
	echo '{"sites":[]}' > $(TESTDEB)/known-sites.json
	cd $(TESTDEB) && ./qoltanba-release init --repo repo --root-key keys/root.pem \
	  --targets-key keys/targets.pem --snapshot-key keys/snapshot.pem --timestamp-key keys/timestamp.pem && \
	  ./qoltanba-release publish --repo repo --version v0.2.0 --program linux-amd64=qoltanba-v0.2.0 \
	  --data data/known-sites.json=known-sites.json \
	  --targets-key keys/targets.pem --snapshot-key keys/snapshot.pem --timestamp-key keys/timestamp.pem && rm -rf keys
	$(MAKE) deb VERSION=v0.1.0 BIN=$(TESTDEB)/qoltanba DEBDIR=$(TESTDEB) UPDATE_ROOT_B64=$$($(TESTDEB)/qoltanba-release root --repo $(TESTDEB)/repo)
	@if [ "$$(id -u)" != 0 ]; then echo "test-deb: skipped, it installs into this machine and needs root (CI runs it)"; \
	 else QOLTANBA_DEB=$(CURDIR)/$$(ls -t $(TESTDEB)/qoltanba_*.deb | head -1) QOLTANBA_DEB_UPDATE_REPO=$(CURDIR)/$(TESTDEB)/repo \
	  $(GO) test -count=1 -v -run '^TestDebPackage$$' ./cmd/qoltanba; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# NOCGO are the packages that must build without cgo for every OS: all but
# token/p11 (miekg/pkcs11), the desktop renderers and the commands.
NOCGO := ./agent/... ./transport/... ./signer/... ./token ./ui ./installer/... ./internal/... ./update/...

# lint: go vet, gofmt, the cgo-free packages built for linux, windows and
# darwin, ui (the dialog model) free of any toolkit and of cgo, signer
# free of net/http, transport free of the relying party's verifier, update free of the module's
# other packages and the agent of update/publish, and no build output or large file
# tracked (scripts/check-tracked.sh).
lint:
	$(GO) vet $(PKGS)
	@scripts/check-tracked.sh
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	 if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@for os in linux windows darwin; do \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=amd64 $(GO) build $(NOCGO) || { echo "cgo-free build for $$os failed"; exit 1; }; done
	@bad=$$($(GO) list -deps ./ui | grep -E '^fyne.io/|/miekg/pkcs11|/go-gl/|/lxn/' || true); \
	 if [ -n "$$bad" ]; then echo "ui must not import a toolkit or cgo:"; echo "$$bad"; exit 1; fi
	@bad=$$($(GO) list -deps ./signer | grep -E '^net/http$$' || true); \
	 if [ -n "$$bad" ]; then echo "signer must do no I/O (the timestamp client's HTTP is signer/tsahttp)"; exit 1; fi
	@bad=$$($(GO) list -deps ./transport | grep -E '/signer/verify' || true); \
	 if [ -n "$$bad" ]; then echo "transport (the agent's doors) must not import the relying party's verifier:"; echo "$$bad"; exit 1; fi
	@bad=$$($(GO) list -deps ./cmd/... | grep -E '/internal/testkit/' || true); \
	 if [ -n "$$bad" ]; then echo "the programs must not carry test kits (internal/testkit is for tests):"; echo "$$bad"; exit 1; fi
	@bad=$$($(GO) list -deps ./update | grep -E '^github.com/qoltanba/qoltanba/' | grep -vx 'github.com/qoltanba/qoltanba/update' || true); \
	 if [ -n "$$bad" ]; then echo "update must import no other package of the module:"; echo "$$bad"; exit 1; fi
	@bad=$$($(GO) list -deps ./cmd/qoltanba | grep -E '/update/publish$$' || true); \
	 if [ -n "$$bad" ]; then echo "the agent must not carry the release side of updates (update/publish)"; exit 1; fi

# fuzz runs each fuzz target for FUZZTIME (default 20s). Minimizing is
# capped at 100 runs per input: go test stops counting executions while it
# minimizes (60 s per input by default), which made fast targets look
# stuck at a dozen executions.
FUZZTIME ?= 20s
fuzz:
	@for p in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
	    echo "== $$p $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 100x -parallel 1 $$p || exit 1; \
	  done; done

# soak runs SOAKTIME (default 10m) of mixed traffic against an unattended
# agent: both protocols, the request shapes pages send, drops, bad input and
# bursts of 70 MB messages; it samples RSS and goroutines and fails when they
# grow. Not part of test (too long).
SOAKTIME ?= 10m
soak:
	QOLTANBA_SOAK=$(SOAKTIME) $(GO) test -count=1 -run '^TestSoak$$' -timeout 60m -v ./cmd/qoltanba

clean:
	rm -rf bin dist

# bench-compare runs the comparisons with external tools (xmlsec1, sha256sum)
# and the GOST engine's against gogost and gost12sum, and the table of
# internal/gost against OpenSSL's gost engine (signatures, C harness
# scripts/gost-openssl-bench.c), gostsum and gost12sum (hashes).
bench-compare:
	./scripts/bench-xml-vs-xmlsec1.sh
	./scripts/bench-hash-vs-sha256sum.sh
	./scripts/bench-gost.sh
	./scripts/bench-gost-vs-openssl.sh

# screenshots regenerates docs/screenshots (dialogs under Xvfb, tray menu,
# and the Windows dialogs under Wine: windows-*.png).
screenshots: windows
	QOLTANBA_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots QOLTANBA_WINDOWS_DIST=$(CURDIR)/dist \
	  $(GO) test -count=1 -run 'DesktopScreenshots|TrayMenu|WindowsDialogs|WindowsSettings' ./cmd/qoltanba ./ui/fyneui

# deb builds dist/qoltanba_<version>_amd64.deb: the binary, a .desktop
# entry, the icon, the --help text as documentation, and the maintainer
# scripts (packaging/linux) that set the machine up on install (system
# trust, autostart for every user) and take it all away on remove/purge.
# (DEBDIR and BIN place test-deb's own package and binary elsewhere.)
DEBVERSION := 0.1.0~git$(shell git rev-parse --short HEAD 2>/dev/null || echo dev)
DEBDIR  ?= dist
deb: build
	rm -rf $(DEBDIR)/deb && mkdir -p $(DEBDIR)/deb/DEBIAN $(DEBDIR)/deb/usr/bin $(DEBDIR)/deb/usr/share/applications \
	  $(DEBDIR)/deb/usr/share/icons/hicolor/64x64/apps $(DEBDIR)/deb/usr/share/doc/qoltanba
	cp $(BIN) $(DEBDIR)/deb/usr/bin/qoltanba
	cp packaging/qoltanba.desktop $(DEBDIR)/deb/usr/share/applications/qoltanba.desktop
	cp internal/icon/qoltanba.png $(DEBDIR)/deb/usr/share/icons/hicolor/64x64/apps/qoltanba.png
	./$(BIN) help > $(DEBDIR)/deb/usr/share/doc/qoltanba/USAGE
	cp README.md docs/admin.md $(DEBDIR)/deb/usr/share/doc/qoltanba/
	install -m 755 packaging/linux/postinst packaging/linux/prerm packaging/linux/postrm $(DEBDIR)/deb/DEBIAN/
	printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: qoltanba\nLicense: GPL-3.0-or-later\n See /usr/share/common-licenses/GPL-3\n' > $(DEBDIR)/deb/usr/share/doc/qoltanba/copyright
	printf 'Package: qoltanba\nVersion: $(DEBVERSION)\nArchitecture: amd64\nMaintainer: qoltanba developers <dev@qoltanba.invalid>\nDepends: libc6, libgl1, libx11-6, libxcursor1, libxrandr2, libxinerama1, libxi6, libxxf86vm1, libnss3-tools, ca-certificates\nSection: utils\nPriority: optional\nHomepage: https://github.com/qoltanba/qoltanba\nDescription: local signing agent for Kazakh electronic signatures\n A replacement for NCALayer: serves wss://127.0.0.1:13579 for existing pages,\n shows who asks and what is signed, signs with NCA key files and tokens.\n' > $(DEBDIR)/deb/DEBIAN/control
	dpkg-deb --build --root-owner-group $(DEBDIR)/deb $(DEBDIR)/qoltanba_$(DEBVERSION)_amd64.deb

# rpm builds dist/qoltanba-<version>-1.x86_64.rpm for Fedora/RHEL from the
# same binary and the same maintainer scripts as the .deb (rpmbuild, from
# Debian's rpm package). Its contents and scriptlets are checked by
# test-rpm; installing it is tested through the .deb (see docs/admin.md).
RPMVERSION := 0.1.0~git$(shell git rev-parse --short HEAD 2>/dev/null || echo dev)
rpm: build
	rm -rf dist/rpm && mkdir -p dist/rpm
	rpmbuild -bb --define '_topdir $(CURDIR)/dist/rpm' --define '_qsrc $(CURDIR)' --define '_qversion $(RPMVERSION)' \
	  --define '_build_id_links none' packaging/linux/qoltanba.spec
	cp dist/rpm/RPMS/x86_64/qoltanba-*.rpm dist/

# windows cross-builds the Windows agent with mingw (cgo for PKCS#11 only;
# the dialogs are Win32, no OpenGL): dist/qoltanba.exe, a GUI program (no
# console window at logon; a double click starts the agent), and
# dist/qoltanba-cli.exe, the same commands for cmd.exe, PowerShell and
# scripts. Both carry the manifest, icon and version resources and are
# signed with osslsigncode, using a throwaway code-signing certificate made
# here (a release would use the project's real certificate).
WINVERSION := 0.1.$(shell git rev-list --count HEAD 2>/dev/null || echo 0)
WINCC      := x86_64-w64-mingw32-gcc
SYSO       := cmd/qoltanba/rsrc_windows_amd64.syso
$(SYSO): packaging/windows/qoltanba.rc packaging/windows/qoltanba.exe.manifest internal/icon/qoltanba.png
	mkdir -p dist/windows
	convert internal/icon/qoltanba.png -define icon:auto-resize=64,48,32,16 dist/windows/qoltanba.ico
	x86_64-w64-mingw32-windres -O coff -DVER_MAJOR=0 -DVER_MINOR=1 -DVER_PATCH=$(word 3,$(subst ., ,$(WINVERSION))) \
	  '-DVER_STRING=\"$(WINVERSION)\"' -I dist/windows -I packaging/windows -i packaging/windows/qoltanba.rc -o $@

windows: $(SYSO)
	mkdir -p dist
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$(WINCC) \
	  $(GO) build -trimpath -ldflags '$(LDFLAGS) -H windowsgui -X main.guiBinary=1' -o dist/qoltanba-unsigned.exe ./cmd/qoltanba
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$(WINCC) \
	  $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/qoltanba-cli-unsigned.exe ./cmd/qoltanba
	openssl req -x509 -newkey rsa:3072 -nodes -days 1 -subj '/CN=qoltanba test code signing' \
	  -addext extendedKeyUsage=codeSigning -keyout dist/codesign.key -out dist/codesign.crt 2>/dev/null
	for n in qoltanba qoltanba-cli; do \
	  osslsigncode sign -certs dist/codesign.crt -key dist/codesign.key -n qoltanba -h sha256 \
	    -in dist/$$n-unsigned.exe -out dist/$$n.exe.tmp >/dev/null && mv dist/$$n.exe.tmp dist/$$n.exe && rm dist/$$n-unsigned.exe || exit 1; \
	  osslsigncode verify -CAfile dist/codesign.crt -in dist/$$n.exe >/dev/null || exit 1; done
	rm -f dist/codesign.key

# msi packs the signed executables into dist/qoltanba-<version>.msi with
# wixl (msitools): per machine, Program Files, Start menu, logon start for
# every user (HKLM Run), the local CA in the machine's root store,
# Firefox told to trust it (enterprise roots policy) and the Gosuslugi
# plug-in hosts registered in HKLM (install --all-users); msiexec /x removes all
# of it (settings and logs too with PURGE=1).
msi: windows
	wixl -a x64 -D Version=$(WINVERSION) -D Dist=dist -o dist/qoltanba-$(WINVERSION).msi packaging/windows/qoltanba.wxs
	@echo dist/qoltanba-$(WINVERSION).msi

# test-windows runs the Windows build under Wine (a fresh WINEPREFIX per
# test): the CLI with NCA keys, the agent answering a WebSocket client,
# install/status/uninstall, the MSI installed and removed silently, and the
# dialogs driven from the keyboard under Xvfb (screenshots
# docs/screenshots/windows-*.png with make screenshots).
test-windows: msi
	QOLTANBA_WINDOWS_DIST=$(CURDIR)/dist QOLTANBA_WINDOWS_MSI=$(CURDIR)/dist/qoltanba-$(WINVERSION).msi \
	  $(GO) test -count=1 -timeout 30m -run '^TestWindows' -v ./cmd/qoltanba

# release builds the release programs (linux-amd64; windows-amd64 through
# the windows target) carrying the update repository's newest root and its
# URL, and publishes them into that repository with cmd/qoltanba-release,
# signed with keys from files given now — never kept in this repository
# (docs/updates.md):
#   make release VERSION=v1.2.0 RELEASE_REPO=DIR RELEASE_URL=https://... \
#     RELEASE_KEYS=DIR [RELEASE_DATA=DIR]
# RELEASE_KEYS holds targets.pem, snapshot.pem and timestamp.pem (the root
# keys stay offline: qoltanba-release init and rotate-root); RELEASE_DATA
# the data files (token-modules.json, known-sites.json, nca-ca-certs.pem).
# update/root.json in the tree is a placeholder: a build without the root
# linked in here cannot update.
RELEASE_X = -X github.com/qoltanba/qoltanba/update.DefaultURL=$(RELEASE_URL) -X github.com/qoltanba/qoltanba/update.linkedRoot=
release:
	@if [ -z "$(RELEASE_REPO)" ] || [ -z "$(RELEASE_URL)" ] || [ -z "$(RELEASE_KEYS)" ]; then \
	  echo "release: give VERSION=vX.Y.Z RELEASE_REPO=DIR RELEASE_URL=URL RELEASE_KEYS=DIR (docs/updates.md)"; exit 2; fi
	mkdir -p dist/release
	root=$$($(GO) run ./cmd/qoltanba-release root --repo $(RELEASE_REPO)) && \
	  $(GO) build -trimpath -ldflags '$(LDFLAGS) $(RELEASE_X)'"$$root" -o dist/release/qoltanba-linux-amd64 ./cmd/qoltanba && \
	  $(MAKE) windows LDFLAGS='$(LDFLAGS) $(RELEASE_X)'"$$root"
	$(GO) run ./cmd/qoltanba-release publish --repo $(RELEASE_REPO) --version $(VERSION) \
	  --targets-key $(RELEASE_KEYS)/targets.pem --snapshot-key $(RELEASE_KEYS)/snapshot.pem --timestamp-key $(RELEASE_KEYS)/timestamp.pem \
	  --program linux-amd64=dist/release/qoltanba-linux-amd64 --program windows-amd64=dist/qoltanba.exe \
	  --companion windows-amd64=dist/qoltanba-cli.exe \
	  $(foreach f,$(wildcard $(RELEASE_DATA)/*),--data data/$(notdir $(f))=$(f))
