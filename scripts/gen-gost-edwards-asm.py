#!/usr/bin/env python3
"""Writes internal/gost/edwards_amd64.s: the Edwards doubling and additions
of internal/gost/edwards.go (edDouble, edAddMixed, edAdd) for the folding
fields (p = 2^(64n) - c: tc26 256-A and 512-C, the two curves with an
Edwards form) as straight-line assembly: the bodies of the field
routines of field_amd64.s (mulFold, sqrFold, addMod, subMod), emitted
inline by gen-gost-field-asm.py's own functions, one after the other.

Why: a field operation called from Go goes through field.mul's choice of
function, a stack check, a frame and the reload of the goroutine register
after the assembly returns; an assembly CALL still stores its arguments
and reloads them. Here the same operations, in the same order on the
same words, follow one another in one function with the temporaries in
its frame (about 7-10% of a doubling or addition against direct CALLs).
The formulas stay in Go's terms (the list below is edwards.go's code,
one line per field operation); TestEdwardsAsm compares the results with
the Go functions and TestAsmGenerated checks that the committed file is
this script's output. Run from the repository root:
python3 scripts/gen-gost-edwards-asm.py

Like the field routines they are made of, these are straight-line: no branch
on a value (edDouble's withT is whether the caller needs T, public), so
edAddMixed keeps signing's constant time.
"""

import importlib.util
import os
import sys

# the field routines' bodies, emitted inline from the field generator
_spec = importlib.util.spec_from_file_location(
    'gen_gost_field_asm', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'gen-gost-field-asm.py'))
field = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(field)

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

out = field.out  # one output: the field routines write into it too
e = field.e


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
    tbase = 16 * n  # below the temporaries: a product's 2n words
    frame = tbase + FE * len(temps)

    def ref(w):
        """The code loading operand w's address into a register."""
        def load(reg):
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
        return load

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
        e(f'// {op} {l[1]} {" ".join(srcs)}')
        a = field.Args(mul=(op == 'mul'), z=ref(l[1]), x=ref(srcs[0]),
                       y=ref(srcs[1]) if len(srcs) > 1 else None,
                       c=f'c+{coff}(FP)', p=f'm+{moff}(FP)', ret=False)
        if op == 'mul':
            field.fold_reduce(n, field.mul_product(n, a), a)
        elif op == 'sqr':
            field.fold_reduce(n, field.sqr_product(n, a), a)
        elif op == 'add':
            field.add_mod(n, a)
        else:
            field.sub_mod(n, a)
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
