/** IEEE binary16 (F16) and bfloat16 (BF16) bit patterns to numbers, exactly (both fit in float32). */

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  // subnormals are fraction·2^-24; the all-ones exponent holds the infinities and NaN
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const F32_BITS = new Uint32Array(1);
const F32_VIEW = new Float32Array(F32_BITS.buffer);

/** bfloat16 is the top half of a float32. */
export function bfloat16ToFloat(h: number): number {
  F32_BITS[0] = h << 16;
  return F32_VIEW[0];
}
