package transport

// Our own protocol for new sites (docs/protocol.md): JSON-RPC 2.0 on
// /qoltanba/v1, several requests in flight, and a login whose signed
// content binds the origin the browser reported.

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
)

// ProtocolVersion of the native protocol.
const ProtocolVersion = 1

// Stable error codes (JSON-RPC error.message; error.code is numeric).
var nativeCodes = map[string]int{
	"CANCELED": -32001, "ORIGIN_DENIED": -32002, "NO_MATCHING_KEY": -32003, "WRONG_PIN": -32004,
	"TOKEN_LOCKED": -32005, "BAD_REQUEST": -32602, "TOO_LARGE": -32006, "BUSY": -32007, "TIMEOUT": -32008,
	"TSA_FAILED": -32009, "NO_DIALOG": -32010, "INTERNAL": -32603, "METHOD_NOT_FOUND": -32601, "PARSE_ERROR": -32700,
}

// maxInFlight bounds concurrent requests on one connection.
const maxInFlight = 8

type rpcRequest struct {
	JSONRPC string `json:"jsonrpc"`
	ID      rawRef `json:"id"`
	Method  string `json:"method"`
	Params  rawRef `json:"params"`
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
	var inFlight sync.WaitGroup
	idle := 3 * s.PingEvery
	for {
		// While a request of this connection is in progress, only small
		// messages are kept (nothing large waits behind the user).
		limit := func() int64 {
			if len(sem) > 0 {
				return smallMessage
			}
			return s.MaxMessage
		}
		m, err := s.readMessage(c, idle, siteOf(origin), limit, "id")
		if err != nil {
			if errors.Is(err, errInvalidUTF8) {
				closeInvalidUTF8(c)
			}
			break
		}
		if m.refused() {
			id, _ := m.fields.field("id")
			c.writeText(mustJSON(rpcErr(validID(id), "BUSY", agent.OutcomeBusy.Message())))
			continue
		}
		req, bad := decodeRequest(m.data)
		if bad != nil {
			m.lease.release()
			c.writeText(mustJSON(bad))
			continue
		}
		select {
		case sem <- struct{}{}:
		default:
			m.lease.release()
			c.writeText(mustJSON(rpcErr(validID(req.ID), "BUSY", "too many requests in flight")))
			continue
		}
		inFlight.Add(1)
		go func() {
			defer inFlight.Done()
			resp := s.nativeCall(ctx, origin, req, m.lease)
			<-sem // before the answer: the page's next message may follow it at once
			if ctx.Err() == nil {
				writeResponse(c, resp)
			}
			// After the answer: when the budget empties, the garbage the
			// answer left is collected too.
			m.lease.release()
		}()
	}
	cancel()
	inFlight.Wait()
}

// decodeRequest decodes a message into a request, or into the answer
// that refuses it. A repeated key is refused, not resolved: the id is kept
// only when the request object itself is sound.
func decodeRequest(data []byte) (*rpcRequest, *rpcResponse) {
	var req rpcRequest
	if err := checkKeys(data); err != nil {
		var ke *keysError
		if errors.As(err, &ke) && !ke.top {
			json.Unmarshal(data, &req)
		}
		bad := rpcErr(validID(req.ID), "BAD_REQUEST", err.Error())
		return nil, &bad
	}
	if err := json.Unmarshal(data, &req); err != nil || req.JSONRPC != "2.0" || req.Method == "" {
		bad := rpcErr(validID(req.ID), "PARSE_ERROR", "not a JSON-RPC 2.0 request")
		return nil, &bad
	}
	return &req, nil
}

// validID keeps a request id for the answer only when it is a short JSON
// value (a refused message's id comes from the scanner).
func validID(id []byte) json.RawMessage {
	if len(id) == 0 || len(id) > maxField || !json.Valid(id) {
		return nil
	}
	return json.RawMessage(id)
}

type loginParams struct {
	Challenge    string `json:"challenge"`
	Format       string `json:"format"`
	AllowExpired bool   `json:"allowExpired"` // test environments with expired test keys
}

type signParams struct {
	Format    string   `json:"format"`
	Documents docsList `json:"documents"`
	Detached  bool     `json:"detached"`
	Digested  bool     `json:"digested"`
	TSA       bool     `json:"tsa"`
	// AllowExpired lets expired keys be chosen (test environments).
	AllowExpired bool `json:"allowExpired"`
}

// docsList is a JSON array of base64 strings, kept as views into the
// message and counted as it is walked (at most agent.MaxDocuments).
type docsList [][]byte

// UnmarshalJSON walks the array without copying it.
func (d *docsList) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	// The count is of all the documents decoded into d, not of this
	// array alone: the limit holds while decoding, whatever reaches it.
	return stringArray(b, agent.MaxDocuments+1, func(tok []byte) error {
		if len(*d) >= agent.MaxDocuments {
			return errTooMany
		}
		s, ok := jsonStringBytes(tok)
		if !ok {
			return errors.New("documents: not a string")
		}
		*d = append(*d, s)
		return nil
	})
}

// LoginContent is what a native login signs (defined beside its
// verifier, in signer/verify).
func LoginContent(origin agent.Origin, challenge []byte, t time.Time) []byte {
	return signer.LoginContent(origin.String(), challenge, t)
}

func loginXML(origin agent.Origin, challenge []byte, t time.Time) []byte {
	return signer.LoginXML(origin.String(), challenge, t)
}

func (s *Server) nativeCall(ctx context.Context, origin agent.Origin, r *rpcRequest, l *lease) rpcResponse {
	id := validID(r.ID)
	ok := func(v any) rpcResponse { return rpcResponse{JSONRPC: "2.0", ID: id, Result: v} }
	switch r.Method {
	case "version":
		return ok(map[string]any{"version": s.Version, "protocol": ProtocolVersion})
	case "login":
		var p loginParams
		if err := json.Unmarshal(r.Params, &p); err != nil {
			return rpcErr(id, "BAD_REQUEST", "params: challenge (string), format (string), allowExpired (boolean)")
		}
		ch, err := base64.StdEncoding.DecodeString(p.Challenge)
		if err != nil || len(ch) < 32 || len(ch) > 128 {
			return rpcErr(id, "BAD_REQUEST", "challenge must be base64 of 32 to 128 bytes")
		}
		now := time.Now()
		req := &agent.Request{Origin: origin, Method: "native.login", Action: agent.ActionLogin,
			Filter: agent.Filter{Kind: agent.KeyAuth, Chain: agent.ChainAny, AllowExpired: p.AllowExpired}}
		switch p.Format {
		case "", "cms":
			req.Format, req.Documents = agent.FormatCMS, [][]byte{LoginContent(origin, ch, now)}
		case "xml":
			req.Format, req.Documents = agent.FormatXML, [][]byte{loginXML(origin, ch, now)}
		default:
			return rpcErr(id, "BAD_REQUEST", "format must be cms or xml")
		}
		res, err := s.Agent.Handle(ctx, req)
		if err != nil {
			return nativeError(id, err)
		}
		return ok(map[string]string{"signature": encodeSig(req.Format, res.Signatures[0]),
			"certificate": base64.StdEncoding.EncodeToString(res.Certificate.Raw), "signedContent": string(req.Documents[0])})
	case "sign":
		if !chargeEscapes(r.Params, l) {
			return rpcErr(id, "BUSY", agent.OutcomeBusy.Message())
		}
		var p signParams
		if err := json.Unmarshal(r.Params, &p); errors.Is(err, errTooMany) {
			return rpcErr(id, "TOO_LARGE", agent.PublicMessage(agent.TooLarge("more than %d documents", agent.MaxDocuments)))
		} else if err != nil {
			return rpcErr(id, "BAD_REQUEST", "params: format (string), documents (array of base64 strings), detached, digested, tsa, allowExpired (booleans)")
		}
		req := &agent.Request{Origin: origin, Method: "native.sign", Format: agent.Format(p.Format),
			Detached: p.Detached, Digested: p.Digested, Timestamp: p.TSA,
			Filter: agent.Filter{Kind: agent.KeySign, Chain: agent.ChainAny, AllowExpired: p.AllowExpired}}
		for i, d := range p.Documents {
			n := base64.StdEncoding.DecodedLen(len(d))
			if !l.grow(int64(n)) {
				return rpcErr(id, "BUSY", agent.OutcomeBusy.Message())
			}
			b := make([]byte, n)
			k, err := base64.StdEncoding.Decode(b, d)
			if err != nil {
				return rpcErr(id, "BAD_REQUEST", "documents["+strconv.Itoa(i)+"] is not base64")
			}
			req.Documents = append(req.Documents, b[:k])
		}
		if req.Format == agent.FormatXML {
			if err := chargeXML(req.Documents, l); err != nil {
				return nativeError(id, err)
			}
		}
		res, err := s.Agent.Handle(ctx, req)
		if err != nil {
			return nativeError(id, err)
		}
		return ok(&signResult{format: req.Format, sigs: res.Signatures, cert: res.Certificate.Raw})
	}
	return rpcErr(id, "METHOD_NOT_FOUND", r.Method)
}

// signResult is a sign answer's result, written straight to the
// connection: a 50 MB signature is not first built as one JSON string.
type signResult struct {
	format agent.Format
	sigs   [][]byte
	cert   []byte
}

// write writes {"certificate":"...","signatures":["...",...]}.
func (r *signResult) write(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"certificate":"`)
	bw.WriteString(base64.StdEncoding.EncodeToString(r.cert))
	bw.WriteString(`","signatures":[`)
	for i, sig := range r.sigs {
		if i > 0 {
			bw.WriteByte(',')
		}
		if r.format == agent.FormatXML {
			bw.Write(mustJSON(string(sig)))
			continue
		}
		bw.WriteByte('"')
		e := base64.NewEncoder(base64.StdEncoding, bw)
		e.Write(sig)
		e.Close()
		bw.WriteByte('"')
	}
	bw.WriteString("]}")
	return bw.Flush()
}

// writeResponse sends an answer, streaming a sign result.
func writeResponse(c *conn, resp rpcResponse) error {
	r, ok := resp.Result.(*signResult)
	if !ok {
		return c.writeText(mustJSON(resp))
	}
	return c.writeAnswer(func(w io.Writer) error {
		id := resp.ID
		if id == nil {
			id = json.RawMessage("null")
		}
		if _, err := fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":`, id); err != nil {
			return err
		}
		if err := r.write(w); err != nil {
			return err
		}
		_, err := io.WriteString(w, "}")
		return err
	})
}

func encodeSig(f agent.Format, sig []byte) string {
	if f == agent.FormatXML {
		return string(sig)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// nativeError maps an outcome to the protocol's code, with the fixed
// public message (never the error's own text).
func nativeError(id json.RawMessage, err error) rpcResponse {
	code := "INTERNAL"
	switch agent.OutcomeOf(err) {
	case agent.OutcomeCanceled:
		code = "CANCELED"
	case agent.OutcomeDenied:
		code = "ORIGIN_DENIED"
	case agent.OutcomeNoMatchingKey:
		code = "NO_MATCHING_KEY"
	case agent.OutcomeBusy:
		code = "BUSY"
	case agent.OutcomeTimeout:
		code = "TIMEOUT"
	case agent.OutcomeTooLarge:
		code = "TOO_LARGE"
	case agent.OutcomeTokenLocked:
		code = "TOKEN_LOCKED"
	case agent.OutcomeWrongPIN:
		code = "WRONG_PIN"
	case agent.OutcomeBadRequest:
		code = "BAD_REQUEST"
	case agent.OutcomeTimestamp:
		code = "TSA_FAILED"
	case agent.OutcomeNoDialog:
		code = "NO_DIALOG"
	}
	return rpcErr(id, code, agent.PublicMessage(err))
}
