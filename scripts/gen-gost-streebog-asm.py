#!/usr/bin/env python3
"""Writes internal/gost/streebog_amd64.s: Streebog's compression function
g_N(h, m) (GOST R 34.11-2012) in amd64 assembly, the classic table-driven
way the C implementations use: each LPS is 64 lookups in the 8 merged
tables of streebog.go (lps, 2 KB each) XORed into 8 words held in
registers, and the key schedule runs in the same loop as the state.

Why assembly: Go's compiler keeps the 16 state and key words of the Go
version (lpsXor, lpsPair) in memory, goes through a byte array for every
index, and checks bounds; here each pair of index bytes costs three
register instructions (MOVBLZX AL; MOVBLZX AH; SHRQ $16) and each lookup
one XOR with a memory operand. Why generated: 25 LPS of 64 lookups each,
unrolled per round, is too much to write by hand without a slip.
Run from the repository root after changing it:
python3 scripts/gen-gost-streebog-asm.py (TestAsmGenerated fails
when the committed file is not its output)

  gAsm(h, n, m *block)   h = g_N(h, m), the words of streebog.go's g
  gAVX512(h, n, m *block, v *streebogVecTables)   the same with AVX-512
                         VBMI and GFNI, no table (gen_avx512 says how;
                         about 1.6 times gAsm's speed where the CPU has them)

gAsm's registers: BX the tables, AX the word being split (AL and AH are its two
low bytes, so the index registers SI and DI must be legacy registers), the
8 output words in CX, DX, R8-R13; the state t and the key k live in the
frame (128 bytes), the round constant's address in R14.
"""

import sys

ACC = ['CX', 'DX', 'R8', 'R9', 'R10', 'R11', 'R12', 'R13']
out = []


def e(s):
    out.append('\t' + s)


def lps(load_word, store):
    """acc = LPS(x) where load_word(i, reg) puts word i of x in reg; then store(j, reg)."""
    for i in range(8):
        load_word(i, 'AX')
        tab = 2048 * i
        for j in range(0, 8, 2):
            e('MOVBLZX AL, SI')
            e('MOVBLZX AH, DI')
            if j < 6:
                e('SHRQ $16, AX')
            op = 'MOVQ' if i == 0 else 'XORQ'
            e(f'{op} {tab}(BX)(SI*8), {ACC[j]}')
            e(f'{op} {tab}(BX)(DI*8), {ACC[j + 1]}')
    for j in range(8):
        store(j, ACC[j])


T = lambda i: f'{8 * i}(SP)'
K = lambda i: f'{64 + 8 * i}(SP)'


def gen_avx512():
    """gAVX512(h, n, m *block, v *streebogVecTables): g_N with AVX-512
    (F, BW, VBMI) and GFNI, the whole 64-byte state in one register.
    LPS(x): S is VPERMI2B on the S-box's two halves, chosen per byte by
    its top bit (VPMOVB2M, VPBLENDMB). Output word j of P and L is the
    XOR over i of l(i, S(byte j of word i)) (streebog.go), l(i, ·) linear:
    byte m of it is an 8x8 bit matrix M[i][m] of the byte. So with word
    i of S(x) in every lane (VPERMQ), GF2P8AFFINEQB by the matrices
    M[i][0..7] (lane m: M[i][m]) gives in lane m, byte j, byte m of word
    j's term i; the XOR over i (VPTERNLOGQ) is the output transposed
    (lane m holds byte m of every word), and VPERMB transposes it back.
    No table lookup, no index from the data: 28 instructions an LPS with
    its input XOR where the table way takes 176.
    Registers: Z0-Z3 the S-box, Z4-Z11 the matrices, Z12-Z19 the lane
    indices, Z20 the transposition; Z21 t, Z22 the key, Z23-Z31 temporaries."""
    out.append('')
    out.append('// func gAVX512(h, n, m *block, v *streebogVecTables)')
    out.append('TEXT ·gAVX512(SB), NOSPLIT, $0-32')
    e('MOVQ v+24(FP), AX')
    for k in range(4):
        e(f'VMOVDQU64 {64 * k}(AX), Z{k}')  # sbox
    for k in range(8):
        e(f'VMOVDQU64 {256 + 64 * k}(AX), Z{4 + k}')  # mat[k]
    for k in range(8):
        e(f'VMOVDQU64 {768 + 64 * k}(AX), Z{12 + k}')  # bidx[k]
    e('VMOVDQU64 1280(AX), Z20')  # tr

    def lps(src, dst):
        e(f'VMOVDQA64 {src}, Z23')
        e('VPERMI2B Z1, Z0, Z23')  # bytes 0-127 of the S-box
        e(f'VMOVDQA64 {src}, Z24')
        e('VPERMI2B Z3, Z2, Z24')  # bytes 128-255
        e(f'VPMOVB2M {src}, K1')
        e('VPBLENDMB Z24, Z23, K1, Z25')  # S(x)
        for grp, regs in ((0, (26, 27, 28)), (3, (27, 28, 29)), (6, (28, 29))):
            for k, r in enumerate(regs):
                i = grp + k
                e(f'VPERMQ Z25, Z{12 + i}, Z{r}')  # word i of S(x) in every lane
                e(f'VGF2P8AFFINEQB $0, Z{4 + i}, Z{r}, Z{r}')
            if grp == 0:
                e('VPTERNLOGQ $0x96, Z28, Z27, Z26')  # Z26 = terms 0-2
            elif grp == 3:
                e('VPTERNLOGQ $0x96, Z29, Z28, Z27')  # Z27 = terms 3-5
            else:
                e('VPTERNLOGQ $0x96, Z29, Z28, Z26')  # Z26 ^= terms 6, 7
        e('VPXORQ Z27, Z26, Z26')
        e(f'VPERMB Z26, Z20, {dst}')  # transposed back

    e('MOVQ h+0(FP), SI')
    e('MOVQ n+8(FP), DI')
    e('MOVQ m+16(FP), DX')
    e('VMOVDQU64 (SI), Z30')  # h
    e('VMOVDQU64 (DX), Z21')  # t = m
    e('VPXORQ (DI), Z30, Z31')
    lps('Z31', 'Z22')  # K = LPS(h ^ N)
    e('LEAQ ·roundC(SB), CX')
    e('LEAQ ·roundC+768(SB), BX')
    out.append('avx512round:')
    # t = LPS(t ^ K) and K = LPS(K ^ C): independent, the processor
    # overlaps them
    e('VPXORQ Z22, Z21, Z31')
    e('VPXORQ (CX), Z22, Z30')
    lps('Z31', 'Z21')
    lps('Z30', 'Z22')
    e('ADDQ $64, CX')
    e('CMPQ CX, BX')
    e('JNE avx512round')
    # h ^= t ^ K ^ m (m read again: h may be m)
    e('VMOVDQU64 (SI), Z30')
    e('VPTERNLOGQ $0x96, Z22, Z21, Z30')
    e('VPXORQ (DX), Z30, Z30')
    e('VMOVDQU64 Z30, (SI)')
    e('VZEROUPPER')
    e('RET')


def main():
    e = globals()['e']
    out.append('// Code generated by scripts/gen-gost-streebog-asm.py; DO NOT EDIT.')
    out.append('')
    out.append('//go:build amd64 && !purego')
    out.append('')
    out.append('#include "textflag.h"')
    out.append('')
    out.append('// func gAsm(h, n, m *block)')
    out.append('TEXT ·gAsm(SB), NOSPLIT, $128-24')
    # k = LPS(h ^ n): h ^ n to the frame first
    e('MOVQ h+0(FP), SI')
    e('MOVQ n+8(FP), DI')
    for i in range(8):
        e(f'MOVQ {8 * i}(SI), AX')
        e(f'XORQ {8 * i}(DI), AX')
        e(f'MOVQ AX, {K(i)}')
    e('LEAQ ·lps(SB), BX')
    lps(lambda i, r: e(f'MOVQ {K(i)}, {r}'), lambda j, r: e(f'MOVQ {r}, {K(j)}'))
    # t = m
    e('MOVQ m+16(FP), R14')
    for i in range(8):
        e(f'MOVQ {8 * i}(R14), AX')
        e(f'MOVQ AX, {T(i)}')
    e('LEAQ ·roundC(SB), R14')
    out.append('round:')

    def tk(i, r):
        e(f'MOVQ {T(i)}, {r}')
        e(f'XORQ {K(i)}, {r}')
    lps(tk, lambda j, r: e(f'MOVQ {r}, {T(j)}'))

    def kc(i, r):
        e(f'MOVQ {K(i)}, {r}')
        e(f'XORQ {8 * i}(R14), {r}')
    lps(kc, lambda j, r: e(f'MOVQ {r}, {K(j)}'))
    e('ADDQ $64, R14')
    e('LEAQ ·roundC+768(SB), AX')
    e('CMPQ R14, AX')
    e('JNE round')
    # h ^= t ^ k ^ m
    e('MOVQ h+0(FP), DI')
    e('MOVQ m+16(FP), SI')
    for i in range(8):
        e(f'MOVQ {T(i)}, AX')
        e(f'XORQ {K(i)}, AX')
        e(f'XORQ {8 * i}(SI), AX')
        e(f'XORQ AX, {8 * i}(DI)')
    e('RET')
    gen_avx512()
    text = '\n'.join(out) + '\n'
    path = sys.argv[1] if len(sys.argv) > 1 else 'internal/gost/streebog_amd64.s'
    with open(path, 'w') as f:
        f.write(text)


main()
