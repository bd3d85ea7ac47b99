// Next-frame prediction, the Keras ConvLSTM2D example's shape at toy size: moving squares on a
// 6×6 grid, two stacked convLstm2d layers (returnSequences, 'same' padding) and a conv3d that
// reads the predicted frame sequence. Trained from the same weights (setWeights, shuffle off);
// the model's outputs before training, its losses, and its next-frame predictions agree.
import * as tf from '@tensorflow/tfjs';

export async function run() {
  const v = (t) => Array.from(t.dataSync());
  const [n, frames, size] = [4, 5, 6];
  // Sample k: a 2×2 square starting at column k, moving one column right per frame (wrapping).
  const movie = Array.from({ length: n * frames * size * size }, (_, i) => {
    const col = i % size;
    const row = Math.floor(i / size) % size;
    const t = Math.floor(i / (size * size)) % frames;
    const k = Math.floor(i / (size * size * frames));
    const left = (k + t) % size;
    return row >= 2 && row < 4 && (col === left || col === (left + 1) % size) ? 1 : 0;
  });
  const seq = (from) => {
    const data = [];
    for (let k = 0; k < n; k++) data.push(...movie.slice((k * frames + from) * size * size, (k * frames + from + frames - 1) * size * size));
    return tf.tensor5d(data, [n, frames - 1, size, size, 1]);
  };
  const [x, y] = [seq(0), seq(1)];
  const model = tf.sequential({ layers: [
    tf.layers.convLstm2d({ filters: 4, kernelSize: 3, padding: 'same', returnSequences: true, inputShape: [frames - 1, size, size, 1] }),
    tf.layers.convLstm2d({ filters: 2, kernelSize: [1, 3], padding: 'same', returnSequences: true, recurrentActivation: 'sigmoid' }),
    tf.layers.conv3d({ filters: 1, kernelSize: [1, 3, 3], padding: 'same', activation: 'sigmoid' }),
  ] });
  model.setWeights(model.getWeights().map((w, k) => tf.tensor(Array.from({ length: w.size }, (_, i) => Math.sin(i * 0.9 + k) * 0.4), w.shape)));
  const out = { shape: model.outputs[0].shape.slice(1).join(','), before: v(model.predict(x)) };
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'binaryCrossentropy' });
  const h = await model.fit(x, y, { epochs: 5, batchSize: 2, shuffle: false, verbose: 0 });
  out.loss = h.history.loss;
  out.after = v(model.predict(x));
  return out;
}

export const checks = { shape: { equal: true }, before: { abs: 1e-5 }, loss: { rel: 1e-3 }, after: { abs: 1e-3 } };
