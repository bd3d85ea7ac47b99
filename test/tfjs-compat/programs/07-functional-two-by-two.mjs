// The guide "Models and layers: the functional API": tf.input, layer.apply, tf.layers.concatenate,
// tf.model with two inputs and two outputs, per-output losses and metrics, fit with lists,
// predict, getLayer, summary.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const title = tf.input({ shape: [6], name: 'title' });
  const body = tf.input({ shape: [8], name: 'body' });
  const t = tf.layers.dense({ units: 8, activation: 'relu', name: 'title_features' }).apply(title);
  const b = tf.layers.dense({ units: 8, activation: 'relu', name: 'body_features' }).apply(body);
  const merged = tf.layers.concatenate().apply([t, b]);
  const priority = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'priority' }).apply(merged);
  const department = tf.layers.dense({ units: 3, activation: 'softmax', name: 'department' }).apply(merged);
  const model = tf.model({ inputs: [title, body], outputs: [priority, department] });
  model.compile({ optimizer: tf.train.adam(0.03), loss: ['binaryCrossentropy', 'categoricalCrossentropy'], metrics: ['accuracy'] });
  const n = 120;
  const xt = tf.tensor2d(Array.from({ length: n * 6 }, (_, i) => Math.sin(i * 0.9)), [n, 6]);
  const xb = tf.tensor2d(Array.from({ length: n * 8 }, (_, i) => Math.cos(i * 0.7)), [n, 8]);
  const tv = xt.dataSync();
  const yp = tf.tensor2d(Array.from({ length: n }, (_, i) => (tv[i * 6] > 0 ? 1 : 0)), [n, 1]);
  const yd = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => (tv[i * 6 + 1] > 0.5 ? 0 : tv[i * 6 + 1] > -0.5 ? 1 : 2)), 'int32'), 3);
  const h = await model.fit([xt, xb], [yp, yd], { epochs: 40, batchSize: 20, verbose: 0 });
  const [p, d] = model.predict([xt, xb]);
  const lines = [];
  model.summary(undefined, undefined, (l) => lines.push(l));
  return {
    outputs: model.outputs.length, priorityShape: p.shape, departmentShape: d.shape,
    lossDrop: h.history.loss[39] / h.history.loss[0], layerUnits: model.getLayer('priority').getConfig().units,
    hasKeys: ['loss', 'priority_loss', 'department_loss', 'priority_acc', 'department_acc'].every((k) => Array.isArray(h.history[k])), summaryLines: lines.length > 5,
  };
}

export const checks = {
  outputs: { equal: true }, priorityShape: { equal: true }, departmentShape: { equal: true }, lossDrop: { atMost: 0.7 }, layerUnits: { equal: true },
  hasKeys: { equal: true }, summaryLines: { equal: true },
};
