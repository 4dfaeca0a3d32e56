// A character-level LSTM trained with `fit` on examples/data/rhymes.txt (traditional nursery
// rhymes, public domain): at every position it learns to predict the next character, and after
// each epoch it prints a sample it writes itself. `--quick` (or EXAMPLE_QUICK=1) runs a few
// steps, as CI does.
import * as tf from 'tapeflow';
import { fitWithSamples, loadRhymes } from './rhymes.js';

const quick = process.argv.includes('--quick') || process.env.EXAMPLE_QUICK === '1';
// Windows of 32 characters of the rhymes, predicting each next character.
const seqLen = 32;
const data = loadRhymes(seqLen, quick ? 12 : 2);
const { chars } = data;

const model = tf.sequential({
  layers: [
    tf.layers.embedding({ inputDim: chars.length, outputDim: 24, inputShape: [seqLen] }),
    tf.layers.lstm({ units: quick ? 32 : 128, returnSequences: true }),
    tf.layers.dense({ units: chars.length, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: new tf.optimizers.Adam(0.01), loss: 'sparseCategoricalCrossentropy' });

const losses = await fitWithSamples(model, data, seqLen, quick ? 3 : 12, quick ? 20 : 80);
console.log(`${chars.length} characters, ${data.windows} windows; loss ${losses[0].toFixed(3)} -> ${losses.at(-1)!.toFixed(3)} (uniform guessing: ${Math.log(chars.length).toFixed(3)})`);
