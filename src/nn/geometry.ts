/**
 * Argument checks and output geometry shared by the conv and pooling ops (src/nn/conv.ts,
 * src/nn/pool.ts): strides, dilations and window sizes as a number or [h, w], the padding
 * modes ('same', 'valid', a number, or explicit [[0,0],[top,bottom],[left,right],[0,0]]), and
 * TF's 'same' rule. Every check runs before any kernel and names the op, the argument and the
 * shapes. A new windowed op builds its `Window` with `window(...)` and reads sizes from it.
 */
import { fmt } from '../shape.js';
import { show } from '../validate.js';
import type { Window2D } from '../backend/backend.js';

export type PadArg = 'same' | 'valid' | number | number[][];

/** A sliding window over NHWC data: everything a conv or pool kernel needs but channels. */
export type Window = Window2D & { dilationH: number; dilationW: number };

/** A number or [h, w] of positive integers (strides, dilations, window sizes). */
export function pair(value: unknown, op: string, arg: string): [number, number] {
  const v = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(v) || v.length !== 2 || v.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1)) {
    throw new Error(`${op}: ${arg} must be a positive integer or [h, w] of positive integers, got ${show(value)}`);
  }
  return [v[0], v[1]];
}

/**
 * Padding of one spatial axis: [before, after]. 'same' as TF: the output has ceil(in/stride)
 * positions and total = max((out − 1)·stride + (k − 1)·dilation + 1 − in, 0) is split with the
 * smaller half before.
 */
function samePad(inSize: number, k: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + (k - 1) * dilation + 1 - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** The [top, bottom, left, right] padding of a `PadArg`, checked. */
export function padsOf(pad: unknown, op: string, xShape: number[], kh: number, kw: number, strides: [number, number], dilations: [number, number], spatialRank = 2): [number, number, number, number] {
  const [inH, inW] = [xShape[1], xShape[2]];
  if (pad === 'valid') return [0, 0, 0, 0];
  if (pad === 'same') return [...samePad(inH, kh, strides[0], dilations[0]), ...samePad(inW, kw, strides[1], dilations[1])];
  if (typeof pad === 'number') {
    if (!Number.isSafeInteger(pad) || pad < 0) throw new Error(`${op}: pad must be 'same', 'valid', a non-negative integer or explicit pads, got ${show(pad)}`);
    return spatialRank === 1 ? [0, 0, pad, pad] : [pad, pad, pad, pad];
  }
  const rows = spatialRank + 2;
  const wanted = spatialRank === 1 ? '[[0,0],[left,right],[0,0]]' : '[[0,0],[top,bottom],[left,right],[0,0]]';
  const ok = Array.isArray(pad) && pad.length === rows && pad.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0));
  if (!ok) throw new Error(`${op}: pad must be 'same', 'valid', a non-negative integer or ${wanted} of non-negative integers, got ${show(pad)}`);
  const p = pad as number[][];
  if (p[0][0] !== 0 || p[0][1] !== 0 || p[rows - 1][0] !== 0 || p[rows - 1][1] !== 0) {
    throw new Error(`${op}: explicit pads of the batch and channel axes must be 0, got ${show(pad)}`);
  }
  return spatialRank === 1 ? [0, 0, p[1][0], p[1][1]] : [p[1][0], p[1][1], p[2][0], p[2][1]];
}

/**
 * The window of an op over NHWC `xShape` (rank 4), or an error naming the op and shapes when the
 * (padded) input is smaller than the (dilated) window. `what` names the window in that error.
 */
export function window(op: string, xShape: number[], kh: number, kw: number, strides: [number, number], dilations: [number, number], pad: unknown, what: string, spatialRank = 2): Window {
  const [top, bottom, left, right] = padsOf(pad, op, xShape, kh, kw, strides, dilations, spatialRank);
  const effH = (kh - 1) * dilations[0] + 1;
  const effW = (kw - 1) * dilations[1] + 1;
  const spanH = xShape[1] + top + bottom;
  const spanW = xShape[2] + left + right;
  if (effH > spanH || effW > spanW) {
    throw new Error(`${op}: the ${what} (${kh}x${kw}${dilations[0] > 1 || dilations[1] > 1 ? `, dilations ${dilations.join('x')}` : ''}) is larger than the padded input ${fmt(xShape)} (pad ${show(pad)})`);
  }
  return {
    batch: xShape[0], inH: xShape[1], inW: xShape[2],
    outH: Math.floor((spanH - effH) / strides[0]) + 1, outW: Math.floor((spanW - effW) / strides[1]) + 1,
    fh: kh, fw: kw, strideH: strides[0], strideW: strides[1], dilationH: dilations[0], dilationW: dilations[1],
    padTop: top, padLeft: left,
  };
}

/** 'NHWC' (or 'NWC' for conv1d) is the one data format. */
export function checkDataFormat(value: unknown, op: string, wanted: 'NHWC' | 'NWC'): void {
  if (value !== undefined && value !== null && value !== wanted) {
    throw new Error(`${op}: dataFormat must be '${wanted}' (channels last), got ${show(value)}`);
  }
}
