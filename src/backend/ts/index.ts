/**
 * The pure-TypeScript backend ('js'): the fallback wherever the native addon is missing and
 * the baseline of every benchmark. One file per kernel family; this file only assembles them.
 * To add a primitive, implement it in its family file (or a new one) and list it here.
 */
import type { Backend } from '../backend.js';
import { unary } from './unary.js';
import { binary, mulAdd } from './binary.js';
export { scalarBinary, binaryTakesInt32, binaryIsIeee, isCompareOp, BINARY_KERNELS } from './binary.js';
export { scalarUnary, unaryTakesInt32, unaryIsIeee, UNARY_KERNELS } from './unary.js';
import { argReduce, reduce } from './reduce.js';
import { matmul } from './matmul.js';
import { scan, topK } from './scan.js';
import { cast, concat, copyStrided, gather, pad, scatterAdd, select } from './copy.js';
import { fusedUpdate } from './optim.js';
import { lstmCell, lstmCellGrad } from './lstm.js';
import { softmax, softmaxGrad } from './softmax.js';
import { attention, attentionGrad } from './attention.js';
import { avgPoolBackprop, conv2d, conv2dBackpropFilter, conv2dBackpropInput, maxPoolArgmax, maxPoolBackprop, pool } from './conv.js';

export const tsBackend: Backend = {
  name: 'js',
  unary,
  binary,
  mulAdd,
  select,
  reduce,
  argReduce,
  scan,
  topK,
  matmul,
  conv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
  pool,
  avgPoolBackprop,
  maxPoolBackprop,
  maxPoolArgmax,
  copyStrided,
  gather,
  scatterAdd,
  concat,
  pad,
  cast,
  fusedUpdate,
  lstmCell,
  lstmCellGrad,
  softmax,
  softmaxGrad,
  attention,
  attentionGrad,
};
