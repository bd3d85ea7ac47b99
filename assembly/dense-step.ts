// One whole training step of a small stack of Dense layers in a single call: forward, loss and
// its gradient, backward, and the SGD or Adam update. For a network as small as the notes'
// 2-2-1 XOR, the calls from JavaScript into separate kernels cost more than the arithmetic;
// here the step is one call. It composes the same kernels as the planned step in JavaScript
// (src/models/plan.ts) with the same arithmetic: products accumulate as the reference kernel
// does (src/backends/js/matmul.ts), the elementwise kernels and updates are those of train.ts.
//
// The step is described by a block of memory the host writes once (layout below) and updates
// per step (learning rate, Adam's step size).

import { actGrad, adamUpdate, biasAct, biasGrad, lossHead, sgdUpdate } from './train';

// Header, i32 words: layers, batch, head, optimizer, X, Y, nesterov, unused.
// Then f64 at byte 32: lr, momentum, alpha, beta1, beta2, epsilon.
// Then per layer, at byte 80 + 64·l, i32 words: inputs, units, act, W, b, a, dz, dW, dB,
// W slot 0, W slot 1, b slot 0, b slot 1 (0 where absent).
export const DENSE_STEP_HEADER: i32 = 80;
export const DENSE_STEP_LAYER: i32 = 64;

// Heads as lossHead in train.ts numbers them. Optimizers: 0 SGD, 1 Adam.

@inline function i32At(d: usize, word: i32): i32 {
  return load<i32>(d + (<usize>word << 2));
}
@inline function layer(desc: usize, l: i32): usize {
  return desc + DENSE_STEP_HEADER + <usize>(l * DENSE_STEP_LAYER);
}

// out[m×n] = a[m×k]·b[k×n], accumulated in float32 per term as the reference kernel does.
function productNN(a: usize, b: usize, out: usize, m: i32, n: i32, k: i32, transA: bool): void {
  for (let i = 0; i < m; i++) {
    const o = out + (<usize>(i * n) << 2);
    memory.fill(o, 0, <usize>n << 2);
    for (let p = 0; p < k; p++) {
      const av = <f64>load<f32>(a + (<usize>(transA ? p * m + i : i * k + p) << 2));
      const br = b + (<usize>(p * n) << 2);
      for (let j = 0; j < n; j++) {
        const q = o + (<usize>j << 2);
        store<f32>(q, <f32>(<f64>load<f32>(q) + av * <f64>load<f32>(br + (<usize>j << 2))));
      }
    }
  }
}

// out[m×n] = a[m×k]·b[n×k]ᵀ, each dot product summed in float64 as the reference kernel does.
function productNT(a: usize, b: usize, out: usize, m: i32, n: i32, k: i32): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s: f64 = 0;
      for (let p = 0; p < k; p++) s += <f64>load<f32>(a + (<usize>(i * k + p) << 2)) * <f64>load<f32>(b + (<usize>(j * k + p) << 2));
      store<f32>(out + (<usize>(i * n + j) << 2), <f32>s);
    }
  }
}

/** One training step; returns the batch's loss. */
export function denseStep(desc: usize): f64 {
  const L = i32At(desc, 0);
  const B = i32At(desc, 1);
  const head = i32At(desc, 2);
  const X = <usize>i32At(desc, 4);
  const Y = <usize>i32At(desc, 5);

  // Forward.
  let input = X;
  for (let l = 0; l < L; l++) {
    const d = layer(desc, l);
    const units = i32At(d, 1);
    const a = <usize>i32At(d, 5);
    productNN(input, <usize>i32At(d, 3), a, B, units, i32At(d, 0), false);
    biasAct(a, <usize>i32At(d, 4), B, units, i32At(d, 2));
    input = a;
  }

  // Loss and its gradient with respect to the last layer's pre-activations.
  const last = layer(desc, L - 1);
  const n = i32At(last, 1);
  const a = <usize>i32At(last, 5);
  const dz = <usize>i32At(last, 6);
  const loss = lossHead(head, a, Y, dz, B, n, i32At(last, 2));

  // Backward: dW = inputᵀ·dz, db = Σ dz, d(input) = dz·Wᵀ through the activation below.
  for (let l = L - 1; l >= 0; l--) {
    const d = layer(desc, l);
    const inputs = i32At(d, 0);
    const units = i32At(d, 1);
    const dzl = <usize>i32At(d, 6);
    const below = l > 0 ? layer(desc, l - 1) : 0;
    const inp = l > 0 ? <usize>i32At(below, 5) : X;
    productNN(inp, dzl, <usize>i32At(d, 7), inputs, units, B, true);
    const dB = <usize>i32At(d, 8);
    if (dB != 0) biasGrad(dzl, dB, B, units);
    if (l > 0) {
      const dzb = <usize>i32At(below, 6);
      productNT(dzl, <usize>i32At(d, 3), dzb, B, inputs, units);
      actGrad(<usize>i32At(below, 5), dzb, B * inputs, i32At(below, 2));
    }
  }

  // The update, kernel then bias of each layer, as the optimizer's pairs are ordered.
  const adam = i32At(desc, 3) == 1;
  const lr = load<f64>(desc, 32);
  const mu = load<f64>(desc, 40);
  const alpha = load<f64>(desc, 48);
  const b1 = load<f64>(desc, 56);
  const b2 = load<f64>(desc, 64);
  const eps = load<f64>(desc, 72);
  const nesterov = i32At(desc, 6) != 0;
  for (let l = 0; l < L; l++) {
    const d = layer(desc, l);
    const size = i32At(d, 0) * i32At(d, 1);
    const W = <usize>i32At(d, 3);
    const b = <usize>i32At(d, 4);
    if (adam) {
      adamUpdate(W, <usize>i32At(d, 7), <usize>i32At(d, 9), <usize>i32At(d, 10), size, alpha, b1, b2, eps);
      if (b != 0) adamUpdate(b, <usize>i32At(d, 8), <usize>i32At(d, 11), <usize>i32At(d, 12), i32At(d, 1), alpha, b1, b2, eps);
    } else {
      sgdUpdate(W, <usize>i32At(d, 7), <usize>i32At(d, 9), size, lr, mu, nesterov);
      if (b != 0) sgdUpdate(b, <usize>i32At(d, 8), <usize>i32At(d, 11), i32At(d, 1), lr, mu, nesterov);
    }
  }
  return loss;
}
