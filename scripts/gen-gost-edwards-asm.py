#!/usr/bin/env python3
"""Writes internal/gost/edwards_amd64.s: the Edwards doubling and additions
of internal/gost/edwards.go (edDouble, edAddMixed, edAdd) for the folding
fields (p = 2^(64n) - c: tc26 256-A and 512-C, the two curves with an
Edwards form) as sequences of calls to the field assembly of
field_amd64.s.

Why: a field operation called from Go goes through field.mul's choice of
function, a stack check, a frame and the reload of the goroutine register
after the assembly returns; the products themselves take only a few
times that. Here the same operations, in the same order on the same
words, are direct CALLs from one assembly function with the temporaries
in its frame; for 256 bits the additions and subtractions are inline
(the same instructions as addMod4Asm and subMod4Asm). The formulas stay in Go's terms (the list below is
edwards.go's code, one line per field operation); TestEdwardsAsm compares
the results with the Go functions and TestAsmGenerated checks that
the committed file is this script's output. Run from the repository root:
python3 scripts/gen-gost-edwards-asm.py

Like the field functions they call, these are straight-line: no branch
on a value (edDouble's withT is whether the caller needs T, public), so
edAddMixed keeps signing's constant time.
"""

import sys

FE = 64  # bytes of an fe ([8]uint64)
PT = {'x': 0, 'y': 1, 'z': 2, 't': 3, 'dt': 2}  # edPoint x,y,z,t; edAffine x,y,dt; edCached x,y,z,dt

# The formulas (edwards.go), one field operation a line: op dst src [src].
# Names with a dot are fields of the arguments, others temporaries.
DOUBLE = """
sqr a p.x
sqr b p.y
sqr cc p.z
add cc cc cc
add e p.x p.y
sqr e e
add g a b
sub e e g
sub ff g cc
sub h a b
mul r.x e ff
mul r.y g h
mul r.z ff g
?mul r.t e h
"""
ADD_MIXED = """
mul a p.x q.x
mul b p.y q.y
mul cc p.t q.dt
add e p.x p.y
add t q.x q.y
mul e e t
sub e e a
sub e e b
sub ff p.z cc
add g p.z cc
sub h b a
mul r.x e ff
mul r.y g h
mul r.t e h
mul r.z ff g
"""
ADD = """
mul a p.x q.x
mul b p.y q.y
mul cc p.t q.dt
mul dd p.z q.z
add e p.x p.y
add t q.x q.y
mul e e t
sub e e a
sub e e b
sub ff dd cc
add g dd cc
sub h b a
mul r.x e ff
mul r.y g h
mul r.t e h
mul r.z ff g
"""

out = []


def e(s):
    out.append('\t' + s)


def gen(name, n, prog, args, cached=False):
    """args: the pointer arguments in order (r, p[, q]); then m *fe, c uint64[, withT uint64]."""
    lines = [l.split() for l in prog.strip().splitlines()]
    temps = []
    for l in lines:
        for w in l[1:]:
            if '.' not in w and w not in temps:
                temps.append(w)
    argoff = {a: 8 * i for i, a in enumerate(args)}
    moff = 8 * len(args)
    coff = moff + 8
    withT = any(l[0].startswith('?') for l in lines)
    nargs = coff + 8 + (8 if withT else 0)
    tbase = 40  # outgoing arguments below: at most 5 words
    frame = tbase + FE * len(temps)

    def ref(w, reg):
        if '.' in w:
            a, f = w.split('.')
            idx = PT[f]
            if f == 'dt' and a == 'q' and cached:
                idx = 3
            e(f'MOVQ {a}+{argoff[a]}(FP), {reg}')
            if idx:
                e(f'ADDQ ${FE * idx}, {reg}')
        else:
            e(f'LEAQ {tbase + FE * temps.index(w)}(SP), {reg}')

    qt = 'edCached' if cached else 'edAffine'
    ps = 'r, p *edPoint' + (f', q *{qt}' if 'q' in args else '')
    out.append(f'// func {name}({ps}, m *fe, c uint64{", withT uint64" if withT else ""})')
    out.append(f'TEXT ·{name}(SB), $' + f'{frame}-{nargs}')
    for l in lines:
        op = l[0]
        if op.startswith('?'):
            op = op[1:]
            e(f'MOVQ withT+{coff + 8}(FP), AX')
            e('TESTQ AX, AX')
            e(f'JZ {name}_done')
        srcs = l[2:]
        if n == 4 and op in ('add', 'sub'):
            # inline: field_amd64.s's addMod4Asm/subMod4Asm, the same
            # instructions (the call would cost about as much as the body)
            ref(l[1], 'R9')
            ref(srcs[0], 'SI')
            ref(srcs[1], 'DX')
            e(f'MOVQ m+{moff}(FP), R10')
            W = ['AX', 'BX', 'CX', 'DI']
            for k in range(4):
                e(f'MOVQ {8 * k}(SI), {W[k]}')
            if op == 'add':
                for k in range(4):
                    e(f'{"ADDQ" if k == 0 else "ADCQ"} {8 * k}(DX), {W[k]}')
                e('MOVQ $0, R8')
                e('ADCQ $0, R8')
                for k in range(4):
                    e(f'MOVQ {W[k]}, R14')
                    e(f'{"SUBQ" if k == 0 else "SBBQ"} {8 * k}(R10), R14')
                    e(f'MOVQ R14, {8 * k}(SP)')
                e('SBBQ $0, R8')
                for k in range(4):
                    e(f'CMOVQCC {8 * k}(SP), {W[k]}')
            else:
                for k in range(4):
                    e(f'{"SUBQ" if k == 0 else "SBBQ"} {8 * k}(DX), {W[k]}')
                e('SBBQ R8, R8')
                for k in range(4):
                    e(f'MOVQ {8 * k}(R10), R14')
                    e('ANDQ R8, R14')
                    e(f'MOVQ R14, {8 * k}(SP)')
                for k in range(4):
                    e(f'{"ADDQ" if k == 0 else "ADCQ"} {8 * k}(SP), {W[k]}')
            for k in range(4):
                e(f'MOVQ {W[k]}, {8 * k}(R9)')
            if op == 'sub':
                for k in range(4, 8):
                    e(f'MOVQ $0, {8 * k}(R9)')
            continue
        regs = ['AX', 'BX', 'CX']
        ref(l[1], regs[0])
        for i, s in enumerate(srcs):
            ref(s, regs[i + 1])
        for i in range(1 + len(srcs)):
            e(f'MOVQ {regs[i]}, {8 * i}(SP)')
        k = 8 * (1 + len(srcs))
        if op in ('mul', 'sqr'):
            e(f'MOVQ c+{coff}(FP), AX')
            e(f'MOVQ AX, {k}(SP)')
            e(f'CALL ·{op}Fold{n}Asm(SB)')
        else:
            e(f'MOVQ m+{moff}(FP), AX')
            e(f'MOVQ AX, {k}(SP)')
            e(f'CALL ·{op}Mod{n}Asm(SB)')
    if withT:
        out.append(f'{name}_done:')
    e('RET')
    out.append('')


def main():
    out.append('// Code generated by scripts/gen-gost-edwards-asm.py; DO NOT EDIT.')
    out.append('')
    out.append('//go:build amd64 && !purego')
    out.append('')
    out.append('#include "textflag.h"')
    out.append('')
    for n in (4, 8):
        gen(f'edDoubleFold{n}Asm', n, DOUBLE, ['r', 'p'])
        gen(f'edAddMixedFold{n}Asm', n, ADD_MIXED, ['r', 'p', 'q'])
        gen(f'edAddFold{n}Asm', n, ADD, ['r', 'p', 'q'], cached=True)
    path = sys.argv[1] if len(sys.argv) > 1 else 'internal/gost/edwards_amd64.s'
    with open(path, 'w') as f:
        f.write('\n'.join(out))


main()
