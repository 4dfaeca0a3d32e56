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

export interface TapeNode {
  inputs: Tensor[];
  outputs: Tensor[];
  grad: GradFn;
}

/** What the recorder needs of a tape; implemented by GradientTape. */
export interface Recorder {
  readonly watched: Set<number>;
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
    let watched = false;
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i];
      if (x.autoWatch && tape.watchAccessedVariables && !tape.watched.has(x.id)) tape.onVariableAccessed(x);
      if (tape.watched.has(x.id)) watched = true;
    }
    if (!watched) continue;
    tape.nodes.push({ inputs, outputs, grad });
    for (let i = 0; i < outputs.length; i++) if (isFloat(outputs[i].dtype)) tape.watched.add(outputs[i].id);
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
