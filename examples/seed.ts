// The two programs of the seed notes (TensorFlow 2 lecture), line for line in tapeflow.
import * as tf from 'tapeflow';

// 1. Optimize J(w) = w² − 10w + 25 with GradientTape and applyGradients.
{
  const w = new tf.Variable(0, { dtype: 'float32' });
  const optimizer = new tf.optimizers.Adam({ learningRate: 0.1 });

  function trainStep() {
    const tape = new tf.GradientTape();
    const cost = tape.record(() => w.square().sub(w.mul(10)).add(25));
    const trainableVariables = [w];
    const grads = tape.gradient(cost, trainableVariables);
    optimizer.applyGradients(tf.zip(grads, trainableVariables));
  }

  for (let i = 0; i < 1000; i++) trainStep();
  console.log(w);
}

// 2. J(x, w) = x[0]·w² + x[1]·w + x[2] with data x, trained with minimize().
{
  const w = new tf.Variable(0, { dtype: 'float32' });
  const x = tf.tensor([1.0, -10, 25.0], undefined, 'float32');
  const optimizer = new tf.optimizers.Adam({ learningRate: 0.1 });

  console.log(w);
  function training(x: tf.Tensor, w: tf.Variable, optimizer: tf.optimizers.Optimizer, nSteps = 1000) {
    const costFn = () => x.gather(0).mul(w.square()).add(x.gather(1).mul(w)).add(x.gather(2));
    for (let i = 0; i < nSteps; i++) optimizer.minimize(costFn, [w]);
  }
  training(x, w, optimizer, 1000);
  console.log(w);
}
