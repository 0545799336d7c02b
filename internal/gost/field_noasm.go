//go:build !amd64 || purego

package gost

// Without the amd64 assembly (other architectures, or the purego build
// tag) useAsm is false and field.go runs its Go code; the Asm names exist
// only so that field.go reads the same on every platform, and are never
// called.
var useAsm, useSelectAsm = false, false

const noAsm = "gost: field assembly called without it (useAsm is false)"

func mulFold8Asm(z, x, y *fe, c uint64)       { panic(noAsm) }
func sqrFold8Asm(z, x *fe, c uint64)          { panic(noAsm) }
func mulMont8Asm(z, x, y, p *fe, pinv uint64) { panic(noAsm) }
func sqrMont8Asm(z, x, p *fe, pinv uint64)    { panic(noAsm) }
func mulFold4Asm(z, x, y *fe, c uint64)       { panic(noAsm) }
func sqrFold4Asm(z, x *fe, c uint64)          { panic(noAsm) }
func mulMont4Asm(z, x, y, p *fe, pinv uint64) { panic(noAsm) }
func sqrMont4Asm(z, x, p *fe, pinv uint64)    { panic(noAsm) }
func addMod8Asm(z, x, y, p *fe)               { panic(noAsm) }
func subMod8Asm(z, x, y, p *fe)               { panic(noAsm) }
func addMod4Asm(z, x, y, p *fe)               { panic(noAsm) }
func subMod4Asm(z, x, y, p *fe)               { panic(noAsm) }

func selectXY4Asm(r *xy, t *[combSize]xy, idx uint64)             { panic(noAsm) }
func selectXY8Asm(r *xy, t *[combSize]xy, idx uint64)             { panic(noAsm) }
func selectEd4Asm(r *edAffine, t *[combSize]edAffine, idx uint64) { panic(noAsm) }
func selectEd8Asm(r *edAffine, t *[combSize]edAffine, idx uint64) { panic(noAsm) }

func edDoubleFold4Asm(r, p *edPoint, m *fe, c uint64, withT uint64)  { panic(noAsm) }
func edAddMixedFold4Asm(r, p *edPoint, q *edAffine, m *fe, c uint64) { panic(noAsm) }
func edAddFold4Asm(r, p *edPoint, q *edCached, m *fe, c uint64)      { panic(noAsm) }
func edDoubleFold8Asm(r, p *edPoint, m *fe, c uint64, withT uint64)  { panic(noAsm) }
func edAddMixedFold8Asm(r, p *edPoint, q *edAffine, m *fe, c uint64) { panic(noAsm) }
func edAddFold8Asm(r, p *edPoint, q *edCached, m *fe, c uint64)      { panic(noAsm) }
func addMixedM3Fold4Asm(r, p *point, q *xy, b *fe, m *fe, c uint64)  { panic(noAsm) }
func addMixedM3Fold8Asm(r, p *point, q *xy, b *fe, m *fe, c uint64)  { panic(noAsm) }
func jdoubleM3Fold4Asm(r, p *jpoint, m *fe, c uint64)                { panic(noAsm) }
func jdoubleM3Fold8Asm(r, p *jpoint, m *fe, c uint64)                { panic(noAsm) }
func jaddAffineFold4Asm(r, p *jpoint, q *apoint, m *fe, c uint64) uint64 {
	panic(noAsm)
}
func jaddAffineFold8Asm(r, p *jpoint, q *apoint, m *fe, c uint64) uint64 {
	panic(noAsm)
}
