// A two-block causal transformer (pre-norm: layerNormalization, multiHeadAttention with the
// causal mask, a residual add, then a relu MLP and another add) trained with `fit` to predict
// the next character of examples/data/rhymes.txt, the text examples/text-lstm.ts learns. It
// prints a sample after each epoch. `--quick` (or EXAMPLE_QUICK=1) runs a few steps, as CI does.
import * as tf from 'tapeflow';
import { fitWithSamples, loadRhymes } from './rhymes.js';

const quick = process.argv.includes('--quick') || process.env.EXAMPLE_QUICK === '1';
const seqLen = 32, dModel = quick ? 32 : 64, heads = 4;
const data = loadRhymes(seqLen, quick ? 12 : 2);
const { chars } = data;

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

const losses = await fitWithSamples(model, data, seqLen, quick ? 3 : 15, quick ? 20 : 80);
console.log(`${model.countParams()} parameters, ${data.windows} windows; loss ${losses[0].toFixed(3)} -> ${losses.at(-1)!.toFixed(3)} (uniform guessing: ${Math.log(chars.length).toFixed(3)})`);
