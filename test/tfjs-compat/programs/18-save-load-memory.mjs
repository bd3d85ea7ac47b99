// The guide "Save and load models" with tfjs's IO handlers: model.save(tf.io.withSaveHandler(...))
// captures the artifacts, tf.loadLayersModel(tf.io.fromMemory(...)) rebuilds the model; a
// functional model and a Sequential, predictions compared before and after.
import * as tf from '@tensorflow/tfjs';

function fixed(model) {
  model.setWeights(model.getWeights().map((w, k) => tf.tensor(Array.from({ length: w.size }, (_, i) => Math.sin(i * 0.7 + k) * 0.5), w.shape)));
  return model;
}

async function roundTrip(model, x) {
  let saved = null;
  const result = await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const again = await tf.loadLayersModel(tf.io.fromMemory(saved));
  const before = model.predict(x);
  const after = again.predict(x);
  const list = (p) => (Array.isArray(p) ? p : [p]).flatMap((t) => Array.from(t.dataSync()));
  return { before: list(before), after: list(after), specs: saved.weightSpecs.map((s) => s.shape.join('x')).join(','), info: typeof result.modelArtifactsInfo };
}

export async function run() {
  const seq = fixed(tf.sequential({ layers: [tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), tf.layers.dropout({ rate: 0.2 }), tf.layers.dense({ units: 2, activation: 'softmax' })] }));
  const s = await roundTrip(seq, tf.tensor2d([[1, 2, 3], [-1, 0.5, 2]]));
  const a = tf.input({ shape: [3] });
  const b = tf.input({ shape: [2] });
  const h = tf.layers.dense({ units: 4, activation: 'tanh' }).apply(tf.layers.concatenate().apply([a, b]));
  const fun = fixed(tf.model({ inputs: [a, b], outputs: [tf.layers.dense({ units: 1 }).apply(h), tf.layers.dense({ units: 2, activation: 'softmax' }).apply(h)] }));
  const f = await roundTrip(fun, [tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[0.5, -1]])]);
  return {
    seqBefore: s.before, seqSame: s.before.every((v, i) => Math.abs(v - s.after[i]) < 1e-6), seqSpecs: s.specs, info: s.info,
    funBefore: f.before, funSame: f.before.every((v, i) => Math.abs(v - f.after[i]) < 1e-6), funSpecs: f.specs,
  };
}

export const checks = {
  seqBefore: { abs: 1e-5 }, seqSame: { equal: true }, seqSpecs: { equal: true }, info: { equal: true },
  funBefore: { abs: 1e-5 }, funSame: { equal: true }, funSpecs: { equal: true },
};
