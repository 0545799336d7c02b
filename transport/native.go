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

// nativeCode is one of the protocol's stable error codes (docs/protocol.md):
// its number is JSON-RPC's error.code, its name error.message. Typed
// constants: a misspelt code does not compile (a name looked up in a map
// gave 0).
type nativeCode int

// The native protocol's error codes.
const (
	codeCanceled       nativeCode = -32001
	codeOriginDenied   nativeCode = -32002
	codeNoMatchingKey  nativeCode = -32003
	codeWrongPIN       nativeCode = -32004
	codeTokenLocked    nativeCode = -32005
	codeTooLarge       nativeCode = -32006
	codeBusy           nativeCode = -32007
	codeTimeout        nativeCode = -32008
	codeTSAFailed      nativeCode = -32009
	codeNoDialog       nativeCode = -32010
	codeBadRequest     nativeCode = -32602
	codeInternal       nativeCode = -32603
	codeMethodNotFound nativeCode = -32601
	codeParseError     nativeCode = -32700
)

// nativeCodeNames are the codes' names, as pages compare them.
var nativeCodeNames = map[nativeCode]string{
	codeCanceled: "CANCELED", codeOriginDenied: "ORIGIN_DENIED", codeNoMatchingKey: "NO_MATCHING_KEY",
	codeWrongPIN: "WRONG_PIN", codeTokenLocked: "TOKEN_LOCKED", codeTooLarge: "TOO_LARGE", codeBusy: "BUSY",
	codeTimeout: "TIMEOUT", codeTSAFailed: "TSA_FAILED", codeNoDialog: "NO_DIALOG", codeBadRequest: "BAD_REQUEST",
	codeInternal: "INTERNAL", codeMethodNotFound: "METHOD_NOT_FOUND", codeParseError: "PARSE_ERROR",
}

// String is the code's name (error.message).
func (c nativeCode) String() string { return nativeCodeNames[c] }

// outcomeCodes: how a request's outcome is told to a native page; any
// other outcome is INTERNAL.
var outcomeCodes = map[agent.Outcome]nativeCode{
	agent.OutcomeCanceled: codeCanceled, agent.OutcomeDenied: codeOriginDenied, agent.OutcomeNoMatchingKey: codeNoMatchingKey,
	agent.OutcomeBusy: codeBusy, agent.OutcomeTimeout: codeTimeout, agent.OutcomeTooLarge: codeTooLarge,
	agent.OutcomeTokenLocked: codeTokenLocked, agent.OutcomeWrongPIN: codeWrongPIN, agent.OutcomeBadRequest: codeBadRequest,
	agent.OutcomeTimestamp: codeTSAFailed, agent.OutcomeNoDialog: codeNoDialog,
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

func rpcErr(id json.RawMessage, code nativeCode, detail string) rpcResponse {
	if id == nil {
		id = json.RawMessage("null")
	}
	return rpcResponse{JSONRPC: "2.0", ID: id, Error: &rpcError{Code: int(code), Message: code.String(), Data: detail}}
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
			c.writeText(mustJSON(rpcErr(validID(id), codeBusy, agent.OutcomeBusy.Message())))
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
			c.writeText(mustJSON(rpcErr(validID(req.ID), codeBusy, "too many requests in flight")))
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
		bad := rpcErr(validID(req.ID), codeBadRequest, err.Error())
		return nil, &bad
	}
	if err := json.Unmarshal(data, &req); err != nil || req.JSONRPC != "2.0" || req.Method == "" {
		bad := rpcErr(validID(req.ID), codeParseError, "not a JSON-RPC 2.0 request")
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
			return rpcErr(id, codeBadRequest, "params: challenge (string), format (string), allowExpired (boolean)")
		}
		ch, err := base64.StdEncoding.DecodeString(p.Challenge)
		if err != nil || len(ch) < 32 || len(ch) > 128 {
			return rpcErr(id, codeBadRequest, "challenge must be base64 of 32 to 128 bytes")
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
			return rpcErr(id, codeBadRequest, "format must be cms or xml")
		}
		res, err := s.Agent.Handle(ctx, req)
		if err != nil {
			return nativeError(id, err)
		}
		return ok(map[string]string{"signature": encodeSig(req.Format, res.Signatures[0]),
			"certificate": base64.StdEncoding.EncodeToString(res.Certificate.Raw), "signedContent": string(req.Documents[0])})
	case "sign":
		if !chargeEscapes(r.Params, l) {
			return rpcErr(id, codeBusy, agent.OutcomeBusy.Message())
		}
		var p signParams
		if err := json.Unmarshal(r.Params, &p); errors.Is(err, errTooMany) {
			return rpcErr(id, codeTooLarge, agent.PublicMessage(agent.TooLarge("more than %d documents", agent.MaxDocuments)))
		} else if err != nil {
			return rpcErr(id, codeBadRequest, "params: format (string), documents (array of base64 strings), detached, digested, tsa, allowExpired (booleans)")
		}
		req := &agent.Request{Origin: origin, Method: "native.sign", Format: agent.Format(p.Format),
			Detached: p.Detached, Digested: p.Digested, Timestamp: p.TSA,
			Filter: agent.Filter{Kind: agent.KeySign, Chain: agent.ChainAny, AllowExpired: p.AllowExpired}}
		for i, d := range p.Documents {
			n := base64.StdEncoding.DecodedLen(len(d))
			if !l.grow(int64(n)) {
				return rpcErr(id, codeBusy, agent.OutcomeBusy.Message())
			}
			b := make([]byte, n)
			k, err := base64.StdEncoding.Decode(b, d)
			if err != nil {
				return rpcErr(id, codeBadRequest, "documents["+strconv.Itoa(i)+"] is not base64")
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
	return rpcErr(id, codeMethodNotFound, r.Method)
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
	code, ok := outcomeCodes[agent.OutcomeOf(err)]
	if !ok {
		code = codeInternal
	}
	return rpcErr(id, code, agent.PublicMessage(err))
}
