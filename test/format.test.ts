/**
 * Printing tests. Every expected string below is what Python prints: `str(np.array(...))`,
 * `repr(...)` under NumPy's default print options (checked against numpy 2.4), and TF eager's
 * `str(tensor)` / `repr(variable)` built from those by TF's `_numpy_text` rule (a value that spans
 * several lines is moved to a new line). Comments cite the NumPy rule behind non-obvious cases.
 */

import { describe, expect, it } from 'vitest';
import { formatArray, formatArrayRepr, formatShape, formatTensor, formatVariable } from '../src/format.js';

const f32 = (...v: number[]): Float32Array => Float32Array.from(v);
const f64 = (...v: number[]): Float64Array => Float64Array.from(v);
const i32 = (...v: number[]): Int32Array => Int32Array.from(v);
const range = (n: number, scale = 1): number[] => Array.from({ length: n }, (_, i) => i * scale);

describe('formatArray: floats', () => {
  it('pads integer and fraction parts to common widths', () => {
    expect(formatArray(f32(1, 2.5), [2], 'float32')).toBe('[1.  2.5]');
    expect(formatArray(f32(1, 2, 3), [3], 'float32')).toBe('[1. 2. 3.]');
    expect(formatArray(f32(-1, 0.5), [2], 'float32')).toBe('[-1.   0.5]');
    expect(formatArray(f32(-0, 1), [2], 'float32')).toBe('[-0.  1.]');
  });

  it('prints float32 with the shortest float32 round-trip digits', () => {
    expect(formatArray(f32(0.1), [1], 'float32')).toBe('[0.1]');
    expect(formatArray(f32(1 / 3), [1], 'float32')).toBe('[0.33333334]');
    expect(formatArray(f64(1 / 3), [1], 'float64')).toBe('[0.33333333]');
  });

  it('caps at 8 fractional digits with round-half-even of the exact value', () => {
    // 5 * 2**-9 = 0.009765625 exactly: a tie at the 8th digit, Dragon4 rounds to even.
    expect(formatArray(f64(5 * 2 ** -9, 1), [2], 'float64')).toBe('[0.00976562 1.        ]');
  });

  it('pads nan/inf to the common width', () => {
    expect(formatArray(f32(NaN, Infinity, -Infinity), [3], 'float32')).toBe('[ nan  inf -inf]');
    expect(formatArray(f32(NaN, 1.5), [2], 'float32')).toBe('[nan 1.5]');
  });

  it('switches to scientific notation by FloatingFormat.fillFormat rules', () => {
    // min nonzero |x| < 1e-4
    expect(formatArray(f32(1e-5, 1), [2], 'float32')).toBe('[1.e-05 1.e+00]');
    // max |x| >= 1e8 (float64)
    expect(formatArray(f64(1e8, 1), [2], 'float64')).toBe('[1.e+08 1.e+00]');
    // max/min > 1e3
    expect(formatArray(f32(1, 2000), [2], 'float32')).toBe('[1.e+00 2.e+03]');
    // numpy >= 2.3: the max cutoff for float32 is 10**finfo(float32).precision = 1e6
    expect(formatArray(f32(1234567, 1), [2], 'float32')).toBe('[1.234567e+06 1.000000e+00]');
    // the exponent width is common to all elements
    expect(formatArray(f64(1e-100, 1), [2], 'float64')).toBe('[1.e-100 1.e+000]');
  });

  it('continues scientific mantissas with exact digits (min_digits), not zeros', () => {
    // float32 -92.16339 has 7 shortest digits; min_digits=8 prints the exact value's 8th digit
    expect(formatArray(f32(-92.163391, 0.0010663245), [2], 'float32')).toBe('[-9.2163391e+01  1.0663245e-03]');
  });
});

describe('formatArray: layout', () => {
  it('nests rows and blocks with NumPy separators', () => {
    expect(formatArray(f32(1, 2, 3, 4), [2, 2], 'float32')).toBe('[[1. 2.]\n [3. 4.]]');
    expect(formatArray(f32(...range(8)), [2, 2, 2], 'float32'))
      .toBe('[[[0. 1.]\n  [2. 3.]]\n\n [[4. 5.]\n  [6. 7.]]]');
  });

  it('wraps at linewidth 75 with a one-space continuation indent', () => {
    expect(formatArray(f32(...range(30, 1.5)), [30], 'float32')).toBe(
      '[ 0.   1.5  3.   4.5  6.   7.5  9.  10.5 12.  13.5 15.  16.5 18.  19.5\n' +
      ' 21.  22.5 24.  25.5 27.  28.5 30.  31.5 33.  34.5 36.  37.5 39.  40.5\n' +
      ' 42.  43.5]');
  });

  it('summarises beyond 1000 elements, formatting only the printed edges', () => {
    expect(formatArray(f32(...range(1001)), [1001], 'float32')).toBe('[   0.    1.    2. ...  998.  999. 1000.]');
    expect(formatArray(i32(...range(2000)), [40, 50], 'int32')).toBe(
      '[[   0    1    2 ...   47   48   49]\n [  50   51   52 ...   97   98   99]\n' +
      ' [ 100  101  102 ...  147  148  149]\n ...\n [1850 1851 1852 ... 1897 1898 1899]\n' +
      ' [1900 1901 1902 ... 1947 1948 1949]\n [1950 1951 1952 ... 1997 1998 1999]]');
  });

  it('prints ints right-aligned and bools with a padded True', () => {
    expect(formatArray(i32(1, 2, 3), [3], 'int32')).toBe('[1 2 3]');
    expect(formatArray(i32(1, -20, 300), [3], 'int32')).toBe('[  1 -20 300]');
    expect(formatArray(Uint8Array.of(1, 0), [2], 'bool')).toBe('[ True False]');
  });

  it('prints [] for any empty array', () => {
    expect(formatArray(f32(), [0], 'float32')).toBe('[]');
    expect(formatArray(f32(), [2, 0], 'float32')).toBe('[]');
  });
});

describe('formatArray: 0-d (the scalar str)', () => {
  it('prints like the Python float repr', () => {
    expect(formatArray(f32(5), [], 'float32')).toBe('5.0');
    expect(formatArray(f32(5.000001), [], 'float32')).toBe('5.000001');
    expect(formatArray(f32(1e-5), [], 'float32')).toBe('1e-05');
    expect(formatArray(f32(NaN), [], 'float32')).toBe('nan');
    expect(formatArray(f32(123456.7), [], 'float32')).toBe('123456.7');
    expect(formatArray(f64(1e16), [], 'float64')).toBe('1e+16');
    expect(formatArray(i32(5), [], 'int32')).toBe('5');
    expect(formatArray(Uint8Array.of(1), [], 'bool')).toBe('True');
  });

  it('uses scientific from 1e6 for float32 scalars (numpy scalartypes cutoff)', () => {
    expect(formatArray(f32(1e6), [], 'float32')).toBe('1e+06');
    expect(formatArray(f64(1e6), [], 'float64')).toBe('1000000.0');
  });
});

describe('formatArrayRepr', () => {
  it('uses commas, a 7-space indent and shows dtype unless implied', () => {
    expect(formatArrayRepr(f32(1, 2, 3, 4), [2, 2], 'float32')).toBe('array([[1., 2.],\n       [3., 4.]], dtype=float32)');
    expect(formatArrayRepr(f64(1, 2), [2], 'float64')).toBe('array([1., 2.])');
    expect(formatArrayRepr(i32(1, 2), [2], 'int32')).toBe('array([1, 2], dtype=int32)');
    expect(formatArrayRepr(Uint8Array.of(1), [1], 'bool')).toBe('array([ True])');
    // empty arrays always show dtype, and shape unless it is (0,)
    expect(formatArrayRepr(f32(), [2, 0], 'float32')).toBe('array([], shape=(2, 0), dtype=float32)');
  });

  it('wraps at linewidth 75 minus the closing parenthesis', () => {
    expect(formatArrayRepr(f32(...range(30)), [30], 'float32')).toBe(
      'array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.,\n' +
      '       13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25.,\n' +
      '       26., 27., 28., 29.], dtype=float32)');
  });
});

describe('TF wrappers', () => {
  it('formats shapes as Python tuples', () => {
    expect(formatShape([])).toBe('()');
    expect(formatShape([3])).toBe('(3,)');
    expect(formatShape([2, 2])).toBe('(2, 2)');
  });

  it('formats tensors, moving multi-line values to a new line', () => {
    expect(formatTensor(f32(5), [], 'float32')).toBe('tf.Tensor(5.0, shape=(), dtype=float32)');
    expect(formatTensor(f32(1, 2, 3), [3], 'float32')).toBe('tf.Tensor([1. 2. 3.], shape=(3,), dtype=float32)');
    expect(formatTensor(f32(1, 2, 3, 4), [2, 2], 'float32'))
      .toBe('tf.Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)');
    expect(formatTensor(Uint8Array.of(1, 0), [2], 'bool')).toBe('tf.Tensor([ True False], shape=(2,), dtype=bool)');
  });

  it('formats variables with the numpy repr', () => {
    expect(formatVariable('Variable:0', f32(5.000001), [], 'float32'))
      .toBe("<tf.Variable 'Variable:0' shape=() dtype=float32, numpy=5.000001>");
    expect(formatVariable('Variable:0', f32(1, 2), [2], 'float32'))
      .toBe("<tf.Variable 'Variable:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>");
    expect(formatVariable('Variable:0', f32(1, 2, 3, 4), [2, 2], 'float32'))
      .toBe("<tf.Variable 'Variable:0' shape=(2, 2) dtype=float32, numpy=\narray([[1., 2.],\n       [3., 4.]], dtype=float32)>");
    expect(formatVariable('v:0', i32(3), [], 'int32')).toBe("<tf.Variable 'v:0' shape=() dtype=int32, numpy=3>");
  });
});
