/**
 * Shared by the native tests: the raw binding (or why it did not load), a seeded generator,
 * and typed-array helpers. Tests use `describe.skipIf(!binding)` with the load error in the
 * block's name, so a missing addon reports *skipped* with the reason, never a pass.
 */
import { loadRawBinding } from '../../src/backend/native/load.js';
import type { RawBinding } from '../../src/backend/native/native-backend.js';
import type { DType, TypedArray } from '../../src/dtype.js';

const loaded = loadRawBinding();
export const binding: RawBinding | null = loaded.binding;
export const nativeLabel = binding ? 'native addon' : `native addon not loaded (skipped): ${loaded.error}`;

export { rng } from '../support/random.js';

export const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;
export const DTYPES: DType[] = ['float32', 'float64', 'int32', 'bool'];

/** Random values for a dtype; floats include a sprinkling of specials when `specials`. */
export function randomArray(dtype: DType, n: number, rand: () => number, specials = true): TypedArray {
  const a = new CTORS[dtype](n);
  const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, -0.5, 2.5, 100, -100, 1e-3, 1e30, -1e30, 1e-40];
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (dtype === 'bool') a[i] = r < 0.5 ? 1 : 0;
    else if (dtype === 'int32') a[i] = r < 0.1 ? [0, 1, -1, 2147483647, -2147483648][Math.floor(rand() * 5)] : Math.floor((rand() - 0.5) * 200);
    else if (specials && r < 0.08) a[i] = SPECIAL[Math.floor(rand() * SPECIAL.length)];
    else a[i] = (rand() - 0.5) * 8;
  }
  return a;
}

/** SIMD levels to test in this process: the one forced by TAPEFLOW_SIMD, else every level the CPU has. */
export function simdLevels(b: RawBinding): string[] {
  const forced = process.env.TAPEFLOW_SIMD;
  if (forced) return [b.info().simd];
  return b.info().simdAvailable.split(',');
}
