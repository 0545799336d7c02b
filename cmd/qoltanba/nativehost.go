package main

// The native messaging host. Browsers start the binary a manifest names
// (h-rureg's install writes them: ru.rtlabs.ifcplugin,
// chrome.gosuslugi.plugin, gosuslugi.plugin, path = this binary) with the
// caller's identity as arguments: Chrome, Chromium, Edge and Yandex pass
// "chrome-extension://<id>/" (and "--parent-window=N" on Windows), Firefox
// passes the manifest's path and the add-on id. `qoltanba native-host
// ORIGIN` is the same, spelled out. The host signs nothing: it relays
// frames between the browser (stdin/stdout) and the running agent
// (transport.DialNative: a socket only this user can open), after a hello
// naming the extension the browser vouched for.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/transport"
)

// nativeHostArgs recognises how a browser starts a native messaging host;
// origin is the caller ("chrome-extension://<id>" or
// "moz-extension://<add-on id>").
func nativeHostArgs(args []string) (origin string, ok bool) {
	switch {
	case len(args) >= 1 && strings.HasPrefix(args[0], agent.SchemeChromeExtension+"://"):
		// Chrome: the origin, then "--parent-window=N" on Windows.
		for _, a := range args[1:] {
			if !strings.HasPrefix(a, "--parent-window=") {
				return "", false
			}
		}
		return args[0], true
	case len(args) == 2 && strings.HasSuffix(strings.ToLower(args[0]), ".json") && agent.FirefoxAddonID(args[1]):
		// Firefox: the manifest's path and the add-on id.
		return agent.SchemeMozExtension + "://" + args[1], true
	}
	return "", false
}

// cmdNativeHost is `qoltanba native-host ORIGIN`.
func cmdNativeHost(e *env, args []string) error {
	if len(args) != 1 {
		return usageMsg("cli-native-usage")
	}
	return runNativeHost(e, args[0])
}

// runNativeHost relays for the extension origin until the browser closes
// stdin.
func runNativeHost(e *env, origin string) error {
	o, err := agent.ParseOrigin(origin)
	if err != nil || !o.IsExtension() {
		return usageMsg("cli-native-bad-origin", origin)
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := &nativeHost{origin: o, in: e.stdin, out: e.stdout, log: log, say: func(key string, a ...any) {
		fmt.Fprintf(e.stderr, "qoltanba native-host: %s\n", e.T(key, a...))
	}, dial: func() (net.Conn, error) { return transport.DialNative(transport.NativeSocketPath()) }}
	return h.run(e.ctx)
}

// nativeHost is one browser connection.
type nativeHost struct {
	origin agent.Origin
	in     io.Reader
	out    io.Writer
	log    *slog.Logger
	say    func(key string, a ...any)
	dial   func() (net.Conn, error)

	wmu    sync.Mutex
	proto  string // the host name: from the extension, else from the first frame
	warned bool
}

func (h *nativeHost) write(b []byte) error {
	h.wmu.Lock()
	defer h.wmu.Unlock()
	return transport.WriteFrame(h.out, b)
}

// protocol is the host name the extension speaks: a known extension's,
// else what its first frame looks like (IFCPlugin's func_name, the
// Gosplugin's method and module).
func (h *nativeHost) protocol(first []byte) string {
	if k := agent.KnownExtensionOf(h.origin); k != nil {
		switch k.Key {
		case "ifcplugin":
			return transport.HostIFCPlugin
		case "gosplugin":
			return transport.HostGosplugin
		}
	}
	var probe struct {
		Func   *string         `json:"func_name"`
		Module *string         `json:"module"`
		Method json.RawMessage `json:"method"`
	}
	if json.Unmarshal(first, &probe) == nil && probe.Func == nil && probe.Module != nil && len(probe.Method) > 0 {
		return transport.HostGosplugin
	}
	return transport.HostIFCPlugin
}

// noAgent answers a request when no agent runs.
func (h *nativeHost) noAgent(msg []byte, err error) error {
	if !h.warned {
		h.say("cli-native-no-agent", err)
		h.warned = true
	}
	if h.proto == transport.HostIFCPlugin {
		return h.write(transport.IFCNoAgentAnswer())
	}
	return h.write(transport.GosNoAgentAnswer(msg))
}

// run reads the browser's frames. Until an agent answers, each request is
// answered "not available" (the agent is tried again at each request);
// once connected, frames are relayed both ways until either side closes.
func (h *nativeHost) run(ctx context.Context) error {
	for {
		msg, err := transport.ReadFrame(h.in, transport.MaxNativeRequest)
		var tl *transport.FrameTooLargeError
		switch {
		case errors.As(err, &tl):
			if h.proto == "" {
				h.proto = h.protocol(nil)
			}
			h.write(transport.NativeTooLargeAnswer(h.proto))
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			h.log.Warn("native messaging: the browser's stream broke", "err", err)
			return nil
		}
		if h.proto == "" {
			h.proto = h.protocol(msg)
		}
		c, err := h.dial()
		if err != nil {
			if werr := h.noAgent(msg, err); werr != nil {
				return nil
			}
			continue
		}
		return h.relay(ctx, c, msg)
	}
}

// relay sends the hello and the first request, then copies frames both
// ways.
func (h *nativeHost) relay(ctx context.Context, c net.Conn, first []byte) error {
	defer c.Close()
	hello, _ := json.Marshal(transport.NativeHello{Qoltanba: "native-host", Version: transport.NativeHelloVersion,
		Host: h.proto, Origin: h.origin.String()})
	var buf bytes.Buffer
	if err := transport.WriteFrame(&buf, hello); err != nil {
		return err
	}
	if err := writeRequestFrame(&buf, first); err != nil {
		return err
	}
	if _, err := c.Write(buf.Bytes()); err != nil {
		return h.noAgent(first, err)
	}
	done := make(chan struct{})
	go func() {
		// Agent → browser: the agent's answers are frames of at most 1 MB.
		defer close(done)
		for {
			b, err := transport.ReadFrame(c, transport.MaxNativeAnswer)
			if err != nil {
				return
			}
			if h.write(b) != nil {
				return
			}
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
		case <-done:
		}
		// The agent went away (or we are stopped): unblock the reader
		// below by ending; the browser sees the host exit.
		c.Close()
	}()
	for {
		msg, err := transport.ReadFrame(h.in, transport.MaxNativeRequest)
		var tl *transport.FrameTooLargeError
		switch {
		case errors.As(err, &tl):
			h.write(transport.NativeTooLargeAnswer(h.proto))
			continue
		case err != nil:
			// The browser closed the port: the agent cancels what is
			// pending when the socket closes.
			c.Close()
			<-done
			return nil
		}
		if err := writeRequestFrame(c, msg); err != nil {
			<-done
			return nil
		}
		select {
		case <-done:
			return nil
		default:
		}
	}
}

// writeRequestFrame writes a browser request to the agent (up to
// MaxNativeRequest, unlike an answer to the browser).
func writeRequestFrame(w io.Writer, msg []byte) error {
	return transport.WriteRequestFrame(w, msg)
}
