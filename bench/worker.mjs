// One benchmark workload for one library, in its own process; prints one JSON line.
// Usage: node bench/worker.mjs <neurite|neurite-wasm|neurite-plain|neurite-js|tfjs-cpu|tfjs-wasm> <W1…W9b|D0|K1>
// neurite: the default backend (native where its addon built, else WebAssembly); neurite-wasm:
// WebAssembly (relaxed SIMD where the runtime has or allows it); neurite-plain: WebAssembly with
// plain SIMD only; neurite-js: the TypeScript reference.
// The third argument seeds neurite's weights and shuffling (the run number, so accuracy is
// reported over several initializations rather than one).
const [lib, workload, seedArg] = process.argv.slice(2);
const now = () => performance.now();

async function setup() {
  if (lib.startsWith('neurite')) {
    if (lib === 'neurite-js') process.env.NEURITE_BACKEND = 'js';
    if (lib === 'neurite-plain') process.env.NEURITE_BACKEND = 'wasm-plain';
    if (lib === 'neurite-wasm') process.env.NEURITE_BACKEND = 'wasm';
    const nt = await import('../dist/index.js');
    nt.setSeed(Number(seedArg ?? 1));
    return { kind: 'neurite', nt };
  }
  const silence = console.log;
  console.log = () => {};
  const tf = await import('@tensorflow/tfjs');
  if (lib === 'tfjs-wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
  } else await tf.setBackend('cpu');
  await tf.ready();
  console.log = silence;
  return { kind: 'tfjs', tf };
}

function mlp(env, sizes, activations, inputDim) {
  if (env.kind === 'neurite') {
    const { sequential, layers } = env.nt;
    return sequential({ layers: sizes.map((units, i) => layers.dense({ units, activation: activations[i], ...(i === 0 ? { inputShape: [inputDim] } : {}) })) });
  }
  const { tf } = env;
  return tf.sequential({ layers: sizes.map((units, i) => tf.layers.dense({ units, activation: activations[i], ...(i === 0 ? { inputShape: [inputDim] } : {}) })) });
}

async function mnistData(env, trainLimit) {
  const { datasets, oneHot } = await import('../dist/index.js');
  const { train, test } = await datasets.mnist(trainLimit ? { trainLimit } : {});
  const yTrain = oneHot(train.labels, 10);
  const yTest = oneHot(test.labels, 10);
  if (env.kind === 'neurite') return { x: train.images, y: yTrain, xt: test.images, yt: yTest };
  const { tf } = env;
  const t = (v) => tf.tensor(Array.from(v.values), [...v.shape]);
  return { x: t(train.images), y: t(yTrain), xt: t(test.images), yt: t(yTest) };
}

async function accuracy(env, model, xt, yt, batchSize = 1000) {
  if (env.kind === 'neurite') return model.evaluate(xt, yt, { batchSize })[1].item();
  const r = model.evaluate(xt, yt, { batchSize });
  return (await r[1].data())[0];
}

/**
 * Seconds per call of fn: run for at least 0.3 s first (WebAssembly starts in a baseline
 * compiler and is optimized after a while, in every worker thread separately), then time five
 * rounds of about 0.2 s each and keep the median round (one round of one call when a call takes
 * over half a second: the reference kernels at 1024³).
 */
function timeCalls(fn) {
  const warm = now();
  let calls = 0;
  do { fn(); calls++; } while (now() - warm < 300);
  const each = (now() - warm) / calls;
  const slow = each > 500;
  const reps = slow ? 1 : Math.max(1, Math.round(200 / each));
  const per = [];
  for (let r = 0; r < (slow ? 1 : 5); r++) {
    const t0 = now();
    for (let i = 0; i < reps; i++) fn();
    per.push((now() - t0) / reps);
  }
  per.sort((x, y) => x - y);
  return per[(per.length - 1) >> 1];
}

/** One epoch of an MNIST MLP (neurite: the whole epoch; tfjs and neurite-js: 50 batches, extrapolated). */
async function mlpEpoch(env, batch, makeLayers, makeOptimizer) {
  const full = env.kind === 'neurite' && lib !== 'neurite-js';
  const d = await mnistData(env, full ? undefined : 50 * batch);
  const L = env.kind === 'neurite' ? env.nt.layers : env.tf.layers;
  const model = env.kind === 'neurite' ? env.nt.sequential({ layers: makeLayers(L) }) : env.tf.sequential({ layers: makeLayers(L) });
  model.compile({ optimizer: makeOptimizer(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const t0 = now();
  const h = await model.fit(d.x, d.y, { epochs: 1, batchSize: batch, verbose: 0 });
  const s = (now() - t0) / 1000;
  const seconds = full ? s : s * (60000 / (50 * batch));
  return {
    seconds, accuracy: full ? await accuracy(env, model, d.xt, d.yt) : undefined,
    extrapolatedFrom: full ? undefined : '50 batches', ...(env.kind === 'neurite' ? { path: h.params.path } : {}),
  };
}

const workloads = {
  // 2-2-1 sigmoid XOR, binary cross-entropy, SGD 0.1, batch 4: time for 50,000 epochs.
  async W1(env) {
    const epochs = env.kind === 'neurite' ? 50000 : 2000;
    const model = mlp(env, [2, 1], ['sigmoid', 'sigmoid'], 2);
    const data = [[0, 0], [0, 1], [1, 0], [1, 1]];
    const labels = [[0], [1], [1], [0]];
    let x; let y;
    if (env.kind === 'neurite') {
      model.compile({ optimizer: new env.nt.SGD({ learningRate: 0.1 }), loss: 'binaryCrossentropy' });
      x = env.nt.tensor(data); y = env.nt.tensor(labels);
    } else {
      model.compile({ optimizer: env.tf.train.sgd(0.1), loss: 'binaryCrossentropy' });
      x = env.tf.tensor(data); y = env.tf.tensor(labels);
    }
    const t0 = now();
    await model.fit(x, y, { epochs, batchSize: 4, verbose: 0 });
    const s = (now() - t0) / 1000;
    return { seconds: s * (50000 / epochs), extrapolatedFrom: epochs < 50000 ? `${epochs} epochs` : undefined };
  },
  // 784-30-30-10 relu/relu/softmax, categorical cross-entropy, SGD 0.01, batch 32: one epoch.
  async W2(env) {
    const d = await mnistData(env);
    const model = mlp(env, [30, 30, 10], ['relu', 'relu', 'softmax'], 784);
    model.compile({ optimizer: env.kind === 'neurite' ? new env.nt.SGD({ learningRate: 0.01 }) : env.tf.train.sgd(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const t0 = now();
    await model.fit(d.x, d.y, { epochs: 1, batchSize: 32, verbose: 0 });
    const seconds = (now() - t0) / 1000;
    return { seconds, accuracy: await accuracy(env, model, d.xt, d.yt) };
  },
  // 784-512-512-10, Adam 1e-3, batch 128: one epoch (peers: 50 batches, extrapolated).
  async W3(env) {
    const full = env.kind === 'neurite' && lib !== 'neurite-js';
    const d = await mnistData(env, full ? undefined : 50 * 128);
    const model = mlp(env, [512, 512, 10], ['relu', 'relu', 'softmax'], 784);
    model.compile({ optimizer: env.kind === 'neurite' ? new env.nt.Adam({ learningRate: 1e-3 }) : env.tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const t0 = now();
    await model.fit(d.x, d.y, { epochs: 1, batchSize: 128, verbose: 0 });
    const s = (now() - t0) / 1000;
    const seconds = full ? s : s * (60000 / (50 * 128));
    return { seconds, samplesPerSecond: 60000 / seconds, accuracy: full ? await accuracy(env, model, d.xt, d.yt) : undefined, extrapolatedFrom: full ? undefined : '50 batches' };
  },
  // Keras's mnist_mlp recipe as a TensorFlow.js user writes it: 784-512-512-10 relu with
  // Dropout 0.2 after each hidden layer, RMSprop 1e-3, batch 128, one epoch (peers but PyTorch,
  // which has bench/torch_worker.py: 50 batches, extrapolated).
  async W5(env) {
    return mlpEpoch(env, 128, (L) => [L.dense({ units: 512, activation: 'relu', inputShape: [784] }), L.dropout({ rate: 0.2 }), L.dense({ units: 512, activation: 'relu' }), L.dropout({ rate: 0.2 }), L.dense({ units: 10, activation: 'softmax' })],
      () => (env.kind === 'neurite' ? new env.nt.RMSprop({ learningRate: 1e-3 }) : env.tf.train.rmsprop(1e-3, 0.9, 0, 1e-7)));
  },
  // 784-800-10 relu, SGD 0.1 with momentum 0.9, batch 64, one epoch.
  async W6(env) {
    return mlpEpoch(env, 64, (L) => [L.dense({ units: 800, activation: 'relu', inputShape: [784] }), L.dense({ units: 10, activation: 'softmax' })],
      () => (env.kind === 'neurite' ? new env.nt.SGD({ learningRate: 0.1, momentum: 0.9 }) : env.tf.train.momentum(0.1, 0.9)));
  },
  // The tfjs-examples mnist-node convnet: conv 32 → conv 32 → max pool → conv 64 → conv 64 →
  // max pool → flatten → dropout 0.25 → dense 512 → dropout 0.5 → dense 10, RMSprop 1e-3, batch
  // 64, one epoch (neurite: the whole epoch and its test accuracy; tfjs 1 batch, neurite-plain and
  // neurite-js 20, extrapolated).
  async W7(env) {
    const full = env.kind === 'neurite' && lib === 'neurite';
    const batches = env.kind === 'tfjs' ? 1 : 20;
    const d = await mnistData(env, full ? undefined : batches * 64);
    const image = (t) => t.reshape([t.shape[0], 28, 28, 1]);
    const L = env.kind === 'neurite' ? env.nt.layers : env.tf.layers;
    // The same layers as examples/mnist-cnn.mjs, from this library's `layers`.
    const stack = (await import('../examples/mnist-cnn.mjs')).convnetLayers(L);
    const model = env.kind === 'neurite' ? env.nt.sequential({ layers: stack }) : env.tf.sequential({ layers: stack });
    model.compile({ optimizer: env.kind === 'neurite' ? new env.nt.RMSprop({ learningRate: 1e-3 }) : env.tf.train.rmsprop(1e-3, 0.9, 0, 1e-7), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = image(d.x);
    const t0 = now();
    const h = await model.fit(x, d.y, { epochs: 1, batchSize: 64, verbose: 0 });
    const s = (now() - t0) / 1000;
    const seconds = full ? s : s * (60000 / (batches * 64));
    return {
      // Batches of 100: a convnet's compiled program for 1000 images would not fit in 2 GB of WebAssembly memory.
      seconds, accuracy: full ? await accuracy(env, model, image(d.xt), d.yt, 100) : undefined,
      extrapolatedFrom: full ? undefined : `${batches} batches`, ...(env.kind === 'neurite' ? { path: h.params.path } : {}),
    };
  },
  // An LSTM text classifier: embedding 10,000×128 → lstm 64 (sigmoid gates, as Keras and
  // PyTorch) → dense 1 sigmoid, sequences of 100 ids, batch 64, Adam 1e-3; 30 batches timed
  // (after one untimed batch), extrapolated to an IMDB-sized epoch of 25,000 sequences. The data
  // are seeded random ids labelled by whether id < 5000 appears more often than not.
  async W8(env) {
    return textClassifier(env, (L) => L.lstm({ units: 64, recurrentActivation: 'sigmoid' }));
  },
  // W8 as a TensorFlow.js user writes it: lstm 64 with tfjs's defaults (hardSigmoid gates).
  // PyTorch has no such LSTM: tfjs peers only.
  async W8t(env) {
    return textClassifier(env, (L) => L.lstm({ units: 64 }));
  },
  // And a GRU 64 with tfjs's defaults (hardSigmoid gates, the reset gate before its product).
  async W8g(env) {
    return textClassifier(env, (L) => L.gru({ units: 64 }));
  },
  // What a layer that does nothing costs: 784-128-128-10 relu/softmax, Adam 1e-3, batch 128, an
  // epoch of 100 batches, with and without a dropout of rate 0 after the first hidden layer
  // (both compiled steps; the dropout one records a mask it multiplies by). The two
  // models train alternately, one untimed epoch each, then 8 timed; medians.
  async D0(env) {
    const d = await mnistData(env, 100 * 128);
    const { layers, sequential, Adam } = env.nt;
    const make = (drop) => {
      const m = sequential({ layers: [layers.dense({ units: 128, activation: 'relu', inputShape: [784] }), ...(drop ? [layers.dropout({ rate: 0 })] : []), layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })] });
      m.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
      return m;
    };
    const models = [make(false), make(true)];
    const times = [[], []];
    const paths = [];
    for (let r = 0; r < 9; r++) {
      for (let k = 0; k < 2; k++) {
        const t0 = now();
        const h = await models[k].fit(d.x, d.y, { epochs: 1, batchSize: 128, verbose: 0, shuffle: false });
        if (r > 0) times[k].push((now() - t0) / 1000);
        paths[k] = h.params.path;
      }
    }
    const med = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
    const [base, drop] = times.map(med);
    return { seconds: drop, baseline: base, overheadPercent: (drop / base - 1) * 100, path: `${paths[0]} → ${paths[1]}` };
  },
  // Inference with a MobileNet-v1-shaped stack (width 1.0) at 224×224×3: conv 3×3/2 32, then 13
  // blocks of depthwise 3×3 (stride 2 where the width doubles) + relu6 and pointwise 1×1 + relu6,
  // global average pooling, dense 1000 softmax; random weights (the speed does not depend on
  // them). Batch 1 (W9) and batch 16 (W9b): seconds per image, after one untimed batch.
  async W9(env) {
    return mobilenet(env, 1);
  },
  async W9b(env) {
    return mobilenet(env, 16);
  },
  // Predict the 10,000 test images with the W3 network, batch 1000.
  async W4(env) {
    const d = await mnistData(env, 1);
    const model = mlp(env, [512, 512, 10], ['relu', 'relu', 'softmax'], 784);
    const run = async () => {
      const p = model.predict(d.xt, { batchSize: 1000 });
      if (env.kind === 'tfjs') { await p.data(); p.dispose(); }
    };
    await run();
    const t0 = now();
    await run();
    return { seconds: (now() - t0) / 1000 };
  },
  // SGEMM GFLOPS: squares and the W3 forward and backward shapes, including transposed ones,
  // each timed by timeCalls (warm-up, then the median of five rounds).
  async K1(env) {
    const shapes = [
      ['256³', 256, 256, 256, false, false], ['512³', 512, 512, 512, false, false], ['1024³', 1024, 1024, 1024, false, false],
      ['W3 fwd 128·784·512', 128, 784, 512, false, false], ['W3 fwd 128·512·512', 128, 512, 512, false, false],
      ['W3 dW1 = xᵀ·g (784·128·512)', 784, 128, 512, true, false], ['W3 dW2 = hᵀ·g (512·128·512)', 512, 128, 512, true, false],
      ['W3 dh = g·Wᵀ (128·512·512)', 128, 512, 512, false, true],
    ];
    const out = {};
    // neurite's backends are made once: each two-thread backend starts its own workers, whose
    // WebAssembly is optimized separately.
    const make = (threads) => (lib === 'neurite' && env.nt.nativeSupported() ? env.nt.nativeBackend({ threads }) : env.nt.wasmBackend({ threads, relaxed: lib !== 'neurite-plain' }));
    const nb = env.kind !== 'neurite' ? [] : lib === 'neurite-js' ? [[1, env.nt.jsBackend()]] : [1, 2].map((threads) => [threads, make(threads)]);
    for (const [name, m, k, n, ta, tb] of shapes) {
      const flops = 2 * m * n * k;
      let t;
      if (env.kind === 'neurite') {
        // neurite: the GEMM kernel as the training step calls it, on operands in kernel memory
        // (as tfjs-wasm's tensors are in its memory), on one thread and on two. The native
        // backend reads them there too.
        const rng = new env.nt.Rng(1);
        for (const [threads, backend] of nb) {
          const buf = (size) => { const x = backend.allocResident?.(size) ?? new Float32Array(size); for (let i = 0; i < size; i++) x[i] = rng.normal(); return x; };
          const a = buf(m * k);
          const b = buf(k * n);
          const c = buf(m * n);
          const call = () => backend.kernels.gemm(a, b, c, m, n, k, ta, tb);
          out[`${name} ×${threads}`] = flops / timeCalls(call) / 1e6;
        }
        continue;
      } else {
        const { tf } = env;
        const a = tf.randomNormal(ta ? [k, m] : [m, k]);
        const b = tf.randomNormal(tb ? [n, k] : [k, n]);
        // Both tfjs backends compute synchronously when the op is called: no read-back timed.
        const one = () => { tf.matMul(a, b, ta, tb).dispose(); };
        t = timeCalls(one);
      }
      out[`${name} ×1`] = flops / t / 1e6;
    }
    return { gflops: out };
  },
};

/** W8's classifier with `recurrent(layers)` as its recurrent layer. */
async function textClassifier(env, recurrent) {
  const batches = env.kind === 'tfjs' ? 1 : lib === 'neurite-js' ? 3 : 30;
  const n = (batches + 1) * 64;
  const rng = new (await import('../dist/index.js')).Rng(7);
  const ids = Float32Array.from({ length: n * 100 }, () => rng.int(10000));
  const labels = Float32Array.from({ length: n }, (_, i) => (ids.subarray(i * 100, i * 100 + 100).filter((v) => v < 5000).length > 50 ? 1 : 0));
  const L = env.kind === 'neurite' ? env.nt.layers : env.tf.layers;
  const stack = [L.embedding({ inputDim: 10000, outputDim: 128, inputLength: 100 }), recurrent(L), L.dense({ units: 1, activation: 'sigmoid' })];
  const model = env.kind === 'neurite' ? env.nt.sequential({ layers: stack }) : env.tf.sequential({ layers: stack });
  model.compile({ optimizer: env.kind === 'neurite' ? new env.nt.Adam({ learningRate: 1e-3 }) : env.tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  const T = env.kind === 'neurite' ? env.nt.tensor : env.tf.tensor;
  const x = T(ids.subarray(64 * 100), [n - 64, 100]);
  const y = T(labels.subarray(64), [n - 64, 1]);
  await model.fit(T(ids.subarray(0, 64 * 100), [64, 100]), T(labels.subarray(0, 64), [64, 1]), { epochs: 1, batchSize: 64, verbose: 0 });
  const t0 = now();
  const h = await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 });
  const s = (now() - t0) / 1000;
  return { seconds: s * (25000 / (batches * 64)), extrapolatedFrom: `${batches} batches`, ...(env.kind === 'neurite' ? { path: h.params.path } : {}) };
}

async function mobilenet(env, batch) {
  const L = env.kind === 'neurite' ? env.nt.layers : env.tf.layers;
  const stack = [L.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu6', inputShape: [224, 224, 3] })];
  const blocks = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
  for (const [filters, strides] of blocks) {
    stack.push(L.depthwiseConv2d({ kernelSize: 3, strides, padding: 'same', activation: 'relu6' }));
    stack.push(L.conv2d({ filters, kernelSize: 1, activation: 'relu6' }));
  }
  stack.push(L.globalAveragePooling2d({}), L.dense({ units: 1000, activation: 'softmax' }));
  const model = env.kind === 'neurite' ? env.nt.sequential({ layers: stack }) : env.tf.sequential({ layers: stack });
  const rng = new (await import('../dist/index.js')).Rng(3);
  const pixels = Float32Array.from({ length: batch * 224 * 224 * 3 }, () => rng.uniform());
  const x = env.kind === 'neurite' ? env.nt.tensor(pixels, [batch, 224, 224, 3]) : env.tf.tensor(pixels, [batch, 224, 224, 3]);
  const run = async () => {
    const p = model.predict(x, { batchSize: batch });
    if (env.kind === 'tfjs') { await p.data(); p.dispose(); }
  };
  await run();
  const reps = batch === 1 ? 5 : 2;
  const t0 = now();
  for (let i = 0; i < reps; i++) await run();
  const perImage = (now() - t0) / 1000 / (reps * batch);
  return { seconds: perImage, samplesPerSecond: 1 / perImage };
}

const env = await setup();
// A peer that cannot run a workload (tfjs-wasm has no backward convolution kernels) reports why.
const result = await workloads[workload](env).then((r) => ({ ...r, ...(env.kind === 'neurite' ? { backend: env.nt.getContext().backend.name } : {}) })).catch((e) => ({ error: String(e.message ?? e).split('\n')[0] }));
result.maxRssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ lib, workload, ...result })}\n`);
