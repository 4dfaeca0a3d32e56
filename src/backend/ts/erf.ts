/**
 * The error function in float64 for the TS kernels (erf, gelu): fixed-cost piecewise
 * polynomials, about 1e-16 relative, with no loop that depends on x. erf x = x·E(x²) for
 * |x| < 1/2; above, erfc z = e^(−z²)·G(z), where G(z) = erfc(z)·e^(z²) is smooth and slowly
 * varying: a polynomial in z − c on three pieces up to 5, and z·G(z) a polynomial in 1/z − c on
 * two pieces up to 27 (erfc underflows double beyond). The tables below are printed by
 * scripts/fit-erf-double.py (Chebyshev fits by mpmath; it prints each piece's error).
 */

// erf(x)/x in x², |x| < 1/2: max relative error 2.3e-20
const ERF_SMALL = [-1.462091340945175e-07, 1.637123442577e-06, -1.4923003368152099e-05, 0.00012055286202005714, -0.0008548326510724796, 0.0052239776220169365, -0.02686617064499972, 0.1128379167095487, -0.3761263890318375, 1.1283791670955126] as const;
// G(z) in z − 1.0, z in [0.5, 1.5): max relative error 1.1e-18
const ERFC_A = [-3.914617199714194e-08, 1.3784633743013745e-07, -4.299143543295316e-07, 1.4340410570175926e-06, -4.675888436513413e-06, 1.4754609192515983e-05, -4.5143861219947744e-05, 0.0001336627622717746, -0.00038195453301478085, 0.0010502694181821256, -0.002769064775600966, 0.0069701423740626415, -0.0166618690904203, 0.03757229621531269, -0.07922696894132669, 0.15437156137190824, -0.27321201478389856, 0.427583576155807] as const;
// G(z) in z − 2.25, z in [1.5, 3): max relative error 9.2e-18
const ERFC_B = [-1.400353262582745e-10, 6.055280430567816e-10, -2.216644094827292e-09, 9.178735686798168e-09, -3.7612103166965675e-08, 1.4948034958257032e-07, -5.806298566444485e-07, 2.203006148039637e-06, -8.150283936965526e-06, 2.9353250462341522e-05, -0.0001027210810813699, 0.00034853542170552886, -0.0011437284836579198, 0.0036189953543767483, -0.011002060756439959, 0.03199262741070587, -0.08848650280874916, 0.23108725873039188] as const;
// G(z) in z − 4.0, z in [3, 5): max relative error 3.7e-18
const ERFC_C = [-2.526850416574146e-13, 1.4174421000817803e-12, -6.716161675425945e-12, 3.657892041877566e-11, -1.986852912911411e-10, 1.0534571860619086e-09, -5.503329980503955e-09, 2.833175744290521e-08, -1.4359645594674955e-07, 7.160457416072044e-07, -3.5103666472263633e-06, 1.690564924276165e-05, -7.99088803058106e-05, 0.00037035246899702173, -0.001681182076746105, 0.007465433244975516, -0.032383506095021455, 0.13699945762506138] as const;
// z·G(z) in 1/z − 0.1625, z in [5, 8]: max relative error 6.1e-21
const ERFC_D = [-1.0770226952852429, -10.288840467963418, 5.380318285484017, 0.24589968232480233, -1.7586860846929917, 0.8156277780076554, 0.23149432578207113, -0.46617795444065135, 0.1368367624689393, 0.20301309627732977, -0.22451034832330904, -0.08505978010667822, 0.5570177055765642] as const;
// z·G(z) in 1/z − 0.08101851851851852, z in [8, 27]: max relative error 6.1e-20
const ERFC_E = [-49.220233772826056, 20.969465791841152, 5.029150621991681, -5.99641519953799, 0.3192034087633305, 1.5496578984014513, -0.5071064896770356, -0.41712636734745445, 0.3292405548557227, 0.12655874050934016, -0.26608544460859646, -0.04483118843452552, 0.5623558522822985] as const;

function horner(c: readonly number[], u: number): number {
  let p = c[0];
  for (let i = 1; i < c.length; i++) p = p * u + c[i];
  return p;
}

// e^(−k·z²) for k = 1 or 1/2 without the rounding of z² (up to z²·2^-53 relative): z = hi + lo
// split (Veltkamp) so that hi has 26 bits and k·hi² is exact; d = k·(2·hi·lo + lo²) <= 1e-5 for
// z < 27·√2, and e^(−d) = 1 − d + d²/2 to double precision. float32 inputs have lo = 0.
function expNegSquare(z: number, k: number): number {
  const c = 134217729 * z;
  const hi = c - (c - z);
  const lo = z - hi;
  const d = k * (2 * hi + lo) * lo;
  return Math.exp(-k * hi * hi) * (1 - d + 0.5 * d * d);
}

/** G(z) = erfc(z)·e^(z²) for 1/2 <= z < 27 (erfc z underflows double from 27 on). */
function erfcScaled(z: number): number {
  if (z < 1.5) return horner(ERFC_A, z - 1);
  if (z < 3) return horner(ERFC_B, z - 2.25);
  if (z < 5) return horner(ERFC_C, z - 4);
  if (z < 8) return horner(ERFC_D, 1 / z - 0.1625) / z;
  return horner(ERFC_E, 1 / z - 0.08101851851851852) / z;
}

export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 0.5) return x * horner(ERF_SMALL, x * x);
  if (!(a === a)) return x;
  if (a >= 6) return x > 0 ? 1 : -1;  // erfc(6) = 2e-17 rounds away against 1
  const r = 1 - expNegSquare(a, 1) * erfcScaled(a);
  return x < 0 ? -r : r;
}

/**
 * gelu(x) = x·Φ(x) = x/2·erfc(w), w = −x/√2, with e^(−w²) taken as e^(−x²/2) from x itself: the
 * rounding of w would otherwise cost 2w² ulps in the far negative tail.
 */
export function gelu(x: number): number {
  const w = -x * Math.SQRT1_2;
  const a = Math.abs(w);
  if (a < 0.5) return 0.5 * x * (1 - w * horner(ERF_SMALL, w * w));
  if (!(a === a)) return x;
  const tail = a >= 27 ? 0 : expNegSquare(Math.abs(x), 0.5) * erfcScaled(a);
  return 0.5 * x * (w > 0 ? tail : 2 - tail);
}
