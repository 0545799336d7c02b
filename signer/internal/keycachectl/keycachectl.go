// Package keycachectl turns signer's cache of parsed GOST public keys off,
// for benchmarks that measure a login's cost without any cache
// (signer/verify's …/uncached). Nothing outside signer's tree can import
// it, so a program cannot turn the cache off by accident.
package keycachectl

import "sync/atomic"

// Off, while true, makes every verification parse the certificate's key
// and build its table afresh, as before the cache.
var Off atomic.Bool
