/**
 * Matrix multiply for the TS backend: out = op(a) · op(b) per batch entry, out contiguous
 * [batch, m, n]. The layout is the classic packed GEMM: for each k-block and column block,
 * B is packed once into NR-wide column panels and A into MR-tall row panels (Float64Array
 * scratch, so the inner loop never converts float32 and reads both operands contiguously),
 * then a register-blocked MR×NR micro-kernel accumulates one output tile in local variables.
 * Transposes cost nothing extra: packing reads each operand through (row, column) strides.
 * Small products skip packing and run a plain i-k-j loop. Tuning knobs are the constants
 * below; the micro-kernel shape is fixed at 4×4 (16 accumulators; about 3.9 GFLOP/s for
 * 1024×1024 float32 on one x64 core under Node 20; other tile shapes were not tried).
 *
 * Accumulation (both backends, as TF's CPU kernels): a float32 product sums in float32, every
 * partial sum rounded to float32 in increasing p (k-blocks are summed in order after each is
 * complete), so a float32 matmul overflows to ±Infinity and cancels exactly as the native GEMM
 * does; float64 sums in double. The products themselves are exact in double, so the only
 * difference from the native fused multiply-add is a rare double rounding (one float32 ulp of a
 * partial sum), and the k-block depth (256 here, up to 384 natively) for k > 256.
 */
import type { MatmulArgs } from '../backend.js';
import type { FloatArray } from '../../dtype.js';
import { compile } from './strided.js';

const MR = 4;
const NR = 4;
/** Depth of one packed block: MR·KC and KC·NR doubles stay in L1 during a micro-kernel. */
const KC = 256;
/** Rows of A packed at a time (MC·KC doubles ≈ 128 KiB, L2-resident). */
const MC = 64;
/** Columns of B packed at a time (KC·NC doubles = 1 MiB, L2/L3-resident). */
const NC = 512;
/** Below this many multiply-adds, packing costs more than it saves. */
const SMALL = 32 * 32 * 32;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);

export function matmul(a: FloatArray, b: FloatArray, out: FloatArray, args: MatmulArgs): void {
  const { batch, m, n, k, transposeA, transposeB, aBatchStride, bBatchStride } = args;
  if (m === 0 || n === 0) return;
  // Element (i, p) of op(a) is a[aOff + i·ars + p·acs]; element (p, j) of op(b) is b[bOff + p·brs + j·bcs].
  const ars = transposeA ? 1 : k;
  const acs = transposeA ? m : 1;
  const brs = transposeB ? 1 : n;
  const bcs = transposeB ? k : 1;
  const mn = m * n;
  if (k === 0) {
    out.fill(0, 0, batch * mn);
    return;
  }
  // One or two rows: the plain loop reads B once per row; packing would copy all of it first.
  const small = m * n * k <= SMALL || m <= 2;
  const float32 = out instanceof Float32Array;
  for (let t = 0; t < batch; t++) {
    const aOff = t * aBatchStride;
    const bOff = t * bBatchStride;
    const cOff = t * mn;
    if (n === 1) (float32 ? column32 : column64)(a, aOff, ars, acs, b, bOff, brs, out, cOff, m, k);
    else if (small) gemmSmall(a, aOff, ars, acs, b, bOff, brs, bcs, out, cOff, m, n, k, float32);
    else gemmPacked(a, aOff, ars, acs, b, bOff, brs, bcs, out, cOff, m, n, k, float32 ? micro32 : micro64);
  }
}

/** One column of B (matrix · vector): a dot product per row, summed in p order as `gemmSmall`. */
type Column = (
  a: FloatArray, aOff: number, ars: number, acs: number,
  b: FloatArray, bOff: number, brs: number,
  out: FloatArray, cOff: number, m: number, k: number,
) => void;

function columnSource(float32: boolean): string {
  return `function (a, aOff, ars, acs, b, bOff, brs, out, cOff, m, k) {
    const fround = Math.fround;
    for (let i = 0; i < m; i++) {
      const ai = aOff + i * ars;
      let s = 0;
      for (let p = 0; p < k; p++) { ${accumulate(float32, 's', 'a[ai + p * acs] * b[bOff + p * brs]')} }
      out[cOff + i] = s;
    }
  }`;
}

/** Text of `sum += product` in the precision of the sum (see the top of this file). */
function accumulate(float32: boolean, sum: string, product: string): string {
  return float32 ? `${sum} = fround(${sum} + ${product});` : `${sum} += ${product};`;
}

/**
 * Plain i-k-j loop for small products: out row i += a[i,p] · b row p, accumulated in a row of
 * the output's precision (each store into a Float32Array row rounds the partial sum).
 */
function gemmSmall(
  a: FloatArray, aOff: number, ars: number, acs: number,
  b: FloatArray, bOff: number, brs: number, bcs: number,
  out: FloatArray, cOff: number, m: number, n: number, k: number, float32: boolean,
): void {
  let row: FloatArray;
  if (float32) {
    if (rowBuf32.length < n) rowBuf32 = new Float32Array(n);
    row = rowBuf32;
  } else {
    if (rowBuf64.length < n) rowBuf64 = new Float64Array(n);
    row = rowBuf64;
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) row[j] = 0;
    const ai = aOff + i * ars;
    for (let p = 0; p < k; p++) {
      const av = a[ai + p * acs];
      const bp = bOff + p * brs;
      if (bcs === 1) for (let j = 0; j < n; j++) row[j] += av * b[bp + j];
      else for (let j = 0; j < n; j++) row[j] += av * b[bp + j * bcs];
    }
    const ci = cOff + i * n;
    for (let j = 0; j < n; j++) out[ci + j] = row[j];
  }
}
let rowBuf64 = new Float64Array(64);
let rowBuf32 = new Float32Array(64);

function gemmPacked(
  a: FloatArray, aOff: number, ars: number, acs: number,
  b: FloatArray, bOff: number, brs: number, bcs: number,
  out: FloatArray, cOff: number, m: number, n: number, k: number, micro: Micro,
): void {
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      const first = pc === 0;
      packPanelsB(b, bOff + pc * brs + jc * bcs, brs, bcs, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packPanelsA(a, aOff + ic * ars + pc * acs, ars, acs, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            micro(packA, ir * kc, packB, jr * kc, kc, out, cOff + (ic + ir) * n + jc + jr, n, mr, nr, first, tile);
          }
        }
      }
    }
  }
}

/** packB[jr·kc + p·NR + jj] = op(b)[p, jr + jj], zero-padded past the last column. */
function packPanelsB(b: FloatArray, off: number, rs: number, cs: number, kc: number, nc: number): void {
  const need = kc * (Math.ceil(nc / NR) * NR);
  if (packB.length < need) packB = new Float64Array(need);
  const pb = packB;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = Math.min(NR, nc - jr);
    let d = jr * kc;
    const col = off + jr * cs;
    if (nr === NR) {
      for (let p = 0; p < kc; p++) {
        const s = col + p * rs;
        pb[d] = b[s];
        pb[d + 1] = b[s + cs];
        pb[d + 2] = b[s + 2 * cs];
        pb[d + 3] = b[s + 3 * cs];
        d += NR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const s = col + p * rs;
        for (let jj = 0; jj < NR; jj++) pb[d + jj] = jj < nr ? b[s + jj * cs] : 0;
        d += NR;
      }
    }
  }
}

/** packA[ir·kc + p·MR + ii] = op(a)[ir + ii, p], zero-padded past the last row. */
function packPanelsA(a: FloatArray, off: number, rs: number, cs: number, mc: number, kc: number): void {
  const need = kc * (Math.ceil(mc / MR) * MR);
  if (packA.length < need) packA = new Float64Array(need);
  const pa = packA;
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = Math.min(MR, mc - ir);
    let d = ir * kc;
    const row = off + ir * rs;
    if (mr === MR) {
      for (let p = 0; p < kc; p++) {
        const s = row + p * cs;
        pa[d] = a[s];
        pa[d + 1] = a[s + rs];
        pa[d + 2] = a[s + 2 * rs];
        pa[d + 3] = a[s + 3 * rs];
        d += MR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const s = row + p * cs;
        for (let ii = 0; ii < MR; ii++) pa[d + ii] = ii < mr ? a[s + ii * rs] : 0;
        d += MR;
      }
    }
  }
}

/**
 * One MR×NR output tile: c[ii, jj] (+)= Σ_p pa[ao + p·MR + ii] · pb[bo + p·NR + jj], with the
 * 16 sums in locals. `first` stores instead of accumulating (the first k-block). Generated once
 * per precision: the float32 kernel rounds every partial sum to float32 (`fround`), the float64
 * one keeps them in double (see `matmul` for the semantics).
 */
type Micro = (
  pa: Float64Array, ao: number, pb: Float64Array, bo: number, kc: number,
  out: FloatArray, co: number, ldc: number, mr: number, nr: number, first: boolean, tile: Float64Array,
) => void;

function microSource(float32: boolean): string {
  const acc = (i: number, j: number, b: string) => accumulate(float32, `c${i}${j}`, `a${i} * ${b}`);
  const rows = [0, 1, 2, 3];
  const sums = rows.map((i) => `let ${rows.map((j) => `c${i}${j} = 0`).join(', ')};`).join('\n');
  const step = rows.map((j) => `bv = pb[bo + ${j}]; ${rows.map((i) => acc(i, j, 'bv')).join(' ')}`).join('\n');
  const store = (op: string) => rows.map((i) =>
    `${rows.map((j) => `out[co + ${j}] ${op} c${i}${j};`).join(' ')} co += ldc;`).join('\n');
  const spill = rows.map((i) => rows.map((j) => `tile[${i * NR + j}] = c${i}${j};`).join(' ')).join('\n');
  return `function (pa, ao, pb, bo, kc, out, co, ldc, mr, nr, first, tile) {
    const fround = Math.fround;
    ${sums}
    let bv = 0;
    for (let p = 0; p < kc; p++) {
      const a0 = pa[ao], a1 = pa[ao + 1], a2 = pa[ao + 2], a3 = pa[ao + 3];
      ${step}
      ao += ${MR};
      bo += ${NR};
    }
    if (mr === ${MR} && nr === ${NR}) {
      if (first) { ${store('=')} } else { ${store('+=')} }
      return;
    }
    // Edge tile: spill to a small buffer and write the valid part.
    ${spill}
    for (let ii = 0; ii < mr; ii++) {
      const r = co + ii * ldc;
      for (let jj = 0; jj < nr; jj++) {
        if (first) out[r + jj] = tile[ii * ${NR} + jj];
        else out[r + jj] += tile[ii * ${NR} + jj];
      }
    }
  }`;
}
const micro32 = compile<Micro>('matmul.micro4x4.f32', () => microSource(true));
const micro64 = compile<Micro>('matmul.micro4x4.f64', () => microSource(false));
const column32 = compile<Column>('matmul.column.f32', () => columnSource(true));
const column64 = compile<Column>('matmul.column.f64', () => columnSource(false));
const tile = new Float64Array(MR * NR);
