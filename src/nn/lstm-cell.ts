/**
 * The fused LSTM cell step, `lstmCell(z, cPrev) -> [h, c]`, what the LSTM layer
 * (src/layers/recurrent.ts) runs per time step with Keras's default activations. z is
 * [batch, 4·units], the step's gate pre-activations in Keras 3's order i, f, c, o (input
 * projection, recurrent product and bias already summed); cPrev is the carry [batch, units]:
 *
 *   i = σ(z_i), f = σ(z_f), g = tanh(z_c), o = σ(z_o),  c = f·cPrev + i·g,  h = o·tanh(c)
 *
 * One kernel call instead of a split and ten elementwise ops (each a tensor and a tape node).
 * The kernel also keeps the activated gates and tanh c of every row, so the gradient is one
 * backward kernel call (`lstmCellGrad`) reading them. When another tape records that
 * gradient (second derivatives), the rule is written with differentiable ops instead, from z
 * and cPrev, so derivatives of any order work as on the op-by-op path.
 */
import { kernels } from '../backend/select.js';
import { allocateOutput, isFloat, type FloatArray } from '../dtype.js';
import { isRecording, record } from '../autodiff/record.js';
import { fmt } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { add, mul, sub } from '../ops/binary.js';
import { concat, split } from '../ops/concat.js';
import { sigmoid, tanh } from '../ops/unary.js';
import { checkSize } from '../validate.js';

const OP = 'lstmCell';

/**
 * One LSTM cell step with sigmoid gates and tanh activations (Keras's defaults): z
 * [batch, 4·units] (gates i, f, c, o), cPrev [batch, units] of the same float dtype. Returns
 * [h, c], each [batch, units].
 */
export function lstmCell(zLike: TensorLike, cPrevLike: TensorLike): [Tensor, Tensor] {
  const z = toTensor(zLike, OP, 'z');
  const cPrev = toTensor(cPrevLike, OP, 'cPrev', z.dtype);
  if (!isFloat(z.dtype)) throw new TypeError(`${OP}: z must be float32 or float64, got ${z.dtype}`);
  if (cPrev.dtype !== z.dtype) throw new TypeError(`${OP}: cPrev must have the dtype of z (${z.dtype}), got ${cPrev.dtype}`);
  if (z.rank !== 2 || z.shape[1] % 4 !== 0) throw new Error(`${OP}: z must be rank 2 [batch, 4·units] (gates i, f, c, o), got shape ${fmt(z.shape)}`);
  const [batch, four] = z.shape;
  const units = four / 4;
  if (cPrev.rank !== 2 || cPrev.shape[0] !== batch || cPrev.shape[1] !== units) {
    throw new Error(`${OP}: cPrev must have shape [batch, units] = [${batch},${units}] for z ${fmt(z.shape)}, got ${fmt(cPrev.shape)}`);
  }
  return lstmCellCore(z, cPrev, batch, units);
}

function lstmCellCore(z: Tensor, cPrev: Tensor, batch: number, units: number): [Tensor, Tensor] {
  const dtype = z.dtype;
  const n = checkSize([batch, units], OP, dtype);
  checkSize([batch, 5 * units], OP, dtype);
  const h = allocateOutput(dtype, n) as FloatArray;
  const c = allocateOutput(dtype, n) as FloatArray;
  const act = allocateOutput(dtype, 5 * n) as FloatArray;
  if (n > 0) kernels(4 * n).lstmCell(z.values as FloatArray, cPrev.values as FloatArray, batch, units, h, c, act);
  const ht = new Tensor(h, [batch, units], dtype);
  const ct = new Tensor(c, [batch, units], dtype);
  // The activated gates as a tensor the tape holds (src/autodiff/record.ts `saved`): freed with
  // the scope that made them once no tape needs them, so a long sequence reuses their storage.
  const gates = new Tensor(act, [batch, 5 * units], dtype);
  record([z, cPrev], [ht, ct], ([dh, dc], needs) => {
    if (isRecording()) return lstmCellGradOps(z, cPrev, dh, dc, needs);
    const dz = allocateOutput(dtype, 4 * n) as FloatArray;
    const dcPrev = allocateOutput(dtype, n) as FloatArray;
    if (n > 0) kernels(4 * n).lstmCellGrad(dh.values as FloatArray, dc.values as FloatArray, cPrev.values as FloatArray, gates.values as FloatArray, batch, units, dz, dcPrev);
    return [needs[0] ? new Tensor(dz, [batch, 4 * units], dtype) : null, needs[1] ? new Tensor(dcPrev, [batch, units], dtype) : null];
  }, [gates]);
  return [ht, ct];
}

/** The same gradient in differentiable ops (recomputing the gates from z), for higher orders. */
function lstmCellGradOps(z: Tensor, cPrev: Tensor, dh: Tensor, dc: Tensor, needs: boolean[]): (Tensor | null)[] {
  const [zi, zf, zc, zo] = split(z, 4, 1);
  const i = sigmoid(zi), f = sigmoid(zf), g = tanh(zc), o = sigmoid(zo);
  const tc = tanh(add(mul(f, cPrev), mul(i, g)));
  const dct = add(dc, mul(mul(dh, o), sub(1, mul(tc, tc))));
  const dz = needs[0]
    ? concat([
      mul(mul(dct, g), mul(i, sub(1, i))),
      mul(mul(dct, cPrev), mul(f, sub(1, f))),
      mul(mul(dct, i), sub(1, mul(g, g))),
      mul(mul(dh, tc), mul(o, sub(1, o))),
    ], 1)
    : null;
  return [dz, needs[1] ? mul(dct, f) : null];
}
