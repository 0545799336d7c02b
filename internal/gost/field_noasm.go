//go:build !amd64 || purego

package gost

// Without the amd64 assembly (other architectures, or the purego build
// tag) the products are the Go code of field.go and field_fold.go; the
// Asm names exist so that field.go reads the same on every platform.
var useAsm = false

func mulFold8Asm(z, x, y *fe, c uint64)       { mulFold8(z, x, y, c) }
func sqrFold8Asm(z, x *fe, c uint64)          { sqrFold8(z, x, c) }
func mulMont8Asm(z, x, y, p *fe, pinv uint64) { mul8(z, x, y, p, pinv) }
func sqrMont8Asm(z, x, p *fe, pinv uint64)    { sqrMont8(z, x, p, pinv) }
func mulFold4Asm(z, x, y *fe, c uint64)       { mulFold4(z, x, y, c) }
func sqrFold4Asm(z, x *fe, c uint64)          { sqrFold4(z, x, c) }
func mulMont4Asm(z, x, y, p *fe, pinv uint64) { mul4(z, x, y, p, pinv) }
func sqrMont4Asm(z, x, p *fe, pinv uint64)    { sqrMont4(z, x, p, pinv) }
