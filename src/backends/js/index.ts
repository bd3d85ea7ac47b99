/**
 * The TypeScript reference backend: plain loops over typed arrays, float32 or float64.
 * Every other backend is tested against it.
 */
import type { Backend, Kernels } from '../backend.js';
import { binaryKernels, unaryKernels, where } from './elementwise.js';
import { concat, copy, gather, oneHot, pad, scatterAdd, slice, transpose } from './layout.js';
import { fillRandom } from './random.js';
import { col2im, conv, convGradFilter, convGradInput, depthwiseConv, depthwiseConvGradFilter, depthwiseConvGradInput, im2col, maxPool, maxPoolGrad } from './window.js';
import { gemm, matmul } from './matmul.js';
import { argmax, argmin, max, min, sum } from './reduce.js';
import { gruCell, gruCellGrad, gruGates, gruGatesGrad, gruOutput, gruOutputGrad, lstmCell, lstmCellGrad } from './recurrent.js';
import { actGrad, adadeltaUpdate, adagradUpdate, adamaxUpdate, adamUpdate, biasAct, biasGrad, rmspropUpdate, scaleUpdate, sgdUpdate, softmaxCrossEntropy } from './train.js';

const kernels: Kernels = {
  ...unaryKernels,
  ...binaryKernels,
  sum, max, min,
  where, matmul, transpose,
  gemm: (a, b, out, m, n, k, transA, transB) => gemm(a, 0, b, 0, out, 0, m, k, n, transA, transB), argmax, argmin, slice, pad, gather, scatterAdd, concat, copy, fillRandom, oneHot, im2col, col2im, conv, convGradFilter, convGradInput, maxPool, maxPoolGrad, depthwiseConv, depthwiseConvGradInput, depthwiseConvGradFilter,
  biasAct, actGrad, biasGrad, sgdUpdate, adamUpdate, rmspropUpdate, adagradUpdate, adadeltaUpdate, adamaxUpdate, scaleUpdate, softmaxCrossEntropy, lstmCell, lstmCellGrad, gruCell, gruCellGrad, gruGates, gruGatesGrad, gruOutput, gruOutputGrad,
};

/** Creates the reference backend. */
export function jsBackend(): Backend {
  return {
    name: 'js',
    alloc: (n, dtype) => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n)),
    kernels,
  };
}
