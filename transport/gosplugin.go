package transport

// The Gosplugin ("Госплагин", host chrome.gosuslugi.plugin, Firefox
// gosuslugi.plugin). Its extension sends envelopes {id, node, error, mode,
// module, method: {type, data, result}, meta: {data: {chunk, chunks,
// execute, id, hash, size}, ...}} and streams files in chunks of up to
// 512 KiB with an MD5 of each; a result over 1 MB comes back chunked.
// What public code shows is the extension's side; the host's answers
// (the result's form, the error object, the protocol version the
// extension checks, the certificate list's fields) could not be
// confirmed. So qoltanba reads the envelope, keeps its id, and answers
// every method with an error envelope saying it is not supported yet: a
// page falls back or says the plug-in cannot do it, and nothing is signed
// on a guess. docs/russia.md lists what is missing.

import (
	"context"
	"encoding/json"

	"github.com/qoltanba/qoltanba/agent"
)

// gosCode is an error code in a Gosplugin error envelope.
type gosCode int

const (
	gosNotSupported gosCode = 501 // the method is not implemented by this host
	gosBadRequest   gosCode = 400
	gosBusy         gosCode = 429
	gosTooLarge     gosCode = 413
	gosNoAgent      gosCode = 503
	gosDenied       gosCode = 403 // the policy or the user blocked the extension
)

// gosEnvelope is the part of an envelope qoltanba reads and echoes.
type gosEnvelope struct {
	ID     string `json:"id"`
	Node   string `json:"node"`
	Mode   string `json:"mode,omitempty"`
	Module string `json:"module"`
	Method struct {
		Type string          `json:"type"`
		Data json.RawMessage `json:"data,omitempty"`
	} `json:"method"`
}

type gosSession struct {
	d      *NativeDoor
	origin agent.Origin
}

// decodeGos decodes an envelope frame.
func decodeGos(msg []byte) (*gosEnvelope, bool) {
	if !validJSONText(msg) || checkKeys(msg) != nil {
		return nil, false
	}
	var e gosEnvelope
	if err := json.Unmarshal(msg, &e); err != nil || e.Method.Type == "" || len(e.ID) > maxField {
		return nil, false
	}
	return &e, true
}

// gosError is the error envelope for a request (e may be nil: a frame
// that could not be read).
func gosError(e *gosEnvelope, code gosCode, outcome agent.Outcome) []byte {
	out := map[string]any{"id": "", "node": "", "module": "", "method": map[string]any{"type": "", "data": nil, "result": nil},
		"error": map[string]any{"code": int(code), "message": string(outcome)}}
	if e != nil {
		out["id"], out["node"], out["module"] = e.ID, e.Node, e.Module
		out["method"] = map[string]any{"type": e.Method.Type, "data": nil, "result": nil}
	}
	return mustJSONAnswer(out)
}

func (s *gosSession) refuse(msg []byte, why nmRefusal) []byte {
	e, _ := decodeGos(msg)
	switch why {
	case refuseBusy, refuseNoMemory:
		return gosError(e, gosBusy, agent.OutcomeBusy)
	case refuseDenied:
		return gosError(e, gosDenied, agent.OutcomeDenied)
	}
	return gosError(e, gosTooLarge, agent.OutcomeTooLarge)
}

func (s *gosSession) handle(_ context.Context, msg []byte) [][]byte {
	e, ok := decodeGos(msg)
	if !ok {
		return [][]byte{gosError(nil, gosBadRequest, agent.OutcomeBadRequest)}
	}
	s.d.Log.Info("gosplugin: method not supported yet", "module", e.Module, "method", e.Method.Type, "origin", s.origin.String())
	return [][]byte{gosError(e, gosNotSupported, agent.OutcomeBadRequest)}
}

// GosNoAgentAnswer is what a host answers a Gosplugin request with when no
// agent runs.
func GosNoAgentAnswer(msg []byte) []byte {
	e, _ := decodeGos(msg)
	return gosError(e, gosNoAgent, agent.OutcomeNoDialog)
}
