/**
 * Convolutions over NHWC data: conv2d, conv1d, depthwiseConv2d and conv2dTranspose (TF.js
 * signatures; the README's API table). All four are three differentiable cores sharing one geometry
 * (`Conv2DArgs`): the forward correlation, its input gradient (a transposed convolution) and
 * its filter gradient (a correlation of input and upstream gradient). Each core's gradient rule
 * is written with the other two, so derivatives of any order work. `depthwise` in the geometry
 * selects the per-channel variant of each kernel. To add a variant (grouped, 3-D), give it a
 * geometry and the same three cores.
 */
import { activeKernels } from '../backend/select.js';
import type { Conv2DArgs } from '../backend/backend.js';
import { allocateOutput, isFloat, type FloatArray } from '../dtype.js';
import { record } from '../autodiff/record.js';
import { fmt } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { reshape } from '../ops/reshape.js';
import { checkSize, show } from '../validate.js';
import { checkDataFormat, pair, window, type PadArg } from './geometry.js';

function conv2dCore(x: Tensor, filter: Tensor, g: Conv2DArgs): Tensor {
  const shape = [g.batch, g.outH, g.outW, g.outC];
  const out = allocateOutput(x.dtype, checkSize(shape, 'conv2d', x.dtype)) as FloatArray;
  if (out.length > 0) activeKernels().conv2d(x.values as FloatArray, filter.values as FloatArray, out, g);
  const y = new Tensor(out, shape, x.dtype);
  record([x, filter], [y], ([dy], needs) => [
    needs[0] ? backpropInputCore(dy, filter, g) : null,
    needs[1] ? backpropFilterCore(x, dy, g) : null,
  ]);
  return y;
}

// ⟨ddx, backpropInput(dy, w)⟩ = ⟨conv2d(ddx, w), dy⟩ = ⟨backpropFilter(ddx, dy), w⟩.
function backpropInputCore(dy: Tensor, filter: Tensor, g: Conv2DArgs): Tensor {
  const shape = [g.batch, g.inH, g.inW, g.inC];
  const dx = allocateOutput(dy.dtype, checkSize(shape, 'conv2d', dy.dtype)) as FloatArray;
  if (dx.length > 0) {
    if (dy.size === 0 || filter.size === 0) dx.fill(0);
    else activeKernels().conv2dBackpropInput(dy.values as FloatArray, filter.values as FloatArray, dx, g);
  }
  const y = new Tensor(dx, shape, dy.dtype);
  record([dy, filter], [y], ([ddx], needs) => [
    needs[0] ? conv2dCore(ddx, filter, g) : null,
    needs[1] ? backpropFilterCore(ddx, dy, g) : null,
  ]);
  return y;
}

// ⟨ddw, backpropFilter(x, dy)⟩ = ⟨conv2d(x, ddw), dy⟩ = ⟨x, backpropInput(dy, ddw)⟩.
function backpropFilterCore(x: Tensor, dy: Tensor, g: Conv2DArgs): Tensor {
  const shape = [g.fh, g.fw, g.inC, g.depthwise ? (g.inC === 0 ? 0 : g.outC / g.inC) : g.outC];
  const dw = allocateOutput(x.dtype, checkSize(shape, 'conv2d', x.dtype)) as FloatArray;
  if (dw.length > 0) {
    if (dy.size === 0 || x.size === 0) dw.fill(0);
    else activeKernels().conv2dBackpropFilter(x.values as FloatArray, dy.values as FloatArray, dw, g);
  }
  const y = new Tensor(dw, shape, x.dtype);
  record([x, dy], [y], ([ddw], needs) => [
    needs[0] ? backpropInputCore(dy, ddw, g) : null,
    needs[1] ? conv2dCore(x, ddw, g) : null,
  ]);
  return y;
}

interface Prepared {
  x: Tensor;
  filter: Tensor;
  single: boolean;
}

/** x as a rank-4 float tensor (a rank-3 x is one image) and the filter checked to rank 4. */
function prepare(op: string, xLike: TensorLike, filterLike: TensorLike, xName = 'x'): Prepared {
  let x = toTensor(xLike, op, xName);
  const filter = toTensor(filterLike, op, 'filter', x.dtype);
  if (!isFloat(x.dtype)) throw new TypeError(`${op}: ${xName} must be float32 or float64, got ${x.dtype}`);
  if (filter.dtype !== x.dtype) throw new TypeError(`${op}: filter must have the dtype of ${xName} (${x.dtype}), got ${filter.dtype}`);
  if (x.rank !== 3 && x.rank !== 4) throw new Error(`${op}: ${xName} must be rank 4 [batch, height, width, channels] or rank 3 (one image), got shape ${fmt(x.shape)}`);
  if (filter.rank !== 4) throw new Error(`${op}: filter must be rank 4 [filterHeight, filterWidth, inChannels, ${op === 'depthwiseConv2d' ? 'channelMultiplier' : 'outChannels'}], got shape ${fmt(filter.shape)}`);
  const single = x.rank === 3;
  if (single) x = reshape(x, [1, ...x.shape]);
  return { x, filter, single };
}

function finish(y: Tensor, single: boolean): Tensor {
  return single ? reshape(y, y.shape.slice(1)) : y;
}

/**
 * 2-D convolution (cross-correlation, as TF): x [batch, h, w, inC] (or one image [h, w, inC]),
 * filter [fh, fw, inC, outC]. `strides` and `dilations` are a number or [h, w]; `pad` is
 * 'same', 'valid', a number or [[0,0],[top,bottom],[left,right],[0,0]].
 */
export function conv2d(xLike: TensorLike, filterLike: TensorLike, strides: number | [number, number], pad: PadArg, dataFormat: 'NHWC' = 'NHWC', dilations: number | [number, number] = 1): Tensor {
  const op = 'conv2d';
  const { x, filter, single } = prepare(op, xLike, filterLike);
  checkDataFormat(dataFormat, op, 'NHWC');
  const s = pair(strides, op, 'strides');
  const d = pair(dilations ?? 1, op, 'dilations');
  const [fh, fw, inC, outC] = filter.shape;
  if (inC !== x.shape[3]) throw new Error(`${op}: filter input channels (${inC}) differ from the input channels (${x.shape[3]}): x ${fmt(x.shape)}, filter ${fmt(filter.shape)}`);
  const g: Conv2DArgs = { ...window(op, x.shape, fh, fw, s, d, pad, `filter ${fmt(filter.shape)}`), inC, outC, depthwise: false };
  return finish(conv2dCore(x, filter, g), single);
}

/**
 * Depthwise 2-D convolution: filter [fh, fw, inC, multiplier]; output channel c·multiplier + q
 * is input channel c correlated with filter[:, :, c, q].
 */
export function depthwiseConv2d(xLike: TensorLike, filterLike: TensorLike, strides: number | [number, number], pad: PadArg, dataFormat: 'NHWC' = 'NHWC', dilations: number | [number, number] = 1): Tensor {
  const op = 'depthwiseConv2d';
  const { x, filter, single } = prepare(op, xLike, filterLike);
  checkDataFormat(dataFormat, op, 'NHWC');
  const s = pair(strides, op, 'strides');
  const d = pair(dilations ?? 1, op, 'dilations');
  const [fh, fw, inC, mult] = filter.shape;
  if (inC !== x.shape[3]) throw new Error(`${op}: filter input channels (${inC}) differ from the input channels (${x.shape[3]}): x ${fmt(x.shape)}, filter ${fmt(filter.shape)}`);
  const g: Conv2DArgs = { ...window(op, x.shape, fh, fw, s, d, pad, `filter ${fmt(filter.shape)}`), inC, outC: inC * mult, depthwise: true };
  return finish(conv2dCore(x, filter, g), single);
}

/**
 * 1-D convolution: x [batch, width, inC] (or [width, inC]), filter [fw, inC, outC]; conv2d over
 * a unit height. `pad` is 'same', 'valid', a number or [[0,0],[left,right],[0,0]].
 */
export function conv1d(xLike: TensorLike, filterLike: TensorLike, stride: number, pad: PadArg, dataFormat: 'NWC' = 'NWC', dilation = 1): Tensor {
  const op = 'conv1d';
  let x = toTensor(xLike, op, 'x');
  const filter = toTensor(filterLike, op, 'filter', x.dtype);
  checkDataFormat(dataFormat, op, 'NWC');
  if (x.rank !== 2 && x.rank !== 3) throw new Error(`${op}: x must be rank 3 [batch, width, channels] or rank 2 (one sequence), got shape ${fmt(x.shape)}`);
  if (filter.rank !== 3) throw new Error(`${op}: filter must be rank 3 [filterWidth, inChannels, outChannels], got shape ${fmt(filter.shape)}`);
  if (typeof stride !== 'number') throw new Error(`${op}: stride must be a positive integer, got ${show(stride)}`);
  if (typeof dilation !== 'number') throw new Error(`${op}: dilation must be a positive integer, got ${show(dilation)}`);
  const single = x.rank === 2;
  if (single) x = reshape(x, [1, ...x.shape]);
  if (!isFloat(x.dtype)) throw new TypeError(`${op}: x must be float32 or float64, got ${x.dtype}`);
  const [fw, inC, outC] = filter.shape;
  if (inC !== x.shape[2]) throw new Error(`${op}: filter input channels (${inC}) differ from the input channels (${x.shape[2]}): x ${fmt(x.shape)}, filter ${fmt(filter.shape)}`);
  const x4 = reshape(x, [x.shape[0], 1, x.shape[1], x.shape[2]]);
  const f4 = reshape(filter, [1, fw, inC, outC]);
  const s = pair(stride, op, 'stride');
  const d = pair(dilation, op, 'dilation');
  const g: Conv2DArgs = { ...window(op, x4.shape, 1, fw, [1, s[1]], [1, d[1]], pad, `filter ${fmt(filter.shape)}`, 1), inC, outC, depthwise: false };
  const y = conv2dCore(x4, f4, g);
  return reshape(y, single ? [g.outW, outC] : [g.batch, g.outW, outC]);
}

/**
 * The transposed convolution (the gradient of conv2d with respect to its input): x [batch, h,
 * w, inC], filter [fh, fw, outC, inC], `outputShape` [batch, outH, outW, outC] (or rank 3 for
 * one image), which conv2d(output, filter, strides, pad) must map back to x's height and width.
 */
export function conv2dTranspose(xLike: TensorLike, filterLike: TensorLike, outputShape: number[], strides: number | [number, number], pad: PadArg): Tensor {
  const op = 'conv2dTranspose';
  const { x, filter, single } = prepare(op, xLike, filterLike);
  const want = single ? 3 : 4;
  if (!Array.isArray(outputShape) || outputShape.length !== want || outputShape.some((v) => typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) {
    throw new Error(`${op}: outputShape must be ${want} non-negative integers (the rank of x ${fmt(single ? x.shape.slice(1) : x.shape)}), got ${show(outputShape)}`);
  }
  const out4 = single ? [1, ...outputShape] : outputShape.slice();
  const [fh, fw, outC, inC] = filter.shape;
  if (inC !== x.shape[3]) throw new Error(`${op}: filter in channels (dimension 3: ${inC}) differ from the channels of x (${x.shape[3]}): x ${fmt(x.shape)}, filter ${fmt(filter.shape)}`);
  if (outC !== out4[3]) throw new Error(`${op}: filter out channels (dimension 2: ${outC}) differ from outputShape's channels (${out4[3]}): outputShape ${show(outputShape)}, filter ${fmt(filter.shape)}`);
  if (out4[0] !== x.shape[0]) throw new Error(`${op}: outputShape batch (${out4[0]}) differs from the batch of x ${fmt(x.shape)}`);
  const s = pair(strides, op, 'strides');
  // The geometry of the forward conv2d that conv2dTranspose is the input gradient of.
  const g: Conv2DArgs = { ...window(op, out4, fh, fw, s, [1, 1], pad, `filter ${fmt(filter.shape)}`), inC: outC, outC: inC, depthwise: false };
  if (g.outH !== x.shape[1] || g.outW !== x.shape[2]) {
    throw new Error(`${op}: outputShape ${show(outputShape)} with strides ${show(strides)} and pad ${show(pad)} gives a conv2d output of ${g.outH}x${g.outW}, but x ${fmt(x.shape)} is ${x.shape[1]}x${x.shape[2]}`);
  }
  return finish(backpropInputCore(x, filter, g), single);
}
