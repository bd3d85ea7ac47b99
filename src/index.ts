/**
 * neurite: neural networks in TypeScript. The public API; nothing else is exported.
 */
import './autograd/methods.js';
import './ops/methods.js';
import './ops/tfjs-methods.js';
import { modelCheckpoint } from './io/index.js';
import { callbacks as coreCallbacks } from './models/builtin-callbacks.js';

export { Tensor } from './tensor/tensor.js';
export type { Buf, DataArray, DType, NestedArray, TensorOptions } from './tensor/tensor.js';
export { Rng } from './tensor/random.js';
export type { Shape } from './tensor/shape.js';

export type { Backend, Kernels, UnaryOp, BinaryOp, ReduceOp } from './backends/backend.js';
export { jsBackend } from './backends/js/index.js';
export { wasmBackend, wasmSimdSupported, type WasmBackend } from './backends/wasm/index.js';
export { nativeBackend, nativeSupported, type NativeBackend, type NativeIsa } from './backends/native/index.js';

export { createContext, getContext, withContext, noGrad, setSeed, ready } from './context/context.js';
export { tidy, dispose, keep, memory, type TensorContainer, type MemoryInfo } from './context/memory.js';
export {
  setBackend, getBackend, util, env, ENV, nextFrame, test_util, enableProdMode, enableDebugMode, disposeVariables, version, time, upcastType, sumOutType, op, deprecationWarn,
  disableDeprecationWarnings,
} from './compat/tfjs.js';
export { TensorBuffer, buffer } from './tensor/buffer.js';
export type { Context } from './context/context.js';

export { backward, computeGrads } from './autograd/engine.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads, detach, customGrad } from './autograd/grad.js';
export type { ValueAndGrads, CustomGradResult } from './autograd/grad.js';
export { gradCheck, numericalGradient } from './autograd/gradcheck.js';
export type { GradCheckOptions, GradCheckResult, GradCheckInputReport } from './autograd/gradcheck.js';

export {
  tensor, scalar, variable, fill, zeros, ones, zerosLike, onesLike, eye, range,
  randomUniform, randomNormal, randomGamma, truncatedNormal, multinomial, oneHot, tensor1d, tensor2d, tensor3d, tensor4d, tensor5d, tensor6d, linspace,
} from './ops/creation.js';
export type { TensorInput, RandomOptions, TfjsDType } from './ops/creation.js';
export type { TensorLike } from './ops/primitive.js';
export {
  add, sub, mul, div, pow, maximum, minimum, neg, exp, log, sqrt, square, sign, reciprocal, clip,
  greater, greaterEqual, less, lessEqual, equal, notEqual, where,
  sigmoid, tanh, softplus, erf, step, floor, ceil, round, sin, cos, atan,
} from './ops/elementwise.js';
export {
  rsqrt, log1p, expm1, squaredDifference, floorDiv, mod, isNaN, logicalNot, logicalAnd, logicalOr, logicalXor, cumsum, moments, norm, l2Normalize,
  dot, outerProduct, cast, type CumsumOptions, tan, sinh, cosh, asinh, acosh, atanh, logSigmoid, divNoNan, isFinite, isInf, euclideanNorm, prod, cumprod,
  batchNorm, diag, meshgrid, unsortedSegmentSum, gatherND, asin, acos, atan2,
} from './ops/math.js';
export { topk, split, tile, reverse, whereAsync, booleanMaskAsync, unique } from './ops/select.js';
export {
  dropout, linalg, mirrorPad, depthToSpace, stridedSlice, movingAverage, setdiff1dAsync, inTopKAsync, rand, addN, ensureShape, scatterND, tensorScatterUpdate, searchSorted,
  lowerBound, upperBound, bincount, denseBincount, math, sparseToDense, bitwiseAnd, broadcastArgs, cosineWindowOf as cosineWindow, localResponseNormalization, spaceToBatchND, batchToSpaceND, einsum,
} from './ops/extended.js';
export { image } from './ops/image.js';
export { abs, complex, real, imag, spectral, signal, fft, ifft, rfft, irfft, enclosingPowerOfTwo } from './ops/spectral.js';
export { ComplexTensor } from './tensor/complex.js';
export {
  matMul, argMax, argMin, clipByValue, print, slice1d, slice2d, slice3d, slice4d, reverse1d, reverse2d, reverse3d, reverse4d, pad1d, pad2d, pad3d, pad4d,
  concat1d, concat2d, concat3d, concat4d, randomStandardNormal, randomUniformInt, clone, batchNorm2d, batchNorm3d, batchNorm4d,
} from './ops/tfjs-functions.js';
export { relu, relu6, leakyRelu, prelu, elu, selu, softsign, gelu, swish, softmax, logSoftmax } from './ops/activations.js';
export { matmul } from './ops/matmul.js';
export type { MatmulOptions } from './ops/matmul.js';
export { reshape, transpose, slice, pad, gather, concat, stack, unstack, expandDims, squeeze, broadcastTo, flatten } from './ops/layout.js';
export { sum, mean, max, min, argmax, argmin, logSumExp, all, any } from './ops/reduce.js';
export type { Axes } from './ops/reduce.js';
export { conv1d, conv2d, conv2dTranspose, depthwiseConv2d, separableConv2d, maxPool1d, maxPool2d, maxPool, avgPool1d, avgPool2d, avgPool, im2col, col2im, window2d, dilation2d, pool, maxPoolWithArgmax } from './ops/conv.js';
export { conv3d, conv3dTranspose, maxPool3d, avgPool3d } from './ops/conv3d.js';
export type { Padding, Size2, WindowOptions, PoolOptions, Window1dOptions, Pool1dOptions } from './ops/conv.js';

// ---- Keras-style models (layers, losses, optimizers, metrics, training) -------------------
export { layers } from './nn/index.js';
export { Layer, type LayerArgs, type CallOptions, type SymbolicShape, type LayerWeight } from './nn/layer.js';
export { Dense, type DenseConfig } from './nn/dense.js';
export { BatchNormalization, type BatchNormalizationConfig } from './nn/batchnorm.js';
export { Maxout, type MaxoutConfig } from './nn/maxout.js';
export {
  Activation, type ActivationConfig, Dropout, type DropoutConfig, Flatten, LeakyReLU, type LeakyReLUConfig, InputLayer, type InputConfig,
  Rescaling, type RescalingConfig, ELU, type ELUConfig, ReLU, type ReLUConfig, Softmax, type SoftmaxConfig, ThresholdedReLU, type ThresholdedReLUConfig, Masking, type MaskingConfig,
} from './nn/simple.js';
export { GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D, type GaussianNoiseConfig, type RateConfig, type AlphaDropoutConfig } from './nn/noise.js';
export { LayerNormalization, PReLU, type LayerNormalizationConfig, type PReLUConfig } from './nn/normalization.js';
export { Embedding, type EmbeddingConfig } from './nn/embedding.js';
export { Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot, type ConcatenateConfig, type DotConfig } from './nn/merge.js';
export { SymbolicTensor, Node } from './nn/symbolic.js';
export { SimpleRNN, LSTM, GRU, type RecurrentConfig } from './nn/recurrent.js';
export { basicLSTMCell, multiRNNCell, type LSTMCellFunc } from './ops/recurrent.js';
export { ConvLSTM2D, type ConvLSTM2DConfig } from './nn/convlstm.js';
export {
  CategoryEncoding, type CategoryEncodingConfig, type CategoryEncodingCallOptions, type CategoryOutputMode, CenterCrop, type CenterCropConfig, type Interpolation, RandomWidth, type RandomWidthConfig, Resizing, type ResizingConfig,
} from './nn/preprocessing.js';
export { TimeDistributed, Bidirectional, type WrapperConfig, type BidirectionalConfig, type MergeMode } from './nn/wrappers.js';
export { Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D, Conv3D, Conv3DTranspose, type ConvConfig, type DataFormat } from './nn/conv.js';
export {
  MaxPooling1D, MaxPooling2D, MaxPooling3D, AveragePooling1D, AveragePooling2D, AveragePooling3D, GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
  type PoolingConfig, type GlobalPoolingConfig,
} from './nn/pooling.js';
export {
  ZeroPadding2D, Cropping2D, UpSampling2D, Reshape, Permute, RepeatVector,
  type ZeroPadding2DConfig, type Cropping2DConfig, type UpSampling2DConfig, type ReshapeConfig, type PermuteConfig, type RepeatVectorConfig, type Sides2,
} from './nn/reshaping.js';
export { ACTIVATIONS, getActivation, hardSigmoid, type ActivationFn, type ActivationIdentifier, type ActivationName } from './nn/activations.js';
export { initializers } from './nn/initializers-namespace.js';
export { serialization, CustomLayer } from './nn/custom.js';
export type { Initializer, InitializerIdentifier, InitializerName } from './nn/initializers.js';
export * as regularizers from './nn/regularizers.js';
export { constraints, type Constraint, type ConstraintIdentifier, type ConstraintName } from './nn/constraints.js';
export type { Regularizer, RegularizerIdentifier, RegularizerName } from './nn/regularizers.js';
export { losses, getLoss, lossNames, type LossSpec, type LossIdentifier, type LossName, type LossFunction, type LossOptions } from './losses/index.js';
export {
  train, getOptimizer, optimizerNames, Optimizer, SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax,
  exponentialDecay, piecewiseConstantDecay, cosineDecay,
  type OptimizerIdentifier, type OptimizerName, type OptimizerOptions, type SGDOptions, type AdamOptions, type AdamWOptions, type RMSpropOptions,
  type AdagradOptions, type AdadeltaOptions, type AdamaxOptions, type LearningRateSchedule,
} from './optim/index.js';
export * as metrics from './metrics/functions.js';
export { Reduction } from './losses/tfjs-losses.js';
export type { Metric, MetricIdentifier, MetricName, MetricFunction } from './metrics/index.js';
export { Sequential, sequential, type CompileArgs } from './models/sequential.js';
export { Model, Model as LayersModel, type TrainStepResult, type ModelData, type Evaluated } from './models/model.js';
export { Functional, model, input, type FunctionalArgs } from './models/functional.js';
export type { FitArgs } from './models/fit.js';
export type { FitDatasetArgs } from './models/fit-dataset.js';
export { Callback, CustomCallback, History, type CallbackHooks } from './models/callbacks.js';
export {
  EarlyStopping, ReduceLROnPlateau, TerminateOnNaN, LearningRateScheduler, CSVLogger,
  type EarlyStoppingOptions, type ReduceLROnPlateauOptions,
} from './models/builtin-callbacks.js';
export type { Logs } from './models/types.js';
export type { OutputStream } from './models/progress.js';
export { Perceptron, perceptron, type PerceptronOptions, type PerceptronResult } from './models/perceptron.js';

// ---- data --------------------------------------------------------------------------------
export {
  datasets, data, Dataset, CSVDataset, type LazyIterator, type CsvConfig, type CsvColumnConfig, parseIdx, encodeIdx, loadCsv, parseCsv, encodeCsv, inferSchema, detectDelimiter, readCsvTable, Scaler, standardScaler, minMaxScaler,
  trainTestSplit, batches,
  type IdxData, type MnistSplit, type MnistOptions, type Dataset2D, type SyntheticOptions, type CsvDataset, type CsvOptions,
  type CsvSchema, type ColumnSpec, type TargetSpec, type ScalerJSON, type SplitOptions,
} from './data/index.js';

// ---- saving and loading --------------------------------------------------------------------
export {
  saveModel, loadLayersModel, modelFromJSON, models, saveWeights, loadWeights, ModelCheckpoint, modelCheckpoint, encodeSafetensors, decodeSafetensors,
  modelToArtifacts, modelFromArtifacts, io, type IOHandler, type ModelArtifacts, type SaveResult, type ModelCheckpointOptions, type SaveOptions, type LoadOptions, type SafeTensor,
} from './io/index.js';
/** tfjs-style callback factories: `callbacks.earlyStopping({...})`, `callbacks.modelCheckpoint(path)`… */
export const callbacks = { ...coreCallbacks, modelCheckpoint };

// ---- plots -------------------------------------------------------------------------------
export { plotHistory, plotDecisionBoundary, plotNetwork, historySvg, decisionBoundarySvg, networkSvg } from './viz/plots.js';
export { niceTicks } from './viz/svg.js';
