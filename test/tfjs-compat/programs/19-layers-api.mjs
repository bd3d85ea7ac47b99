// The guide "Models and layers": model.layers, layer.getWeights()/setWeights(), countParams,
// getLayer by index, trainable = false freezing a layer during fit, model.weights and .val;
// layers' own fields (cart-pole reads layer.units to save its network's sizes); toJSON and
// tf.models.modelFromJSON.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 5, inputShape: [3], activation: 'relu' }));
  model.add(tf.layers.dense({ units: 2 }));
  const first = model.getLayer(undefined, 0);
  first.setWeights([tf.tensor2d(Array.from({ length: 15 }, (_, i) => (i % 4) * 0.1 - 0.1), [3, 5]), tf.zeros([5])]);
  model.layers[1].setWeights([tf.ones([5, 2]).mul(0.2), tf.tensor1d([0.1, -0.1])]);
  const frozenBefore = Array.from(first.getWeights()[0].dataSync());
  first.trainable = false;
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const x = tf.tensor2d(Array.from({ length: 30 }, (_, i) => Math.cos(i)), [10, 3]);
  const y = tf.tensor2d(Array.from({ length: 20 }, (_, i) => Math.sin(i)), [10, 2]);
  const h = await model.fit(x, y, { epochs: 3, batchSize: 5, shuffle: false, verbose: 0 });
  const frozenAfter = Array.from(first.getWeights()[0].dataSync());
  const json = model.toJSON(null, false);
  const fresh = await tf.models.modelFromJSON({ modelTopology: json });
  const freshDiffers = fresh.getWeights()[0].dataSync()[0] !== model.getWeights()[0].dataSync()[0];
  return {
    layers: model.layers.length, params: model.countParams(), trainableWeights: model.trainableWeights.length,
    frozen: frozenBefore.every((v, i) => v === frozenAfter[i]), secondMoved: Array.from(model.layers[1].getWeights()[1].dataSync()),
    losses: h.history.loss, weightVal: Array.from(model.weights[3].val.dataSync()), shapes: model.getWeights().map((w) => w.shape.join('x')).join(' '),
    fields: [model.layers[0].units, tf.layers.conv2d({ filters: 4, kernelSize: 3 }).filters].join(','),
    // mnist-transfer-cnn's "reinitialize weights": the same topology, fresh weights.
    fromJson: [json.class_name, typeof model.toJSON(), fresh.layers.length, fresh.countParams(), fresh.layers[0].batchInputShape.join('x'), freshDiffers].join(','),
  };
}

export const checks = {
  layers: { equal: true }, params: { equal: true }, trainableWeights: { equal: true }, frozen: { equal: true },
  secondMoved: { rel: 1e-4 }, losses: { rel: 1e-4 }, weightVal: { rel: 1e-4 }, shapes: { equal: true }, fields: { equal: true }, fromJson: { equal: true },
};
