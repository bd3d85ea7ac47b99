// Weight constraints as a layer config takes them (`kernelConstraint: tf.constraints.maxNorm(…)`,
// or by name) and as the guide's API applies them: the same projections in both libraries.
// (tfjs accepts constraints in layers but does not apply them during fit, tfjs issue #3345;
// Keras and neurite apply them after each update, so only `apply` and a model's building and
// training without error are compared here.)
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const w = tf.tensor2d([[3, 0.5, -1], [4, 0, 2], [0.1, -2, 0.3]]);
  const out = (t) => Array.from(t.dataSync());
  const model = tf.sequential({ layers: [
    tf.layers.dense({ units: 3, inputShape: [3], kernelConstraint: tf.constraints.maxNorm({ maxValue: 1 }), biasConstraint: 'nonNeg' }),
    tf.layers.dense({ units: 1, kernelConstraint: 'unitNorm' }),
  ] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const h = await model.fit(tf.ones([4, 3]), tf.ones([4, 1]), { epochs: 1, verbose: 0 });
  return {
    maxNorm: out(tf.constraints.maxNorm({ maxValue: 1 }).apply(w)),
    maxNormAxis1: out(tf.constraints.maxNorm({ maxValue: 2, axis: 1 }).apply(w)),
    maxNormAxes: out(tf.constraints.maxNorm({ maxValue: 1.5, axis: [0, 1] }).apply(w)),
    unitNorm: out(tf.constraints.unitNorm({ axis: 0 }).apply(w)),
    minMaxNorm: out(tf.constraints.minMaxNorm({ minValue: 1, maxValue: 2, rate: 0.5 }).apply(w)),
    nonNeg: out(tf.constraints.nonNeg().apply(w)),
    trained: h.history.loss.length,
  };
}

export const checks = {
  maxNorm: { rel: 1e-6 }, maxNormAxis1: { rel: 1e-6 }, maxNormAxes: { rel: 1e-6 }, unitNorm: { rel: 1e-6 }, minMaxNorm: { rel: 1e-6 }, nonNeg: { equal: true }, trained: { equal: true },
};
