/**
 * einsum(equation, ...operands), the explicit form of tf.einsum: `'ij,jk->ik'`, any number of
 * operands, labels repeated inside one operand (diagonals: `'ii->i'`), labels summed away
 * (`'ij->'`), batch labels (`'bij,bjk->bik'`). No `...` (ellipsis) and no implicit output.
 *
 * A composite: nothing here has a kernel or a gradient rule of its own. Each operand first
 * takes its diagonals (a gather on the flat tensor) and sums the labels no one else needs;
 * then operands are contracted left to right, each pair lowered to one batched matmul:
 * A as [batch, rows, contracted] and B as [batch, contracted, cols] (transpose flags instead of
 * copies where an operand is already laid out the other way round), so `'bij,bjk->bik'`
 * costs what `matmul` does. Gradients come from gather, sum, transpose, reshape and matmul.
 */
import { isFloat } from '../dtype.js';
import { fmt, sizeOf, stridesOf } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { show } from '../validate.js';
import { gather } from './gather.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { reshape } from './reshape.js';
import { transpose } from './strided.js';

/** A tensor with one label per axis (labels distinct). */
interface Term {
  t: Tensor;
  labels: string[];
}

const isIdentity = (perm: number[]) => perm.every((p, i) => p === i);

function permute(term: Term, order: string[]): Tensor {
  const perm = order.map((l) => term.labels.indexOf(l));
  return isIdentity(perm) ? term.t : transpose(term.t, perm);
}

interface Parsed {
  inputs: string[][];
  output: string[];
}

function parse(equation: unknown, count: number): Parsed {
  if (typeof equation !== 'string') throw new TypeError(`einsum: equation must be a string, got ${show(equation)}`);
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  if (arrow < 0) throw new Error(`einsum: equation ${show(equation)} must have the explicit form 'inputs->output' (e.g. 'ij,jk->ik')`);
  if (eq.includes('...')) throw new Error(`einsum: equation ${show(equation)}: ellipsis ('...') is not supported; name every axis`);
  const lhs = eq.slice(0, arrow);
  const rhs = eq.slice(arrow + 2);
  const terms = lhs.split(',');
  for (const part of [...terms, rhs]) {
    if (!/^[a-zA-Z]*$/.test(part)) throw new Error(`einsum: equation ${show(equation)}: labels must be letters, got ${show(part)}`);
  }
  if (terms.length !== count) {
    throw new Error(`einsum: equation ${show(equation)} has ${terms.length} input term${terms.length === 1 ? '' : 's'}, but ${count} tensor${count === 1 ? ' was' : 's were'} given`);
  }
  const output = [...rhs];
  const seen = new Set<string>();
  for (const l of output) {
    if (seen.has(l)) throw new Error(`einsum: equation ${show(equation)}: output label '${l}' appears more than once`);
    seen.add(l);
    if (!lhs.includes(l)) throw new Error(`einsum: equation ${show(equation)}: output label '${l}' does not appear in any input`);
  }
  return { inputs: terms.map((t) => [...t]), output };
}

/** Takes the diagonal over repeated labels: x[.., i, .., i, ..] → x[.., i, ..] (first occurrence). */
function diagonal(x: Tensor, labels: string[]): Term {
  const unique = [...new Set(labels)];
  if (unique.length === labels.length) return { t: x, labels };
  const strides = stridesOf(x.shape);
  const dims = unique.map((l) => x.shape[labels.indexOf(l)]);
  // The flat offset of each output coordinate: every axis of a label moves with it.
  const labelStride = unique.map((l) => labels.reduce((s, m, i) => (m === l ? s + strides[i] : s), 0));
  const n = sizeOf(dims);
  const idx = new Int32Array(n);
  const c = new Array<number>(dims.length).fill(0);
  for (let f = 0; f < n; f++) {
    let off = 0;
    for (let d = 0; d < dims.length; d++) off += c[d] * labelStride[d];
    idx[f] = off;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++c[d] < dims[d]) break;
      c[d] = 0;
    }
  }
  const flat = reshape(x, [-1]);
  return { t: reshape(gather(flat, new Tensor(idx, [n], 'int32')), dims), labels: unique };
}

/** Sums away the labels of `term` not in `keep`. */
function sumUnneeded(term: Term, keep: Set<string>): Term {
  const axes = term.labels.flatMap((l, i) => (keep.has(l) ? [] : [i]));
  if (axes.length === 0) return term;
  return { t: sum(term.t, axes), labels: term.labels.filter((l) => keep.has(l)) };
}

/** Contracts two terms over their shared labels not in `keep`; shared labels in `keep` are batch. */
function contract(a: Term, b: Term, keep: Set<string>): Term {
  a = sumUnneeded(a, new Set([...keep, ...b.labels]));
  b = sumUnneeded(b, new Set([...keep, ...a.labels]));
  const inB = new Set(b.labels);
  const inA = new Set(a.labels);
  const batch = a.labels.filter((l) => inB.has(l) && keep.has(l));
  const contracted = a.labels.filter((l) => inB.has(l) && !keep.has(l));
  const rows = a.labels.filter((l) => !inB.has(l));
  const cols = b.labels.filter((l) => !inA.has(l));
  const size = (t: Term, ls: string[]) => sizeOf(ls.map((l) => t.t.shape[t.labels.indexOf(l)]));
  const nb = size(a, batch), m = size(a, rows), k = size(a, contracted), n = size(b, cols);
  // Lay A out as [batch, rows, contracted] or, if that is its order already, [batch, contracted, rows].
  const aOrder = [...batch, ...rows, ...contracted];
  const aOrderT = [...batch, ...contracted, ...rows];
  const transposeA = !isIdentity(aOrder.map((l) => a.labels.indexOf(l))) && isIdentity(aOrderT.map((l) => a.labels.indexOf(l)));
  const bOrder = [...batch, ...contracted, ...cols];
  const bOrderT = [...batch, ...cols, ...contracted];
  const transposeB = !isIdentity(bOrder.map((l) => b.labels.indexOf(l))) && isIdentity(bOrderT.map((l) => b.labels.indexOf(l)));
  const a3 = reshape(permute(a, transposeA ? aOrderT : aOrder), transposeA ? [nb, k, m] : [nb, m, k]);
  const b3 = reshape(permute(b, transposeB ? bOrderT : bOrder), transposeB ? [nb, n, k] : [nb, k, n]);
  const y = matmul(a3, b3, { transposeA, transposeB });
  const labels = [...batch, ...rows, ...cols];
  const dims = labels.map((l) => (inA.has(l) ? a.t.shape[a.labels.indexOf(l)] : b.t.shape[b.labels.indexOf(l)]));
  return { t: reshape(y, dims), labels };
}

/**
 * Einstein summation, explicit form: `einsum('bij,bjk->bik', a, b)` is a batched matmul,
 * `einsum('ii->', x)` a trace, `einsum('i,j->ij', u, v)` an outer product. Operands share one
 * float dtype; a label has one size everywhere it appears.
 */
export function einsum(equation: string, ...operands: TensorLike[]): Tensor {
  const { inputs, output } = parse(equation, operands.length);
  if (operands.length === 0) throw new Error('einsum: at least one tensor is required');
  // Numbers and nested arrays take the dtype of the first tensor operand (TF's rule for constants).
  const like = operands.find((o): o is Tensor => o instanceof Tensor)?.dtype;
  const tensors = operands.map((o, q) => toTensor(o, 'einsum', `operands[${q}]`, o instanceof Tensor || like === undefined ? undefined : like));
  const dtype = tensors[0].dtype;
  const sizes = new Map<string, [number, number]>(); // label → [size, operand]
  tensors.forEach((t, q) => {
    if (!isFloat(t.dtype)) throw new TypeError(`einsum: operands must be float32 or float64, got ${t.dtype} ${fmt(t.shape)} (operands[${q}])`);
    if (t.dtype !== dtype) throw new TypeError(`einsum: operands must share one dtype: operands[0] is ${dtype}, operands[${q}] is ${t.dtype}`);
    if (t.rank !== inputs[q].length) {
      throw new Error(`einsum: term '${inputs[q].join('')}' has ${inputs[q].length} labels, but operands[${q}] has shape ${fmt(t.shape)} (rank ${t.rank})`);
    }
    inputs[q].forEach((l, i) => {
      const prev = sizes.get(l);
      if (prev && prev[0] !== t.shape[i]) {
        throw new Error(`einsum: label '${l}' has size ${prev[0]} in operands[${prev[1]}] ${fmt(tensors[prev[1]].shape)} but ${t.shape[i]} in operands[${q}] ${fmt(t.shape)}`);
      }
      if (!prev) sizes.set(l, [t.shape[i], q]);
    });
  });
  const outSet = new Set(output);
  const terms = tensors.map((t, q) => diagonal(t, inputs[q]));
  // Labels needed after operand q: the output's and those of later operands.
  const neededAfter = (q: number) => new Set([...output, ...terms.slice(q + 1).flatMap((t) => t.labels)]);
  let acc = sumUnneeded(terms[0], neededAfter(0));
  for (let q = 1; q < terms.length; q++) acc = contract(acc, sumUnneeded(terms[q], new Set([...neededAfter(q), ...acc.labels])), neededAfter(q));
  acc = sumUnneeded(acc, outSet);
  return permute(acc, output);
}
