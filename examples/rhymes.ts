// The character data and the training loop that examples/text-lstm.ts and
// examples/tiny-transformer.ts share: examples/data/rhymes.txt (traditional nursery rhymes,
// public domain) as windows of `seqLen` character ids with the next-character targets, and a
// `fit` that prints a sample the model writes after each epoch.
import { readFileSync } from 'node:fs';
import * as tf from 'tapeflow';

export function loadRhymes(seqLen: number, stride: number) {
  const text = readFileSync(new URL('./data/rhymes.txt', import.meta.url), 'utf8').replace(/\s+/g, ' ');
  const chars = [...new Set(text)].sort();
  const ids = [...text].map((c) => chars.indexOf(c));
  // windows of seqLen characters; the targets are the same windows shifted by one
  const starts = Array.from({ length: Math.floor((ids.length - seqLen - 1) / stride) }, (_, i) => i * stride);
  const x = tf.tensor(starts.map((s) => ids.slice(s, s + seqLen)), undefined, 'int32');
  const y = tf.tensor(starts.map((s) => ids.slice(s + 1, s + seqLen + 1)), undefined, 'int32');
  return { text, chars, x, y, windows: starts.length };
}

/** Fits `model` on the windows, printing a continuation of the text's first window after each epoch; returns the epoch losses. */
export async function fitWithSamples(model: tf.Model, data: ReturnType<typeof loadRhymes>, seqLen: number, epochs: number, sampleLength: number): Promise<number[]> {
  const { text, chars, x, y } = data;
  // Sampling with temperature 0.5 from a seeded generator, so a run repeats itself.
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const sample = (prompt: string, length: number): string => {
    let out = prompt;
    for (let i = 0; i < length; i++) {
      const window = [...out.slice(-seqLen)].map((c) => chars.indexOf(c));
      const probs = (model.predict(tf.tensor([window], undefined, 'int32')) as tf.Tensor).arraySync() as number[][][];
      const p = probs[0][seqLen - 1].map((v) => v ** 2);
      let r = random() * p.reduce((a, b) => a + b, 0);
      let k = 0;
      while (k < p.length - 1 && (r -= p[k]) > 0) k++;
      out += chars[k];
    }
    return out;
  };
  const prompt = text.slice(0, seqLen);
  const history = await model.fit(x, y, {
    epochs, batchSize: 32, seed: 1, verbose: 0,
    callbacks: [{
      onEpochEnd: (epoch: number, logs?: Record<string, number>) => {
        console.log(`epoch ${epoch + 1} loss ${logs!.loss.toFixed(3)}: ${JSON.stringify(sample(prompt, sampleLength).slice(seqLen))}`);
      },
    }],
  });
  return history.history.loss as number[];
}
