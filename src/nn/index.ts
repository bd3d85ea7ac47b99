/**
 * `layers.*` factories, named as in TensorFlow.js (`layers.dense({units: 30})`).
 */
import { BatchNormalization, type BatchNormalizationConfig } from './batchnorm.js';
import { Dense, type DenseConfig } from './dense.js';
import { Maxout, type MaxoutConfig } from './maxout.js';
import {
  Activation, type ActivationConfig, Dropout, type DropoutConfig, Flatten, InputLayer, type InputConfig, input, LeakyReLU, type LeakyReLUConfig, Rescaling, type RescalingConfig,
  ELU, type ELUConfig, ReLU, type ReLUConfig, Softmax, type SoftmaxConfig, ThresholdedReLU, type ThresholdedReLUConfig, Masking, type MaskingConfig,
} from './simple.js';
import type { Layer, LayerArgs } from './layer.js';
import { CustomLayer } from './custom.js';
import { Bidirectional, type BidirectionalConfig, TimeDistributed, type WrapperConfig } from './wrappers.js';
import { Add, Average, Concatenate, type ConcatenateConfig, Dot, type DotConfig, Maximum, Minimum, Multiply, Subtract } from './merge.js';
import type { SymbolicTensor } from './symbolic.js';
import type { Tensor } from '../tensor/tensor.js';
import { Embedding, type EmbeddingConfig } from './embedding.js';
import { AlphaDropout, type AlphaDropoutConfig, GaussianDropout, GaussianNoise, type GaussianNoiseConfig, type RateConfig, SpatialDropout1D } from './noise.js';
import { LayerNormalization, type LayerNormalizationConfig, PReLU, type PReLUConfig } from './normalization.js';
import { GRU, LSTM, type RecurrentConfig, SimpleRNN } from './recurrent.js';
import { type CellConfig, type ConvCellConfig, RNNCell, type RNNConfig, StackedRNNCells, rnn } from './rnn.js';
import { ConvLSTM2D, type ConvLSTM2DConfig } from './convlstm.js';
import { CategoryEncoding, type CategoryEncodingConfig, CenterCrop, type CenterCropConfig, RandomWidth, type RandomWidthConfig, Resizing, type ResizingConfig } from './preprocessing.js';
import { Conv1D, Conv2D, Conv2DTranspose, Conv3D, Conv3DTranspose, type ConvConfig, DepthwiseConv2D, SeparableConv2D } from './conv.js';
import {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, type GlobalPoolingConfig,
  AveragePooling3D, MaxPooling1D, MaxPooling2D, MaxPooling3D, type PoolingConfig,
} from './pooling.js';
import {
  Cropping2D, type Cropping2DConfig, Permute, type PermuteConfig, RepeatVector, type RepeatVectorConfig, Reshape, type ReshapeConfig,
  UpSampling2D, type UpSampling2DConfig, ZeroPadding2D, type ZeroPadding2DConfig,
} from './reshaping.js';

/**
 * A merge layer's factory: given a config (or nothing), the layer; given the inputs (symbolic or
 * real tensors), the layer applied to them at once (tfjs accepts both).
 */
function mergeFactory<C extends LayerArgs, L extends Layer<C>>(make: (config: C) => L, empty: C) {
  function f(inputs: SymbolicTensor[]): SymbolicTensor;
  function f(inputs: Tensor[]): Tensor;
  function f(config?: C): L;
  function f(arg?: C | SymbolicTensor[] | Tensor[]): L | SymbolicTensor | Tensor {
    if (Array.isArray(arg)) return make(empty).apply(arg as SymbolicTensor[]) as SymbolicTensor;
    return make(arg ?? empty);
  }
  return f;
}

/** The library's layer classes: their code is known to compute through ops only. */
export const BUILTIN_LAYERS: ReadonlySet<unknown> = new Set([
  Dense, Activation, Dropout, BatchNormalization, Flatten, LeakyReLU, ELU, ReLU, Softmax, Rescaling, Maxout, InputLayer,
  Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D, Conv3D, Conv3DTranspose,
  MaxPooling1D, MaxPooling2D, MaxPooling3D, AveragePooling1D, AveragePooling2D, AveragePooling3D, GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
  ZeroPadding2D, Cropping2D, UpSampling2D, Reshape, Permute, RepeatVector, Embedding, SimpleRNN, LSTM, GRU, ConvLSTM2D,
  Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot, TimeDistributed, Bidirectional,
  ThresholdedReLU, Masking, PReLU, LayerNormalization, GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D,
  Resizing, CenterCrop, CategoryEncoding, RandomWidth,
]);

const maxPooling1d = (config: PoolingConfig = {}): MaxPooling1D => new MaxPooling1D(config);
const maxPooling2d = (config: PoolingConfig = {}): MaxPooling2D => new MaxPooling2D(config);
const averagePooling1d = (config: PoolingConfig = {}): AveragePooling1D => new AveragePooling1D(config);
const averagePooling2d = (config: PoolingConfig = {}): AveragePooling2D => new AveragePooling2D(config);
const averagePooling3d = (config: PoolingConfig = {}): AveragePooling3D => new AveragePooling3D(config);
const globalMaxPooling1d = (config: GlobalPoolingConfig = {}): GlobalMaxPooling1D => new GlobalMaxPooling1D(config);
const globalMaxPooling2d = (config: GlobalPoolingConfig = {}): GlobalMaxPooling2D => new GlobalMaxPooling2D(config);

export const layers = {
  dense: (config: DenseConfig): Dense => new Dense(config),
  activation: (config: ActivationConfig): Activation => new Activation(config),
  dropout: (config: DropoutConfig): Dropout => new Dropout(config),
  batchNormalization: (config: BatchNormalizationConfig = {}): BatchNormalization => new BatchNormalization(config),
  flatten: (config: LayerArgs = {}): Flatten => new Flatten(config),
  leakyReLU: (config: LeakyReLUConfig = {}): LeakyReLU => new LeakyReLU(config),
  elu: (config: ELUConfig = {}): ELU => new ELU(config),
  reLU: (config: ReLUConfig = {}): ReLU => new ReLU(config),
  thresholdedReLU: (config: ThresholdedReLUConfig = {}): ThresholdedReLU => new ThresholdedReLU(config),
  prelu: (config: PReLUConfig = {}): PReLU => new PReLU(config),
  layerNormalization: (config: LayerNormalizationConfig = {}): LayerNormalization => new LayerNormalization(config),
  gaussianNoise: (config: GaussianNoiseConfig): GaussianNoise => new GaussianNoise(config),
  gaussianDropout: (config: RateConfig): GaussianDropout => new GaussianDropout(config),
  alphaDropout: (config: AlphaDropoutConfig): AlphaDropout => new AlphaDropout(config),
  spatialDropout1d: (config: RateConfig): SpatialDropout1D => new SpatialDropout1D(config),
  masking: (config: MaskingConfig = {}): Masking => new Masking(config),
  softmax: (config: SoftmaxConfig = {}): Softmax => new Softmax(config),
  rescaling: (config: RescalingConfig): Rescaling => new Rescaling(config),
  resizing: (config: ResizingConfig): Resizing => new Resizing(config),
  centerCrop: (config: CenterCropConfig): CenterCrop => new CenterCrop(config),
  categoryEncoding: (config: CategoryEncodingConfig): CategoryEncoding => new CategoryEncoding(config),
  randomWidth: (config: RandomWidthConfig): RandomWidth => new RandomWidth(config),
  maxout: (config: MaxoutConfig): Maxout => new Maxout(config),
  /** A symbolic input (tfjs's `tf.layers.input` is `tf.input`); `inputLayer` makes the layer itself. */
  input,
  inputLayer: (config: InputConfig): InputLayer => new InputLayer(config),
  conv1d: (config: ConvConfig): Conv1D => new Conv1D(config),
  conv2d: (config: ConvConfig): Conv2D => new Conv2D(config),
  conv2dTranspose: (config: ConvConfig): Conv2DTranspose => new Conv2DTranspose(config),
  depthwiseConv2d: (config: ConvConfig): DepthwiseConv2D => new DepthwiseConv2D(config),
  separableConv2d: (config: ConvConfig): SeparableConv2D => new SeparableConv2D(config),
  conv3d: (config: ConvConfig): Conv3D => new Conv3D(config),
  conv3dTranspose: (config: ConvConfig): Conv3DTranspose => new Conv3DTranspose(config),
  maxPooling1d, maxPool1d: maxPooling1d,
  maxPooling2d, maxPool2d: maxPooling2d,
  averagePooling1d, avgPool1d: averagePooling1d, avgPooling1d: averagePooling1d,
  averagePooling2d, avgPool2d: averagePooling2d, avgPooling2d: averagePooling2d,
  maxPooling3d: (config: PoolingConfig = {}): MaxPooling3D => new MaxPooling3D(config),
  averagePooling3d, avgPool3d: averagePooling3d, avgPooling3d: averagePooling3d,
  globalMaxPooling1d, globalMaxPool1d: globalMaxPooling1d,
  globalMaxPooling2d, globalMaxPool2d: globalMaxPooling2d,
  globalAveragePooling1d: (config: GlobalPoolingConfig = {}): GlobalAveragePooling1D => new GlobalAveragePooling1D(config),
  globalAveragePooling2d: (config: GlobalPoolingConfig = {}): GlobalAveragePooling2D => new GlobalAveragePooling2D(config),
  zeroPadding2d: (config: ZeroPadding2DConfig = {}): ZeroPadding2D => new ZeroPadding2D(config),
  cropping2D: (config: Cropping2DConfig): Cropping2D => new Cropping2D(config),
  upSampling2d: (config: UpSampling2DConfig = {}): UpSampling2D => new UpSampling2D(config),
  reshape: (config: ReshapeConfig): Reshape => new Reshape(config),
  permute: (config: PermuteConfig): Permute => new Permute(config),
  repeatVector: (config: RepeatVectorConfig): RepeatVector => new RepeatVector(config),
  embedding: (config: EmbeddingConfig): Embedding => new Embedding(config),
  simpleRNN: <const C extends RecurrentConfig>(config: C): SimpleRNN<C> => new SimpleRNN(config),
  lstm: <const C extends RecurrentConfig>(config: C): LSTM<C> => new LSTM(config),
  gru: <const C extends RecurrentConfig>(config: C): GRU<C> => new GRU(config),
  /** tfjs's generic recurrent layer over a cell or stacked cells (see nn/rnn.ts). */
  rnn: (config: RNNConfig): Layer => rnn(config),
  simpleRNNCell: (config: CellConfig): RNNCell => new RNNCell('SimpleRNNCell', config),
  lstmCell: (config: CellConfig): RNNCell => new RNNCell('LSTMCell', config),
  gruCell: (config: CellConfig): RNNCell => new RNNCell('GRUCell', config),
  convLstm2d: (config: ConvLSTM2DConfig): ConvLSTM2D => new ConvLSTM2D(config),
  convLstm2dCell: (config: ConvCellConfig): RNNCell => new RNNCell('ConvLSTM2DCell', config),
  stackedRNNCells: (config: { cells: RNNCell[] }): StackedRNNCells => new StackedRNNCells(config?.cells),
  add: mergeFactory((c: LayerArgs) => new Add(c), {}),
  subtract: mergeFactory((c: LayerArgs) => new Subtract(c), {}),
  multiply: mergeFactory((c: LayerArgs) => new Multiply(c), {}),
  average: mergeFactory((c: LayerArgs) => new Average(c), {}),
  maximum: mergeFactory((c: LayerArgs) => new Maximum(c), {}),
  minimum: mergeFactory((c: LayerArgs) => new Minimum(c), {}),
  concatenate: mergeFactory((c: ConcatenateConfig) => new Concatenate(c), {}),
  dot: (config: DotConfig): Dot => new Dot(config),
  timeDistributed: (config: WrapperConfig): TimeDistributed => new TimeDistributed(config),
  bidirectional: (config: BidirectionalConfig): Bidirectional => new Bidirectional(config),
  /** The base class of custom layers (`class MyLayer extends layers.Layer`), as tfjs's `tf.layers.Layer`. */
  Layer: CustomLayer,
};
