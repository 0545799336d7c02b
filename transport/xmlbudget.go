package transport

import (
	"fmt"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
)

// chargeXML bounds the trees the signer will build for a request's XML
// documents and reserves their memory in the request's lease before the
// request goes on (to the dialog, then the signer): a document over the
// signer's element or depth limits, or whose tree could never fit the
// origin's share of the budget, is too large; one that does not fit now
// is busy. The documents are signed one after another, so the largest
// tree is charged, not the sum.
func chargeXML(docs [][]byte, l *lease) error {
	var most int64
	for i, d := range docs {
		t, err := signer.ScanXML(d)
		if err != nil {
			return agent.TooLarge("document %d: more than %d XML elements or nested deeper than %d", i+1, signer.MaxXMLElements, signer.MaxXMLDepth)
		}
		most = max(most, t.Memory())
	}
	if l == nil || most == 0 {
		return nil
	}
	if l.n+most > l.b.perSite {
		return agent.TooLarge("the XML document needs %d MB to sign; at most %d MB", (l.n+most)>>20, l.b.perSite>>20)
	}
	if !l.grow(most) {
		return fmt.Errorf("transport: no room for the XML tree: %w", agent.ErrBusy)
	}
	return nil
}
