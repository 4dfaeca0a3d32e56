#!/usr/bin/env python3
"""Derives the polynomial coefficients of the float32 SIMD kernels in native/simd/impl.h.

Each fit is a weighted least-squares fit on Chebyshev nodes (near-minimax) of the function's
smooth remainder, with weights that make the error relative to the final result; the reference
values come from mpmath at 50 digits. The coefficients are rounded to float32 and the script
then re-evaluates the whole approximation in float32 (numpy) on a dense grid and prints the max
relative error, so each kernel's accuracy claim can be re-checked: python3 scripts/fit-simd-polynomials.py
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 50
f32 = np.float32


def fit(g, lo, hi, degree, weight=lambda u: 1.0, nodes=400):
    """Coefficients c[0..degree] (ascending) of a polynomial in u on [lo, hi] fitting g(u)."""
    k = np.arange(nodes)
    u = (lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / nodes)
    gv = np.array([float(g(mp.mpf(float(x)))) for x in u])
    w = np.array([weight(x) for x in u])
    a = np.vander(u, degree + 1, increasing=True) * w[:, None]
    c, *_ = np.linalg.lstsq(a, gv * w, rcond=None)
    return [f32(x) for x in c]


def horner(c, u):
    p = np.full_like(u, c[-1])
    for x in reversed(c[:-1]):
        p = (p * u + x).astype(f32)
    return p


def show(name, c):
    print(f"{name}: " + ", ".join(f"{float(x):.10e}f" for x in reversed(c)) + "   (highest degree first)")


def report(name, approx, exact, xs):
    got = approx(xs.astype(f32)).astype(np.float64)
    ref = np.array([float(exact(mp.mpf(float(x)))) for x in xs.astype(f32)])
    rel = np.abs(got - ref) / np.maximum(np.abs(ref), 1e-30)
    i = int(np.argmax(rel))
    print(f"  {name}: max relative error {rel[i]:.3g} (at x = {xs[i]:.7g}) over {len(xs)} points")


q = float(mp.pi / 4)
# sin(r) = r + r^3 S(r^2), cos(r) = 1 - r^2/2 + r^4 C(r^2) on |r| <= pi/4.
S = fit(lambda z: (mp.sin(mp.sqrt(z)) - mp.sqrt(z)) / mp.sqrt(z) ** 3 if z > 0 else mp.mpf(-1) / 6, 0, q * q, 2,
        weight=lambda z: z ** 1.0 / max(np.sin(np.sqrt(z)), 1e-9) if z > 0 else 0)
C = fit(lambda z: (mp.cos(mp.sqrt(z)) - 1 + z / 2) / z ** 2 if z > 0 else mp.mpf(1) / 24, 0, q * q, 2,
        weight=lambda z: z * z)
show("sin S", S)
show("cos C", C)
r = np.linspace(-q, q, 20001)
report("sin on [-pi/4, pi/4]", lambda x: (x + x * (x * x) * horner(S, (x * x).astype(f32))).astype(f32), mp.sin, r)
report("cos on [-pi/4, pi/4]", lambda x: (1 - (x * x) / 2 + (x * x) ** 2 * horner(C, (x * x).astype(f32))).astype(f32), mp.cos, r)

# tan(r) = r + r^3 T(r^2) on |r| <= pi/4.
T = fit(lambda z: (mp.tan(mp.sqrt(z)) - mp.sqrt(z)) / mp.sqrt(z) ** 3 if z > 0 else mp.mpf(1) / 3, 0, q * q, 6,
        weight=lambda z: z ** 1.0 / np.tan(np.sqrt(z)) if z > 0 else 0)
show("tan T", T)
report("tan on [-pi/4, pi/4]", lambda x: (x + x * (x * x) * horner(T, (x * x).astype(f32))).astype(f32), mp.tan, r[r != 0])

# atan(t) = t + t^3 A(t^2) on |t| <= tan(pi/8).
t8 = float(mp.tan(mp.pi / 8))
A = fit(lambda z: (mp.atan(mp.sqrt(z)) - mp.sqrt(z)) / mp.sqrt(z) ** 3 if z > 0 else mp.mpf(-1) / 3, 0, t8 * t8, 4,
        weight=lambda z: z / np.arctan(np.sqrt(z)) if z > 0 else 0)
show("atan A", A)
t = np.linspace(-t8, t8, 20001)
report("atan on [-tan(pi/8), tan(pi/8)]", lambda x: (x + x * (x * x) * horner(A, (x * x).astype(f32))).astype(f32), mp.atan, t[t != 0])

# asin(x) = x + x^3 B(x^2) on |x| <= 1/2.
B = fit(lambda z: (mp.asin(mp.sqrt(z)) - mp.sqrt(z)) / mp.sqrt(z) ** 3 if z > 0 else mp.mpf(1) / 6, 0, 0.25, 5,
        weight=lambda z: z / np.arcsin(np.sqrt(z)) if z > 0 else 0)
show("asin B", B)
h = np.linspace(-0.5, 0.5, 20001)
report("asin on [-1/2, 1/2]", lambda x: (x + x * (x * x) * horner(B, (x * x).astype(f32))).astype(f32), mp.asin, h[h != 0])

# erf(x) = x E(x^2) on |x| <= 1/2 (odd, so a polynomial in x^2 times x).
E = fit(lambda z: mp.erf(mp.sqrt(z)) / mp.sqrt(z) if z > 0 else 2 / mp.sqrt(mp.pi), 0, 0.25, 6)
show("erf E", E)
report("erf on [-1/2, 1/2]", lambda x: (x * horner(E, (x * x).astype(f32))).astype(f32), mp.erf, h[h != 0])

# erfc(z) = t exp(-z^2 + R(t)), t = 1/(1 + z/2), z in [1/2, 10]: R is smooth in t.
R = fit(lambda tt: mp.log(mp.erfc(2 / tt - 2) / tt) + (2 / tt - 2) ** 2, 1 / 6.0, 0.8, 9)
show("erfc R", R)


def erfc_big(z):
    # -z^2 as zz + its rounding error (an fma in the kernel), so the exponent loses no bits to it
    tt = (1 / (1 + z / 2)).astype(f32)
    zz = (z * z).astype(f32)
    lost = (z.astype(np.float64) ** 2 - zz).astype(f32)
    arg = ((horner(R, tt) - zz).astype(f32) - lost).astype(f32)
    return (tt * np.exp(arg).astype(f32)).astype(f32)


report("erfc on [1/2, 4] (erf's range)", erfc_big, mp.erfc, np.linspace(0.5, 4, 20001))
report("erfc on [4, 9] (gelu's far tail)", erfc_big, mp.erfc, np.linspace(4, 9, 20001))
