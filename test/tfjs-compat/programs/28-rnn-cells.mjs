// tf.layers.rnn over cells, as the API reference builds a stacked recurrent network: one cell,
// a list of cells, stackedRNNCells, with returnSequences, goBackwards and returnState; the same
// weights set on both sides (by value), so the predictions must agree.
import * as tf from '@tensorflow/tfjs';

function fill(model) {
  let k = 0;
  model.setWeights(model.getWeights().map((w) => tf.tensor(Array.from({ length: w.size }, () => Math.sin(k++ * 0.7) * 0.5), w.shape)));
}

export async function run() {
  const x = tf.tensor3d(Array.from({ length: 3 * 5 * 2 }, (_, i) => Math.cos(i * 0.3)), [3, 5, 2]);
  const v = (t) => Array.from(t.dataSync());
  const out = {};
  const cases = {
    single: () => tf.layers.rnn({ cell: tf.layers.lstmCell({ units: 4 }), returnSequences: true }),
    list: () => tf.layers.rnn({ cell: [tf.layers.lstmCell({ units: 4 }), tf.layers.gruCell({ units: 3 })], returnSequences: true }),
    stacked: () => tf.layers.rnn({ cell: tf.layers.stackedRNNCells({ cells: [tf.layers.simpleRNNCell({ units: 3 }), tf.layers.lstmCell({ units: 2 })] }), goBackwards: true }),
  };
  for (const [name, make] of Object.entries(cases)) {
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [5, 2] }), make()] });
    fill(model);
    out[name] = v(model.predict(x));
    out[`${name}Shapes`] = model.getWeights().map((w) => w.shape.join('x')).join(' ');
    // The weights' names below the layer's own (tfjs numbers its layer names: rnn_RNN1).
    out[`${name}Names`] = model.layers[model.layers.length - 1].weights.map((w) => w.name.split('/').slice(1).join('/')).join(' ');
  }
  // returnState of stacked cells: the last output, then each cell's final state.
  const inp = tf.input({ shape: [5, 2] });
  const outs = tf.layers.rnn({ cell: [tf.layers.gruCell({ units: 3 }), tf.layers.lstmCell({ units: 2 })], returnState: true }).apply(inp);
  const m = tf.model({ inputs: inp, outputs: outs });
  fill(m);
  const states = m.predict(x);
  out.stateShapes = states.map((t) => t.shape.join('x')).join(' ');
  out.states = states.flatMap(v);
  return out;
}

const close = { rel: 1e-4, abs: 1e-5 };
export const checks = {
  single: close, list: close, stacked: close, singleShapes: { equal: true }, listShapes: { equal: true }, stackedShapes: { equal: true }, singleNames: { equal: true }, listNames: { equal: true }, stackedNames: { equal: true }, stateShapes: { equal: true }, states: close,
};
