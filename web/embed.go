// Package web holds the JavaScript client of qoltanba's protocol
// (qoltanba.js), embedded for Go programs that serve it (the demo site).
package web

import _ "embed"

// ClientJS is web/qoltanba.js.
//
//go:embed qoltanba.js
var ClientJS []byte
