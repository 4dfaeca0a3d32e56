#!/usr/bin/env python3
"""Derives the float64 erf/erfc pieces of the TS kernels (src/backend/ts/erf.ts).

erf x = x·E(x²) for |x| < 1/2; for z >= 1/2, erfc z = e^(−z²)·G(z) with G(z) = erfc(z)·e^(z²)
smooth and slowly varying: a polynomial in (z − c) on [1/2, 3/2), [3/2, 3), [3, 5), and z·G(z)
as a polynomial in (1/z − c) on [5, 8) and [8, 27] (above 27, erfc underflows double). Chebyshev
fits by mpmath at 40 digits; each piece's max relative error is printed (all below 2e-17, so the
kernels' error is their double rounding). Prints the TS tables: python3 scripts/fit-erf-double.py
"""
import mpmath as mp

mp.mp.dps = 40
G = lambda z: mp.erfc(z) * mp.exp(z * z)


def piece(f, a, b, deg, center):
    c, err = mp.chebyfit(lambda u: f(u + center), [a - center, b - center], deg, error=True)
    scale = min(abs(f(mp.mpf(a))), abs(f(mp.mpf(b))))
    return [float(x) for x in c], float(err / scale)


def emit(name, coefs, err, note):
    body = ", ".join(repr(x) for x in coefs)
    print(f"// {note}: max relative error {err:.2g}")
    print(f"const {name} = [{body}];")


c, e = piece(lambda z: mp.erf(mp.sqrt(z)) / mp.sqrt(z) if z > 0 else 2 / mp.sqrt(mp.pi), 0, 0.25, 10, 0)
emit("ERF_SMALL", c, e, "erf(x)/x in x², |x| < 1/2")
for name, a, b, center in [("ERFC_A", 0.5, 1.5, 1.0), ("ERFC_B", 1.5, 3, 2.25), ("ERFC_C", 3, 5, 4.0)]:
    c, e = piece(G, a, b, 18, center)
    emit(name, c, e, f"G(z) in z − {center}, z in [{a}, {b})")
for name, a, b in [("ERFC_D", 5, 8), ("ERFC_E", 8, 27)]:
    center = (1 / a + 1 / b) / 2
    c, e = piece(lambda u: G(1 / u) / u, 1 / b, 1 / a, 13, center)
    emit(name, c, e, f"z·G(z) in 1/z − {center!r}, z in [{a}, {b}]")
