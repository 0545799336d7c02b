package transport

// kz.gov.pki.knca.basics, method sign: named arguments, answers with
// "status" (spec section 5).

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/qoltanba/qoltanba/agent"
)

func basicsError(code, msg, details string) []byte {
	return mustJSON(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details string `json:"details,omitempty"`
		Status  bool   `json:"status"`
	}{code, msg, details, false})
}

// flexBool accepts true/false and "true"/"false".
type flexBool struct {
	set, v bool
}

func (f *flexBool) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", `"true"`:
		*f = flexBool{true, true}
	case "false", `"false"`:
		*f = flexBool{true, false}
	case "null":
	default:
		return fmt.Errorf("not a boolean: %s", b)
	}
	return nil
}

func (f flexBool) or(def bool) bool {
	if f.set {
		return f.v
	}
	return def
}

type basicsArgs struct {
	AllowedStorages rawRef `json:"allowedStorages"`
	Format          string `json:"format"`
	Data            rawRef `json:"data"`
	SigningParams   rawRef `json:"signingParams"`
	SignerParams    rawRef `json:"signerParams"`
	Locale          string `json:"locale"`
	Logo            rawRef `json:"logo"`
}

type signingParams struct {
	Decode       flexBool        `json:"decode"`
	Encapsulate  flexBool        `json:"encapsulate"`
	Digested     flexBool        `json:"digested"`
	TSAProfile   json.RawMessage `json:"tsaProfile"`
	OutputCert   flexBool        `json:"outputCert"`
	AllowExpired flexBool        `json:"allowExpired"`
	AllowRevoked flexBool        `json:"allowRevoked"`
}

type signerParams struct {
	ExtKeyUsageOids shortList       `json:"extKeyUsageOids"`
	Chain           json.RawMessage `json:"chain"`
	IIN             string          `json:"iin"`
	BIN             string          `json:"bin"`
	SerialNumber    string          `json:"serialNumber"`
}

func (h *ncaHandler) basicsSign(ctx context.Context, raw rawRef, l *lease) answer {
	req, sp, errAns := h.basicsRequest(raw, l)
	if errAns != nil {
		return bytesAnswer(errAns)
	}
	reclaimAfterDecode(len(raw))
	var res *agent.Result
	var err error
	if req.Format == agent.FormatXML {
		err = chargeXML(req.Documents, l)
	}
	if err == nil {
		res, err = h.s.Agent.Handle(ctx, req)
	}
	if err != nil {
		switch agent.OutcomeOf(err) {
		case agent.OutcomeCanceled:
			return bytesAnswer(ansBasicsCanceled)
		case agent.OutcomeBadRequest, agent.OutcomeTooLarge:
			return bytesAnswer(basicsError("INVALID_SIGNING_PARAMS", agent.PublicMessage(err), ""))
		}
		return bytesAnswer(basicsError("SIGNING_FAILURE", ncaPublicMessage(err), ""))
	}
	return basicsResult(req.Format, res, sp.OutputCert.or(false))
}

// reclaimAfterDecode collects the message once a large one is decoded:
// the frame (tens of MB of base64) is garbage before signing allocates.
func reclaimAfterDecode(n int) {
	if n >= largeMessage {
		runtime.GC()
	}
}

// basicsRequest decodes basics.sign's named arguments into a Request.
// Parser messages never go into an answer (they name Go types); the
// answers say what was wrong in fixed words.
func (h *ncaHandler) basicsRequest(raw rawRef, l *lease) (*agent.Request, *signingParams, []byte) {
	var a basicsArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, nil, basicsError("INVOCATION_ERROR", "args must be an object with the documented fields", "")
	}
	req := &agent.Request{Origin: h.origin, Method: "basics.sign", Locale: a.Locale}
	if req.Locale == "" {
		req.Locale = "kk"
	}
	if len(a.Logo) > 2 && len(a.Logo) <= 50002 {
		var logo string
		if json.Unmarshal(a.Logo, &logo) == nil {
			req.Logo, _ = base64.StdEncoding.DecodeString(logo)
		}
	}
	// allowedStorages: array, null/absent, or "A,B".
	if len(a.AllowedStorages) > 0 && string(a.AllowedStorages) != "null" {
		var list shortList
		if err := json.Unmarshal(a.AllowedStorages, &list); errors.Is(err, errTooMany) {
			return nil, nil, basicsError("INVOCATION_ERROR", "allowedStorages names too many storages", "")
		} else if err != nil {
			var s string
			if err := json.Unmarshal(a.AllowedStorages, &s); err != nil {
				return nil, nil, basicsError("INVOCATION_ERROR", "allowedStorages must be an array or a string", "")
			}
			if strings.Count(s, ",") >= maxListItems {
				return nil, nil, basicsError("INVOCATION_ERROR", "allowedStorages names too many storages", "")
			}
			for _, x := range strings.Split(s, ",") {
				if x = strings.TrimSpace(x); x != "" {
					list = append(list, x)
				}
			}
		}
		for _, x := range list {
			req.Filter.Storages = append(req.Filter.Storages, storageFilter(x)...)
		}
	}
	switch a.Format {
	case "cms":
		req.Format = agent.FormatCMS
	case "xml":
		req.Format = agent.FormatXML
	case "raw":
		req.Format = agent.FormatRaw
	default:
		return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "format must be cms, xml or raw", "")
	}
	var sp signingParams
	if len(a.SigningParams) > 0 && string(a.SigningParams) != "null" {
		if a.SigningParams[0] != '{' {
			return nil, nil, basicsError("INVOCATION_ERROR", "signingParams must be an object", "")
		}
		if err := json.Unmarshal(a.SigningParams, &sp); err != nil {
			return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "bad signingParams: booleans must be true/false or \"true\"/\"false\"", "")
		}
	}
	var sg signerParams
	if len(a.SignerParams) > 0 && string(a.SignerParams) != "null" {
		if a.SignerParams[0] != '{' {
			return nil, nil, basicsError("INVOCATION_ERROR", "signerParams must be an object", "")
		}
		if err := json.Unmarshal(a.SignerParams, &sg); err != nil {
			return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "bad signerParams: extKeyUsageOids is an array of strings, iin, bin and serialNumber are strings", "")
		}
	}
	// data: one string or an array of strings, decoded straight from the
	// message (see rawRef); the count is checked as the array is walked.
	var items [][]byte
	t := bytes.TrimSpace(a.Data)
	if len(t) > 0 && t[0] == '[' {
		err := stringArray(t, agent.MaxDocuments+1, func(tok []byte) error { items = append(items, tok); return nil })
		if errors.Is(err, errTooMany) {
			return nil, nil, basicsError("INVALID_SIGNING_PARAMS", agent.PublicMessage(agent.TooLarge("more than %d documents", agent.MaxDocuments)), "")
		}
		if err != nil {
			return nil, nil, basicsError("INVOCATION_ERROR", "data must be a string or an array of strings", "")
		}
	} else {
		items = [][]byte{t}
	}
	if len(items) == 0 {
		return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "no data to sign", "")
	}
	decode := sp.Decode.or(false)
	for i, it := range items {
		text, ok := jsonStringBytes(it)
		if !ok {
			return nil, nil, basicsError("INVOCATION_ERROR", "data must be a string or an array of strings", "")
		}
		if !decode {
			req.Documents = append(req.Documents, text)
			continue
		}
		n := base64.StdEncoding.DecodedLen(len(text))
		if !l.grow(int64(n)) {
			return nil, nil, basicsError("SIGNING_FAILURE", agent.OutcomeBusy.Message(), "")
		}
		doc := make([]byte, n)
		k, err := base64.StdEncoding.Decode(doc, text)
		if err != nil {
			return nil, nil, basicsError("INVALID_SIGNING_PARAMS", fmt.Sprintf("data[%d] is not base64", i), "")
		}
		req.Documents = append(req.Documents, doc[:k])
	}
	a.Data = nil
	req.Detached = !sp.Encapsulate.or(true)
	req.Digested = sp.Digested.or(false)
	req.Timestamp = len(sp.TSAProfile) > 0 && sp.TSAProfile[0] == '{'
	req.Filter.AllowExpired = sp.AllowExpired.or(false)
	req.Filter.AllowRevoked = sp.AllowRevoked.or(false)
	req.Filter.EKUs = []string(sg.ExtKeyUsageOids)
	req.Filter.IIN, req.Filter.BIN, req.Filter.Serial = sg.IIN, sg.BIN, sg.SerialNumber
	switch c := strings.TrimSpace(string(sg.Chain)); {
	case c == "" || c == "null":
		req.Filter.Chain = agent.ChainProduction
	case c == "[]":
		req.Filter.Chain = agent.ChainAny
	default:
		var pems shortList
		if err := json.Unmarshal(sg.Chain, &pems); err != nil {
			return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "signerParams.chain must be an array of PEM certificates", "")
		}
		req.Filter.Chain = agent.ChainGiven
		for _, p := range pems {
			blk, _ := pem.Decode([]byte(p))
			if blk == nil {
				return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "signerParams.chain: not a PEM certificate", "")
			}
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "signerParams.chain: not a readable certificate", "")
			}
			req.Filter.CAs = append(req.Filter.CAs, c)
		}
	}
	return req, &sp, nil
}

// basicsResult writes the success answer; CMS results are streamed as PEM
// inside the JSON so a large signature is never held twice.
func basicsResult(format agent.Format, res *agent.Result, outputCert bool) answer {
	var result any
	switch format {
	case agent.FormatCMS:
		return streamPEMs(res.Signatures)
	case agent.FormatXML:
		out := make([]string, len(res.Signatures))
		for i, s := range res.Signatures {
			out[i] = string(s)
		}
		result = out
	case agent.FormatRaw:
		out := make([]string, len(res.Signatures))
		for i, s := range res.Signatures {
			out[i] = base64.StdEncoding.EncodeToString(s)
		}
		result = out
		if outputCert {
			// *open*: the spec shows this object in place of the array.
			result = struct {
				Signatures  []string `json:"signatures"`
				Certificate string   `json:"certificate"`
			}{out, base64.StdEncoding.EncodeToString(res.Certificate.Raw)}
		}
	}
	return bytesAnswer(mustJSON(struct {
		Body struct {
			Result any `json:"result"`
		} `json:"body"`
		Status bool `json:"status"`
	}{Body: struct {
		Result any `json:"result"`
	}{result}, Status: true}))
}

// streamPEMs writes {"body":{"result":["-----BEGIN CMS-----\n...",...]},"status":true}
// line by line: PEM armour with 64-character lines, JSON-escaped.
func streamPEMs(ders [][]byte) answer {
	return func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 64<<10)
		bw.WriteString(`{"body":{"result":[`)
		line := make([]byte, 64)
		for i, d := range ders {
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString(`"-----BEGIN CMS-----\n`)
			for off := 0; off < len(d); off += 48 {
				chunk := d[off:min(off+48, len(d))]
				n := base64.StdEncoding.EncodedLen(len(chunk))
				base64.StdEncoding.Encode(line[:n], chunk)
				bw.Write(line[:n])
				bw.WriteString(`\n`)
			}
			bw.WriteString(`-----END CMS-----\n"`)
		}
		bw.WriteString(`]},"status":true}`)
		return bw.Flush()
	}
}
