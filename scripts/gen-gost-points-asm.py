#!/usr/bin/env python3
"""Writes internal/gost/points_amd64.s: the point doublings and additions
that take most of a signature's or verification's time, for the folding
fields (p = 2^(64n) - c), as straight-line assembly: the bodies of the
field routines of field_amd64.s (mulFold, sqrFold, addMod, subMod),
emitted inline by gen-gost-field-asm.py's own functions, one after the
other (512-bit products: CALLs). They are
  - edwards.go's Edwards doubling and additions (edDouble, edAddMixed,
    edAdd) of tc26 256-A and 512-C, the two curves with an Edwards form;
  - curve.go's complete mixed addition for a = -3 (addMixedM3, signing's
    comb) and jacobian.go's doubling for a = -3 (jdoubleM3, verification)
    of the folding a = -3 curves (tc26 512-A, CryptoPro A and XchA), and
    jacobian.go's mixed addition (jaddAffine, verification; it returns to
    the Go code for p = ±q, before r is written: `bailz`).

Why: a field operation called from Go goes through field.mul's choice of
function, a stack check, a frame and the reload of the goroutine register
after the assembly returns; an assembly CALL still stores its arguments
and reloads them. Here the same operations, in the same order on the
same words, follow one another in one function with the temporaries in
its frame; 512-bit products and squarings are direct CALLs (see gen).
The formulas stay in Go's terms (the lists below are the Go code, one
line per field operation); TestEdwardsAsm and TestPointsAsm compare the
results with the Go functions and TestAsmGenerated checks that the
committed file is this script's output. Run from the repository root:
python3 scripts/gen-gost-points-asm.py

Like the field routines they are made of, these are straight-line: no
branch on a value (edDouble's withT is whether the caller needs T,
public; bailz only in verification's jaddAffine, on public values), so
edAddMixed and addMixedM3 keep signing's constant time.
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
# the field elements of each argument type, in memory order
FIELDS = {'edPoint': 'x y z t', 'edAffine': 'x y dt', 'edCached': 'x y z dt',
          'point': 'x y z', 'xy': 'x y', 'jpoint': 'x y z', 'apoint': 'x y'}

# The formulas (the Go code's), one field operation a line: op dst src
# [src]. Names with a dot are fields of the arguments, a bare argument's
# name is that *fe, others are temporaries. A result is written into r
# only after the last read of p (r may be p).
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

# curve.go's addMixedM3 (RCB algorithm 5)
ADD_MIXED_M3 = """
mul t0 p.x q.x
mul t1 p.y q.y
add t3 q.x q.y
add t4 p.x p.y
mul t3 t3 t4
add t4 t0 t1
sub t3 t3 t4
mul t4 q.y p.z
add t4 t4 p.y
mul y3 q.x p.z
add y3 y3 p.x
mul z3 b p.z
sub x3 y3 z3
add z3 x3 x3
add x3 x3 z3
sub z3 t1 x3
add x3 t1 x3
mul y3 b y3
add t1 p.z p.z
add t2 t1 p.z
sub y3 y3 t2
sub y3 y3 t0
add t1 y3 y3
add y3 t1 y3
add t1 t0 t0
add t0 t1 t0
sub t0 t0 t2
mul t1 t4 y3
mul t2 t0 y3
mul y3 x3 z3
add r.y y3 t2
mul x3 t3 x3
sub r.x x3 t1
mul z3 t4 z3
mul t1 t3 t0
add r.z z3 t1
"""
# jacobian.go's jdoubleM3 (dbl-2001-b)
JDOUBLE_M3 = """
sqr delta p.z
sqr gamma p.y
mul beta p.x gamma
sub t p.x delta
add u p.x delta
mul alpha t u
add t alpha alpha
add alpha alpha t
add z3 p.y p.z
sqr z3 z3
sub z3 z3 gamma
sub r.z z3 delta
add beta beta beta
add beta beta beta
sqr x3 alpha
sub x3 x3 beta
sub r.x x3 beta
sub t beta r.x
mul y3 alpha t
sqr gamma gamma
add gamma gamma gamma
add gamma gamma gamma
add gamma gamma gamma
sub r.y y3 gamma
"""
# jacobian.go's jaddAffine (madd-2007-bl) past its first special cases;
# bailz: h = 0 (p = ±q) returns to the Go code before r is written
JADD_AFFINE = """
sqr z1z1 p.z
mul u2 q.x z1z1
mul s2 q.y p.z
mul s2 s2 z1z1
sub h u2 p.x
bailz h
sub rr s2 p.y
add rr rr rr
sqr hh h
add i hh hh
add i i i
mul j h i
mul v p.x i
mul t2 p.y j
add t2 t2 t2
add z3 p.z h
sqr z3 z3
sub z3 z3 z1z1
sub r.z z3 hh
sqr x3 rr
sub x3 x3 j
sub x3 x3 v
sub r.x x3 v
sub t v r.x
mul y3 rr t
sub r.y y3 t2
"""

out = field.out  # one output: the field routines write into it too
e = field.e


def gen(name, n, prog, args):
    """args: the pointer arguments in order, (name, Go type) (r first, p
    second); then m *fe, c uint64[, withT uint64]."""
    lines = [l.split() for l in prog.strip().splitlines()]
    types = dict(args)
    temps = []
    for l in lines:
        for w in l[1:]:
            if '.' not in w and w not in types and w not in temps:
                temps.append(w)
    argoff = {a: 8 * i for i, (a, _) in enumerate(args)}
    moff = 8 * len(args)
    coff = moff + 8
    withT = any(l[0].startswith('?') for l in lines)
    bail = any(l[0] == 'bailz' for l in lines)
    nargs = coff + 8 + (8 if withT else 0)
    retoff = nargs
    if bail:
        nargs += 8  # the result: special uint64
    # 512-bit products are CALLed: inline, each is ~1.5 KB of code (a
    # doubling and an addition together some 30 KB) and a verification
    # measured no faster than with CALLs; 256-bit ones, a quarter of that,
    # are inline.
    call = n == 8
    # below the temporaries: a product's 2n words, or a CALL's arguments
    # and an addition's n words
    tbase = 8 * n if call else 16 * n
    frame = tbase + FE * len(temps)

    def ref(w):
        """The code loading operand w's address into a register."""
        def load(reg):
            if w in types:
                e(f'MOVQ {w}+{argoff[w]}(FP), {reg}')
            elif '.' in w:
                a, f = w.split('.')
                idx = FIELDS[types[a]].split().index(f)
                e(f'MOVQ {a}+{argoff[a]}(FP), {reg}')
                if idx:
                    e(f'ADDQ ${FE * idx}, {reg}')
            else:
                e(f'LEAQ {tbase + FE * temps.index(w)}(SP), {reg}')
        return load

    ps = ', '.join(f'{a} *{t}' for a, t in args)
    out.append(f'// func {name}({ps}, m *fe, c uint64{", withT uint64" if withT else ""})'
               + (' (special uint64)' if bail else ''))
    out.append(f'TEXT ·{name}(SB), $' + f'{frame}-{nargs}')
    # the frame holds no Go pointers (temporaries, products): said, so that
    # a fault or a stack check here unwinds instead of a missing stack map
    e('NO_LOCAL_POINTERS')
    for l in lines:
        op = l[0]
        if op.startswith('?'):
            op = op[1:]
            e(f'MOVQ withT+{coff + 8}(FP), AX')
            e('TESTQ AX, AX')
            e(f'JZ {name}_done')
        srcs = l[2:]
        e(f'// {op} {l[1]} {" ".join(srcs)}')
        if op == 'bailz':
            # a public value (verification only): when it is zero, return
            # 1 with r not written, for the Go code's special cases
            ref(l[1])('SI')
            e('MOVQ 0(SI), AX')
            for k in range(1, n):
                e(f'ORQ {8 * k}(SI), AX')
            e(f'JNZ {name}_general')
            e(f'MOVQ $1, special+{retoff}(FP)')
            e('RET')
            out.append(f'{name}_general:')
            continue
        a = field.Args(z=ref(l[1]), x=ref(srcs[0]),
                       y=ref(srcs[1]) if len(srcs) > 1 else None,
                       c=f'c+{coff}(FP)', p=f'm+{moff}(FP)', ret=False)
        if call and op in ('mul', 'sqr'):
            regs = ['AX', 'BX', 'CX']
            for i, w in enumerate(l[1:]):
                ref(w)(regs[i])
                e(f'MOVQ {regs[i]}, {8 * i}(SP)')
            e(f'MOVQ c+{coff}(FP), AX')
            e(f'MOVQ AX, {8 * len(l[1:])}(SP)')
            e(f'CALL ·{op}Fold{n}Asm(SB)')
        elif op == 'mul':
            field.fold_reduce(n, field.mul_product(n, a), a)
        elif op == 'sqr':
            field.fold_reduce(n, field.sqr_product(n, a), a)
        elif op == 'add':
            field.add_mod(n, a)
        else:
            field.sub_mod(n, a)
    if withT:
        out.append(f'{name}_done:')
    if bail:
        e(f'MOVQ $0, special+{retoff}(FP)')
    e('RET')
    out.append('')


def main():
    out.append('// Code generated by scripts/gen-gost-points-asm.py; DO NOT EDIT.')
    out.append('')
    out.append('//go:build amd64 && !purego')
    out.append('')
    out.append('#include "textflag.h"')
    out.append('#include "funcdata.h"')
    out.append('')
    for n in (4, 8):
        ed = [('r', 'edPoint'), ('p', 'edPoint')]
        gen(f'edDoubleFold{n}Asm', n, DOUBLE, ed)
        gen(f'edAddMixedFold{n}Asm', n, ADD_MIXED, ed + [('q', 'edAffine')])
        gen(f'edAddFold{n}Asm', n, ADD, ed + [('q', 'edCached')])
        gen(f'addMixedM3Fold{n}Asm', n, ADD_MIXED_M3, [('r', 'point'), ('p', 'point'), ('q', 'xy'), ('b', 'fe')])
        gen(f'jdoubleM3Fold{n}Asm', n, JDOUBLE_M3, [('r', 'jpoint'), ('p', 'jpoint')])
        gen(f'jaddAffineFold{n}Asm', n, JADD_AFFINE, [('r', 'jpoint'), ('p', 'jpoint'), ('q', 'apoint')])
    path = sys.argv[1] if len(sys.argv) > 1 else 'internal/gost/points_amd64.s'
    with open(path, 'w') as f:
        f.write('\n'.join(out))


main()
