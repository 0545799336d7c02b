// Package transport serves the agent on wss://127.0.0.1:<port>: the
// NCALayer protocol on "/" (docs/spec/ncalayer-protocol.md), our
// origin-bound JSON-RPC protocol on "/qoltanba/v1" (docs/protocol.md), and a
// small status page; when turned on, sibling servers (Server.Sibling) speak
// the Vietnamese vendors' protocols on their ports: the VNPT-CA Plugin
// (vnpt.go) and VGCA SignService (vgca.go), docs/vietnam.md. It enforces the loopback policy before any work:
// Host must be 127.0.0.1, localhost or [::1] with our port (else 421), the
// origin comes only from the handshake's Origin header, "null" and denied
// origins are refused. Gosuslugi's pages reach it another way: the browser
// starts qoltanba as the native messaging host of their extension, which
// relays to the agent's NativeDoor over a socket (a named pipe on Windows)
// only the same user can open, the extension the browser named being the
// caller (nmdoor.go; the IFCPlugin protocol in ifc.go, the Gosplugin's
// envelope in gosplugin.go; docs/russia.md).
package transport
