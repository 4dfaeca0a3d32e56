/**
 * The one seeded generator of every random op (random.ts, composite/dropout.ts): xoshiro128**
 * seeded through splitmix32, in TS, so a seed gives the same stream on both backends and at
 * every SIMD level. Without a seed, each call draws a fresh one from Math.random.
 */

/** A generator of uniform numbers in [0, 1) with 32 random bits each. */
export function generator(seed: number | undefined): () => number {
  let s = seed === undefined ? (Math.random() * 2 ** 32) >>> 0 : seed >>> 0;
  const next32 = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = next32(), b = next32(), c = next32(), d = next32();
  // xoshiro128**: uniform in [0, 1) with 32 random bits
  return () => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    return r / 4294967296;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
