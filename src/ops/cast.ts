/**
 * cast(x, dtype): converts elements (float to int truncates, to bool is x != 0). Casting
 * between float dtypes passes the gradient through; anything involving int or bool does not.
 */
import { kernels } from '../backend/select.js';
import { allocateOutput, isFloat, type DType } from '../dtype.js';
import { checkDType } from '../validate.js';
import { record } from '../autodiff/record.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';

export function cast(xLike: TensorLike, dtype: DType): Tensor {
  const x = toTensor(xLike, 'cast', 'x');
  dtype = checkDType(dtype, 'cast');
  const out = allocateOutput(dtype, x.size);
  if (x.dtype === dtype) out.set(x.values);
  else kernels(x.size).cast(x.values, out);
  const y = new Tensor(out, x.shape.slice(), dtype);
  if (isFloat(dtype) && isFloat(x.dtype)) record([x], [y], ([dy]) => [cast(dy, x.dtype)]);
  return y;
}
