package transport

// Our own protocol for new sites (docs/protocol.md): JSON-RPC 2.0 on
// /qoltanba/v1, several requests in flight, and a login whose signed
// content binds the origin the browser reported.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/verify"
	"github.com/qoltanba/qoltanba/token"
	"github.com/qoltanba/qoltanba/token/p11"
)

// ProtocolVersion of the native protocol.
const ProtocolVersion = 1

// Stable error codes (JSON-RPC error.message; error.code is numeric).
var nativeCodes = map[string]int{
	"CANCELED": -32001, "ORIGIN_DENIED": -32002, "NO_MATCHING_KEY": -32003, "WRONG_PIN": -32004,
	"TOKEN_LOCKED": -32005, "BAD_REQUEST": -32602, "TOO_LARGE": -32006, "BUSY": -32007, "TIMEOUT": -32008,
	"INTERNAL": -32603, "METHOD_NOT_FOUND": -32601, "PARSE_ERROR": -32700,
}

// maxInFlight bounds concurrent requests on one connection.
const maxInFlight = 8

type rpcRequest struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data,omitempty"`
}

type rpcResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

func rpcErr(id json.RawMessage, code string, detail string) rpcResponse {
	if id == nil {
		id = json.RawMessage("null")
	}
	return rpcResponse{JSONRPC: "2.0", ID: id, Error: &rpcError{Code: nativeCodes[code], Message: code, Data: detail}}
}

func (s *Server) serveNative(w http.ResponseWriter, r *http.Request, origin agent.Origin) {
	c, ctx, cancel, err := s.upgrade(w, r)
	if err != nil {
		return
	}
	defer cancel()
	defer c.ws.Close()
	sem := make(chan struct{}, maxInFlight)
	idle := 3 * s.PingEvery
	for {
		msg, err := readMessage(c, idle)
		if err != nil {
			break
		}
		var req rpcRequest
		if err := json.Unmarshal(msg, &req); err != nil || req.JSONRPC != "2.0" || req.Method == "" {
			c.writeText(mustJSON(rpcErr(req.ID, "PARSE_ERROR", "not a JSON-RPC 2.0 request")))
			continue
		}
		select {
		case sem <- struct{}{}:
		default:
			c.writeText(mustJSON(rpcErr(req.ID, "BUSY", "too many requests in flight")))
			continue
		}
		go func() {
			defer func() { <-sem }()
			resp := s.nativeCall(ctx, origin, &req)
			if ctx.Err() == nil {
				c.writeText(mustJSON(resp))
			}
		}()
	}
	cancel()
}

type loginParams struct {
	Challenge    string `json:"challenge"`
	Format       string `json:"format"`
	AllowExpired bool   `json:"allowExpired"` // test environments with expired test keys
}

type signParams struct {
	Format    string   `json:"format"`
	Documents []string `json:"documents"`
	Detached  bool     `json:"detached"`
	Digested  bool     `json:"digested"`
	TSA       bool     `json:"tsa"`
	// AllowExpired lets expired keys be chosen (test environments).
	AllowExpired bool `json:"allowExpired"`
}

// LoginContent is what a native login signs (defined beside its
// verifier, in signer/verify).
func LoginContent(origin agent.Origin, challenge []byte, t time.Time) []byte {
	return verify.LoginContent(origin.String(), challenge, t)
}

func loginXML(origin agent.Origin, challenge []byte, t time.Time) []byte {
	return verify.LoginXML(origin.String(), challenge, t)
}

func (s *Server) nativeCall(ctx context.Context, origin agent.Origin, r *rpcRequest) rpcResponse {
	ok := func(v any) rpcResponse { return rpcResponse{JSONRPC: "2.0", ID: r.ID, Result: v} }
	switch r.Method {
	case "version":
		return ok(map[string]any{"version": s.Version, "protocol": ProtocolVersion})
	case "login":
		var p loginParams
		if err := json.Unmarshal(r.Params, &p); err != nil {
			return rpcErr(r.ID, "BAD_REQUEST", "params: "+err.Error())
		}
		ch, err := base64.StdEncoding.DecodeString(p.Challenge)
		if err != nil || len(ch) < 32 || len(ch) > 128 {
			return rpcErr(r.ID, "BAD_REQUEST", "challenge must be base64 of 32 to 128 bytes")
		}
		now := time.Now()
		req := &agent.Request{Origin: origin, Method: "native.login", Action: "login",
			Filter: agent.Filter{Kind: "auth", Chain: agent.ChainAny, AllowExpired: p.AllowExpired}}
		switch p.Format {
		case "", "cms":
			req.Format, req.Documents = agent.FormatCMS, [][]byte{LoginContent(origin, ch, now)}
		case "xml":
			req.Format, req.Documents = agent.FormatXML, [][]byte{loginXML(origin, ch, now)}
		default:
			return rpcErr(r.ID, "BAD_REQUEST", "format must be cms or xml")
		}
		res, err := s.Agent.Handle(ctx, req)
		if err != nil {
			return nativeError(r.ID, err)
		}
		return ok(map[string]string{"signature": encodeSig(req.Format, res.Signatures[0]),
			"certificate": base64.StdEncoding.EncodeToString(res.Certificate.Raw), "signedContent": string(req.Documents[0])})
	case "sign":
		var p signParams
		if err := json.Unmarshal(r.Params, &p); err != nil {
			return rpcErr(r.ID, "BAD_REQUEST", "params: "+err.Error())
		}
		req := &agent.Request{Origin: origin, Method: "native.sign", Format: agent.Format(p.Format),
			Detached: p.Detached, Digested: p.Digested, Timestamp: p.TSA,
			Filter: agent.Filter{Kind: "sign", Chain: agent.ChainAny, AllowExpired: p.AllowExpired}}
		for i, d := range p.Documents {
			b, err := base64.StdEncoding.DecodeString(d)
			if err != nil {
				return rpcErr(r.ID, "BAD_REQUEST", "documents["+strconv.Itoa(i)+"] is not base64")
			}
			req.Documents = append(req.Documents, b)
		}
		res, err := s.Agent.Handle(ctx, req)
		if err != nil {
			return nativeError(r.ID, err)
		}
		out := make([]string, len(res.Signatures))
		for i, sig := range res.Signatures {
			out[i] = encodeSig(req.Format, sig)
		}
		return ok(map[string]any{"signatures": out, "certificate": base64.StdEncoding.EncodeToString(res.Certificate.Raw)})
	}
	return rpcErr(r.ID, "METHOD_NOT_FOUND", r.Method)
}

func encodeSig(f agent.Format, sig []byte) string {
	if f == agent.FormatXML {
		return string(sig)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

func nativeError(id json.RawMessage, err error) rpcResponse {
	switch {
	case errors.Is(err, agent.ErrCanceled), errors.Is(err, context.Canceled):
		return rpcErr(id, "CANCELED", "")
	case errors.Is(err, agent.ErrOriginDenied):
		return rpcErr(id, "ORIGIN_DENIED", "")
	case errors.Is(err, agent.ErrNoMatchingKey):
		return rpcErr(id, "NO_MATCHING_KEY", "")
	case errors.Is(err, agent.ErrBusy):
		return rpcErr(id, "BUSY", "")
	case errors.Is(err, agent.ErrTimeout):
		return rpcErr(id, "TIMEOUT", "")
	case errors.Is(err, agent.ErrTooLarge):
		return rpcErr(id, "TOO_LARGE", err.Error())
	case errors.Is(err, p11.ErrPINLocked):
		return rpcErr(id, "TOKEN_LOCKED", "")
	case errors.Is(err, p11.ErrWrongPIN), errors.Is(err, token.ErrWrongPassword):
		return rpcErr(id, "WRONG_PIN", "")
	case errors.Is(err, agent.ErrBadRequest), errors.Is(err, signer.ErrXML):
		return rpcErr(id, "BAD_REQUEST", err.Error())
	}
	return rpcErr(id, "INTERNAL", err.Error())
}
