// One rank of the tf.distribute tests (test/distribute.test.ts runs it under mpirun). The
// scenario is the first argument; each rank prints one JSON line `{rank, size, ...}` that the
// test checks against values it derives itself.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '../../src/index.js';

const scenario = process.argv[2];
const world = tf.distribute.init();
const { rank, size } = world;
// Each rank's result goes to its own file in TAPEFLOW_RESULTS (stdout is shared by all ranks and
// carries rank 0's progress output, so lines of different ranks can run together there).
const print = (extra: object) => {
  const line = JSON.stringify({ rank, size, abi: world.abi, ucxMemEvents: process.env.UCX_MEM_EVENTS ?? null, ...extra });
  if (process.env.TAPEFLOW_RESULTS) writeFileSync(join(process.env.TAPEFLOW_RESULTS, `rank-${rank}.json`), line);
  else process.stdout.write(`${line}\n`);
};

function collectives() {
  const out: Record<string, unknown> = {};
  for (const dtype of ['float32', 'float64', 'int32'] as const) {
    // rank-dependent values: sums, maxima and minima differ per element and per rank
    const values = [rank + 1, -2 * (rank + 1), rank * rank, 7, 0 - rank, 100 * rank];
    const x = tf.tensor(values, [2, 3], dtype);
    const before = Array.from(x.dataSync());
    const reduced: Record<string, unknown> = {};
    for (const op of ['sum', 'max', 'min', ...(dtype === 'int32' ? [] : ['mean'] as const)] as const) {
      const r = tf.distribute.allReduce(x, { op });
      reduced[op] = { values: Array.from(r.dataSync()), shape: r.shape, dtype: r.dtype };
    }
    const gathered = tf.distribute.allGather(x);
    const root = size - 1;
    const broadcast = tf.distribute.broadcast(x, root);
    const scalarGather = tf.distribute.allGather(tf.scalar(rank * 10, dtype));
    tf.distribute.barrier();
    out[dtype] = {
      reduced,
      gathered: { values: Array.from(gathered.dataSync()), shape: gathered.shape },
      broadcast: { values: Array.from(broadcast.dataSync()), shape: broadcast.shape, root },
      scalarGather: { values: Array.from(scalarGather.dataSync()), shape: scalarGather.shape },
      inputUnchanged: Array.from(x.dataSync()).every((v, i) => v === before[i]),
    };
  }
  print(out);
}

function large() {
  // 64 MiB of float32: 16,777,216 elements.
  const n = 1 << 24;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (i % 1000) * (rank + 1);
  const sum = tf.distribute.allReduce(tf.tensor(x, [n])).dataSync();
  const factor = (size * (size + 1)) / 2;
  let wrong = 0;
  for (let i = 0; i < n; i++) if (sum[i] !== (i % 1000) * factor) wrong++;
  print({ elements: n, wrong });
}

/**
 * N ranks with batch b against one process with batch N·b: rank r trains on rows [r·b, (r+1)·b)
 * with DistributedOptimizer, and also trains, alone, a copy on all N·b rows with the plain
 * optimizer. Both start from rank 0's weights (broadcastVariables after a rank-seeded init).
 */
function equivalence() {
  const b = 4, features = 5, hidden = 6, steps = 6;
  const fusionThreshold = Number(process.argv[3] ?? 64 * 1024 * 1024);
  const all = tf.random.normal([size * b, features], { seed: 99 });
  const target = tf.random.normal([size * b, 1], { seed: 98 });
  const make = (seed: number) => [
    new tf.Variable(tf.random.normal([features, hidden], { seed, stddev: 0.5 }), { name: 'w1' }),
    new tf.Variable(tf.random.normal([hidden], { seed: seed + 1, stddev: 0.1 }), { name: 'b1' }),
    new tf.Variable(tf.random.normal([hidden, 1], { seed: seed + 2, stddev: 0.5 }), { name: 'w2' }),
    new tf.Variable(tf.random.normal([1], { seed: seed + 3, stddev: 0.1 }), { name: 'b2' }),
  ];
  const loss = (vars: tf.Variable[], x: tf.Tensor, y: tf.Tensor) => () => {
    const h = tf.tanh(x.matmul(vars[0]).add(vars[1]));
    return tf.mean(tf.square(h.matmul(vars[2]).add(vars[3]).sub(y)));
  };
  const mine = make(1000 + rank);
  tf.distribute.broadcastVariables(mine, 0);
  const reference = make(1000);
  const sameStart = mine.every((v, i) => Array.from(v.dataSync()).every((x, j) => x === reference[i].dataSync()[j]));
  const distributed = new tf.distribute.DistributedOptimizer(new tf.optimizers.Adam({ learningRate: 0.05 }), { fusionThreshold });
  const plain = new tf.optimizers.Adam({ learningRate: 0.05 });
  const xs = tf.slice(all, [rank * b, 0], [b, features]);
  const ys = tf.slice(target, [rank * b, 0], [b, 1]);
  for (let s = 0; s < steps; s++) {
    distributed.minimize(loss(mine, xs, ys), mine);
    plain.minimize(loss(reference, all, target), reference);
  }
  let maxDiff = 0;
  mine.forEach((v, i) => v.dataSync().forEach((x, j) => { maxDiff = Math.max(maxDiff, Math.abs(x - reference[i].dataSync()[j])); }));
  print({
    sameStart, maxDiff, iterations: distributed.iterations,
    isAdam: distributed instanceof tf.optimizers.Adam, isDistributed: distributed instanceof tf.distribute.DistributedOptimizer,
    weights: Array.from(mine[0].dataSync()).slice(0, 3),
  });
}

function fault() {
  tf.distribute.barrier();
  if (rank === 1) throw new Error('rank 1 fails on purpose');
  tf.distribute.barrier(); // the others wait here for a rank that never comes
  print({ unreachable: true });
}

function killed() {
  tf.distribute.barrier();
  if (rank === 1) process.kill(process.pid, 'SIGKILL');
  tf.distribute.barrier();
  print({ unreachable: true });
}

function mismatch() {
  // rank 0 broadcasts [3], the others pass [4]: every rank but the root throws naming both
  const x = tf.zeros([rank === 0 ? 3 : 4]);
  try {
    tf.distribute.broadcast(x, 0);
    print({ threw: false });
  } catch (e) {
    print({ threw: true, message: (e as Error).message });
    process.exitCode = 3;
  }
}

/**
 * The async collectives: started in a row and mixed with a blocking one (which waits for them),
 * each gives what its blocking form gives; a Variable assigned after the start sends its value
 * at the start; and while the last rank is busy for 300 ms before it joins an allReduceAsync,
 * rank 0's event loop keeps turning (a collective on the JS thread would block it).
 */
async function asyncCollectives() {
  const x = tf.tensor([rank + 1, 2 * rank, -rank], [3], 'float32');
  const v = new tf.Variable(tf.tensor([rank, 1], [2], 'float64'));
  const sum = tf.distribute.allReduceAsync(x);
  const max = tf.distribute.allReduceAsync(x, { op: 'max' });
  const variable = tf.distribute.allReduceAsync(v);
  v.assign(tf.tensor([100, 100], [2], 'float64'));
  const blocking = tf.distribute.allGather(tf.scalar(rank, 'int32'));
  const broadcast = tf.distribute.broadcastAsync(x, size - 1);
  const gathered = tf.distribute.allGatherAsync(tf.tensor([rank, rank], [2], 'int32'));
  const results = await Promise.all([sum, max, variable, broadcast, gathered]);
  const [s, m, vr, b, g] = results.map((t) => Array.from(t.dataSync()));
  if (rank === size - 1 && size > 1) {
    const until = Date.now() + 300;
    while (Date.now() < until);
  }
  let settled = false, turns = 0;
  const overlapped = tf.distribute.allReduceAsync(tf.ones([4])).then((t) => { settled = true; return t; });
  while (!settled) {
    await new Promise((resolve) => setImmediate(resolve));
    turns++;
  }
  print({ sum: s, max: m, variable: vr, blocking: Array.from(blocking.dataSync()), broadcast: b, gathered: g, overlapped: Array.from((await overlapped).dataSync()), turns, xUnchanged: Array.from(x.dataSync()) });
}

const SCENARIOS: Record<string, () => void | Promise<void>> = { collectives, large, equivalence, fault, killed, mismatch, async: asyncCollectives };

/**
 * model.fit under init(): N ranks with batch 4 against one process fitting batch 4N on the same
 * data (shuffle off), both from rank 0's weights; 13 rows leave a short last global batch.
 */
async function fitEquivalence() {
  const rowsTotal = 13, b = 4;
  const x = tf.random.normal([rowsTotal, 5], { seed: 21 });
  const y = tf.random.normal([rowsTotal, 2], { seed: 22 });
  const make = (seed: number) => {
    const m = tf.sequential({ layers: [
      tf.layers.dense({ units: 6, activation: 'tanh', inputShape: [5], kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ] });
    m.compile({ optimizer: new tf.optimizers.Adam({ learningRate: 0.05 }), loss: 'mse' });
    return m;
  };
  const distributed = make(100 + rank); // different on every rank: fit broadcasts rank 0's weights
  // verbose 1 on every rank; count what each writes to stdout while fitting (only rank 0 should)
  const write = process.stdout.write.bind(process.stdout);
  let printed = 0;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => { printed += chunk.length; return (write as (...a: unknown[]) => boolean)(chunk, ...rest); }) as typeof process.stdout.write;
  const h = await distributed.fit(x, y, { epochs: 3, batchSize: b, shuffle: false, verbose: 1 });
  process.stdout.write = write;
  const alone = make(100);
  // the reference runs in this process alone: no data-parallel view while it fits
  const { setDataParallel, dataParallel } = await import('../../src/models/data-parallel.js');
  const saved = dataParallel();
  setDataParallel(null);
  const hAlone = await alone.fit(x, y, { epochs: 3, batchSize: b * size, shuffle: false, verbose: 0 });
  setDataParallel(saved);
  let maxDiff = 0;
  distributed.weights.forEach((w, i) => w.dataSync().forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - alone.weights[i].dataSync()[j])); }));
  print({ maxDiff, loss: h.history.loss, lossAlone: hAlone.history.loss, first: Array.from(distributed.weights[0].dataSync()).slice(0, 2), printed });
}
SCENARIOS.fitEquivalence = fitEquivalence;

if (!(scenario in SCENARIOS)) throw new Error(`worker: unknown scenario ${scenario}`);
await SCENARIOS[scenario]();
