/**
 * Printing, byte-for-byte as Python shows it: `formatArray` is NumPy's `str(ndarray)` under the
 * default print options (precision 8, floatmode 'maxprec', threshold 1000 / edgeitems 3,
 * linewidth 75), `formatTensor` is TF eager's `str(tensor)` and `formatVariable` its
 * `repr(variable)`, which embeds NumPy's array repr. Floats use the shortest decimal that
 * round-trips in the value's own dtype (float32 digits are searched for, float64 are JS's), capped
 * at 8 digits with exact round-half-even rounding of the binary value, as NumPy's Dragon4 does.
 * Mirrors numpy/_core/arrayprint.py (FloatingFormat.fillFormat, _formatArray, _extendLine).
 */

import type { DType, TypedArray } from './dtype.js';
import { sizeOf, stridesOf } from './shape.js';

const PRECISION = 8;
const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 75;

// ---- decimal digits: value = d0.d1d2... x 10^e, `digits` without trailing zeros ('0' for zero)

interface Dec { neg: boolean; digits: string; e: number }

function stripZeros(digits: string, e: number): Dec {
  const d = digits.replace(/0+$/, '');
  return d === '' ? { neg: false, digits: '0', e: 0 } : { neg: false, digits: d, e };
}

/** Parses a plain or exponent-form decimal string of a non-negative number. */
function parseDec(s: string): Dec {
  const [mant, ex = '0'] = s.split('e');
  const [int, frac = ''] = mant.split('.');
  const all = int + frac;
  const lead = all.length - all.replace(/^0+/, '').length;
  return stripZeros(all.slice(lead), int.length - 1 - lead + Number(ex));
}

const decString = (d: Dec): string => `${d.digits[0]}.${d.digits.slice(1)}e${d.e}`;

/** The exact decimal expansion of a finite double (BigInt: m * 2^k = m * 5^-k / 10^-k). */
function exactDec(x: number): Dec {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const bexp = hi >>> 20;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (bexp !== 0) m |= 1n << 52n;
  const k = (bexp === 0 ? 1 : bexp) - 1075;
  if (m === 0n) return { neg: false, digits: '0', e: 0 };
  if (k >= 0) {
    const s = (m << BigInt(k)).toString();
    return stripZeros(s, s.length - 1);
  }
  const s = (m * 5n ** BigInt(-k)).toString();
  return stripZeros(s, s.length - 1 + k);
}

/** Rounds to `n` significant digits, ties to even (Dragon4's cutoff rounding). */
function roundSig(d: Dec, n: number): Dec {
  if (d.digits === '0' || d.digits.length <= n) return d;
  if (n < 0) return { neg: d.neg, digits: '0', e: 0 };
  const head = d.digits.slice(0, n), rest = d.digits.slice(n);
  const last = n > 0 ? Number(head[n - 1]) : 0;
  const up = rest[0] > '5' || (rest[0] === '5' && (rest.length > 1 || last % 2 === 1));
  if (!up) return { ...stripZeros(head || '0', d.e), neg: d.neg };
  const bumped = (BigInt(head || '0') + 1n).toString();
  const grew = n === 0 || bumped.length > n;
  return { ...stripZeros(bumped, d.e + (grew ? 1 : 0)), neg: d.neg };
}

/**
 * Shortest digits that round-trip in the dtype. float64: JS's shortest (ties to even, like
 * Dragon4). float32: the fewest significant digits, closest to the exact value with ties to even,
 * that Math.fround maps back; the neighbours are tried since next to a power of two the rounding
 * interval is lopsided.
 */
function shortestDec(x: number, dtype: DType): Dec {
  const a = Math.abs(x);
  let r: Dec | undefined;
  if (a === 0) r = { neg: false, digits: '0', e: 0 };
  else if (dtype !== 'float32') r = parseDec(String(a));
  else {
    const exact = exactDec(a);
    for (let n = 1; n <= 9 && !r; n++) {
      const c = roundSig(exact, n);
      const cands = [c];
      const units = BigInt(c.digits.padEnd(n, '0'));
      for (const step of [-1n, 1n]) {
        const alt = (units + step).toString();
        cands.push(stripZeros(alt, c.e + alt.length - n));
      }
      r = cands.find((d) => d.digits !== '0' && Math.fround(Number(decString(d))) === a);
    }
    r ??= exact;
  }
  return { ...r, neg: x < 0 || Object.is(x, -0) };
}

/** Dragon4 unique mode with a cutoff: shortest digits unless they exceed the cutoff. */
function positionalDec(x: number, dtype: DType, fracDigits: number): Dec {
  const s = shortestDec(x, dtype);
  if (s.digits.length - 1 - s.e <= fracDigits) return s;
  return roundSig({ ...exactDec(x), neg: s.neg }, s.e + 1 + fracDigits);
}

/** `minDigits` (NumPy's min_digits) continues with the exact value's digits, not zeros. */
function scientificDec(x: number, dtype: DType, fracDigits: number, minDigits = 0): Dec {
  const s = shortestDec(x, dtype);
  const n = s.digits === '0' ? 0 : s.digits.length - 1;
  if (n <= fracDigits && n >= minDigits) return s;
  return roundSig({ ...exactDec(x), neg: s.neg }, 1 + fracDigits);
}

function posParts(d: Dec): [string, string] {
  let int: string, frac: string;
  if (d.e >= 0) {
    int = d.digits.slice(0, d.e + 1).padEnd(d.e + 1, '0');
    frac = d.digits.slice(d.e + 1);
  } else {
    int = '0';
    frac = '0'.repeat(-d.e - 1) + d.digits;
  }
  return [(d.neg ? '-' : '') + int, frac];
}

function expString(e: number, minDigits: number): string {
  return (e < 0 ? '-' : '+') + String(Math.abs(e)).padStart(minDigits, '0');
}

/** NumPy's float scalar str/repr (Python-repr style); float32 goes scientific from 1e6. */
function floatScalar(x: number, dtype: DType): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const d = shortestDec(x, dtype);
  const a = Math.abs(x);
  if (a === 0 || (a >= 1e-4 && a < (dtype === 'float32' ? 1e6 : 1e16))) {
    const [int, frac] = posParts(d);
    return `${int}.${frac || '0'}`;
  }
  const rest = d.digits.slice(1);
  return `${d.neg ? '-' : ''}${d.digits[0]}${rest ? '.' + rest : ''}e${expString(d.e, 2)}`;
}

function scalarString(x: number, dtype: DType): string {
  if (dtype === 'bool') return x ? 'True' : 'False';
  if (dtype === 'int32') return String(x);
  return floatScalar(x, dtype);
}

// ---- element formatters (built from the printed values only, as NumPy does when summarising)

function floatFormatter(data: number[], dtype: DType): (x: number) => string {
  const finite = data.filter(Number.isFinite);
  const absNZ = finite.filter((v) => v !== 0).map(Math.abs);
  let exp = false;
  if (absNZ.length > 0) {
    const max = Math.max(...absNZ), min = Math.min(...absNZ);
    // numpy >= 2.3 lowers the 1e8 cutoff to 10**finfo.precision for float32 (1e6).
    exp = max >= (dtype === 'float32' ? 1e6 : 1e8) || min < 1e-4 || max / min > 1e3;
  }
  let padLeft = 0, padRight = 0, precision = PRECISION, expSize = -1;
  if (finite.length > 0 && exp) {
    const decs = finite.map((v) => scientificDec(v, dtype, PRECISION));
    precision = Math.max(...decs.map((d) => d.digits.length - 1));
    padLeft = Math.max(...decs.map((d) => (d.neg ? 2 : 1)));
    expSize = Math.max(...decs.map((d) => Math.max(2, String(Math.abs(d.e)).length)));
    padRight = expSize + 2 + precision;
  } else if (finite.length > 0) {
    const parts = finite.map((v) => posParts(positionalDec(v, dtype, PRECISION)));
    padLeft = Math.max(...parts.map((p) => p[0].length));
    padRight = Math.max(...parts.map((p) => p[1].length));
  }
  if (finite.length !== data.length) {
    const negInf = data.some((v) => v === -Infinity) ? 1 : 0;
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + negInf - (padRight + 1));
  }
  const width = padLeft + padRight + 1;
  return (x) => {
    if (!Number.isFinite(x)) return (Number.isNaN(x) ? 'nan' : x < 0 ? '-inf' : 'inf').padStart(width);
    if (exp) {
      const d = scientificDec(x, dtype, precision, precision);
      const mant = (d.neg ? '-' : '') + d.digits[0];
      return `${mant.padStart(padLeft)}.${d.digits.slice(1).padEnd(precision, '0')}e${expString(d.e, expSize)}`;
    }
    const [int, frac] = posParts(positionalDec(x, dtype, PRECISION));
    return `${int.padStart(padLeft)}.${frac.padEnd(padRight)}`;
  };
}

function formatter(data: number[], dtype: DType): (x: number) => string {
  if (dtype === 'bool') return (x) => (x ? ' True' : 'False');
  if (dtype === 'int32') {
    const w = data.length ? Math.max(String(Math.max(...data)).length, String(Math.min(...data)).length) : 0;
    return (x) => String(x).padStart(w);
  }
  return floatFormatter(data, dtype);
}

// ---- layout (_formatArray)

function extendLine(s: string, line: string, word: string, width: number, prefix: string): [string, string] {
  if (line.length + word.length > width && line.length > prefix.length) {
    s += line.trimEnd() + '\n';
    line = prefix;
  }
  return [s, line + word];
}

function array2string(values: TypedArray, shape: readonly number[], dtype: DType,
  separator: string, prefixLen: number, lineWidth: number): string {
  const summarize = sizeOf(shape) > THRESHOLD;
  const strides = stridesOf(shape);
  const shown = (n: number): number[] => (summarize && n > 2 * EDGE
    ? [0, 1, 2, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i));
  // The elements that get printed decide the format (NumPy's _leading_trailing).
  const data: number[] = [];
  const collect = (axis: number, off: number): void => {
    if (axis === shape.length) { data.push(values[off]); return; }
    for (const i of shown(shape[axis])) collect(axis + 1, off + i * strides[axis]);
  };
  collect(0, 0);
  const fmt = formatter(data, dtype);
  const sepTrim = separator.trimEnd();

  const rec = (axis: number, off: number, hang: string, width: number): string => {
    if (axis === shape.length) return fmt(values[off]);
    const n = shape[axis], left = shape.length - axis;
    const child = (i: number): string => rec(axis + 1, off + i * strides[axis], hang + ' ', width - 1);
    const summary = summarize && n > 2 * EDGE;
    const idx = summary ? [0, 1, 2, -1, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
    let s = '';
    if (left === 1) {
      const elemWidth = width - Math.max(sepTrim.length, 1);
      let line = hang;
      idx.forEach((i, k) => {
        [s, line] = extendLine(s, line, i < 0 ? '...' : child(i), elemWidth, hang);
        if (k < idx.length - 1) line += separator;
      });
      s += line;
    } else {
      const lineSep = sepTrim + '\n'.repeat(left - 1);
      idx.forEach((i, k) => {
        s += hang + (i < 0 ? '...' : child(i)) + (k < idx.length - 1 ? lineSep : '');
      });
    }
    return '[' + s.slice(hang.length) + ']';
  };
  return rec(0, 0, ' '.repeat(prefixLen + 1), lineWidth);
}

// ---- public API

/** NumPy's `str(np.array(...))` with default print options. */
export function formatArray(values: TypedArray, shape: readonly number[], dtype: DType): string {
  if (shape.length === 0) return scalarString(values[0], dtype);
  if (sizeOf(shape) === 0) return '[]';
  return array2string(values, shape, dtype, ' ', 0, LINE_WIDTH);
}

/** Python tuple style, as TensorShape prints: `()`, `(3,)`, `(2, 2)`. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** NumPy's `repr(np.array(...))` (numpy 2.x: `shape=` is added beyond the summarise threshold). */
export function formatArrayRepr(values: TypedArray, shape: readonly number[], dtype: DType): string {
  const size = sizeOf(shape);
  const body = shape.length === 0
    ? (dtype === 'bool' || dtype === 'int32' ? scalarString(values[0], dtype)
      : floatFormatter([values[0]], dtype)(values[0]).trim())
    : size === 0 ? '[]' : array2string(values, shape, dtype, ', ', 'array('.length, LINE_WIDTH - 1);
  const extras: string[] = [];
  if ((size === 0 && !(shape.length === 1)) || size > THRESHOLD) extras.push(`shape=${formatShape(shape)}`);
  if (!(dtype === 'float64' || dtype === 'bool') || size === 0) extras.push(`dtype=${dtype}`);
  if (extras.length === 0) return `array(${body})`;
  const head = `array(${body},`, tail = extras.join(', ') + ')';
  const lastLine = head.length - (head.lastIndexOf('\n') + 1);
  return head + (lastLine + tail.length + 1 > LINE_WIDTH ? '\n      ' : ' ') + tail;
}

const multiline = (text: string): string => (text.includes('\n') ? '\n' + text : text);

/** TF eager's `str(tensor)`: `tf.Tensor(<numpy str>, shape=(...), dtype=...)`. */
export function formatTensor(values: TypedArray, shape: readonly number[], dtype: DType): string {
  return `tf.Tensor(${multiline(formatArray(values, shape, dtype))}, shape=${formatShape(shape)}, dtype=${dtype})`;
}

/**
 * TF eager's `repr(variable)`: the value is `repr(variable.numpy())`, a scalar's repr (`5.0`, the
 * numpy 1.x scalar form) or the array repr; TF moves it to a new line only when it spans several.
 */
export function formatVariable(name: string, values: TypedArray, shape: readonly number[], dtype: DType): string {
  const text = shape.length === 0 ? scalarString(values[0], dtype) : formatArrayRepr(values, shape, dtype);
  return `<tf.Variable '${name}' shape=${formatShape(shape)} dtype=${dtype}, numpy=${multiline(text)}>`;
}
