/**
 * Scans: cumsum and cumprod along one axis, with TF's `exclusive` and `reverse` options
 * (tf.math.cumsum / tf.math.cumprod). One primitive (`Backend.scan`) runs both; gradients
 * are TF's: cumsum's is the cumsum of dy in the opposite direction; cumprod's is TF's
 * `cumsum(y·dy, reverse = !reverse) / x` when x has no zeros, and an exact division-free
 * recurrence otherwise (TF's own rule returns NaN/inf there).
 */
import type { ScanOp } from '../backend/backend.js';
import { kernels } from '../backend/select.js';
import { allocate, allocateOutput } from '../dtype.js';
import { record } from '../autodiff/record.js';
import { normalizeAxis, sizeOf, fmt } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { checkBoolean, checkOptions, show, type OptionSpec } from '../validate.js';
import { div, mul } from './binary.js';

export interface ScanOptions {
  /** Each output excludes its own element (the first is the identity: 0 or 1). */
  exclusive?: boolean;
  /** Accumulate from the end of the axis. */
  reverse?: boolean;
}

const SCAN_OPTIONS: OptionSpec = { exclusive: 'boolean', reverse: 'boolean' };

interface Lanes { outer: number; n: number; inner: number }

function lanesOf(shape: number[], axis: number): Lanes {
  return { outer: sizeOf(shape.slice(0, axis)), n: shape[axis], inner: sizeOf(shape.slice(axis + 1)) };
}

function runScan(op: ScanOp, x: Tensor, axis: number, exclusive: boolean, reverse: boolean): Tensor {
  const { outer, n, inner } = lanesOf(x.shape, axis);
  const out = allocateOutput(x.dtype, x.size);
  kernels(x.size).scan(op, x.values, outer, n, inner, exclusive, reverse, out);
  return new Tensor(out, x.shape.slice(), x.dtype);
}

function prepare(op: ScanOp, xLike: TensorLike, axisArg: number | null | undefined, options: ScanOptions | boolean | null | undefined, reverseArg?: boolean) {
  const x = toTensor(xLike, op, 'x');
  if (x.dtype === 'bool') throw new TypeError(`${op}: x must be float32, float64 or int32, got bool ${fmt(x.shape)}`);
  if (x.rank === 0) throw new RangeError(`${op}: x must have rank at least 1, got a scalar`);
  if (axisArg !== undefined && axisArg !== null && (typeof axisArg !== 'number' || !Number.isInteger(axisArg))) {
    throw new TypeError(`${op}: axis must be an integer, got ${show(axisArg)}`);
  }
  const axis = normalizeAxis(axisArg ?? 0, x.rank, op);
  // TF's positional form, cumsum(x, axis, exclusive, reverse), or an options object.
  const { exclusive = false, reverse = false } = typeof options === 'boolean' || typeof reverseArg === 'boolean'
    ? { exclusive: checkBoolean(options ?? false, op, 'exclusive'), reverse: checkBoolean(reverseArg ?? false, op, 'reverse') }
    : checkOptions(options as ScanOptions | null | undefined, SCAN_OPTIONS, op);
  return { x, axis, exclusive, reverse };
}

/** Running sum along `axis` (default 0): `cumsum([a, b, c]) = [a, a + b, a + b + c]`. */
export function cumsum(xLike: TensorLike, axis?: number | null, options?: ScanOptions | boolean | null, reverseArg?: boolean): Tensor {
  const { x, axis: ax, exclusive, reverse } = prepare('cumsum', xLike, axis, options, reverseArg);
  const y = runScan('cumsum', x, ax, exclusive, reverse);
  record([x], [y], ([dy]) => [cumsum(dy, ax, { exclusive, reverse: !reverse })]);
  return y;
}

/** Running product along `axis` (default 0): `cumprod([a, b, c]) = [a, a·b, a·b·c]`. */
export function cumprod(xLike: TensorLike, axis?: number | null, options?: ScanOptions | boolean | null, reverseArg?: boolean): Tensor {
  const { x, axis: ax, exclusive, reverse } = prepare('cumprod', xLike, axis, options, reverseArg);
  const y = runScan('cumprod', x, ax, exclusive, reverse);
  record([x], [y], ([dy]) => {
    const xv = x.values;
    let zero = false;
    for (let i = 0; i < xv.length && !zero; i++) zero = xv[i] === 0;
    // TF's _CumprodGrad: differentiable again (second derivatives), exact away from zeros.
    if (!zero) return [div(cumsum(mul(y, dy), ax, { exclusive, reverse: !reverse }), x)];
    return [cumprodGradExact(x, dy, ax, exclusive, reverse)];
  });
  return y;
}

/**
 * ∂/∂x of Σ dy·cumprod(x), without dividing by x. In scan order t (reversed when `reverse`),
 * with L_t = Π_{s<t} x_s: inclusive, g_t = L_t·S_t with S_t = dy_t + x_{t+1}·S_{t+1};
 * exclusive, g_t = L_t·T_t with T_t = dy_{t+1} + x_{t+1}·T_{t+1} (T_{n-1} = 0). Not recorded:
 * second derivatives at zeros are not supported (TF has none either).
 */
function cumprodGradExact(x: Tensor, dyT: Tensor, axis: number, exclusive: boolean, reverse: boolean): Tensor {
  const { outer, n, inner } = lanesOf(x.shape, axis);
  const xv = x.values;
  const dy = dyT.values;
  const out = allocate(x.dtype, x.size);
  const s = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (t: number) => (o * n + (reverse ? n - 1 - t : t)) * inner + i;
      let acc = 0;
      for (let t = n - 1; t >= 0; t--) {
        if (exclusive) {
          s[t] = acc; // T_t
          acc = dy[at(t)] + xv[at(t)] * acc;
        } else {
          acc = dy[at(t)] + (t + 1 < n ? xv[at(t + 1)] * acc : 0);
          s[t] = acc; // S_t
        }
      }
      let left = 1;
      for (let t = 0; t < n; t++) {
        out[at(t)] = left * s[t];
        left *= xv[at(t)];
      }
    }
  }
  return new Tensor(out, x.shape.slice(), x.dtype);
}
