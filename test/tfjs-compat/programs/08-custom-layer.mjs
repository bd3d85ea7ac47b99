// The guide "Custom layers": a class extending tf.layers.Layer with a static className, build
// creating a weight with addWeight, call reading it, computeOutputShape and getConfig, registered
// with tf.serialization.registerClass, trained inside a Sequential.
import * as tf from '@tensorflow/tfjs';

class Antirectifier extends tf.layers.Layer {
  static className = 'Antirectifier';
  constructor(config) {
    super(config);
    this.scale = config?.scale ?? 1;
  }
  build(inputShape) {
    this.gain = this.addWeight('gain', [inputShape[inputShape.length - 1]], 'float32', tf.initializers.ones());
  }
  computeOutputShape(inputShape) {
    return [inputShape[0], 2 * inputShape[1]];
  }
  call(inputs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const centered = x.sub(x.mean(1, true)).mul(this.gain.read());
      const pos = centered.relu();
      const neg = centered.neg().relu();
      return tf.concat([pos, neg], 1).mul(this.scale);
    });
  }
  getConfig() {
    const config = super.getConfig();
    Object.assign(config, { scale: this.scale });
    return config;
  }
}
tf.serialization.registerClass(Antirectifier);

export async function run() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 6, inputShape: [4], kernelInitializer: tf.initializers.constant({ value: 0.1 }), biasInitializer: 'zeros' }));
  model.add(new Antirectifier({ scale: 0.5 }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.constant({ value: 0.2 }) }));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  const xs = tf.tensor2d(Array.from({ length: 80 }, (_, i) => Math.sin(i * 0.3)), [20, 4]);
  const ys = xs.sum(1, true).mul(0.3);
  const h = await model.fit(xs, ys, { epochs: 20, batchSize: 5, shuffle: false, verbose: 0 });
  const out = model.predict(tf.tensor2d([[0.1, 0.2, 0.3, 0.4]])).dataSync()[0];
  return {
    shape: model.outputShape, config: model.layers[1].getConfig().scale, className: model.layers[1].getClassName(),
    losses: h.history.loss, prediction: out,
  };
}

// Constant initial weights and no shuffling: the same trajectory.
export const checks = { shape: { equal: true }, config: { equal: true }, className: { equal: true }, losses: { rel: 1e-4 }, prediction: { rel: 1e-4 } };
