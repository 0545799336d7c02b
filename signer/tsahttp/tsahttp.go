// Package tsahttp carries RFC 3161 timestamp requests over HTTP for
// signer.TSAClient, so that signer itself does no I/O. Failures are said in
// a person's words (never Go's "Post ...: dial tcp ...").
package tsahttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/qoltanba/qoltanba/signer"
)

// Client posts timestamp requests; the zero Client uses an HTTP client
// with a 30 s timeout.
type Client struct {
	HTTP *http.Client
}

// New is a TSAClient for url that posts over HTTP.
func New(url string) *signer.TSAClient {
	return &signer.TSAClient{URL: url, Post: Client{}}
}

// PostTSA sends request to url and returns the answer's body.
func (c Client) PostTSA(ctx context.Context, url string, request []byte, maxBytes int64) ([]byte, error) {
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(request))
	if err != nil {
		return nil, fmt.Errorf("the timestamp server's address %q is not a URL", url)
	}
	req.Header.Set("Content-Type", "application/timestamp-query")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("the timestamp server %s %s", url, unreachable(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the timestamp server %s answered HTTP %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("the timestamp server %s broke off its answer", url)
	}
	if int64(len(body)) > maxBytes {
		return nil, fmt.Errorf("the timestamp server %s answered more than %d bytes", url, maxBytes)
	}
	return body, nil
}

// unreachable says why a server could not be reached, with what to check.
func unreachable(err error) string {
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.As(err, &dns):
		return "could not be found (its name does not resolve): check the address and the network"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused the connection: it is down, or the address is wrong"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "did not answer in time: try again later, or check the network"
	case errors.Is(err, context.Canceled):
		return "was not waited for (canceled)"
	}
	return "could not be reached: check the address and the network"
}
