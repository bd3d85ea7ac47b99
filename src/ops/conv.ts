/**
 * Convolution and pooling over NHWC images (and NWC sequences), in TensorFlow.js's layouts:
 * images [batch, height, width, channels], filters [kH, kW, inChannels, outChannels].
 *
 * Two primitives carry the maths: `im2col` copies every window's taps into a row and `col2im`
 * adds rows back (each the other's gradient). Everything else is composed: a convolution is
 * im2col then one matrix product with the filter, so its gradients are the products
 * dFilter = colsᵀ·G and dCols = G·filterᵀ (then col2im); max pooling is a max over each row's
 * taps (a primitive of its own, for speed), average pooling a sum divided by the taps inside
 * the image. A compiled step on the native backend then fuses each im2col with the products
 * that read it (compile/fuse.ts), so the window matrix is never written out; the maths is this.
 */
import type { Window2d } from '../backends/backend.js';
import { record } from '../autograd/engine.js';
import { emptyTensor, getContext, notTraceable } from '../context/context.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { range } from './creation.js';
import { add, div, equal, mul } from './elementwise.js';
import { reshape } from './layout.js';
import { matmul } from './matmul.js';
import { type TensorLike, asTensor } from './primitive.js';
import { max, sum } from './reduce.js';
import { batchToSpaceND, spaceToBatchND } from './extended.js';

/**
 * 'valid': windows inside the input only; 'same': zero padding so the output has
 * ⌈input / stride⌉ positions (TensorFlow's split: the smaller half before); 'causal' (1-D
 * only): the padding all before, so output t sees inputs ≤ t.
 */
export type Padding = 'valid' | 'same' | 'causal';

/** A size given once for both axes, or per axis [height, width]. */
export type Size2 = number | readonly [number, number];

export interface WindowOptions {
  /** Step between windows (default 1). */
  strides?: Size2;
  /** Default 'valid'. */
  padding?: Padding;
  /** Gap between taps: 1 = adjacent (default). */
  dilations?: Size2;
}

function pair(v: Size2 | undefined, fallback: number, what: string, op: string): [number, number] {
  const p: readonly number[] = v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : v;
  if (p.length !== 2 || !p.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: ${what} must be a positive integer or a pair of them, got ${JSON.stringify(v)}`);
  }
  return [p[0]!, p[1]!];
}

/** tfjs's `pad` argument: 'same', 'valid', or 0 (no padding). */
export type TfjsPad = 'same' | 'valid' | number;

function isSize(v: unknown): v is Size2 {
  return typeof v === 'number' || Array.isArray(v);
}

/** tfjs's positional window arguments as options (NHWC only; a numeric pad of 0 is 'valid'). */
function tfjsWindow(op: string, strides: Size2, pad: TfjsPad | undefined, dataFormat: string | undefined, dilations: Size2 | undefined): WindowOptions {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') throw new Error(`${op}: dataFormat must be 'NHWC' (channels last), got ${JSON.stringify(dataFormat)}`);
  if (pad !== 'same' && pad !== 'valid' && pad !== 0) throw new Error(`${op}: pad must be 'same', 'valid' or 0, got ${JSON.stringify(pad)}`);
  return { strides, padding: pad === 0 ? 'valid' : pad, ...(dilations === undefined ? {} : { dilations }) };
}

/** tfjs `maxPool(x, filterSize, strides, pad)`: maxPool2d in tfjs's positional form. */
export function maxPool(xl: TensorLike, filterSize: Size2, strides: Size2, pad: TfjsPad): Tensor {
  const w = tfjsWindow('maxPool', strides, pad, undefined, undefined);
  return maxPool2d(xl, { poolSize: filterSize, strides: w.strides!, padding: w.padding as 'same' | 'valid' });
}

/** tfjs `avgPool(x, filterSize, strides, pad)`: avgPool2d in tfjs's positional form. */
export function avgPool(xl: TensorLike, filterSize: Size2, strides: Size2, pad: TfjsPad): Tensor {
  const w = tfjsWindow('avgPool', strides, pad, undefined, undefined);
  return avgPool2d(xl, { poolSize: filterSize, strides: w.strides!, padding: w.padding as 'same' | 'valid' });
}

/** The window a kH×kW kernel slides over NHWC images of `shape`; throws on sizes that give no output. */
export function window2d(op: string, shape: readonly number[], kernel: Size2, options: WindowOptions = {}): Window2d {
  if (shape.length !== 4) throw new Error(`${op}: expected input of rank 4 [batch, height, width, channels], got shape ${fmt(shape)}`);
  const [batch, inH, inW, channels] = shape as [number, number, number, number];
  const [kH, kW] = pair(kernel, 1, 'the kernel size', op);
  const [strideH, strideW] = pair(options.strides, 1, 'strides', op);
  const [dilationH, dilationW] = pair(options.dilations, 1, 'dilations', op);
  const padding = options.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same' && padding !== 'causal') throw new Error(`${op}: padding must be 'valid', 'same' or 'causal', got ${JSON.stringify(padding)}`);
  const effH = (kH - 1) * dilationH + 1;
  const effW = (kW - 1) * dilationW + 1;
  let outH: number;
  let outW: number;
  let padTop = 0;
  let padLeft = 0;
  if (padding === 'valid') {
    if (effH > inH || effW > inW) {
      throw new Error(`${op}: a ${effH}×${effW} window (kernel ${kH}×${kW}, dilation ${dilationH}×${dilationW}) does not fit a ${inH}×${inW} input with 'valid' padding; use 'same' or a smaller kernel`);
    }
    outH = Math.floor((inH - effH) / strideH) + 1;
    outW = Math.floor((inW - effW) / strideW) + 1;
  } else {
    outH = Math.ceil(inH / strideH);
    outW = Math.ceil(inW / strideW);
    if (padding === 'same') {
      padTop = Math.floor(Math.max((outH - 1) * strideH + effH - inH, 0) / 2);
      padLeft = Math.floor(Math.max((outW - 1) * strideW + effW - inW, 0) / 2);
    } else {
      if (kH !== 1) throw new Error(`${op}: 'causal' padding is for 1-D inputs (a kernel of height 1), got a ${kH}×${kW} kernel`);
      padLeft = effW - 1;
    }
  }
  return { batch, inH, inW, channels, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW };
}

/**
 * Every window's taps as a row: x [batch, inH, inW, C] → [batch, outH, outW, kH, kW, C], with
 * `fill` where a tap falls outside the image. Gradient: col2im of g.
 * @example im2col(x, window2d('conv', x.shape, 3, {padding: 'same'}))
 */
export function im2col(xl: TensorLike, window: Window2d, fill = 0): Tensor {
  const x = asTensor(xl, 'im2col');
  const w = window;
  if (x.rank !== 4 || x.shape[0] !== w.batch || x.shape[1] !== w.inH || x.shape[2] !== w.inW || x.shape[3] !== w.channels) {
    throw new Error(`im2col: input of shape ${fmt(x.shape)} does not match the window's [${w.batch}, ${w.inH}, ${w.inW}, ${w.channels}]`);
  }
  const y = emptyTensor([w.batch, w.outH, w.outW, w.kH, w.kW, w.channels]);
  getContext().backend.kernels.im2col(x.values, w, fill, y.values);
  return record(y, 'im2col', [x], (g) => [col2im(g, w)]);
}

/** im2col's adjoint: rows [batch, outH, outW, kH, kW, C] added back onto [batch, inH, inW, C]. Gradient: im2col of g. */
export function col2im(colsl: TensorLike, window: Window2d): Tensor {
  const cols = asTensor(colsl, 'col2im');
  const w = window;
  const expected = w.batch * w.outH * w.outW * w.kH * w.kW * w.channels;
  if (cols.size !== expected) throw new Error(`col2im: expected ${expected} values for the window, got shape ${fmt(cols.shape)}`);
  const y = emptyTensor([w.batch, w.inH, w.inW, w.channels]);
  getContext().backend.kernels.col2im(cols.values, w, y.values);
  return record(y, 'col2im', [cols], (g) => [reshape(im2col(g, w, 0), cols.shape)]);
}

function checkFilter(op: string, filter: Tensor, rank: number, inChannels: number, axis: number): void {
  if (filter.rank !== rank || filter.shape[axis] !== inChannels) {
    throw new Error(`${op}: expected a filter of rank ${rank} with ${inChannels} input channels on axis ${axis} (the input's), got shape ${fmt(filter.shape)}`);
  }
}

/**
 * 2-D convolution (cross-correlation, as in every framework): x [batch, h, w, inC] with
 * filter [kH, kW, inC, outC] → [batch, outH, outW, outC];
 * y[n, i, j, f] = Σ_{ky, kx, c} x[n, i·sh − pt + ky·dh, j·sw − pl + kx·dw, c] · filter[ky, kx, c, f].
 * Computed as im2col(x) [n·outH·outW, kH·kW·inC] · filter [kH·kW·inC, outC].
 * @example conv2d(images, filter, { strides: 2, padding: 'same' })
 */
export function conv2d(xl: TensorLike, filterl: TensorLike, options?: WindowOptions): Tensor;
/** tfjs's positional form: `conv2d(x, filter, strides, pad, dataFormat, dilations)`. */
export function conv2d(xl: TensorLike, filterl: TensorLike, strides: Size2, pad: TfjsPad, dataFormat?: 'NHWC', dilations?: Size2): Tensor;
export function conv2d(xl: TensorLike, filterl: TensorLike, optionsOrStrides: WindowOptions | Size2 = {}, pad?: TfjsPad, dataFormat?: 'NHWC', dilations?: Size2): Tensor {
  const options = isSize(optionsOrStrides) ? tfjsWindow('conv2d', optionsOrStrides, pad, dataFormat, dilations) : optionsOrStrides;
  const x = asTensor(xl, 'conv2d');
  const filter = asTensor(filterl, 'conv2d');
  const w = window2d('conv2d', x.shape, filter.rank === 4 ? [filter.shape[0]!, filter.shape[1]!] : 1, options);
  checkFilter('conv2d', filter, 4, w.channels, 2);
  const taps = w.kH * w.kW * w.channels;
  const rows = w.batch * w.outH * w.outW;
  const pointwise = w.kH === 1 && w.kW === 1 && w.strideH === 1 && w.strideW === 1;
  const cols = pointwise ? x : im2col(x, w, 0);
  const y = matmul(reshape(cols, [rows, taps]), reshape(filter, [taps, filter.shape[3]!]));
  return reshape(y, [w.batch, w.outH, w.outW, filter.shape[3]!]);
}

/**
 * The transpose of conv2d (its gradient with respect to its input), sometimes called
 * deconvolution: x [batch, h, w, inC] with filter [kH, kW, outC, inC] → outputShape
 * [batch, outH, outW, outC], where conv2d with the same filter and options maps outputShape
 * back to x's shape. Computed as col2im(x · filterᵀ).
 */
export function conv2dTranspose(xl: TensorLike, filterl: TensorLike, outputShape: readonly number[], options?: WindowOptions): Tensor;
/** tfjs's positional form: `conv2dTranspose(x, filter, outputShape, strides, pad)`. */
export function conv2dTranspose(xl: TensorLike, filterl: TensorLike, outputShape: readonly number[], strides: Size2, pad: TfjsPad): Tensor;
export function conv2dTranspose(xl: TensorLike, filterl: TensorLike, outputShape: readonly number[], optionsOrStrides: WindowOptions | Size2 = {}, pad?: TfjsPad): Tensor {
  const options = isSize(optionsOrStrides) ? tfjsWindow('conv2dTranspose', optionsOrStrides, pad ?? 'valid', undefined, undefined) : optionsOrStrides;
  const x = asTensor(xl, 'conv2dTranspose');
  const filter = asTensor(filterl, 'conv2dTranspose');
  const full = outputShape.length === 3 ? [x.shape[0]!, ...outputShape] : [...outputShape];
  if (x.rank !== 4) throw new Error(`conv2dTranspose: expected input of rank 4 [batch, height, width, channels], got shape ${fmt(x.shape)}`);
  checkFilter('conv2dTranspose', filter, 4, x.shape[3]!, 3);
  if (full.length !== 4 || full[0] !== x.shape[0] || full[3] !== filter.shape[2]) {
    throw new Error(`conv2dTranspose: outputShape ${fmt(outputShape)} must be [batch, height, width, ${filter.shape[2]}] (the filter's output channels, batch ${x.shape[0]})`);
  }
  const w = window2d('conv2dTranspose', full, [filter.shape[0]!, filter.shape[1]!], options);
  if (w.outH !== x.shape[1] || w.outW !== x.shape[2]) {
    throw new Error(`conv2dTranspose: a conv2d with these options maps outputShape ${fmt(full)} to ${w.outH}×${w.outW}, not the input's ${x.shape[1]}×${x.shape[2]}`);
  }
  const taps = w.kH * w.kW * w.channels;
  const inC = x.shape[3]!;
  const cols = matmul(reshape(x, [w.batch * w.outH * w.outW, inC]), reshape(filter, [taps, inC]), { transposeB: true });
  return col2im(cols, w);
}

/**
 * Depthwise 2-D convolution: each input channel convolved with its own `multiplier` filters,
 * x [batch, h, w, C] with filter [kH, kW, C, M] → [batch, outH, outW, C·M] (channel c·M + m).
 */
export function depthwiseConv2d(xl: TensorLike, filterl: TensorLike, options?: WindowOptions): Tensor;
/** tfjs's positional form: `depthwiseConv2d(x, filter, strides, pad, dataFormat, dilations)`. */
export function depthwiseConv2d(xl: TensorLike, filterl: TensorLike, strides: Size2, pad: TfjsPad, dataFormat?: 'NHWC', dilations?: Size2): Tensor;
export function depthwiseConv2d(xl: TensorLike, filterl: TensorLike, optionsOrStrides: WindowOptions | Size2 = {}, pad?: TfjsPad, dataFormat?: 'NHWC', dilations?: Size2): Tensor {
  const options = isSize(optionsOrStrides) ? tfjsWindow('depthwiseConv2d', optionsOrStrides, pad, dataFormat, dilations) : optionsOrStrides;
  const x = asTensor(xl, 'depthwiseConv2d');
  const filter = asTensor(filterl, 'depthwiseConv2d');
  const w = window2d('depthwiseConv2d', x.shape, filter.rank === 4 ? [filter.shape[0]!, filter.shape[1]!] : 1, options);
  checkFilter('depthwiseConv2d', filter, 4, w.channels, 2);
  return depthwise(x, filter, w);
}

/**
 * tfjs `separableConv2d(x, depthwiseFilter, pointwiseFilter, strides, pad, dilation)`: a
 * depthwise convolution, then a 1×1 convolution mixing its channels (the SeparableConv2D layer's maths).
 */
export function separableConv2d(xl: TensorLike, depthwiseFilter: TensorLike, pointwiseFilter: TensorLike, strides: Size2 = 1, pad: TfjsPad = 'valid', dilation: Size2 = 1, dataFormat: 'NHWC' = 'NHWC'): Tensor {
  return conv2d(depthwiseConv2d(xl, depthwiseFilter, strides, pad, dataFormat, dilation), pointwiseFilter, 1, 'valid');
}

/*
 * Depthwise convolution is a primitive (one kernel forward, one for each adjoint), not im2col
 * and a broadcast product: that materialized [rows, kH·kW, C, M] and reduced its middle axis,
 * 600 ms for one 112×112×64 MobileNet layer (the kernels: a few ms). The three are linear in
 * each argument, so each one's gradient is written with the other two.
 */
function depthwise(x: Tensor, filter: Tensor, w: Window2d): Tensor {
  const m = filter.shape[3]!;
  const y = emptyTensor([w.batch, w.outH, w.outW, w.channels * m]);
  getContext().backend.kernels.depthwiseConv(x.values, filter.values, w, m, y.values);
  return record(y, 'depthwiseConv2d', [x, filter], (g) => [depthwiseInputGrad(g, filter, w), depthwiseFilterGrad(x, g, w, filter.shape)]);
}

/** depthwiseConv2d's gradient in x for output gradient g: [batch, h, w, C]. */
export function depthwiseInputGrad(g: Tensor, filter: Tensor, w: Window2d): Tensor {
  const out = emptyTensor([w.batch, w.inH, w.inW, w.channels]);
  getContext().backend.kernels.depthwiseConvGradInput(g.values, filter.values, w, filter.shape[3]!, out.values);
  return record(out, 'depthwiseInputGrad', [g, filter], (gg) => [depthwise(gg, filter, w), depthwiseFilterGrad(gg, g, w, filter.shape)]);
}

/** depthwiseConv2d's gradient in the filter for input x and output gradient g: [kH, kW, C, M]. */
export function depthwiseFilterGrad(x: Tensor, g: Tensor, w: Window2d, shape: readonly number[]): Tensor {
  const out = emptyTensor([...shape]);
  getContext().backend.kernels.depthwiseConvGradFilter(x.values, g.values, w, shape[3]!, out.values);
  return record(out, 'depthwiseFilterGrad', [x, g], (gg) => [depthwiseInputGrad(g, gg, w), depthwise(x, gg, w)]);
}

export interface PoolOptions {
  /** Window size (default 2). */
  poolSize?: Size2;
  /** Default: the pool size. */
  strides?: Size2;
  /** Default 'valid'. */
  padding?: 'valid' | 'same';
}

function poolWindow(op: string, shape: readonly number[], options: PoolOptions): Window2d {
  const size = options.poolSize ?? 2;
  return window2d(op, shape, size, { strides: options.strides ?? size, padding: options.padding ?? 'valid' });
}

/**
 * Max pooling: the largest value in each window's taps inside the image,
 * x [batch, h, w, C] → [batch, outH, outW, C]. A primitive (one kernel forward and one back, not
 * a max over im2col rows: measured 4× slower in a convnet step). Gradient: all of g to the
 * window's maximum, the first on ties (as TensorFlow).
 */
export function maxPool2d(xl: TensorLike, options: PoolOptions = {}): Tensor {
  const x = asTensor(xl, 'maxPool2d');
  return maxPoolWithTaps(x, poolWindow('maxPool2d', x.shape, options)).y;
}

/** The max pooling kernel: the output and, per output, the tap (within its window) chosen. */
function maxPoolWithTaps(x: Tensor, w: Window2d): { y: Tensor; taps: Tensor } {
  const shape = [w.batch, w.outH, w.outW, w.channels];
  const y = emptyTensor(shape);
  const taps = emptyTensor(shape);
  getContext().backend.kernels.maxPool(x.values, w, y.values, taps.values);
  return { y: record(y, 'maxPool2d', [x], (g) => [maxPoolGrad(g, taps, w)]), taps };
}

/**
 * maxPool2d's gradient: each g[n, oy, ox, c] added onto the input position of its window's chosen
 * tap (`taps`, as the forward kernel wrote them). Its own gradient picks those positions back out.
 */
export function maxPoolGrad(gl: TensorLike, taps: Tensor, window: Window2d): Tensor {
  const g = asTensor(gl, 'maxPoolGrad');
  const w = window;
  const out = emptyTensor([w.batch, w.inH, w.inW, w.channels]);
  getContext().backend.kernels.maxPoolGrad(g.values, taps.values, w, out.values);
  return record(out, 'maxPoolGrad', [g], (gg) => {
    const k = w.kH * w.kW;
    const chosen = equal(reshape(taps, [w.batch, w.outH, w.outW, 1, w.channels]), reshape(range(0, k), [1, 1, 1, k, 1]));
    return [sum(mul(reshape(im2col(gg, w, 0), [w.batch, w.outH, w.outW, k, w.channels]), chosen), 3)];
  });
}

/**
 * Average pooling: the mean of each window's taps inside the image (as TensorFlow: padding is
 * not counted), x [batch, h, w, C] → [batch, outH, outW, C].
 */
export function avgPool2d(xl: TensorLike, options: PoolOptions = {}): Tensor {
  const x = asTensor(xl, 'avgPool2d');
  const w = poolWindow('avgPool2d', x.shape, options);
  const cols = reshape(im2col(x, w, 0), [w.batch, w.outH, w.outW, w.kH * w.kW, w.channels]);
  return div(sum(cols, 3), tapsInside(w));
}

/** [1, outH, outW, 1]: how many of each window's taps fall inside the image. */
function tapsInside(w: Window2d): Tensor | number {
  if (w.padTop === 0 && w.padLeft === 0 && (w.outH - 1) * w.strideH + (w.kH - 1) * w.dilationH < w.inH && (w.outW - 1) * w.strideW + (w.kW - 1) * w.dilationW < w.inW) {
    return w.kH * w.kW;
  }
  const counts = emptyTensor([1, w.outH, w.outW, 1]);
  const inside = (o: number, s: number, pad: number, k: number, d: number, n: number): number => {
    let c = 0;
    for (let t = 0; t < k; t++) {
      const i = o * s - pad + t * d;
      if (i >= 0 && i < n) c++;
    }
    return c;
  };
  for (let oy = 0; oy < w.outH; oy++) {
    const rowsIn = inside(oy, w.strideH, w.padTop, w.kH, w.dilationH, w.inH);
    for (let ox = 0; ox < w.outW; ox++) counts.values[oy * w.outW + ox] = rowsIn * inside(ox, w.strideW, w.padLeft, w.kW, w.dilationW, w.inW);
  }
  return counts;
}

// ---- tfjs's other window ops: dilation2d, pool, maxPoolWithArgmax -------------------------------

/** The most negative float32: the fill for taps outside the image where a max is taken. */
const LOWEST = -3.4028234663852886e38;

/** [h, w, c] or [batch, h, w, c] as a batch, and whether to drop the batch axis after. */
function imageBatch(op: string, xl: TensorLike): [Tensor, boolean] {
  const x = asTensor(xl, op);
  if (x.rank !== 3 && x.rank !== 4) throw new Error(`${op}: expected images [batch, height, width, channels] or [height, width, channels], got shape ${fmt(x.shape)}`);
  return x.rank === 3 ? [reshape(x, [1, ...x.shape]), true] : [x, false];
}

const dropBatch = (y: Tensor, was3: boolean): Tensor => (was3 ? reshape(y, y.shape.slice(1)) : y);

/** [batch, outH, outW, kH·kW, C]: every window's taps, `fill` outside the image. */
function taps(x: Tensor, w: Window2d, fill: number): Tensor {
  return reshape(im2col(x, w, fill), [w.batch, w.outH, w.outW, w.kH * w.kW, w.channels]);
}

/**
 * tfjs `dilation2d(x, filter, strides, pad, dilations)`: grayscale morphological dilation, each
 * output the max over its window of x + filter[dy, dx, c] (filter [fH, fW, C]; taps outside the
 * image do not count). A max over im2col's rows, so differentiable in x and the filter.
 */
export function dilation2d(xl: TensorLike, filterl: TensorLike, strides: Size2 = 1, pad: 'valid' | 'same' = 'valid', dilations: Size2 = 1, dataFormat: 'NHWC' = 'NHWC'): Tensor {
  const op = 'dilation2d';
  const [x, was3] = imageBatch(op, xl);
  const filter = asTensor(filterl, op);
  if (filter.rank !== 3 || filter.shape[2] !== x.shape[3]) throw new Error(`${op}: filter must be [filterHeight, filterWidth, ${x.shape[3]}] (the input's channels), got ${fmt(filter.shape)}`);
  const w = window2d(op, x.shape, [filter.shape[0]!, filter.shape[1]!], tfjsWindow(op, strides, pad, dataFormat, dilations));
  const k = w.kH * w.kW;
  return dropBatch(max(add(taps(x, w, LOWEST), reshape(filter, [1, 1, 1, k, w.channels])), 3), was3);
}

/**
 * tfjs `pool(x, windowShape, poolingType, pad, dilations, strides)`: max or average pooling,
 * either strided or with dilated windows. Undilated, the taps inside the image count; dilated,
 * it is TensorFlow's space-to-batch form (the image split into dilation² interleaved grids,
 * each zero-padded and pooled 'valid', then put back), so with 'same' the padding's zeros are
 * taps too, as in TensorFlow and tfjs.
 */
export function pool(xl: TensorLike, windowShape: Size2, poolingType: 'max' | 'avg', pad: TfjsPad, dilations: Size2 = 1, strides: Size2 = 1): Tensor {
  const op = 'pool';
  const [x, was3] = imageBatch(op, xl);
  if (poolingType !== 'max' && poolingType !== 'avg') throw new Error(`${op}: poolingType must be 'max' or 'avg', got ${JSON.stringify(poolingType)}`);
  const w = window2d(op, x.shape, windowShape, tfjsWindow(op, strides, pad, undefined, dilations));
  const [dH, dW] = [w.dilationH, w.dilationW];
  if ((w.strideH > 1 || w.strideW > 1) && (dH > 1 || dW > 1)) throw new Error(`${op}: either the strides or the dilations must be 1, got strides ${JSON.stringify(strides)} and dilations ${JSON.stringify(dilations)}`);
  const pooled = (t: Tensor, win: Window2d): Tensor => (poolingType === 'max' ? max(taps(t, win, LOWEST), 3) : div(sum(taps(t, win, 0), 3), tapsInside(win)));
  if (dH === 1 && dW === 1) return dropBatch(pooled(x, w), was3);
  // Each axis padded by its dilated window's reach ('same'), then up to a multiple of the dilation.
  const sides = ([k, d, n]: [number, number, number]): [[number, number], [number, number]] => {
    const reach = pad === 'same' ? (k - 1) * d : 0;
    const extra = (d - (n % d)) % d;
    return [[Math.floor(reach / 2), reach - Math.floor(reach / 2) + extra], [0, extra]];
  };
  const [padH, cropH] = sides([w.kH, dH, w.inH]);
  const [padW, cropW] = sides([w.kW, dW, w.inW]);
  const grids = spaceToBatchND(x, [dH, dW], [padH, padW]);
  const y = pooled(grids, window2d(op, grids.shape, [w.kH, w.kW], { padding: 'valid' }));
  return dropBatch(batchToSpaceND(y, [dH, dW], [cropH, cropW]), was3);
}

/**
 * tfjs `maxPoolWithArgmax(x, filterSize, strides, pad, includeBatchInIndex)`: max pooling and,
 * per output, the flat index of the value chosen ((y·W + x)·C + c, with the batch
 * (b·H + y) when includeBatchInIndex; the first on ties), int32.
 */
export function maxPoolWithArgmax(xl: TensorLike, filterSize: Size2, strides: Size2, pad: TfjsPad, includeBatchInIndex = false): { result: Tensor; indexes: Tensor } {
  const op = 'maxPoolWithArgmax';
  const x = asTensor(xl, op);
  if (x.rank !== 4) throw new Error(`${op}: expected images [batch, height, width, channels], got shape ${fmt(x.shape)}`);
  const o = tfjsWindow(op, strides, pad, undefined, undefined);
  const w = poolWindow(op, x.shape, { poolSize: filterSize, strides: o.strides!, padding: o.padding as 'same' | 'valid' });
  const { y, taps: chosen } = maxPoolWithTaps(x, w);
  notTraceable(`${op} (its indexes are computed from the chosen taps)`);
  const indexes = emptyTensor(y.shape);
  for (let i = 0; i < y.size; i++) {
    const c = i % w.channels;
    const ox = Math.floor(i / w.channels) % w.outW;
    const oy = Math.floor(i / (w.channels * w.outW)) % w.outH;
    const b = Math.floor(i / (w.channels * w.outW * w.outH));
    const t = chosen.values[i]!;
    const iy = oy * w.strideH - w.padTop + Math.floor(t / w.kW) * w.dilationH;
    const ix = ox * w.strideW - w.padLeft + (t % w.kW) * w.dilationW;
    indexes.values[i] = ((includeBatchInIndex ? b * w.inH + iy : iy) * w.inW + ix) * w.channels + c;
  }
  indexes.dtypeTag = 'int32';
  return { result: y, indexes };
}

// ---- 1-D: the 2-D ops on [batch, 1, length, C] ----------------------------------------------------

export interface Window1dOptions {
  stride?: number;
  /** Default 'valid'. */
  padding?: Padding;
  dilation?: number;
}

function asImage(op: string, x: Tensor): Tensor {
  if (x.rank !== 3) throw new Error(`${op}: expected input of rank 3 [batch, length, channels], got shape ${fmt(x.shape)}`);
  return reshape(x, [x.shape[0]!, 1, x.shape[1]!, x.shape[2]!]);
}

function asSequence(y: Tensor): Tensor {
  return reshape(y, [y.shape[0]!, y.shape[2]!, y.shape[3]!]);
}

/**
 * 1-D convolution: x [batch, length, inC] with filter [k, inC, outC] → [batch, outLength, outC].
 * @example conv1d(seq, filter, { padding: 'causal', dilation: 2 })
 */
export function conv1d(xl: TensorLike, filterl: TensorLike, options?: Window1dOptions): Tensor;
/** tfjs's positional form: `conv1d(x, filter, stride, pad, dataFormat, dilation)`. */
export function conv1d(xl: TensorLike, filterl: TensorLike, stride: number, pad: TfjsPad | 'causal', dataFormat?: 'NWC', dilation?: number): Tensor;
export function conv1d(xl: TensorLike, filterl: TensorLike, optionsOrStride: Window1dOptions | number = {}, pad?: TfjsPad | 'causal', dataFormat?: 'NWC', dilation?: number): Tensor {
  let options: Window1dOptions;
  if (typeof optionsOrStride === 'number') {
    if (dataFormat !== undefined && dataFormat !== 'NWC') throw new Error(`conv1d: dataFormat must be 'NWC' (channels last), got ${JSON.stringify(dataFormat)}`);
    if (pad !== 'same' && pad !== 'valid' && pad !== 'causal' && pad !== 0) throw new Error(`conv1d: pad must be 'same', 'valid', 'causal' or 0, got ${JSON.stringify(pad)}`);
    options = { stride: optionsOrStride, padding: pad === 0 ? 'valid' : pad, ...(dilation === undefined ? {} : { dilation }) };
  } else options = optionsOrStride;
  const x = asTensor(xl, 'conv1d');
  const filter = asTensor(filterl, 'conv1d');
  if (filter.rank !== 3) throw new Error(`conv1d: expected a filter of rank 3 [kernelSize, inChannels, outChannels], got shape ${fmt(filter.shape)}`);
  const image = asImage('conv1d', x);
  const f = reshape(filter, [1, ...filter.shape]);
  return asSequence(conv2d(image, f, { strides: [1, options.stride ?? 1], dilations: [1, options.dilation ?? 1], padding: options.padding ?? 'valid' }));
}

export interface Pool1dOptions {
  /** Default 2. */
  poolSize?: number;
  /** Default: the pool size. */
  strides?: number;
  padding?: 'valid' | 'same';
}

function pool1d(options: Pool1dOptions): PoolOptions {
  const size = options.poolSize ?? 2;
  return { poolSize: [1, size], strides: [1, options.strides ?? size], padding: options.padding ?? 'valid' };
}

/** Max pooling over [batch, length, C]. */
export function maxPool1d(xl: TensorLike, options: Pool1dOptions = {}): Tensor {
  return asSequence(maxPool2d(asImage('maxPool1d', asTensor(xl, 'maxPool1d')), pool1d(options)));
}

/** Average pooling over [batch, length, C] (padding not counted). */
export function avgPool1d(xl: TensorLike, options: Pool1dOptions = {}): Tensor {
  return asSequence(avgPool2d(asImage('avgPool1d', asTensor(xl, 'avgPool1d')), pool1d(options)));
}

