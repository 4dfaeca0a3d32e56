// A two-block causal transformer (pre-norm: layerNormalization, multiHeadAttention with the
// causal mask, a residual add, then a relu MLP and another add) trained with `fit` to predict
// the next character of examples/data/rhymes.txt, the text examples/text-lstm.ts learns. It
// prints a sample after each epoch. `--quick` (or EXAMPLE_QUICK=1) runs a few steps, as CI does.
import { readFileSync } from 'node:fs';
import * as tf from 'tapeflow';

const quick = process.argv.includes('--quick') || process.env.EXAMPLE_QUICK === '1';
const text = readFileSync(new URL('./data/rhymes.txt', import.meta.url), 'utf8').replace(/\s+/g, ' ');
const chars = [...new Set(text)].sort();
const ids = [...text].map((c) => chars.indexOf(c));

const seqLen = 32, dModel = quick ? 32 : 64, heads = 4;
const stride = quick ? 12 : 2;
const starts = Array.from({ length: Math.floor((ids.length - seqLen - 1) / stride) }, (_, i) => i * stride);
const x = tf.tensor(starts.map((s) => ids.slice(s, s + seqLen)), undefined, 'int32');
const y = tf.tensor(starts.map((s) => ids.slice(s + 1, s + seqLen + 1)), undefined, 'int32');

/** A learned position embedding [seqLen, dModel] added to each example. */
class PositionEmbedding extends tf.layers.Layer {
  positions: tf.Variable | null = null;
  override build(inputShape: tf.layers.Shape) {
    this.positions = this.addWeight('positions', [inputShape[1] as number, inputShape[2] as number], { initializer: 'randomNormal' });
  }
  override call(inputs: tf.Tensor | tf.Tensor[]) {
    return tf.add(inputs as tf.Tensor, this.positions!);
  }
}

const input = tf.input({ shape: [seqLen], dtype: 'int32' });
let h = new PositionEmbedding().apply(tf.layers.embedding({ inputDim: chars.length, outputDim: dModel }).apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor;
for (let block = 0; block < 2; block++) {
  const attended = tf.layers.multiHeadAttention({ numHeads: heads, keyDim: dModel / heads }).apply(tf.layers.layerNormalization().apply(h) as tf.SymbolicTensor, { useCausalMask: true });
  h = tf.layers.add().apply([h, attended as tf.SymbolicTensor]) as tf.SymbolicTensor;
  const mlp = tf.layers.dense({ units: dModel }).apply(tf.layers.dense({ units: 4 * dModel, activation: 'relu' }).apply(tf.layers.layerNormalization().apply(h) as tf.SymbolicTensor) as tf.SymbolicTensor);
  h = tf.layers.add().apply([h, mlp as tf.SymbolicTensor]) as tf.SymbolicTensor;
}
const output = tf.layers.dense({ units: chars.length, activation: 'softmax' }).apply(tf.layers.layerNormalization().apply(h) as tf.SymbolicTensor) as tf.SymbolicTensor;
const model = tf.model({ inputs: input, outputs: output });
model.compile({ optimizer: new tf.optimizers.Adam(0.003), loss: 'sparseCategoricalCrossentropy' });

// Sampling with temperature 0.5 from a seeded generator, so a run repeats itself.
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
function sample(prompt: string, length: number): string {
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
}

const prompt = text.slice(0, seqLen);
const history = await model.fit(x, y, {
  epochs: quick ? 3 : 15, batchSize: 32, seed: 1, verbose: 0,
  callbacks: [{
    onEpochEnd: (epoch: number, logs?: Record<string, number>) => {
      console.log(`epoch ${epoch + 1} loss ${logs!.loss.toFixed(3)}: ${JSON.stringify(sample(prompt, quick ? 20 : 80).slice(seqLen))}`);
    },
  }],
});
const losses = history.history.loss as number[];
console.log(`${model.countParams()} parameters, ${starts.length} windows; loss ${losses[0].toFixed(3)} -> ${losses.at(-1)!.toFixed(3)} (uniform guessing: ${Math.log(chars.length).toFixed(3)})`);
