/**
 * Recording: the one hook every op calls after computing its outputs. When a tape is
 * recording and one of the op's inputs is watched by it, the op becomes a node of that tape
 * with its gradient rule. Gradient rules receive one upstream gradient per output (already
 * shaped like that output) and return one gradient per input, written as if shapes matched:
 * the tape sums each back to its input's shape (`unbroadcast`) in one place.
 */
import { isFloat } from '../dtype.js';
import type { Tensor } from '../tensor.js';

/** `needs[i]` tells whether input i's gradient is wanted; a rule may return null for others. */
export type GradFn = (dys: Tensor[], needs: boolean[]) => (Tensor | null)[];

/**
 * One recorded op. Every tensor a tape follows gets a slot (its index in the tape's arrays),
 * so the backward pass indexes arrays instead of hashing ids; -1 marks an input the tape does
 * not follow (a constant, an integer tensor).
 */
export interface TapeNode {
  inputs: Tensor[];
  outputs: Tensor[];
  inSlots: number[];
  outSlots: number[];
  grad: GradFn;
}

/** What the recorder needs of a tape; implemented by GradientTape. */
export interface Recorder {
  /** Tensor id → slot, for every tensor the tape follows. */
  readonly slots: Map<number, number>;
  readonly watchAccessedVariables: boolean;
  readonly nodes: TapeNode[];
  onVariableAccessed(v: Tensor): void;
}

/** Tapes currently recording, innermost last. */
export const recordingTapes: Recorder[] = [];

export function isRecording(): boolean {
  return recordingTapes.length > 0;
}

/** Adds an op to every recording tape that watches one of its (float) inputs. */
export function record(inputs: Tensor[], outputs: Tensor[], grad: GradFn): void {
  if (recordingTapes.length === 0) return;
  for (let t = 0; t < recordingTapes.length; t++) {
    const tape = recordingTapes[t];
    const slots = tape.slots;
    let watched = false;
    const inSlots = new Array<number>(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i];
      let slot = slots.get(x.id);
      if (slot === undefined && x.autoWatch && tape.watchAccessedVariables) {
        tape.onVariableAccessed(x);
        slot = slots.get(x.id);
      }
      if (slot === undefined) inSlots[i] = -1;
      else {
        inSlots[i] = slot;
        watched = true;
      }
    }
    if (!watched) continue;
    const outSlots = new Array<number>(outputs.length);
    for (let i = 0; i < outputs.length; i++) {
      const y = outputs[i];
      if (isFloat(y.dtype)) {
        outSlots[i] = slots.size;
        slots.set(y.id, slots.size);
      } else outSlots[i] = -1;
    }
    tape.nodes.push({ inputs, outputs, inSlots, outSlots, grad });
  }
}

/** Runs `fn` with no tape recording (tf.stopRecording for every tape; used by customGradient). */
export function withoutRecording<T>(fn: () => T): T {
  const saved = recordingTapes.splice(0, recordingTapes.length);
  try {
    return fn();
  } finally {
    recordingTapes.push(...saved);
  }
}
