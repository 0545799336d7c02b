//go:build amd64 && !purego

package gost

import "golang.org/x/sys/cpu"

// useAsm selects the products of field_amd64.s (MULX/ADCX/ADOX, generated
// by scripts/gen-gost-field-asm.py) and its additions and subtractions
// when the CPU has BMI2 and ADX; without them the Go code of field.go and
// field_fold.go runs. A variable so that the tests can run both and
// compare them.
var useAsm = cpu.X86.HasBMI2 && cpu.X86.HasADX

// useSelectAsm selects field_amd64.s's AVX2 reads of the signing comb's
// rows (selectXY, selectEd): the same constant-time scan of every entry,
// four words at a time.
var useSelectAsm = cpu.X86.HasAVX2

//go:noescape
func mulFold8Asm(z, x, y *fe, c uint64)

//go:noescape
func sqrFold8Asm(z, x *fe, c uint64)

//go:noescape
func mulMont8Asm(z, x, y, p *fe, pinv uint64)

//go:noescape
func sqrMont8Asm(z, x, p *fe, pinv uint64)

//go:noescape
func mulFold4Asm(z, x, y *fe, c uint64)

//go:noescape
func sqrFold4Asm(z, x *fe, c uint64)

//go:noescape
func mulMont4Asm(z, x, y, p *fe, pinv uint64)

//go:noescape
func sqrMont4Asm(z, x, p *fe, pinv uint64)

//go:noescape
func addMod8Asm(z, x, y, p *fe)

//go:noescape
func subMod8Asm(z, x, y, p *fe)

//go:noescape
func addMod4Asm(z, x, y, p *fe)

//go:noescape
func subMod4Asm(z, x, y, p *fe)

// The AVX2 reads scan 32 entries (gen-gost-field-asm.py): a row of
// another size fails to compile here.
const _ = uint(combSize-32) + uint(32-combSize)

//go:noescape
func selectXY4Asm(r *xy, t *[combSize]xy, idx uint64)

//go:noescape
func selectXY8Asm(r *xy, t *[combSize]xy, idx uint64)

//go:noescape
func selectEd4Asm(r *edAffine, t *[combSize]edAffine, idx uint64)

//go:noescape
func selectEd8Asm(r *edAffine, t *[combSize]edAffine, idx uint64)
