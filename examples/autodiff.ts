// Autodiff beyond the seed: higher-order gradients with nested tapes, a Jacobian, a custom
// gradient and a persistent tape. Run: npx tsx examples/autodiff.ts
import * as tf from 'tapeflow';

// d/dx and d²/dx² of x³ at x = 2: 12 and 12.
const x = tf.scalar(2);
const outer = new tf.GradientTape();
const inner = new tf.GradientTape();
outer.watch(x);
const dydx = outer.record(() => {
  inner.watch(x);
  const y = inner.record(() => x.mul(x).mul(x));
  return inner.gradient(y, x) as tf.Tensor;
});
console.log('dy/dx   =', dydx.item(), '  d2y/dx2 =', (outer.gradient(dydx, x) as tf.Tensor).item());

// Jacobian of an elementwise square: diag(2x).
const v = tf.tensor([1, 2, 3]);
const jt = new tf.GradientTape();
jt.watch(v);
const sq = jt.record(() => v.square());
console.log('jacobian of x² at [1, 2, 3]:\n' + String(jt.jacobian(sq, v)));

// A numerically stable log(1 + eˣ) whose gradient is given by hand (TF's docs example).
const log1pexp = tf.customGradient((t) => {
  const e = tf.exp(t);
  return [tf.log1p(e), (dy) => dy.mul(tf.sub(1, tf.div(1, tf.add(1, e))))];
});
const big = tf.scalar(100);
console.log('d/dx log(1 + eˣ) at 100 =', tf.grad((t) => log1pexp(t))(big).item());

// A persistent tape answers several questions about one recording.
const w = tf.variable([[1, 2], [3, 4]], { name: 'w' });
const tape = new tf.GradientTape({ persistent: true });
const [loss, penalty] = tape.record(() => [w.matmul(w).sum(), w.square().sum()]);
console.log('d loss/dw =', String(tape.gradient(loss, w)));
console.log('d penalty/dw =', String(tape.gradient(penalty, w)));
