/**
 * Pooling over NHWC data: maxPool and avgPool (TF.js signatures). Windows never include
 * padding: max takes the largest element inside x, avg divides by the count of elements inside
 * x (TF's 'same' average). avgPool's gradient is the adjoint kernel, whose own gradient is
 * avgPool again. maxPool's gradient routes dy to the first maximum of each window: one kernel
 * (`maxPoolBackprop`) for a first derivative; under a recording tape the indices come from a
 * kernel and the routing is scatterAdd, whose gradient (gather) gives the second derivative. A new pool builds its window with geometry.ts and adds a `PoolOp`.
 */
import { activeKernels } from '../backend/select.js';
import type { PoolArgs } from '../backend/backend.js';
import { allocateOutput, isFloat, type FloatArray } from '../dtype.js';
import { isRecording, record } from '../autodiff/record.js';
import { fmt } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { reshape } from '../ops/reshape.js';
import { scatterAdd } from '../ops/gather.js';
import { checkSize, show } from '../validate.js';
import { pair, window, type PadArg } from './geometry.js';

function poolArgs(op: string, x: Tensor, filterSize: unknown, strides: unknown, pad: unknown): PoolArgs {
  const [fh, fw] = pair(filterSize, op, 'filterSize');
  const s = pair(strides, op, 'strides');
  const w = window(op, x.shape, fh, fw, s, [1, 1], pad, `window ${fh}x${fw}`);
  const padH = (w.outH - 1) * w.strideH + fh - w.inH - w.padTop;
  const padW = (w.outW - 1) * w.strideW + fw - w.inW - w.padLeft;
  if (Math.max(w.padTop, padH) >= fh || Math.max(w.padLeft, padW) >= fw) {
    throw new Error(`${op}: padding must be smaller than the window ${fh}x${fw} (a window would hold only padding), got pad ${show(pad)} for x ${fmt(x.shape)}`);
  }
  return { batch: w.batch, inH: w.inH, inW: w.inW, channels: x.shape[3], outH: w.outH, outW: w.outW, fh, fw, strideH: w.strideH, strideW: w.strideW, padTop: w.padTop, padLeft: w.padLeft };
}

function prepare(op: string, xLike: TensorLike): { x: Tensor; single: boolean } {
  let x = toTensor(xLike, op, 'x');
  if (!isFloat(x.dtype)) throw new TypeError(`${op}: x must be float32 or float64, got ${x.dtype}`);
  if (x.rank !== 3 && x.rank !== 4) throw new Error(`${op}: x must be rank 4 [batch, height, width, channels] or rank 3 (one image), got shape ${fmt(x.shape)}`);
  const single = x.rank === 3;
  if (single) x = reshape(x, [1, ...x.shape]);
  return { x, single };
}

const outShape = (g: PoolArgs) => [g.batch, g.outH, g.outW, g.channels];

function avgPoolCore(x: Tensor, g: PoolArgs): Tensor {
  const shape = outShape(g);
  const out = allocateOutput(x.dtype, checkSize(shape, 'avgPool', x.dtype)) as FloatArray;
  if (out.length > 0) activeKernels().pool('avg', x.values as FloatArray, out, g);
  const y = new Tensor(out, shape, x.dtype);
  record([x], [y], ([dy]) => [avgPoolBackpropCore(dy, g)]);
  return y;
}

function avgPoolBackpropCore(dy: Tensor, g: PoolArgs): Tensor {
  const shape = [g.batch, g.inH, g.inW, g.channels];
  const dx = allocateOutput(dy.dtype, checkSize(shape, 'avgPool', dy.dtype)) as FloatArray;
  if (dx.length > 0) {
    if (dy.size === 0) dx.fill(0);
    else activeKernels().avgPoolBackprop(dy.values as FloatArray, dx, g);
  }
  const y = new Tensor(dx, shape, dy.dtype);
  record([dy], [y], ([ddx]) => [avgPoolCore(ddx, g)]);
  return y;
}

/** Max over each window of x [batch, h, w, c] (or one image [h, w, c]); `filterSize` and `strides` a number or [h, w]. */
export function maxPool(xLike: TensorLike, filterSize: number | [number, number], strides: number | [number, number], pad: PadArg): Tensor {
  const { x, single } = prepare('maxPool', xLike);
  const g = poolArgs('maxPool', x, filterSize, strides, pad);
  if (x.size > 0x7fffffff) throw new RangeError(`maxPool: x ${fmt(x.shape)} has more than 2^31 − 1 elements, the most its gradient can index`);
  const shape = outShape(g);
  const out = allocateOutput(x.dtype, checkSize(shape, 'maxPool', x.dtype)) as FloatArray;
  if (out.length > 0) activeKernels().pool('max', x.values as FloatArray, out, g);
  const y = new Tensor(out, shape, x.dtype);
  record([x], [y], ([dy]) => {
    if (!isRecording()) {  // first order: one kernel, no index tensor and no scatter
      const dx = allocateOutput(x.dtype, x.size) as FloatArray;
      if (dx.length > 0) activeKernels().maxPoolBackprop(x.values as FloatArray, dy.values as FloatArray, dx, g);
      return [new Tensor(dx, x.shape, x.dtype)];
    }
    const idx = new Int32Array(y.size);
    if (idx.length > 0) activeKernels().maxPoolArgmax(x.values as FloatArray, idx, g);
    const routed = scatterAdd(reshape(dy, [y.size]), new Tensor(idx, [idx.length], 'int32'), 0, [x.size]);
    return [reshape(routed, x.shape)];
  });
  return single ? reshape(y, y.shape.slice(1)) : y;
}

/** Mean over each window of x, counting only elements inside x (TF's 'same' average). */
export function avgPool(xLike: TensorLike, filterSize: number | [number, number], strides: number | [number, number], pad: PadArg): Tensor {
  const { x, single } = prepare('avgPool', xLike);
  const y = avgPoolCore(x, poolArgs('avgPool', x, filterSize, strides, pad));
  return single ? reshape(y, y.shape.slice(1)) : y;
}
