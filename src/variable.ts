/**
 * Variable: a tensor whose value can change (assign, assignAdd, assignSub) while its identity,
 * and so its place on the tape, stays the same. Usable wherever a tensor is. Names follow TF:
 * `Variable:0`, `Variable_1:0`, …; `{name: 'w'}` gives `w:0`.
 */
import { isFloat, type DType } from './dtype.js';
import { formatVariable } from './format.js';
import { fmt, shapesEqual } from './shape.js';
import { makeTensor, Tensor, type TensorLike } from './tensor.js';
import { isRecording, record } from './autodiff/record.js';
import { checkOptions, show, type OptionSpec } from './validate.js';

const OPTIONS: OptionSpec = { name: 'string', trainable: 'boolean', dtype: 'dtype' };

let unnamed = 0;

/** Unnamed variables count up as the contract shows; explicit names are kept, as TF 2 eager does. */
function variableName(name: string | undefined): string {
  if (name !== undefined) return `${name}:0`;
  const n = unnamed++;
  return n === 0 ? 'Variable:0' : `Variable_${n}:0`;
}

export interface VariableOptions {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
}

export class Variable extends Tensor {
  readonly name: string;
  readonly trainable: boolean;

  constructor(initial: TensorLike, options?: VariableOptions | null) {
    const { name, trainable = true, dtype } = checkOptions(options, OPTIONS, 'Variable');
    const t = makeTensor(initial, undefined, dtype, 'Variable', 'initial');
    super(t.values, t.shape, t.dtype); // makeTensor always returns fresh storage, ours to update in place
    if (name !== undefined && (typeof name !== 'string' || name === '')) throw new TypeError(`Variable: name must be a non-empty string, got ${show(name)}`);
    this.name = variableName(name);
    this.trainable = trainable;
    this.autoWatch = trainable && isFloat(this.dtype); // integer variables are not differentiable
  }

  /** The name without its `:0` suffix: a layer weight's path, `dense/kernel` (Keras 3's `variable.path`). */
  get path(): string {
    return this.name.replace(/:\d+$/, '');
  }

  override get mutable(): boolean {
    return true;
  }

  /**
   * The current value as an (immutable) tensor. Inside `tape.record` the read is recorded, as
   * TF's ReadVariableOp: the tape watches the variable and gradients flow through the copy.
   */
  value(): Tensor {
    const y = new Tensor(this.values.slice(), this.shape.slice(), this.dtype);
    if (isRecording()) record([this], [y], ([dy]) => [dy]);
    return y;
  }

  /** Alias of `value()`, as TF's `read_value`. */
  readValue(): Tensor {
    return this.value();
  }

  /** Replaces the value; the shape must match and dtypes must agree (numbers take ours). */
  assign(value: TensorLike): this {
    const t = this.incoming(value, 'assign');
    this.values.set(t.values);
    return this;
  }

  assignAdd(delta: TensorLike): this {
    const t = this.incoming(delta, 'assignAdd');
    const v = this.values;
    for (let i = 0; i < v.length; i++) v[i] += t.values[i];
    return this;
  }

  assignSub(delta: TensorLike): this {
    const t = this.incoming(delta, 'assignSub');
    const v = this.values;
    for (let i = 0; i < v.length; i++) v[i] -= t.values[i];
    return this;
  }

  private incoming(value: TensorLike, op: string): Tensor {
    const t = value instanceof Tensor ? value : makeTensor(value, undefined, this.dtype, `Variable.${op}`, 'value');
    if (t.dtype !== this.dtype) {
      throw new TypeError(`Variable.${op}: dtype ${t.dtype} does not match variable '${this.name}' of dtype ${this.dtype}`);
    }
    if (!shapesEqual(t.shape, this.shape)) {
      throw new Error(`Variable.${op}: shape ${fmt(t.shape)} does not match variable '${this.name}' of shape ${fmt(this.shape)}`);
    }
    return t;
  }

  override toString(): string {
    return formatVariable(this.name, this.values, this.shape, this.dtype);
  }
}

/** Shorthand for `new Variable(…)`. */
export function variable(initial: TensorLike, options?: VariableOptions): Variable {
  return new Variable(initial, options);
}
