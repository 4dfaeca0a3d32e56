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
 * so the backward pass indexes arrays instead of hashing ids. Slots only grow, so `slotLimit`
 * (the tape's slot count once the op's outputs were followed) tells which of its inputs the
 * tape followed when the op ran: one whose slot is at or above it was watched later, and an
 * op recorded before a watch does not connect it (TF).
 */
export interface TapeNode {
  inputs: Tensor[];
  outputs: Tensor[];
  grad: GradFn;
  slotLimit: number;
}

/** The slot of `t` as node input or output, or -1 when the tape did not follow it when the node ran. */
export function slotAt(tape: Recorder, node: TapeNode, t: Tensor): number {
  const s = slotIn(tape, t);
  return s < node.slotLimit ? s : -1;
}

/**
 * What the recorder needs of a tape; implemented by GradientTape. A tensor's slot is kept on
 * the tensor itself (`slotOwner`, `slot`) for the first tape that follows it, which is nearly
 * always the only one; other tapes keep theirs in `otherSlots`. Hashing every op output into
 * a Map cost more than the op itself on small graphs.
 */
export interface Recorder {
  /** Unique per tape and per reset: tensors owned under an old key are no longer followed. */
  key: number;
  slotCount: number;
  /** Slots of tensors another tape owns; null until the first one (most tapes never need it). */
  otherSlots: Map<number, number> | null;
  /** The tensors whose slot is stored on them for this tape: disowned when the tape is done. */
  owned: Tensor[];
  readonly watchAccessedVariables: boolean;
  nodes: TapeNode[];
  onVariableAccessed(v: Tensor): void;
}

let lastTapeKey = 0;

/** A fresh tape key (0 is never used: it marks a tensor no tape owns). */
export function newTapeKey(): number {
  return ++lastTapeKey;
}

/** The tensor's slot on `tape`, or -1 when the tape does not follow it. */
export function slotIn(tape: Recorder, t: Tensor): number {
  if (t.slotOwner === tape.key) return t.slot;
  if (tape.otherSlots === null) return -1;
  const s = tape.otherSlots.get(t.id);
  return s === undefined ? -1 : s;
}

/** Makes `tape` follow `t` (if it does not yet) and returns its slot. */
export function follow(tape: Recorder, t: Tensor): number {
  const existing = slotIn(tape, t);
  if (existing >= 0) return existing;
  const slot = tape.slotCount++;
  if (t.slotOwner === 0) {
    t.slotOwner = tape.key;
    t.slot = slot;
    tape.owned.push(t);
  } else (tape.otherSlots ??= new Map()).set(t.id, slot);
  return slot;
}

/**
 * Gives back the tensors `tape` owns, so the next tape (the next training step's) keeps its
 * slots on them too instead of in its map: variables outlive every tape that follows them.
 */
export function disown(tape: Recorder): void {
  const owned = tape.owned;
  for (let i = 0; i < owned.length; i++) if (owned[i].slotOwner === tape.key) owned[i].slotOwner = 0;
  tape.owned = [];
}

/** Tapes currently recording, innermost last. */
export const recordingTapes: Recorder[] = [];

export function isRecording(): boolean {
  return recordingTapes.length > 0;
}

/**
 * Adds an op to every recording tape that watches one of its (float) inputs. `saved` are
 * tensors the rule reads besides its inputs and outputs (kept forward results): they are held
 * like them, so a memory scope ending before the backward pass does not dispose them.
 */
export function record(inputs: Tensor[], outputs: Tensor[], grad: GradFn, saved?: Tensor[]): void {
  if (recordingTapes.length === 0) return;
  for (let t = 0; t < recordingTapes.length; t++) {
    const tape = recordingTapes[t];
    let watched = false;
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i];
      if (slotIn(tape, x) >= 0) watched = true;
      else if (x.autoWatch && tape.watchAccessedVariables) {
        tape.onVariableAccessed(x);
        watched = true;
      }
    }
    if (!watched) continue;
    for (let i = 0; i < outputs.length; i++) if (isFloat(outputs[i].dtype)) follow(tape, outputs[i]);
    tape.nodes.push({ inputs, outputs, grad, slotLimit: tape.slotCount });
    hold(inputs, tape);
    hold(outputs, tape);
    if (saved !== undefined) hold(saved, tape);
  }
}

/**
 * Marks tensors a tape's backward pass may read, so that memory scopes (tensor.ts) leave them
 * alone while the tape is live. The first live holder is kept: it is the outermost tape, the
 * last to be used up.
 */
function hold(tensors: Tensor[], tape: Recorder): void {
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    if (t.heldBy === null || t.heldBy.key !== t.heldKey) {
      t.heldBy = tape;
      t.heldKey = tape.key;
    }
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
