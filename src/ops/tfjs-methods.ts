/**
 * TensorFlow.js's spellings of tensor methods (`matMul`, `argMax` with axis 0, `toFloat`,
 * `print`, `as2D`…) and the methods of the ops in math.ts and select.ts, so tfjs code that
 * chains them runs unchanged. Each forwards to the op; none has maths of its own.
 */
import { Tensor } from '../tensor/tensor.js';
import { TensorBuffer } from '../tensor/buffer.js';
import { fmt } from '../tensor/shape.js';
import * as act from './activations.js';
import * as conv from './conv.js';
import { type TfjsDType, oneHot, onesLike, variable, zerosLike } from './creation.js';
import * as image from './image.js';
import * as ew from './elementwise.js';
import * as ext from './extended.js';
import * as lay from './layout.js';
import * as m from './math.js';
import { matmul } from './matmul.js';
import type { TensorLike } from './primitive.js';
import * as red from './reduce.js';
import * as sel from './select.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** tfjs `matMul(b, transposeA, transposeB)`. */
    matMul(b: TensorLike, transposeA?: boolean, transposeB?: boolean): Tensor;
    /** Index of the largest value along `axis` (tfjs's default: axis 0). */
    argMax(axis?: number): Tensor;
    argMin(axis?: number): Tensor;
    cast(dtype: TfjsDType): Tensor;
    asType(dtype: TfjsDType): Tensor;
    toFloat(): Tensor;
    toInt(): Tensor;
    toBool(): Tensor;
    clipByValue(min: number, max: number): Tensor;
    reciprocal(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    rsqrt(): Tensor;
    log1p(): Tensor;
    expm1(): Tensor;
    mod(b: TensorLike): Tensor;
    floorDiv(b: TensorLike): Tensor;
    squaredDifference(b: TensorLike): Tensor;
    isNaN(): Tensor;
    logicalNot(): Tensor;
    logicalAnd(b: TensorLike): Tensor;
    logicalOr(b: TensorLike): Tensor;
    relu6(): Tensor;
    selu(): Tensor;
    cumsum(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
    norm(ord?: number | 'euclidean' | 'fro', axes?: number | number[], keepDims?: boolean): Tensor;
    dot(b: TensorLike): Tensor;
    tile(reps: readonly number[]): Tensor;
    reverse(axes?: number | number[]): Tensor;
    split(numOrSizes: number | number[], axis?: number): Tensor[];
    unstack(axis?: number): Tensor[];
    concat(other: Tensor | Tensor[], axis?: number): Tensor;
    as1D(): Tensor;
    as2D(rows: number, columns: number): Tensor;
    as3D(a: number, b: number, c: number): Tensor;
    as4D(a: number, b: number, c: number, d: number): Tensor;
    asScalar(): Tensor;
    /** The values as nested arrays, async (tfjs `array()`). */
    array(): Promise<import('../tensor/tensor.js').NestedArray>;
    /** A TensorBuffer with a copy of the values (tfjs `bufferSync`). */
    bufferSync(): TensorBuffer;
    buffer(): Promise<TensorBuffer>;
    /** Prints the tensor (tfjs `print`), with its shape when `verbose`. */
    print(verbose?: boolean): void;
    /** tfjs `conv2d(filter, strides, pad, dataFormat, dilations)`, and neurite's options form. */
    conv2d(filter: TensorLike, strides?: conv.Size2 | conv.WindowOptions, pad?: conv.TfjsPad, dataFormat?: 'NHWC', dilations?: conv.Size2): Tensor;
    /** tfjs `maxPool(filterSize, strides, pad)`. */
    maxPool(filterSize: conv.Size2, strides: conv.Size2, pad: conv.TfjsPad): Tensor;
    /** tfjs `avgPool(filterSize, strides, pad)`. */
    avgPool(filterSize: conv.Size2, strides: conv.Size2, pad: conv.TfjsPad): Tensor;
    /** tfjs `pad(paddings, constantValue)`. */
    pad(paddings: ReadonlyArray<readonly [number, number]>, constantValue?: number): Tensor;
    /** tfjs 1's `mulStrict` … `divStrict`: the op, on two tensors of one shape (no broadcasting). */
    addStrict(b: Tensor): Tensor;
    subStrict(b: Tensor): Tensor;
    mulStrict(b: Tensor): Tensor;
    divStrict(b: Tensor): Tensor;
    tan(): Tensor;
    atan(): Tensor;
    asin(): Tensor;
    acos(): Tensor;
    atan2(b: TensorLike): Tensor;
    erf(): Tensor;
    prelu(alpha: TensorLike): Tensor;
    mirrorPad(paddings: ReadonlyArray<readonly [number, number]>, mode: 'reflect' | 'symmetric'): Tensor;
    depthToSpace(blockSize: number): Tensor;
    stridedSlice(begin: readonly number[], end: readonly number[], strides?: readonly number[], beginMask?: number, endMask?: number, ellipsisMask?: number, newAxisMask?: number, shrinkAxisMask?: number): Tensor;
    unsortedSegmentSum(segmentIds: Tensor | ArrayLike<number>, numSegments: number): Tensor;
    batchNorm(mean: TensorLike, variance: TensorLike, offset?: TensorLike, scale?: TensorLike, varianceEpsilon?: number): Tensor;
    sinh(): Tensor;
    cosh(): Tensor;
    asinh(): Tensor;
    acosh(): Tensor;
    atanh(): Tensor;
    logSigmoid(): Tensor;
    isFinite(): Tensor;
    isInf(): Tensor;
    divNoNan(b: TensorLike): Tensor;
    euclideanNorm(axes?: number | number[], keepDims?: boolean): Tensor;
    all(axes?: number | number[], keepDims?: boolean): Tensor;
    any(axes?: number | number[], keepDims?: boolean): Tensor;
    logicalXor(b: TensorLike): Tensor;
    prod(axes?: number | number[], keepDims?: boolean): Tensor;
    cumprod(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
    /** tfjs `t.oneHot(depth, onValue, offValue)`: this tensor's values as indices. */
    oneHot(depth: number, onValue?: number, offValue?: number): Tensor;
    zerosLike(): Tensor;
    onesLike(): Tensor;
    /** This tensor stacked with others along `axis` (tfjs `t.stack(x, axis)`). */
    stack(other: Tensor | Tensor[], axis?: number): Tensor;
    broadcastTo(shape: readonly number[]): Tensor;
    /** This tensor in `other`'s shape (tfjs `reshapeAs`). */
    reshapeAs(other: Tensor): Tensor;
    as5D(a: number, b: number, c: number, d: number, e: number): Tensor;
    /** tfjs `topk(k, sorted)`. */
    topk(k?: number, sorted?: boolean): { values: Tensor; indices: Tensor };
    /** tfjs `resizeBilinear(size, alignCorners, halfPixelCenters)` on an image batch. */
    resizeBilinear(size: readonly [number, number], alignCorners?: boolean, halfPixelCenters?: boolean): Tensor;
    resizeNearestNeighbor(size: readonly [number, number], alignCorners?: boolean, halfPixelCenters?: boolean): Tensor;
    /** tfjs's check that a tensor is not disposed: neurite's never are (the garbage collector frees them), so it passes. */
    throwIfDisposed(): void;
    /** The tensor itself (tfjs's `Variable.read()` / `LayerVariable.read()`). */
    read(): Tensor;
    /** The tensor itself (tfjs's `LayerVariable.val`). */
    readonly val: Tensor;
    // tfjs's chained forms of ops (the op with this tensor first).
    conv1d(filter: TensorLike, stride: number, pad: 'same' | 'valid' | 'causal' | number, dataFormat?: 'NWC', dilation?: number): Tensor;
    conv2dTranspose(filter: TensorLike, outputShape: readonly number[], strides: conv.Size2, pad: conv.TfjsPad): Tensor;
    depthwiseConv2d(filter: TensorLike, strides: conv.Size2, pad: conv.TfjsPad, dataFormat?: 'NHWC', dilations?: conv.Size2): Tensor;
    separableConv2d(depthwiseFilter: TensorLike, pointwiseFilter: TensorLike, strides?: conv.Size2, pad?: conv.TfjsPad, dilation?: conv.Size2, dataFormat?: 'NHWC'): Tensor;
    dilation2d(filter: TensorLike, strides?: conv.Size2, pad?: 'valid' | 'same', dilations?: conv.Size2): Tensor;
    pool(windowShape: conv.Size2, poolingType: 'max' | 'avg', pad: conv.TfjsPad, dilations?: conv.Size2, strides?: conv.Size2): Tensor;
    localResponseNormalization(depthRadius?: number, bias?: number, alpha?: number, beta?: number): Tensor;
    spaceToBatchND(blockShape: readonly number[], paddings: ReadonlyArray<readonly [number, number]>): Tensor;
    batchToSpaceND(blockShape: readonly number[], crops: ReadonlyArray<readonly [number, number]>): Tensor;
    unique(): { values: Tensor; indices: Tensor };
    /** tfjs `x.where(condition, b)`: this tensor where condition holds, b elsewhere. */
    where(condition: TensorLike, b: TensorLike): Tensor;
    /** tfjs `x.variable(trainable, name)`: a variable initialized to this tensor. */
    variable(trainable?: boolean, name?: string): Tensor;
    /** tfjs `await x.bytes()`: the values' bytes (of the dtype's typed array). */
    bytes(): Promise<Uint8Array>;
    /** tfjs's `Variable.trainable`: whether gradients are taken for it (requiresGrad). */
    trainable: boolean;
  }
}

const p = Tensor.prototype;
p.conv1d = function (filter, stride, pad, dataFormat, dilation) { return conv.conv1d(this, filter, stride, pad, dataFormat, dilation); };
p.conv2dTranspose = function (filter, outputShape, strides, pad) { return conv.conv2dTranspose(this, filter, outputShape, strides, pad); };
p.depthwiseConv2d = function (filter, strides, pad, dataFormat, dilations) { return conv.depthwiseConv2d(this, filter, strides, pad, dataFormat, dilations); };
p.separableConv2d = function (depthwiseFilter, pointwiseFilter, strides, pad, dilation, dataFormat) { return conv.separableConv2d(this, depthwiseFilter, pointwiseFilter, strides, pad, dilation, dataFormat); };
p.dilation2d = function (filter, strides, pad, dilations) { return conv.dilation2d(this, filter, strides, pad, dilations); };
p.pool = function (windowShape, poolingType, pad, dilations, strides) { return conv.pool(this, windowShape, poolingType, pad, dilations, strides); };
p.localResponseNormalization = function (depthRadius, bias, alpha, beta) { return ext.localResponseNormalization(this, depthRadius, bias, alpha, beta); };
p.spaceToBatchND = function (blockShape, paddings) { return ext.spaceToBatchND(this, blockShape, paddings); };
p.batchToSpaceND = function (blockShape, crops) { return ext.batchToSpaceND(this, blockShape, crops); };
p.unique = function () { return sel.unique(this); };
p.where = function (condition, b) { return ew.where(condition, this, b); };
p.variable = function (trainable, name) { return variable(this, { trainable: trainable ?? true, ...(name === undefined ? {} : { name }) }); };
p.bytes = function () {
  const d = this.dataSync();
  return Promise.resolve(new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)));
};
p.tan = function () { return m.tan(this); };
p.atan = function () { return ew.atan(this); };
p.asin = function () { return m.asin(this); };
p.acos = function () { return m.acos(this); };
p.atan2 = function (b) { return m.atan2(this, b); };
p.erf = function () { return ew.erf(this); };
p.prelu = function (alpha) { return act.prelu(this, alpha); };
p.mirrorPad = function (paddings, mode) { return ext.mirrorPad(this, paddings, mode); };
p.depthToSpace = function (blockSize) { return ext.depthToSpace(this, blockSize); };
p.stridedSlice = function (begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask) { return ext.stridedSlice(this, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask); };
p.unsortedSegmentSum = function (segmentIds, numSegments) { return m.unsortedSegmentSum(this, segmentIds, numSegments); };
p.batchNorm = function (mean, variance, offset, scale, varianceEpsilon) { return m.batchNorm(this, mean, variance, offset, scale, varianceEpsilon); };
p.sinh = function () { return m.sinh(this); };
p.cosh = function () { return m.cosh(this); };
p.asinh = function () { return m.asinh(this); };
p.acosh = function () { return m.acosh(this); };
p.atanh = function () { return m.atanh(this); };
p.logSigmoid = function () { return m.logSigmoid(this); };
p.isFinite = function () { return m.isFinite(this); };
p.isInf = function () { return m.isInf(this); };
p.divNoNan = function (b) { return m.divNoNan(this, b); };
p.euclideanNorm = function (axes, keepDims) { return m.euclideanNorm(this, axes, keepDims); };
p.all = function (axes, keepDims) { return red.all(this, axes, keepDims); };
p.any = function (axes, keepDims) { return red.any(this, axes, keepDims); };
p.logicalXor = function (b) { return m.logicalXor(this, b); };
p.prod = function (axes, keepDims) { return m.prod(this, axes, keepDims); };
p.cumprod = function (axis = 0, exclusive = false, reverse = false) { return m.cumprod(this, axis, { exclusive, reverse }); };
p.oneHot = function (depth, onValue = 1, offValue = 0) { return oneHot(this, depth, onValue, offValue); };
p.zerosLike = function () { return zerosLike(this); };
p.onesLike = function () { return onesLike(this); };
p.stack = function (other, axis = 0) { return lay.stack([this, ...(Array.isArray(other) ? other : [other])], axis); };
p.broadcastTo = function (shape) { return lay.broadcastTo(this, shape); };
p.reshapeAs = function (other) { return lay.reshape(this, other.shape); };
p.as5D = function (a, b, c, d, e) { return lay.reshape(this, [a, b, c, d, e]); };
p.topk = function (k, sorted) { return sel.topk(this, k, sorted); };
p.resizeBilinear = function (size, alignCorners, halfPixelCenters) { return image.resizeBilinear(this, size, alignCorners, halfPixelCenters); };
p.resizeNearestNeighbor = function (size, alignCorners, halfPixelCenters) { return image.resizeNearestNeighbor(this, size, alignCorners, halfPixelCenters); };
p.throwIfDisposed = function () {};
p.matMul = function (b, transposeA = false, transposeB = false) { return matmul(this, b, { transposeA, transposeB }); };
p.argMax = function (axis = 0) { return red.argmax(this, axis); };
p.argMin = function (axis = 0) { return red.argmin(this, axis); };
p.cast = function (dtype) { return m.cast(this, dtype); };
p.asType = function (dtype) { return m.cast(this, dtype); };
p.toFloat = function () { return m.cast(this, 'float32'); };
p.toInt = function () { return m.cast(this, 'int32'); };
p.toBool = function () { return m.cast(this, 'bool'); };
p.clipByValue = function (min, max) { return ew.clip(this, min, max); };
p.reciprocal = function () { return ew.reciprocal(this); };
p.floor = function () { return ew.floor(this); };
p.ceil = function () { return ew.ceil(this); };
p.round = function () { return ew.round(this); };
p.sin = function () { return ew.sin(this); };
p.cos = function () { return ew.cos(this); };
p.rsqrt = function () { return m.rsqrt(this); };
p.log1p = function () { return m.log1p(this); };
p.expm1 = function () { return m.expm1(this); };
p.mod = function (b) { return m.mod(this, b); };
p.floorDiv = function (b) { return m.floorDiv(this, b); };
p.squaredDifference = function (b) { return m.squaredDifference(this, b); };
p.isNaN = function () { return m.isNaN(this); };
p.logicalNot = function () { return m.logicalNot(this); };
p.logicalAnd = function (b) { return m.logicalAnd(this, b); };
p.logicalOr = function (b) { return m.logicalOr(this, b); };
p.relu6 = function () { return act.relu6(this); };
p.selu = function () { return act.selu(this); };
p.cumsum = function (axis = 0, exclusive = false, reverse = false) { return m.cumsum(this, axis, { exclusive, reverse }); };
p.norm = function (ord, axes, keepDims) { return m.norm(this, ord, axes, keepDims); };
p.dot = function (b) { return m.dot(this, b); };
p.tile = function (reps) { return sel.tile(this, reps); };
p.reverse = function (axes) { return sel.reverse(this, axes); };
p.split = function (numOrSizes, axis) { return sel.split(this, numOrSizes, axis); };
p.unstack = function (axis) { return lay.unstack(this, axis); };
p.concat = function (other, axis = 0) { return lay.concat([this, ...(Array.isArray(other) ? other : [other])], axis); };
p.as1D = function () { return lay.reshape(this, [this.size]); };
p.as2D = function (rows, columns) { return lay.reshape(this, [rows, columns]); };
p.as3D = function (a, b, c) { return lay.reshape(this, [a, b, c]); };
p.as4D = function (a, b, c, d) { return lay.reshape(this, [a, b, c, d]); };
p.asScalar = function () {
  if (this.size !== 1) throw new Error(`asScalar: expected one element, got shape ${fmt(this.shape)}`);
  return lay.reshape(this, []);
};
p.array = function () { return Promise.resolve(this.arraySync()); };
p.bufferSync = function () { return new TensorBuffer(this.shape, this.dtypeTag ?? 'float32', this.dataSync()); };
p.buffer = function () { return Promise.resolve(this.bufferSync()); };
p.print = function (verbose = false) {
  const body = JSON.stringify(this.arraySync());
  console.log(verbose ? `Tensor\n  shape: ${fmt(this.shape)}\n  dtype: float32\n  values:\n    ${body}` : `Tensor\n    ${body}`);
};
/** `op(a, b)` once their shapes are the same (tfjs 1's strict ops; tfjs 2 removed them, programs written for 1 still call them). */
const strict = (name: string, op: (a: Tensor, b: Tensor) => Tensor) => function (this: Tensor, b: Tensor): Tensor {
  if (!(b instanceof Tensor) || b.rank !== this.rank || b.shape.some((d, i) => d !== this.shape[i])) {
    throw new Error(`${name}: the two tensors must have the same shape, got ${fmt(this.shape)} and ${b instanceof Tensor ? fmt(b.shape) : typeof b}`);
  }
  return op(this, b);
};
p.pad = function (paddings, constantValue = 0) { return lay.pad(this, paddings, constantValue); };
p.conv2d = function (filter, strides, pad, dataFormat, dilations) {
  return strides === undefined || !(typeof strides === 'number' || Array.isArray(strides)) ? conv.conv2d(this, filter, strides as conv.WindowOptions | undefined) : conv.conv2d(this, filter, strides as conv.Size2, pad ?? 'valid', dataFormat, dilations);
};
p.maxPool = function (filterSize, strides, pad) { return conv.maxPool(this, filterSize, strides, pad); };
p.avgPool = function (filterSize, strides, pad) { return conv.avgPool(this, filterSize, strides, pad); };
p.addStrict = strict('addStrict', ew.add);
p.subStrict = strict('subStrict', ew.sub);
p.mulStrict = strict('mulStrict', ew.mul);
p.divStrict = strict('divStrict', ew.div);
p.read = function () { return this; };
Object.defineProperty(p, 'val', { get(this: Tensor) { return this; }, configurable: true });
Object.defineProperty(p, 'trainable', {
  get(this: Tensor) { return this.requiresGrad; },
  set(this: Tensor, on: boolean) { this.requiresGrad = on; },
  configurable: true,
});
