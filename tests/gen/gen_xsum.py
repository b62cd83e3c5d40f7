#!/usr/bin/python3
"""gen_xsum - exact reference sums for tests/test_tally.c (the exact
superaccumulator of include/evald/tally.h), written as tests/tally_ref.h.

Each set is a list of doubles spanning 1e-300..1e300 that cancel, and
pairs (a, b) whose products are summed.  The reference is computed in
Python's fractions.Fraction, which is exact; the rounding to double of an
exact rational is int / int, which Python rounds correctly (to nearest,
ties to even).  Values are written as C hex floats, so nothing is rounded
on the way.  Seeded: the same header every run.
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_xsum.py
"""
import os
import random
from fractions import Fraction

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "tally_ref.h")


def rnd(r):
    """Mantissa in ±[1, 10), exponent 10^-300..10^300, sometimes subnormal."""
    k = r.random()
    if k < 0.05:
        return r.choice([-1, 1]) * r.randint(1, 2**52) * 2.0**-1074
    return r.choice([-1, 1]) * r.uniform(1, 10) * 10.0**r.randint(-300, 300)


def rounded(q):
    """q rounded to nearest double (Python's int/int is correctly rounded)."""
    return q.numerator / q.denominator


def make_set(r, n, full):
    xs = [rnd(r) for _ in range(n)]
    # cancel (all or half of) the big ones again, in another order: what
    # is left is small next to them, and a floating-point sum loses it
    big = [x for x in xs if abs(x) > 1e100]
    r.shuffle(big)
    xs += [-x for x in (big if full else big[: len(big) // 2])]
    r.shuffle(xs)
    return xs


def make_pairs(r, n):
    ps = []
    for _ in range(n):
        a = r.choice([-1, 1]) * r.uniform(1, 10) * 10.0**r.randint(-150, 150)
        b = r.choice([-1, 1]) * r.uniform(1, 10) * 10.0**r.randint(-150, 150)
        ps.append((a, b))
    ps += [(-a, b) for a, b in ps[: n // 2]]
    r.shuffle(ps)
    return ps


def main():
    r = random.Random(20261202)
    lines = ["/* tally_ref.h - written by tests/gen/gen_xsum.py; do not edit.",
             " * Exact sums (Python fractions) of doubles and of products,",
             " * rounded once to double: hi, and lo = round(sum - hi). */",
             "// clang-format off",
             "#define NSETS 6", "#define SETLEN 600", ""]
    sets = [make_set(r, 300, i % 2) for i in range(6)]
    for s in sets:
        assert len(s) <= 600
    lines.append("static const int set_len[NSETS] = {%s};" %
                 ", ".join(str(len(s)) for s in sets))
    lines.append("static const double sets[NSETS][SETLEN] = {")
    for s in sets:
        lines.append("\t{" + ", ".join(x.hex() for x in s) + "},")
    lines.append("};")
    ref = []
    for s in sets:
        q = sum(Fraction(x) for x in s)
        hi = rounded(q)
        lo = rounded(q - Fraction(hi))
        ref.append((hi, lo))
    lines.append("static const double set_sum[NSETS][2] = {")
    for hi, lo in ref:
        lines.append("\t{%s, %s}," % (hi.hex(), lo.hex()))
    lines.append("};")
    pairs = make_pairs(r, 200)
    lines.append("#define NPAIRS %d" % len(pairs))
    lines.append("static const double pairs[NPAIRS][2] = {")
    for a, b in pairs:
        lines.append("\t{%s, %s}," % (a.hex(), b.hex()))
    lines.append("};")
    q = sum(Fraction(a) * Fraction(b) for a, b in pairs)
    hi = rounded(q)
    lines.append("static const double pairs_sum[2] = {%s, %s};" %
                 (hi.hex(), rounded(q - Fraction(hi)).hex()))
    lines.append("// clang-format on")
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("gen_xsum: %d sets, %d pairs" % (len(sets), len(pairs)))


main()
