/**
 * The planned training step: for a stack of Dense layers with common activations and losses
 * (after any Rescaling layers, applied as the batch rows are gathered),
 * `fit` builds the step once per batch size — every activation, gradient and batch buffer
 * allocated up front — and then runs forward, loss gradient and backward as plain loops and
 * backend GEMM calls writing into those buffers, updating the weights in place. No tensors, no
 * graph, no garbage per step. Models outside that set (other layers, regularizers, sample
 * weights…) use the general path; both give the same weights (tested).
 */
import type { Backend, Kernels, StepActivation, StepHead } from '../backends/backend.js';
import type { LossSpec } from '../losses/index.js';
import { Dense } from '../nn/dense.js';
import { Rescaling } from '../nn/simple.js';
import type { Layer } from '../nn/layer.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Tensor } from '../tensor/tensor.js';
import { jsBackend } from '../backends/js/index.js';
import { rowLogSumExp } from '../backends/js/train.js';
import { Adam } from '../optim/adam.js';
import { SGD } from '../optim/sgd.js';
import { adopt } from './compiled.js';
import { copyRow, gatherRows } from './data.js';

/**
 * Below this many multiply-adds in every product of the step, the plan calls the reference
 * kernels directly: for a network as small as the notes' 2-2-1 XOR, a call into WebAssembly (or
 * even the backend's check that would route it to the reference) costs more than the work.
 */
const TINY_PRODUCT = 16 * 16 * 16;
const reference: Kernels = jsBackend().kernels;

const ACTS = new Set(['linear', 'relu', 'sigmoid', 'tanh', 'softmax']);

type Head = StepHead;

interface LayerPlan {
  units: number;
  inputs: number;
  /** The activation the fused kernels apply; softmax is applied with the loss. */
  act: StepActivation;
  kernel: Tensor;
  bias: Tensor | null;
  /** Activations of this layer, [batch, units]. */
  a: Float32Array;
  /** Gradient with respect to the pre-activation, [batch, units]. */
  dz: Float32Array;
  dW: Float32Array;
  dB: Float32Array | null;
  gradW: Tensor;
  gradB: Tensor | null;
}

export interface PlannedStep {
  /** One training step on rows order[start..end); returns the batch's loss. */
  step(x: Tensor, y: Tensor, order: Int32Array, start: number, end: number): number;
  /** Inference on rows [start, end) of x, writing the outputs into `out` at row `start`. */
  predict(x: Tensor, start: number, end: number, out: Float32Array): void;
  /** The last batch's predictions and targets, as tensors over the plan's buffers (for metrics). */
  readonly pred: Tensor;
  readonly target: Tensor;
}

function headFor(layers: readonly Dense[], loss: LossSpec): Head | null {
  const last = layers[layers.length - 1]!.activationName;
  if (loss.name === 'categoricalCrossentropy' && last === 'softmax') return 'softmaxCE';
  if (loss.name === 'sparseCategoricalCrossentropy' && last === 'softmax') return 'sparseSoftmaxCE';
  if (loss.name === 'binaryCrossentropy' && last === 'sigmoid') return 'sigmoidBCE';
  if (loss.name === 'meanSquaredError' && last !== 'softmax') return 'mse';
  return null;
}

/** A model the plan covers: Rescaling layers (folded into the gathering of rows), then Dense layers. */
interface Plannable {
  pre: readonly Rescaling[];
  dense: readonly Dense[];
}

/** The model's layers split as the plan takes them, or null when it is not a plannable stack. */
function plannable(modelLayers: readonly Layer[]): Plannable | null {
  let k = 0;
  while (k < modelLayers.length && modelLayers[k] instanceof Rescaling) k++;
  const rest = modelLayers.slice(k);
  if (rest.length === 0 || !rest.every((l) => l instanceof Dense)) return null;
  const dense = rest as readonly Dense[];
  for (const [i, d] of dense.entries()) {
    if (!d.built || d.kernel === null || !d.trainable) return null;
    if (!ACTS.has(d.activationName) || (d.activationName === 'softmax' && i !== dense.length - 1)) return null;
    if (d.config.kernelRegularizer !== undefined || d.config.biasRegularizer !== undefined) return null;
    if (!(d.kernel.values instanceof Float32Array)) return null;
  }
  return { pre: modelLayers.slice(0, k).filter((l): l is Rescaling => l instanceof Rescaling), dense };
}

function cache(make: (size: number) => PlannedStep): { forBatch(size: number): PlannedStep } {
  const plans = new Map<number, PlannedStep>();
  return {
    forBatch(size: number): PlannedStep {
      let p = plans.get(size);
      if (p === undefined) plans.set(size, (p = make(size)));
      return p;
    },
  };
}

/** Planned inference (forward only, every buffer allocated once per batch size), or null. */
export function planForward(modelLayers: readonly Layer[], backend: Backend): { forBatch(size: number): PlannedStep } | null {
  const p = plannable(modelLayers);
  return p === null ? null : cache((size) => build(p, 'mse', null, backend, size));
}

/**
 * A planned step for this model and loss, or null when the model is outside what the plan
 * covers (the caller then uses the general path).
 */
export function planStep(modelLayers: readonly Layer[], loss: LossSpec, optimizer: Optimizer, backend: Backend): { forBatch(size: number): PlannedStep } | null {
  const p = plannable(modelLayers);
  if (p === null) return null;
  const head = headFor(p.dense, loss);
  if (head === null) return null;
  return cache((size) => build(p, head, optimizer, backend, size));
}

/**
 * The whole step of a tiny Dense stack as one call into the backend (Backend.denseStep), where
 * it has one; plain SGD or Adam without clipping (others use the kernels one by one). Same
 * arithmetic as the step below (tested). Returns the step (loss out), or null.
 */
function fusedStep(layers: readonly LayerPlan[], head: Head, optimizer: Optimizer, backend: Backend, B: number, X: Float32Array, Y: Float32Array): (() => number) | null {
  if (backend.denseStep === undefined) return null;
  const sgd = optimizer.constructor === SGD ? (optimizer as SGD) : null;
  const adam = optimizer.constructor === Adam && !(optimizer as Adam).amsgrad ? (optimizer as Adam) : null;
  if ((sgd === null && adam === null) || optimizer.clipNorm !== undefined || optimizer.clipValue !== undefined || optimizer.globalClipNorm !== undefined) return null;
  const run = backend.denseStep({
    batch: B, head, X, Y,
    layers: layers.map((l) => ({
      inputs: l.inputs, units: l.units, act: l.act, W: l.kernel.values as Float32Array, b: (l.bias?.values ?? null) as Float32Array | null,
      a: l.a, dz: l.dz, dW: l.dW, dB: l.dB, slotsW: optimizer.slotsFor(l.kernel), slotsB: l.bias === null ? [] : optimizer.slotsFor(l.bias),
    })),
    optimizer: adam !== null ? { kind: 'adam', beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon } : { kind: 'sgd', momentum: sgd!.momentum, nesterov: sgd!.nesterov },
  });
  if (run === null) return null;
  return () => {
    const lr = optimizer.currentLearningRate();
    const t = optimizer.iterations + 1;
    const loss = run(lr, adam === null ? 0 : adam.stepSize(lr, t), adam === null ? 0 : adam.stepEpsilon(t));
    optimizer.iterations = t;
    return loss;
  };
}

function build({ pre, dense }: Plannable, head: Head, optimizer: Optimizer | null, backend: Backend, B: number): PlannedStep {
  const tiny = dense.every((d) => B * d.config.units * d.kernel!.shape[0]! < TINY_PRODUCT);
  const { gemm, biasAct, actGrad, biasGrad, lossHead } = tiny ? reference : backend.kernels;
  // Every buffer where the kernels use it in place when the backend has such memory.
  const buffer = (n: number): Float32Array => backend.allocResident?.(n) ?? new Float32Array(n);
  const inputs = dense[0]!.kernel!.shape[0]!;
  const outUnits = dense[dense.length - 1]!.config.units;
  const X = buffer(B * inputs);
  const Y = buffer(B * (head === 'sparseSoftmaxCE' ? 1 : outUnits));
  const layers: LayerPlan[] = dense.map((d) => {
    adopt(d.kernel!, backend);
    if (d.bias !== null) adopt(d.bias, backend);
    const units = d.config.units;
    const fanIn = d.kernel!.shape[0]!;
    const dW = buffer(fanIn * units);
    const dB = d.bias === null ? null : buffer(units);
    const act = d.activationName === 'softmax' ? 'linear' : (d.activationName as StepActivation);
    return {
      units, inputs: fanIn, act, kernel: d.kernel!, bias: d.bias,
      a: buffer(B * units), dz: buffer(B * units), dW, dB,
      gradW: new Tensor(dW, d.kernel!.shape), gradB: dB === null ? null : new Tensor(dB, [units]),
    };
  });
  const pairs: Array<readonly [Tensor, Tensor]> = layers.flatMap((l) => [[l.kernel, l.gradW] as const, ...(l.bias === null ? [] : [[l.bias, l.gradB!] as const])]);
  const predTensor = new Tensor(layers[layers.length - 1]!.a, [B, outUnits]);
  const targetTensor = new Tensor(Y, head === 'sparseSoftmaxCE' ? [B] : [B, outUnits]);

  // Leading Rescaling layers applied while the input rows are copied, with their arithmetic:
  // float32 scale and offset, each operation rounded to float32 as the layer's ops round it.
  const affine = Float64Array.from(pre.flatMap((l) => [Math.fround(l.scale), Math.fround(l.offset)]));
  const rescaleRow = (src: Float32Array | Float64Array, o: number, dst: Float32Array | Float64Array, r: number, width: number): void => {
    for (let j = 0; j < width; j++) {
      let v = src[o + j]!;
      for (let q = 0; q < affine.length; q += 2) v = Math.fround(Math.fround(v * affine[q]!) + affine[q + 1]!);
      dst[r + j] = v;
    }
  };
  // One layer (the usual case, e.g. standardizing pixels): unrolled like copyRow, about 5× the
  // general loop's speed on MNIST rows (measured).
  const scale = affine[0] ?? 1;
  const offset = affine[1] ?? 0;
  const rescaleRow1 = (src: Float32Array | Float64Array, o: number, dst: Float32Array | Float64Array, r: number, width: number): void => {
    let j = 0;
    for (; j + 4 <= width; j += 4) {
      dst[r + j] = Math.fround(src[o + j]! * scale) + offset;
      dst[r + j + 1] = Math.fround(src[o + j + 1]! * scale) + offset;
      dst[r + j + 2] = Math.fround(src[o + j + 2]! * scale) + offset;
      dst[r + j + 3] = Math.fround(src[o + j + 3]! * scale) + offset;
    }
    for (; j < width; j++) dst[r + j] = Math.fround(src[o + j]! * scale) + offset;
  };
  const inputRow = affine.length === 0 ? copyRow : affine.length === 2 ? rescaleRow1 : rescaleRow;
  function forward(): void {
    let input: Float32Array = X;
    for (let li = 0; li < layers.length; li++) {
      const l = layers[li]!;
      const a = l.a;
      const n = l.units;
      gemm(input, l.kernel.values, a, B, n, l.inputs, false, false);
      biasAct(a, l.bias === null ? null : (l.bias.values as Float32Array), B, n, l.act);
      input = a;
    }
  }

  /** Turns the last layer's pre-activations into predictions and dL/dz; returns the loss. */
  function lossAndGradient(): number {
    const l = layers[layers.length - 1]!;
    return lossHead(head, l.a, Y, l.dz, B, l.units, l.act);
  }

  function backward(): void {
    for (let li = layers.length - 1; li >= 0; li--) {
      const l = layers[li]!;
      const input = li === 0 ? X : layers[li - 1]!.a;
      // dW = inputᵀ·dz, db = Σ_rows dz, d(input) = dz·Wᵀ.
      gemm(input, l.dz, l.dW, l.inputs, l.units, B, true, false);
      if (l.dB !== null) biasGrad(l.dz, l.dB, B, l.units);
      if (li > 0) {
        const below = layers[li - 1]!;
        gemm(l.dz, l.kernel.values, below.dz, B, below.units, l.units, false, true);
        actGrad(below.a, below.dz, B * below.units, below.act);
      }
    }
  }

  const softmaxOut = dense[dense.length - 1]!.activationName === 'softmax';
  // With a fused sigmoid head the forward pass must leave logits in the last layer.
  if (head === 'sigmoidBCE') layers[layers.length - 1]!.act = 'linear';

  const fused = tiny && optimizer !== null ? fusedStep(layers, head, optimizer, backend, B, X, Y) : null;

  return {
    step(x, y, order, start, end) {
      gatherRows(x.values, inputs, X, order, start, end, inputRow);
      gatherRows(y.values, head === 'sparseSoftmaxCE' ? 1 : outUnits, Y, order, start, end);
      if (fused !== null) return fused();
      forward();
      const loss = lossAndGradient();
      backward();
      if (optimizer === null) throw new Error('planned step: built for inference only');
      optimizer.applyGradients(pairs);
      return loss;
    },
    predict(x, start, end, out) {
      const rows = end - start;
      for (let r = 0; r < rows; r++) inputRow(x.values, (start + r) * inputs, X, r * inputs, inputs);
      forward();
      const last = layers[layers.length - 1]!;
      const a = last.a;
      const n = last.units;
      if (softmaxOut) {
        for (let r = 0; r < rows; r++) {
          const o = r * n;
          const lse = rowLogSumExp(a, o, n);
          for (let j = 0; j < n; j++) a[o + j] = Math.exp(a[o + j]! - lse);
        }
      }
      for (let i = 0; i < rows * n; i++) out[start * n + i] = a[i]!;
    },
    pred: predTensor,
    target: targetTensor,
  };
}
