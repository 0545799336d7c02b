#!/usr/bin/env python3
"""Writes internal/gost/field_amd64.s: the 256- and 512-bit field
multiplications and squarings of internal/gost in amd64 assembly with
MULX/ADCX/ADOX (BMI2 + ADX; field_amd64.go checks the CPU and falls back to
the Go code of field.go and field_fold.go otherwise), and the field
additions and subtractions (plain ADD/ADC chains, without the Go loops'
bounds and lengths).

Why assembly: Go has no access to the two independent carry chains of
ADCX/ADOX, and its bits.Mul64/bits.Add64 code keeps reloading and
re-materialising carries; these products are most of the time of a GOST
signature. Why generated: an unrolled 8-limb MULX chain is hundreds of
lines whose registers rotate row by row, too easy to get wrong by hand.
Run from the repository root after changing it:
python3 scripts/gen-gost-field-asm.py (TestAsmGenerated fails when the
committed file is not its output)

Sixteen functions, all constant time (straight-line code: no branch and no
memory index depends on the values; the final choices are CMOVs on a
carry, or a carry turned into a mask; the four row reads loop over every
entry whatever the index):
  mulFold{4,8}Asm(z, x, y *fe, c uint64)        z = x·y mod 2^(64n) - c
  sqrFold{4,8}Asm(z, x *fe, c uint64)           z = x² mod 2^(64n) - c
  mulMont{4,8}Asm(z, x, y, p *fe, pinv uint64)  z = x·y·R⁻¹ mod p
  sqrMont{4,8}Asm(z, x, p *fe, pinv uint64)     z = x²·R⁻¹ mod p
  addMod{4,8}Asm, subMod{4,8}Asm(z, x, y, p *fe)  z = x ± y mod p
  selectXY{4,8}Asm, selectEd{4,8}Asm(r, t, idx)  r = t[idx], the comb's row
                                                read with AVX2 (SELECTS)
They compute what the Go functions mulFold8, sqrFold8, mul8, sqrMont8 (and
the 4-limb ones) and field.add/field.sub compute, the same words (the tests
compare them): first the full 2n-word product T
(a squaring forms the cross products once, doubles them and adds the
squares), then the reduction:
  fold: r = T_lo + c·T_hi as in the Go code; then the word above r
        (top ≤ c) and the final subtraction of p in one pass: W = r +
        c·(top+1) carries out of n words exactly when r + c·top ≥ p, and
        the result is W mod 2^(64n) if it did, W - c if not (the proof is
        in fold_reduce);
  Montgomery (separated operand scanning): for i < n, m = T_i·pinv and
        T += m·p·2^(64i); the carry out of word i+n waits in `extra` for
        the next row; the result T_hi + extra·R is below 2p and p is
        subtracted unless that borrows.
The product lives in a 2n-word frame on the stack (low words stored as the
rows finish, the top n words in registers), so z may alias x or y: z is
written last.
"""

import sys

POOL = ['AX', 'BX', 'CX', 'DI', 'R8', 'R9', 'R10', 'R11', 'R12', 'R13']
LO, HI = 'R14', 'R15'

out = []


def e(s):
    out.append('\t' + s)


class Args:
    """Where a routine's operands are: each pointer (z, x, y, p) and c as an
    argument slot (a string such as 'x+8(FP)') or as a function emitting
    the code that loads it into a register; tbase is the byte offset of the
    product frame (2n words) from SP. The defaults are the Go functions'
    own arguments; gen-gost-points-asm.py emits the same bodies inline with
    its own operands (ret=False: no RET after the store)."""

    def __init__(self, mul=True, z='z+0(FP)', x='x+8(FP)', y='y+16(FP)', c=None,
                 p='p+24(FP)', tbase=0, ret=True):
        self.z, self.x, self.y, self.p = z, x, y, p
        self.c = c if c else ('c+24(FP)' if mul else 'c+16(FP)')
        self.tbase, self.ret = tbase, ret

    def load(self, what, reg):
        src = getattr(self, what)
        if callable(src):
            src(reg)
        else:
            e(f'MOVQ {src}, {reg}')


A0 = Args()


def T(k, a=A0):
    return f'{a.tbase + 8 * k}(SP)'


def mul_product(n, a=A0):
    """T = x·y; returns the registers holding T[n..2n-1]; T[0..n-1] on the stack."""
    A = POOL[:n + 1]
    yp = POOL[n + 1]
    a.load('x', 'SI')
    a.load('y', yp)
    # row 0: plain ADD/ADC chain, no accumulator to add to
    e(f'MOVQ 0({yp}), DX')
    e(f'MULXQ 0(SI), {A[0]}, {A[1]}')
    for j in range(1, n):
        e(f'MULXQ {8 * j}(SI), {LO}, {A[j + 1]}')
        e(f'{"ADDQ" if j == 1 else "ADCQ"} {LO}, {A[j]}')
    e(f'ADCQ $0, {A[n]}')
    e(f'MOVQ {A[0]}, {T(0, a)}')
    A = A[1:] + A[:1]
    for i in range(1, n):
        # A[0..n-1] = t[i..i+n-1]; A[n] becomes t[i+n]. Two carry chains:
        # OF for the low words of x_j·y_i, CF for the high words.
        e(f'MOVQ {8 * i}({yp}), DX')
        e(f'XORQ {A[n]}, {A[n]}')
        for j in range(n):
            e(f'MULXQ {8 * j}(SI), {LO}, {HI}')
            e(f'ADOXQ {LO}, {A[j]}')
            e(f'ADCXQ {HI}, {A[j + 1]}')
        # A[n] = hi + CF < 2^64; the pending OF cannot carry out either
        # (t[i..] + x·y_i < 2^(64(n+1)))
        e(f'MOVQ $0, {LO}')
        e(f'ADOXQ {LO}, {A[n]}')
        e(f'MOVQ {A[0]}, {T(i, a)}')
        A = A[1:] + A[:1]
    return A[:n]


def sqr_product(n, a=A0):
    """T = x²; returns the registers holding T[n..2n-1]; T[0..n-1] on the stack."""
    a.load('x', 'SI')
    free = list(POOL)
    reg = {}

    def alloc(k):
        reg[k] = free.pop(0)
        return reg[k]

    def spill(k):
        e(f'MOVQ {reg[k]}, {T(k, a)}')
        free.append(reg.pop(k))

    # cross products t_k = Σ_{i<j, i+j=k} x_i·x_j, row by row
    e('MOVQ 0(SI), DX')
    e(f'MULXQ 8(SI), {alloc(1)}, {alloc(2)}')
    for j in range(2, n):
        e(f'MULXQ {8 * j}(SI), {LO}, {alloc(j + 1)}')
        e(f'{"ADDQ" if j == 2 else "ADCQ"} {LO}, {reg[j]}')
    e(f'ADCQ $0, {reg[n]}')
    spill(1)
    spill(2)
    for i in range(1, n - 1):
        e(f'MOVQ {8 * i}(SI), DX')
        top = alloc(i + n)
        e(f'XORQ {top}, {top}')
        for j in range(i + 1, n):
            e(f'MULXQ {8 * j}(SI), {LO}, {HI}')
            e(f'ADOXQ {LO}, {reg[i + j]}')
            e(f'ADCXQ {HI}, {reg[i + j + 1]}')
        e(f'MOVQ $0, {LO}')
        e(f'ADOXQ {LO}, {top}')
        # t[2i+1], t[2i+2] are final: the next row starts at t[2i+3]
        spill(2 * i + 1)
        spill(2 * i + 2)
    assert not reg
    # T = 2·t + Σ x_i²·2^(128i): doubling on the CF chain, squares on OF
    hiregs = []
    r = free[0]
    e(f'XORQ {r}, {r}')
    for i in range(n):
        e(f'MOVQ {8 * i}(SI), DX')
        e(f'MULXQ DX, {LO}, {HI}')
        for k, w in ((2 * i, LO), (2 * i + 1, HI)):
            if k == 0:
                e(f'MOVQ {LO}, {T(0, a)}')  # t_0 = 0: T_0 = lo(x_0²), no carry
                continue
            r = free.pop(0) if k >= n else free[0]
            if k == 2 * n - 1:
                e(f'MOVQ $0, {r}')
            else:
                e(f'MOVQ {T(k, a)}, {r}')
            e(f'ADCXQ {r}, {r}')
            e(f'ADOXQ {w}, {r}')
            if k < n:
                e(f'MOVQ {r}, {T(k, a)}')
            else:
                hiregs.append(r)
    # the whole square is below 2^(128n): no carry is left
    return hiregs


def fold_reduce(n, H, a=A0):
    """z = T mod 2^(64n) - c, with T[n..2n-1] in registers H, T[0..n-1] on the stack."""
    H2 = [h for h in POOL if h not in H][0]
    his = [HI, H2]
    a.load('c', 'DX')
    # r = T_lo + c·T_hi, into the registers of T_hi as they are consumed
    e(f'XORQ {LO}, {LO}')
    for j in range(n):
        cur, prev = his[j % 2], his[(j - 1) % 2]
        e(f'MULXQ {H[j]}, {LO}, {cur}')
        e(f'MOVQ {T(j, a)}, {H[j]}')
        e(f'ADCXQ {LO}, {H[j]}')
        if j > 0:
            e(f'ADOXQ {prev}, {H[j]}')
    top = his[(n - 1) % 2]
    e(f'MOVQ $0, {LO}')
    e(f'ADOXQ {LO}, {top}')
    e(f'ADCXQ {LO}, {top}')
    # now T ≡ r + top·c with r < 2^(64n), top ≤ c < 2^32. In one pass
    # instead of the Go code's fold, carry and conditional subtraction:
    # W = r + c·(top+1) < 2^(64n) + 2^64 carries out at most once, and
    # carries out exactly when r + c·top ≥ p (p = 2^(64n) - c). Then
    # W - 2^(64n) = r + c·top - p is the result (in [0, 2^64), below p);
    # otherwise r + c·top < p and the result is W - c.
    # c·(top+1) ≤ c·(c+1) < 2^64: one word, IMUL rather than MULX
    e(f'INCQ {top}')
    e(f'IMULQ DX, {top}')
    e(f'ADDQ {top}, {H[0]}')
    for j in range(1, n):
        e(f'ADCQ $0, {H[j]}')
    e(f'SBBQ {top}, {top}')  # all ones when W carried out
    e(f'NOTQ {top}')
    e(f'ANDQ DX, {top}')  # c when it did not, else 0
    e(f'SUBQ {top}, {H[0]}')
    for j in range(1, n):
        e(f'SBBQ $0, {H[j]}')
    store(n, H, a)


def mont_reduce(n, H, pinv_off, p_off):
    """z = T·R⁻¹ mod p, T[n..2n-1] in registers H, T[0..n-1] on the stack."""
    for j in range(n):
        e(f'MOVQ {H[j]}, {T(n + j)}')
    e(f'MOVQ p+{p_off}(FP), SI')
    A = POOL[:n + 1]
    extra = POOL[n + 1]
    for j in range(n):
        e(f'MOVQ {T(j)}, {A[j]}')
    e(f'XORQ {extra}, {extra}')
    for i in range(n):
        # A[0..n-1] = T[i..i+n-1]; A[n] = T[i+n]; m = T_i·pinv
        e(f'MOVQ {A[0]}, DX')
        e(f'IMULQ pinv+{pinv_off}(FP), DX')
        e(f'XORQ {LO}, {LO}')
        e(f'MOVQ {T(i + n)}, {A[n]}')
        for j in range(n):
            e(f'MULXQ {8 * j}(SI), {LO}, {HI}')
            e(f'ADOXQ {LO}, {A[j]}')
            e(f'ADCXQ {HI}, {A[j + 1]}')
        # word i+n also takes the pending OF and the previous extra; what
        # carries out of it (CF now, OF next; at most one of them, as the
        # Go code's extra is one bit) is the next extra
        e(f'ADOXQ {extra}, {A[n]}')
        e(f'MOVQ $0, {extra}')
        e(f'MOVQ $0, {LO}')
        e(f'ADCXQ {LO}, {extra}')
        e(f'ADOXQ {LO}, {extra}')
        A = A[1:] + A[:1]  # A[0] is now 0 mod 2^64: dropped
    # A + extra·R < 2p: subtract p unless that borrows
    for j in range(n):
        e(f'MOVQ {A[j]}, {LO}')
        e(f'{"SUBQ" if j == 0 else "SBBQ"} {8 * j}(SI), {LO}')
        e(f'MOVQ {LO}, {T(j)}')
    e(f'SBBQ $0, {extra}')
    for j in range(n):
        e(f'CMOVQCC {T(j)}, {A[j]}')
    store(n, A[:n])


def store(n, R, a=A0):
    a.load('z', 'SI')
    for j in range(n):
        e(f'MOVQ {R[j]}, {8 * j}(SI)')
    for j in range(n, 8):
        e(f'MOVQ $0, {8 * j}(SI)')
    if a.ret:
        e('RET')


def add_mod(n, a=A0):
    """z = x + y mod p for x, y < p; the upper words of a 4-limb z are kept, as in field.add."""
    A = POOL[:n]
    cr = POOL[n]
    a.load('x', 'SI')
    a.load('y', 'DX')
    for j in range(n):
        e(f'MOVQ {8 * j}(SI), {A[j]}')
    for j in range(n):
        e(f'{"ADDQ" if j == 0 else "ADCQ"} {8 * j}(DX), {A[j]}')
    e(f'MOVQ $0, {cr}')
    e(f'ADCQ $0, {cr}')
    # s - p; keep s when that borrows and s did not carry out
    a.load('p', 'SI')
    for j in range(n):
        e(f'MOVQ {A[j]}, {LO}')
        e(f'{"SUBQ" if j == 0 else "SBBQ"} {8 * j}(SI), {LO}')
        e(f'MOVQ {LO}, {T(j, a)}')
    e(f'SBBQ $0, {cr}')
    for j in range(n):
        e(f'CMOVQCC {T(j, a)}, {A[j]}')
    a.load('z', 'SI')
    for j in range(n):
        e(f'MOVQ {A[j]}, {8 * j}(SI)')
    if a.ret:
        e('RET')


def sub_mod(n, a=A0):
    """z = x - y mod p for x, y < p; a 4-limb z gets zero upper words, as in field.sub."""
    A = POOL[:n]
    m = POOL[n]
    a.load('x', 'SI')
    a.load('y', 'DX')
    for j in range(n):
        e(f'MOVQ {8 * j}(SI), {A[j]}')
    for j in range(n):
        e(f'{"SUBQ" if j == 0 else "SBBQ"} {8 * j}(DX), {A[j]}')
    # add p back when it borrowed: p & mask, staged on the stack because
    # ANDQ would break the carry chain
    e(f'SBBQ {m}, {m}')
    a.load('p', 'SI')
    for j in range(n):
        e(f'MOVQ {8 * j}(SI), {LO}')
        e(f'ANDQ {m}, {LO}')
        e(f'MOVQ {LO}, {T(j, a)}')
    for j in range(n):
        e(f'{"ADDQ" if j == 0 else "ADCQ"} {T(j, a)}, {A[j]}')
    store(n, A, a)


# The constant-time table reads of signing's comb (curve.go's selectXY,
# edwards.go's selectEd) with AVX2: every entry of the row is read, each
# 32-byte chunk ANDed with a mask that is all ones only where the entry's
# number equals idx (VPCMPEQQ of two counters, no branch, no index from
# idx) and ORed into the result; the loop runs over all combSize entries
# whatever idx is. Layouts: (struct, bytes of an entry, offsets of the
# 32-byte chunks that hold values; the other chunks of r are zeroed, as
# the Go code's r = {} does for a 4-limb field's upper words).
SELECTS = [
    ('selectXY4Asm', 'xy', 128, [0, 64]),
    ('selectXY8Asm', 'xy', 128, [0, 32, 64, 96]),
    ('selectEd4Asm', 'edAffine', 192, [0, 64, 128]),
    ('selectEd8Asm', 'edAffine', 192, [0, 32, 64, 96, 128, 160]),
]


def select(name, typ, size, chunks, count):
    out.extend(['', f'// func {name}(r *{typ}, t *[combSize]{typ}, idx uint64)',
                f'TEXT ·{name}(SB), NOSPLIT, $0-24'])
    e('MOVQ r+0(FP), DI')
    e('MOVQ t+8(FP), SI')
    e('VPBROADCASTQ idx+16(FP), Y15')  # idx in every lane
    e('VPXOR Y14, Y14, Y14')  # the entry's number in every lane
    e('VPCMPEQQ Y13, Y13, Y13')
    e('VPSRLQ $63, Y13, Y13')  # 1 in every lane
    for k in range(len(chunks)):
        e(f'VPXOR Y{k}, Y{k}, Y{k}')
    e(f'MOVQ ${count}, CX')
    out.append(f'{name}_loop:')
    e('VPCMPEQQ Y14, Y15, Y12')
    for k, off in enumerate(chunks):
        e(f'VPAND {off}(SI), Y12, Y11')
        e(f'VPOR Y11, Y{k}, Y{k}')
    e('VPADDQ Y13, Y14, Y14')
    e(f'ADDQ ${size}, SI')
    e('DECQ CX')
    e(f'JNZ {name}_loop')
    e('VPXOR Y12, Y12, Y12')
    for off in range(0, size, 32):
        src = f'Y{chunks.index(off)}' if off in chunks else 'Y12'
        e(f'VMOVDQU {src}, {off}(DI)')
    e('VZEROUPPER')
    e('RET')


def main():
    hdr = ['// Code generated by scripts/gen-gost-field-asm.py. DO NOT EDIT.', '',
           '// The field products of field.go and field_fold.go with MULX/ADCX/ADOX',
           '// (and the signing comb\'s row reads with AVX2, at the end):',
           '// Go cannot express the two carry chains, and these products are most of',
           '// a GOST signature\'s time. Generated because an unrolled 8-limb chain',
           '// is too easy to get wrong by hand; see the script for the method.', '',
           '//go:build amd64 && !purego', '', '#include "textflag.h"', '#include "funcdata.h"']
    # NO_LOCAL_POINTERS: the frames hold no Go pointers (products, staged
    # words); said, so that a fault in them unwinds as a panic instead of
    # stopping the program on a missing stack map
    for n in (8, 4):
        for kind in ('mulFold', 'sqrFold', 'mulMont', 'sqrMont'):
            MUL = kind.startswith('mul')
            args = {'mulFold': 32, 'sqrFold': 24, 'mulMont': 40, 'sqrMont': 32}[kind]
            sig = {'mulFold': '(z, x, y *fe, c uint64)', 'sqrFold': '(z, x *fe, c uint64)',
                   'mulMont': '(z, x, y, p *fe, pinv uint64)', 'sqrMont': '(z, x, p *fe, pinv uint64)'}[kind]
            out.extend(['', f'// func {kind}{n}Asm{sig}', f'TEXT ·{kind}{n}Asm(SB), NOSPLIT, ${16 * n}-{args}', '\tNO_LOCAL_POINTERS'])
            a = Args(mul=MUL)
            H = mul_product(n, a) if MUL else sqr_product(n, a)
            if kind.endswith('Fold'):
                fold_reduce(n, H, a)
            else:
                mont_reduce(n, H, 32 if MUL else 24, 24 if MUL else 16)
    for n in (8, 4):
        out.extend(['', f'// func addMod{n}Asm(z, x, y, p *fe)', f'TEXT ·addMod{n}Asm(SB), NOSPLIT, ${8 * n}-32', '\tNO_LOCAL_POINTERS'])
        add_mod(n)
        out.extend(['', f'// func subMod{n}Asm(z, x, y, p *fe)', f'TEXT ·subMod{n}Asm(SB), NOSPLIT, ${8 * n}-32', '\tNO_LOCAL_POINTERS'])
        sub_mod(n)
    for name, typ, size, chunks in SELECTS:
        select(name, typ, size, chunks, 32)  # combSize
    # an argument writes elsewhere (TestAsmGenerated compares the two)
    dest = sys.argv[1] if len(sys.argv) > 1 else 'internal/gost/field_amd64.s'
    open(dest, 'w').write('\n'.join(hdr + out) + '\n')


if __name__ == '__main__':
    main()
