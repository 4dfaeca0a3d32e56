/**
 * Shape arithmetic, pure functions only: sizes, strides, NumPy broadcasting (reaching kernels
 * as 0-strides), axis normalisation. Every op validates shapes through these helpers so that
 * errors read the same everywhere: `op: what is wrong: [shapes]`.
 */

import { show } from './validate.js';

export type Shape = number[];

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function fmt(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of two shapes; throws naming the op and both shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): Shape {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else throw new Error(`${op}: shapes cannot be broadcast together: ${fmt(a)} and ${fmt(b)}`);
  }
  return out;
}

/** Strides that read an array of `shape` as if it had `outShape` (0 on broadcast dims). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[i + offset] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (typeof axis !== 'number') throw new TypeError(`${op}: axis must be an integer, got ${show(axis)}`);
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new RangeError(`${op}: axis ${show(axis)} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Sorted, de-duplicated, non-negative axes; `undefined` or `null` means every axis. */
export function normalizeAxes(axis: number | number[] | undefined | null, rank: number, op: string): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const out = new Set<number>();
  for (const a of list) {
    if (typeof a !== 'number') throw new TypeError(`${op}: axis must be an integer or an array of integers, got ${show(axis)}`);
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      throw new RangeError(`${op}: axis ${show(a)} is out of range for a tensor of rank ${rank}`);
    }
    out.add(a < 0 ? a + rank : a);
  }
  return [...out].sort((x, y) => x - y);
}

/** Shape after reducing `axes`, with or without the reduced dimensions kept as 1. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): Shape {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}

/**
 * The axes along which a gradient of `outShape` must be summed to give one of `inShape`
 * (the inverse of broadcasting): leading extra axes and axes where `inShape` has 1.
 */
export function unbroadcastAxes(inShape: readonly number[], outShape: readonly number[]): number[] {
  const axes: number[] = [];
  const offset = outShape.length - inShape.length;
  for (let i = 0; i < outShape.length; i++) {
    if (i < offset) axes.push(i);
    else if (inShape[i - offset] === 1 && outShape[i] !== 1) axes.push(i);
  }
  return axes;
}
