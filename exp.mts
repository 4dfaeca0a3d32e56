import * as tf from './src/index.ts';
import { loadRawBinding } from './src/backend/native/load.ts';
const raw = loadRawBinding().binding!;
const { rank } = tf.distribute.init();
for (const bytes of [1 << 20, 64 << 20]) {
  const n = bytes / 4;
  const a = new Float32Array(n).fill(1), out = new Float32Array(n);
  const reps = bytes > 1 << 24 ? 9 : 41;
  const t = (f: () => void) => { const xs: number[] = []; for (let i = 0; i < reps; i++) { raw.mpiBarrier!(); const t0 = performance.now(); f(); xs.push(performance.now() - t0); } xs.sort((p, q) => p - q); return xs[reps >> 1].toFixed(3); };
  const same = t(() => raw.mpiAllReduce!(a, out, 0));
  const fresh = t(() => raw.mpiAllReduce!(a, new Float32Array(n), 0));
  const x = tf.tensor(a);
  const api = t(() => tf.distribute.allReduce(x));
  if (rank === 0) console.log(bytes, { sameOut: same, freshOut: fresh, api });
}
