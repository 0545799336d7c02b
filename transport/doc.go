// Package transport serves the agent on wss://127.0.0.1:<port>: the
// NCALayer protocol on "/" (docs/spec/ncalayer-protocol.md), our
// origin-bound JSON-RPC protocol on "/qoltanba/v1" (docs/protocol.md), and a
// small status page; when turned on, sibling servers (Server.Sibling) speak
// the Vietnamese vendors' protocols on their ports: the VNPT-CA Plugin
// (vnpt.go) and VGCA SignService (vgca.go), docs/vietnam.md. It enforces the loopback policy before any work:
// Host must be 127.0.0.1, localhost or [::1] with our port (else 421), the
// origin comes only from the handshake's Origin header, "null" and denied
// origins are refused.
package transport
