/**
 * matmul(a, b, {transposeA, transposeB}): matrix product over the last two axes, batched and
 * broadcast over the leading ones. Rank-1 operands are not accepted (as tf.linalg.matmul).
 */
import { activeKernels } from '../backend/select.js';
import { allocateOutput, isFloat, type FloatArray } from '../dtype.js';
import { record } from '../autodiff/record.js';
import { broadcastShapes, fmt, shapesEqual, sizeOf } from '../shape.js';
import { Tensor, toTensorPair, type TensorLike } from '../tensor.js';
import { broadcastTo } from './strided.js';
import { checkOptions, checkSize, maxElements, tooLarge, type OptionSpec } from '../validate.js';

const OPTIONS: OptionSpec = { transposeA: 'boolean', transposeB: 'boolean' };

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

export function matmul(aLike: TensorLike, bLike: TensorLike, options?: MatmulOptions | null): Tensor {
  const opts = checkOptions(options, OPTIONS, 'matmul');
  const transposeA = opts.transposeA ?? false;
  const transposeB = opts.transposeB ?? false;
  let [a, b] = toTensorPair(aLike, bLike, 'matmul');
  if (!isFloat(a.dtype)) throw new TypeError(`matmul: a and b must be float32 or float64, got ${a.dtype}`);
  if (a.rank < 2 || b.rank < 2) {
    throw new Error(`matmul: a and b must have rank >= 2, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  const [m, ka] = transposeA ? [a.shape[a.rank - 1], a.shape[a.rank - 2]] : [a.shape[a.rank - 2], a.shape[a.rank - 1]];
  const [kb, n] = transposeB ? [b.shape[b.rank - 1], b.shape[b.rank - 2]] : [b.shape[b.rank - 2], b.shape[b.rank - 1]];
  if (ka !== kb) {
    throw new Error(`matmul: inner dimensions differ: ${fmt(a.shape)} x ${fmt(b.shape)}` +
      (transposeA || transposeB ? ` (transposeA=${transposeA}, transposeB=${transposeB})` : ''));
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batchShape = broadcastShapes(aBatch, bBatch, 'matmul');
  const batch = sizeOf(batchShape);
  if (batch * m * n > maxElements(a.dtype)) tooLarge('matmul', [...batchShape, m, n], batch * m * n, a.dtype);
  // A side whose batch is all ones repeats with stride 0; other mismatches are materialised.
  const aSingle = sizeOf(aBatch) === 1;
  const bSingle = sizeOf(bBatch) === 1;
  if (!aSingle && !shapesEqual(aBatch, batchShape)) checkSize([...batchShape, m, ka], 'matmul', a.dtype);
  if (!bSingle && !shapesEqual(bBatch, batchShape)) checkSize([...batchShape, ka, n], 'matmul', a.dtype);
  const aIn = aSingle || shapesEqual(aBatch, batchShape) ? a : broadcastTo(a, [...batchShape, ...a.shape.slice(-2)]);
  const bIn = bSingle || shapesEqual(bBatch, batchShape) ? b : broadcastTo(b, [...batchShape, ...b.shape.slice(-2)]);
  const out = allocateOutput(a.dtype, batch * m * n) as FloatArray;
  if (out.length > 0) {
    activeKernels().matmul(aIn.values as FloatArray, bIn.values as FloatArray, out, {
      batch, m, n, k: ka, transposeA, transposeB,
      aBatchStride: aSingle ? 0 : m * ka,
      bBatchStride: bSingle ? 0 : ka * n,
    });
  }
  const y = new Tensor(out, [...batchShape, m, n], a.dtype);
  record([a, b], [y], ([dy], needs) => {
    // For y = op(a)·op(b): da and db are products of dy with the other operand, with the
    // transposes chosen so that no explicit transpose is materialised.
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (needs[0]) {
      da = transposeA
        ? (transposeB ? matmul(b, dy, { transposeA: true, transposeB: true }) : matmul(b, dy, { transposeB: true }))
        : matmul(dy, b, { transposeB: !transposeB });
    }
    if (needs[1]) {
      db = transposeB
        ? (transposeA ? matmul(dy, a, { transposeA: true, transposeB: true }) : matmul(dy, a, { transposeA: true }))
        : matmul(a, dy, { transposeA: !transposeA });
    }
    return [da, db];
  });
  return y;
}
