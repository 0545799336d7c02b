package main

import "net/http"

// Request body caps by path: a login carries one signature (a CMS or XML
// of a few kB with its certificate; 64 kB leaves room for a chain), the
// one-time code form a few bytes, every other route nothing.
var bodyCaps = map[string]int64{
	"/login": 64 << 10,
	"/otp":   1 << 10,
}

// defaultBodyCap is every other route's cap.
const defaultBodyCap = 1 << 10

// limitBodies refuses a request whose declared body is over its route's
// cap with 413 before reading any of it, and stops reading a body sent
// without a length at the cap (http.MaxBytesReader: the handler's read
// fails and the connection is closed after the answer).
func limitBodies(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, ok := bodyCaps[r.URL.Path]
		if !ok {
			limit = defaultBodyCap
		}
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		h.ServeHTTP(w, r)
	})
}
