/**
 * Layers ⇄ Keras/TensorFlow.js topology JSON (`{class_name, config}` with snake_case keys).
 * Reading is strict: unknown layer classes, initializers and activations are errors naming
 * what is supported, and keys that could reach an object's prototype are refused.
 */
import { getContext } from '../context/context.js';
import { type ActivationName, activationName, getActivation } from '../nn/activations.js';
import { BatchNormalization } from '../nn/batchnorm.js';
import { Dense } from '../nn/dense.js';
import type { Initializer, InitializerIdentifier, InitializerName } from '../nn/initializers.js';
import * as init from '../nn/initializers.js';
import { type Layer, type SymbolicShape, kerasKeys } from '../nn/layer.js';
import { registeredClass, registeredName } from '../nn/custom.js';
import { Bidirectional, TimeDistributed } from '../nn/wrappers.js';
import { Maxout } from '../nn/maxout.js';
import { getRegularizer, l1l2, type Regularizer, type RegularizerIdentifier } from '../nn/regularizers.js';
import { type Constraint, type ConstraintIdentifier, constraintFromConfig, constraintJson, getConstraint } from '../nn/constraints.js';
import { Activation, Dropout, ELU, Flatten, LeakyReLU, Masking, ReLU, Rescaling, Softmax, ThresholdedReLU } from '../nn/simple.js';
import { AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D } from '../nn/noise.js';
import { LayerNormalization, PReLU } from '../nn/normalization.js';
import { Conv1D, Conv2D, Conv2DTranspose, Conv3D, Conv3DTranspose, DepthwiseConv2D, SeparableConv2D } from '../nn/conv.js';
import {
  AveragePooling1D, AveragePooling2D, AveragePooling3D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D, MaxPooling3D,
} from '../nn/pooling.js';
import { Embedding } from '../nn/embedding.js';
import { GRU, LSTM, SimpleRNN } from '../nn/recurrent.js';
import { ConvLSTM2D } from '../nn/convlstm.js';
import { CategoryEncoding, CenterCrop, RandomWidth, Resizing } from '../nn/preprocessing.js';
import { type CellConfig, RNNCell, StackedRNN, rnn } from '../nn/rnn.js';
import { optional } from '../tensor/options.js';
import { Cropping2D, Permute, RepeatVector, Reshape, UpSampling2D, ZeroPadding2D } from '../nn/reshaping.js';
import { Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract } from '../nn/merge.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** How deep a model file may nest (a real one nests a few dozen levels; a hostile one, thousands). */
const MAX_DEPTH = 256;

/**
 * Refuses `__proto__`, `constructor` and `prototype` keys anywhere in parsed JSON, and nesting
 * deeper than MAX_DEPTH (walked without recursion, so a hostile file cannot overflow the stack).
 */
export function checkKeys(value: Json, where: string, file: string): void {
  const stack: Array<[Json, string, number]> = [[value, where, 0]];
  while (stack.length > 0) {
    const [v, at, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_DEPTH) throw new Error(`${file}: nested more than ${MAX_DEPTH} levels deep at ${at.slice(0, 80)}…; not a model file`);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i]!, `${at}[${i}]`, depth + 1]);
    } else {
      for (const k of Object.keys(v)) {
        if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new Error(`${file}: forbidden key '${k}' at ${at}`);
        stack.push([v[k]!, `${at}.${k}`, depth + 1]);
      }
    }
  }
}

// ---- writing --------------------------------------------------------------------------------

const KERAS_ACTIVATION: Record<string, string> = { hardSigmoid: 'hard_sigmoid', leakyRelu: 'leaky_relu' };

function activationJson(id: Parameters<typeof activationName>[0]): string {
  const name = activationName(id);
  if (name === 'custom') throw new Error('save: a layer uses a custom activation function, which cannot be serialized; use a registered name');
  return KERAS_ACTIVATION[name] ?? name;
}

const INIT_CLASS: Record<string, string> = {
  glorotUniform: 'GlorotUniform', glorotNormal: 'GlorotNormal', heNormal: 'HeNormal', heUniform: 'HeUniform',
  lecunNormal: 'LecunNormal', lecunUniform: 'LecunUniform', randomNormal: 'RandomNormal', randomUniform: 'RandomUniform',
  truncatedNormal: 'TruncatedNormal', zeros: 'Zeros', ones: 'Ones', constant: 'Constant', orthogonal: 'Orthogonal', identity: 'Identity',
  varianceScaling: 'VarianceScaling',
};

function initializerJson(id: InitializerIdentifier | undefined, fallback: string): JsonObject {
  const i: Initializer = init.getInitializer(id ?? fallback);
  return { class_name: INIT_CLASS[i.name] ?? 'VarianceScaling', config: { ...i.config, ...(i.name.startsWith('glorot') || i.name.startsWith('he') || i.name.startsWith('lecun') ? { seed: null } : {}) } };
}

/**
 * A config key this version does not know (a flipped bit, or a newer file's option): an error
 * naming it and the known ones, or, loaded with `{unknownKeys: 'warn'}`, a warning and the key
 * ignored.
 */
function unknownKey(where: string, key: string, known: string): void {
  if (getContext().unknownKeys === 'warn') {
    console.warn(`${where}: unknown config key '${key}' ignored (loaded with unknownKeys: 'warn'); ${known}`);
    return;
  }
  throw new Error(`${where}: unknown config key '${key}'; ${known}`);
}

function constraintFieldJson(id: ConstraintIdentifier | null | undefined): Json {
  const c = getConstraint(id);
  return c === undefined ? null : constraintJson(c);
}

function regularizerJson(id: RegularizerIdentifier | undefined): Json {
  const r = getRegularizer(id);
  return r === undefined ? null : { class_name: 'L1L2', config: { l1: r.config.l1, l2: r.config.l2 } };
}

function shapeJson(s: SymbolicShape | null): JsonObject {
  return s === null ? {} : { batch_input_shape: [...s] };
}

/** One layer as `{class_name, config}`. `first` carries the model's input shape. */
export function layerToJson(layer: Layer, inputShape: SymbolicShape | null): JsonObject {
  const base = { name: layer.name ?? null, trainable: layer.trainable, ...shapeJson(inputShape), dtype: 'float32' };
  if (layer instanceof Dense) {
    const c = layer.config;
    return { class_name: 'Dense', config: {
      units: c.units, activation: activationJson(c.activation), use_bias: c.useBias ?? true,
      kernel_initializer: initializerJson(c.kernelInitializer, 'glorotUniform'), bias_initializer: initializerJson(c.biasInitializer, 'zeros'),
      kernel_regularizer: regularizerJson(c.kernelRegularizer), bias_regularizer: regularizerJson(c.biasRegularizer),
      activity_regularizer: null, kernel_constraint: constraintFieldJson(c.kernelConstraint), bias_constraint: constraintFieldJson(c.biasConstraint), ...base,
    } };
  }
  if (layer instanceof Dropout) return { class_name: 'Dropout', config: { rate: layer.config.rate, noise_shape: null, seed: layer.config.seed ?? null, ...base } };
  if (layer instanceof Activation) return { class_name: 'Activation', config: { activation: activationJson(layer.config.activation), ...base } };
  if (layer instanceof Flatten) return { class_name: 'Flatten', config: { ...base } };
  if (layer instanceof LeakyReLU) return { class_name: 'LeakyReLU', config: { alpha: layer.config.alpha ?? 0.3, ...base } };
  if (layer instanceof Rescaling) return { class_name: 'Rescaling', config: { scale: layer.scale, offset: layer.offset, ...base } };
  if (layer instanceof BatchNormalization) {
    const c = layer.config;
    return { class_name: 'BatchNormalization', config: {
      axis: c.axis ?? -1, momentum: c.momentum ?? 0.99, epsilon: c.epsilon ?? 1e-3, center: c.center ?? true, scale: c.scale ?? true,
      beta_initializer: initializerJson(c.betaInitializer, 'zeros'), gamma_initializer: initializerJson(c.gammaInitializer, 'ones'),
      moving_mean_initializer: initializerJson(c.movingMeanInitializer, 'zeros'), moving_variance_initializer: initializerJson(c.movingVarianceInitializer, 'ones'),
      beta_regularizer: null, gamma_regularizer: null, beta_constraint: constraintFieldJson(c.betaConstraint), gamma_constraint: constraintFieldJson(c.gammaConstraint), ...base,
    } };
  }
  if (layer instanceof Maxout) {
    const c = layer.config;
    return { class_name: 'Maxout', config: { units: c.units, pieces: c.pieces ?? 2, kernel_initializer: initializerJson(c.kernelInitializer, 'glorotUniform'), bias_initializer: initializerJson(c.biasInitializer, 'zeros'), ...base } };
  }
  const table = FIELD_LAYERS[layer.className];
  if (table !== undefined && layer instanceof table.ctor) {
    const config: JsonObject = {};
    for (const [key, kind] of Object.entries(table.fields)) {
      const v = (layer.config as unknown as Record<string, unknown>)[key];
      if (v !== undefined) config[snake(key)] = fieldJson(kind, v);
    }
    return { class_name: layer.className, config: { ...config, ...base } };
  }
  if (layer instanceof TimeDistributed) return { class_name: 'TimeDistributed', config: { layer: layerToJson(layer.config.layer, null), ...base } };
  if (layer instanceof Bidirectional) {
    const inner = layerToJson(layer.forwardLayer, null);
    (inner.config as JsonObject).name = layer.innerName;
    return { class_name: 'Bidirectional', config: { layer: inner, merge_mode: layer.config.mergeMode ?? 'concat', ...base } };
  }
  if (layer instanceof StackedRNN) {
    // As tfjs writes tf.layers.rnn over stacked cells (without its copy of the cells beside `cell`,
    // which tfjs ignores on reading and Keras would refuse).
    const c = layer.config;
    return { class_name: 'RNN', config: {
      cell: { class_name: 'StackedRNNCells', config: { cells: layer.cells.map(cellJson) } },
      return_sequences: c.returnSequences ?? false, return_state: c.returnState ?? false, go_backwards: c.goBackwards ?? false, stateful: c.stateful ?? false, unroll: c.unroll ?? false, ...base,
    } };
  }
  const registered = registeredName(layer);
  if (registered !== undefined) return { class_name: registered, config: { ...customConfigJson(layer), ...base } };
  throw new Error(`save: layer '${layer.name}' of class ${layer.className} cannot be serialized; a custom layer needs serialization.registerClass(${layer.constructor.name}) and a static className`);
}

/** The recurrent layer's options that belong to the rnn around a cell, not to the cell. */
const SEQUENCE_KEYS = ['return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll'];

/** A stacked cell's `{class_name, config}` (LSTMCell, GRUCell, SimpleRNNCell) from the layer that runs it. */
function cellJson(layer: Layer): JsonObject {
  const { class_name, config } = layerToJson(layer, null) as { class_name: string; config: JsonObject };
  const cell: JsonObject = {};
  for (const [k, v] of Object.entries(config)) if (!SEQUENCE_KEYS.includes(k) && k !== 'batch_input_shape') cell[k] = v;
  return { class_name: `${class_name}Cell`, config: cell };
}

/** A registered custom layer's getConfig() with snake_case keys (as tfjs writes them); values must be JSON. */
function customConfigJson(layer: Layer): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(layer.getConfig() as unknown as Record<string, unknown>)) {
    if (v === undefined || k === 'inputShape' || k === 'batchInputShape' || k === 'inputDim' || k === 'batchSize') continue;
    const json = JSON.stringify(v);
    if (json === undefined || typeof v === 'function' || JSON.stringify(JSON.parse(json)) !== json) {
      throw new Error(`save: custom layer '${layer.name}' (${layer.className}): config '${k}' is not plain JSON (getConfig() must return numbers, strings, booleans, lists and objects)`);
    }
    out[snake(k)] = JSON.parse(json) as Json;
  }
  return out;
}

// ---- layers described by a field table --------------------------------------------------------

/**
 * How a config field is written and read: its camelCase key is the snake_case key of the file.
 * 'sizes' is a number or a list of them; 'sides' ZeroPadding2D/Cropping2D's nested pairs;
 * 'format' a data format (channels_last ⇄ channelsLast).
 */
type FieldKind = 'int' | 'num' | 'bool' | 'axis' | 'axes' | 'sizes' | 'sides' | 'padding' | 'format' | 'activation' | 'initializer' | 'regularizer' | 'constraint' | 'interpolation' | 'mode' | 'factor';

type LayerCtor = new (config: never) => Layer;

const CONV_FIELDS: Record<string, FieldKind> = {
  filters: 'int', kernelSize: 'sizes', strides: 'sizes', padding: 'padding', dataFormat: 'format', dilationRate: 'sizes', activation: 'activation', useBias: 'bool',
  kernelInitializer: 'initializer', biasInitializer: 'initializer', kernelRegularizer: 'regularizer', biasRegularizer: 'regularizer',
  kernelConstraint: 'constraint', biasConstraint: 'constraint',
};
const DEPTHWISE_FIELDS: Record<string, FieldKind> = { depthMultiplier: 'int', depthwiseInitializer: 'initializer', depthwiseRegularizer: 'regularizer', depthwiseConstraint: 'constraint' };
const POOL_FIELDS: Record<string, FieldKind> = { poolSize: 'sizes', strides: 'sizes', padding: 'padding', dataFormat: 'format' };
const RNN_FIELDS: Record<string, FieldKind> = {
  units: 'int', activation: 'activation', useBias: 'bool', kernelInitializer: 'initializer', recurrentInitializer: 'initializer', biasInitializer: 'initializer',
  kernelRegularizer: 'regularizer', recurrentRegularizer: 'regularizer', biasRegularizer: 'regularizer', returnSequences: 'bool', goBackwards: 'bool',
  kernelConstraint: 'constraint', recurrentConstraint: 'constraint', biasConstraint: 'constraint',
  dropout: 'num', recurrentDropout: 'num', stateful: 'bool', returnState: 'bool', implementation: 'int', unroll: 'bool',
};
const GLOBAL_FIELDS: Record<string, FieldKind> = { dataFormat: 'format', keepDims: 'bool' };

/** Layers whose files are their config fields, one by one. */
const FIELD_LAYERS: Record<string, { ctor: LayerCtor; fields: Record<string, FieldKind> }> = {
  Conv1D: { ctor: Conv1D, fields: CONV_FIELDS },
  Conv2D: { ctor: Conv2D, fields: CONV_FIELDS },
  Conv2DTranspose: { ctor: Conv2DTranspose, fields: CONV_FIELDS },
  DepthwiseConv2D: { ctor: DepthwiseConv2D, fields: { ...CONV_FIELDS, ...DEPTHWISE_FIELDS } },
  SeparableConv2D: { ctor: SeparableConv2D, fields: { ...CONV_FIELDS, ...DEPTHWISE_FIELDS, pointwiseInitializer: 'initializer', pointwiseRegularizer: 'regularizer', pointwiseConstraint: 'constraint' } },
  MaxPooling1D: { ctor: MaxPooling1D, fields: POOL_FIELDS },
  MaxPooling2D: { ctor: MaxPooling2D, fields: POOL_FIELDS },
  AveragePooling1D: { ctor: AveragePooling1D, fields: POOL_FIELDS },
  AveragePooling2D: { ctor: AveragePooling2D, fields: POOL_FIELDS },
  Conv3D: { ctor: Conv3D, fields: CONV_FIELDS },
  Conv3DTranspose: { ctor: Conv3DTranspose, fields: CONV_FIELDS },
  MaxPooling3D: { ctor: MaxPooling3D, fields: POOL_FIELDS },
  AveragePooling3D: { ctor: AveragePooling3D, fields: POOL_FIELDS },
  GlobalMaxPooling1D: { ctor: GlobalMaxPooling1D, fields: GLOBAL_FIELDS },
  GlobalMaxPooling2D: { ctor: GlobalMaxPooling2D, fields: GLOBAL_FIELDS },
  GlobalAveragePooling1D: { ctor: GlobalAveragePooling1D, fields: GLOBAL_FIELDS },
  GlobalAveragePooling2D: { ctor: GlobalAveragePooling2D, fields: GLOBAL_FIELDS },
  ZeroPadding2D: { ctor: ZeroPadding2D, fields: { padding: 'sides', dataFormat: 'format' } },
  Cropping2D: { ctor: Cropping2D, fields: { cropping: 'sides', dataFormat: 'format' } },
  UpSampling2D: { ctor: UpSampling2D, fields: { size: 'sizes', dataFormat: 'format', interpolation: 'interpolation' } },
  ELU: { ctor: ELU, fields: { alpha: 'num' } },
  ReLU: { ctor: ReLU, fields: { maxValue: 'num' } },
  Softmax: { ctor: Softmax, fields: { axis: 'axis' } },
  ThresholdedReLU: { ctor: ThresholdedReLU, fields: { theta: 'num' } },
  Masking: { ctor: Masking, fields: { maskValue: 'num' } },
  PReLU: { ctor: PReLU, fields: { alphaInitializer: 'initializer', alphaRegularizer: 'regularizer', alphaConstraint: 'constraint', sharedAxes: 'sizes' } },
  LayerNormalization: {
    ctor: LayerNormalization,
    fields: { axis: 'axes', epsilon: 'num', center: 'bool', scale: 'bool', betaInitializer: 'initializer', gammaInitializer: 'initializer', betaRegularizer: 'regularizer', gammaRegularizer: 'regularizer', betaConstraint: 'constraint', gammaConstraint: 'constraint' },
  },
  GaussianNoise: { ctor: GaussianNoise, fields: { stddev: 'num', seed: 'int' } },
  GaussianDropout: { ctor: GaussianDropout, fields: { rate: 'num', seed: 'int' } },
  AlphaDropout: { ctor: AlphaDropout, fields: { rate: 'num', noiseShape: 'sizes', seed: 'int' } },
  SpatialDropout1D: { ctor: SpatialDropout1D, fields: { rate: 'num', seed: 'int' } },
  Reshape: { ctor: Reshape, fields: { targetShape: 'sizes' } },
  Permute: { ctor: Permute, fields: { dims: 'sizes' } },
  RepeatVector: { ctor: RepeatVector, fields: { n: 'int' } },
  Embedding: { ctor: Embedding, fields: { inputDim: 'int', outputDim: 'int', embeddingsInitializer: 'initializer', embeddingsRegularizer: 'regularizer', embeddingsConstraint: 'constraint', inputLength: 'int', maskZero: 'bool' } },
  SimpleRNN: { ctor: SimpleRNN, fields: RNN_FIELDS },
  LSTM: { ctor: LSTM, fields: { ...RNN_FIELDS, recurrentActivation: 'activation', unitForgetBias: 'bool' } },
  GRU: { ctor: GRU, fields: { ...RNN_FIELDS, recurrentActivation: 'activation', resetAfter: 'bool' } },
  ConvLSTM2D: {
    ctor: ConvLSTM2D,
    fields: { ...Object.fromEntries(Object.entries(RNN_FIELDS).filter(([k]) => k !== 'units')), recurrentActivation: 'activation', unitForgetBias: 'bool', filters: 'int', kernelSize: 'sizes', strides: 'sizes', padding: 'padding', dataFormat: 'format', dilationRate: 'sizes' },
  },
  Resizing: { ctor: Resizing, fields: { height: 'int', width: 'int', interpolation: 'interpolation', cropToAspectRatio: 'bool' } },
  CenterCrop: { ctor: CenterCrop, fields: { height: 'int', width: 'int' } },
  CategoryEncoding: { ctor: CategoryEncoding, fields: { numTokens: 'int', outputMode: 'mode' } },
  RandomWidth: { ctor: RandomWidth, fields: { factor: 'factor', interpolation: 'interpolation', seed: 'int' } },
  Add: { ctor: Add, fields: {} },
  Subtract: { ctor: Subtract, fields: {} },
  Multiply: { ctor: Multiply, fields: {} },
  Average: { ctor: Average, fields: {} },
  Maximum: { ctor: Maximum, fields: {} },
  Minimum: { ctor: Minimum, fields: {} },
  Concatenate: { ctor: Concatenate, fields: { axis: 'axis' } },
  Dot: { ctor: Dot, fields: { axes: 'axis', normalize: 'bool' } },
};

/** Keys every layer's config may carry besides its fields (read by the common code). */
const COMMON_KEYS = new Set(['name', 'trainable', 'dtype', 'batch_input_shape', 'batch_shape', 'input_shape', 'input_dim', 'batch_size']);
/** Keys Keras and tfjs write that must stay at their default here: [key, allowed values]. */
const INERT_KEYS: Record<string, readonly Json[]> = {
  activity_regularizer: [null], kernel_constraint: [null], bias_constraint: [null], depthwise_constraint: [null], pointwise_constraint: [null],
  beta_regularizer: [null], gamma_regularizer: [null], beta_constraint: [null], gamma_constraint: [null], noise_shape: [null], sparse: [false], ragged: [false],
  groups: [1], output_padding: [null], negative_slope: [0], threshold: [0], recurrent_constraint: [null], embeddings_constraint: [null], time_major: [false], zero_output_for_mask: [false],
  alpha_constraint: [null], rms_scaling: [false],
};

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace('keep_dims', 'keepdims');

function fieldJson(kind: FieldKind, v: unknown): Json {
  switch (kind) {
    case 'format': return v === 'channelsFirst' ? 'channels_first' : 'channels_last';
    case 'activation': return activationJson(v as Parameters<typeof activationName>[0]);
    case 'initializer': return initializerJson(v as InitializerIdentifier, 'zeros');
    case 'regularizer': return regularizerJson(v as RegularizerIdentifier);
    case 'constraint': return constraintFieldJson(v as ConstraintIdentifier);
    case 'sides': return typeof v === 'number' ? [[v, v], [v, v]] : (v as Json);
    // tfjs reads only its own spellings ('multiHot', not Keras's 'multi_hot').
    case 'mode': return String(v).replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    default: return v as Json;
  }
}


// ---- reading --------------------------------------------------------------------------------

export const SUPPORTED_LAYERS = ['Dense', 'Dropout', 'Activation', 'Flatten', 'LeakyReLU', 'Rescaling', 'BatchNormalization', 'Maxout', 'InputLayer', 'TimeDistributed', 'Bidirectional', 'RNN', ...Object.keys(FIELD_LAYERS)];

class Reader {
  /** The keys read so far: what the layer takes. */
  readonly read = new Set<string>();

  constructor(readonly file: string, readonly where: string, readonly config: JsonObject) {}

  /** Throws at the first key of the config neither read, common nor inert at its default (a flipped bit must not become a silent default). */
  rejectUnread(cls: string): void {
    for (const [key, value] of Object.entries(this.config)) {
      if (this.read.has(key) || COMMON_KEYS.has(key)) continue;
      const inert = INERT_KEYS[key];
      if (inert !== undefined) {
        if (!inert.some((a) => JSON.stringify(a) === JSON.stringify(value))) this.fail(`'${key}' ${JSON.stringify(value)} is not supported (only ${inert.map((a) => JSON.stringify(a)).join(' or ')})`);
        continue;
      }
      unknownKey(`${this.file}: ${this.where}`, key, `${cls} takes ${[...this.read].filter((k) => !COMMON_KEYS.has(k)).join(', ') || 'no options of its own'}`);
    }
  }

  private fail(msg: string): never {
    throw new Error(`${this.file}: ${this.where}: ${msg}`);
  }

  num(key: string, fallback?: number): number {
    this.read.add(key);
    const v = this.config[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) this.fail(`missing '${key}'`);
      return fallback;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`'${key}' must be a number, got ${JSON.stringify(v)}`);
    return v;
  }

  int(key: string, fallback?: number): number {
    const v = this.num(key, fallback);
    if (!Number.isInteger(v) || v < 1 || v > 1e8) this.fail(`'${key}' must be a positive integer, got ${v}`);
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    this.read.add(key);
    const v = this.config[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.fail(`'${key}' must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  str(key: string, fallback?: string): string {
    this.read.add(key);
    const v = this.config[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) this.fail(`missing '${key}'`);
      return fallback;
    }
    if (typeof v !== 'string') this.fail(`'${key}' must be a string, got ${JSON.stringify(v)}`);
    return v;
  }

  /** An activation's name, known to the registry (checked here, so the error names the key). */
  activation(key: string, fallback?: ActivationName): ActivationName {
    const name = this.str(key, fallback);
    try {
      getActivation(name);
    } catch (e) {
      this.fail(`'${key}': ${(e as Error).message}`);
    }
    return name as ActivationName;
  }

  /** An initializer: a name (the layer checks it when it builds) or a {class_name, config}. */
  initializer(key: string, fallback: InitializerName): InitializerIdentifier {
    this.read.add(key);
    const v = this.config[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'string') return v as InitializerName;
    if (typeof v !== 'object' || Array.isArray(v) || typeof v.class_name !== 'string') this.fail(`'${key}' must be {class_name, config}`);
    const cls = v.class_name as string;
    const cfg = (v.config ?? {}) as JsonObject;
    const n = (k: string, d: number): number => (typeof cfg[k] === 'number' ? (cfg[k] as number) : d);
    switch (cls) {
      case 'VarianceScaling': {
        const mode = ({ fan_in: 'fanIn', fan_out: 'fanOut', fan_avg: 'fanAvg' } as const)[String(cfg.mode ?? 'fan_in') as 'fan_in'];
        const dist = String(cfg.distribution ?? 'truncated_normal');
        if (mode === undefined) this.fail(`unknown VarianceScaling mode ${JSON.stringify(cfg.mode)}`);
        return init.varianceScaling({ scale: n('scale', 1), mode, distribution: dist.includes('uniform') ? 'uniform' : 'truncatedNormal' });
      }
      case 'RandomNormal': return init.randomNormalInit({ mean: n('mean', 0), stddev: n('stddev', 0.05) });
      case 'RandomUniform': return init.randomUniformInit({ minval: n('minval', -0.05), maxval: n('maxval', 0.05) });
      case 'TruncatedNormal': return init.truncatedNormalInit({ mean: n('mean', 0), stddev: n('stddev', 0.05) });
      case 'Constant': return init.constant(n('value', 0));
      case 'Orthogonal': return init.orthogonal({ gain: n('gain', 1) });
      case 'Identity': return init.identity({ gain: n('gain', 1) });
      default: {
        const name = Object.keys(INIT_CLASS).find((k) => INIT_CLASS[k] === cls);
        if (name === undefined) this.fail(`unknown initializer class '${cls}'; supported: ${Object.values(INIT_CLASS).join(', ')}`);
        return name as InitializerName;
      }
    }
  }

  regularizer(key: string): Regularizer | undefined {
    this.read.add(key);
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v) || typeof v.config !== 'object' || v.config === null || Array.isArray(v.config)) this.fail(`'${key}' must be {class_name, config}`);
    const c = v.config;
    return l1l2({ l1: typeof c.l1 === 'number' ? c.l1 : 0, l2: typeof c.l2 === 'number' ? c.l2 : 0 });
  }

  /** A constraint from `{class_name, config}` (MaxNorm, MinMaxNorm, NonNeg, UnitNorm); undefined when null. */
  constraint(key: string): Constraint | undefined {
    this.read.add(key);
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v) || typeof v.class_name !== 'string') this.fail(`'${key}' must be {class_name, config}, got ${JSON.stringify(v)}`);
    const cfg = v.config ?? {};
    if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg)) this.fail(`'${key}': config must be an object, got ${JSON.stringify(cfg)}`);
    return constraintFromConfig(v.class_name, cfg as Record<string, unknown>, `${this.file}: ${this.where}: '${key}'`);
  }

  /** A field-table value, checked for its kind; undefined when null (the layer's default). */
  field(key: string, kind: FieldKind): unknown {
    this.read.add(key);
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    const sizes = (x: Json): boolean => typeof x === 'number' ? Number.isInteger(x) && x >= -1 && x <= 1e8 : Array.isArray(x) && x.length <= 8 && x.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= -1 && d <= 1e8);
    switch (kind) {
      case 'int': return this.int(key);
      case 'num': return this.num(key);
      case 'axis': {
        const axis = (x: Json): boolean => typeof x === 'number' && Number.isInteger(x) && Math.abs(x) <= 8;
        if (!(axis(v) || (Array.isArray(v) && v.length === 2 && v.every(axis)))) this.fail(`'${key}' must be an axis or a pair of axes, got ${JSON.stringify(v)}`);
        return v;
      }
      case 'axes': {
        const axis = (x: Json): boolean => typeof x === 'number' && Number.isInteger(x) && Math.abs(x) <= 8;
        if (!(axis(v) || (Array.isArray(v) && v.length >= 1 && v.length <= 8 && v.every(axis)))) this.fail(`'${key}' must be an axis or a list of axes, got ${JSON.stringify(v)}`);
        return v;
      }
      case 'bool': return this.bool(key, false);
      case 'sizes':
        if (!sizes(v)) this.fail(`'${key}' must be a size or a list of sizes, got ${JSON.stringify(v)}`);
        return v;
      case 'sides':
        if (!(sizes(v) || (Array.isArray(v) && v.length === 2 && v.every(sizes)))) this.fail(`'${key}' must be n, [h, w] or [[top, bottom], [left, right]], got ${JSON.stringify(v)}`);
        return v;
      case 'padding': {
        const p = this.str(key);
        if (p !== 'valid' && p !== 'same' && p !== 'causal') this.fail(`'${key}' must be 'valid', 'same' or 'causal', got ${JSON.stringify(p)}`);
        return p;
      }
      case 'format': {
        const f = this.str(key);
        if (f !== 'channels_last' && f !== 'channels_first') this.fail(`'${key}' must be 'channels_last' or 'channels_first', got ${JSON.stringify(f)}`);
        return f === 'channels_first' ? 'channelsFirst' : 'channelsLast';
      }
      case 'interpolation': return this.str(key);
      case 'mode': return this.str(key);
      case 'factor': {
        const num = (x: Json): boolean => typeof x === 'number' && Number.isFinite(x);
        if (!(num(v) || (Array.isArray(v) && v.length === 2 && v.every(num)))) this.fail(`'${key}' must be a number or [lower, upper], got ${JSON.stringify(v)}`);
        return v;
      }
      case 'activation': return this.str(key);
      case 'initializer': return this.initializer(key, 'zeros');
      case 'regularizer': return this.regularizer(key);
      case 'constraint': return this.constraint(key);
    }
  }

  /** The declared input shape; `input_dim` counts except where it means something else (Embedding's vocabulary). */
  shape(inputDim = true): { batchInputShape?: Array<number | null> } {
    const c = this.config;
    const check = (s: Json, key: string): Array<number | null> => {
      if (!Array.isArray(s) || s.length > 8 || s.some((d) => d !== null && (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 1e8))) {
        this.fail(`'${key}' must be a list of sizes (or null), got ${JSON.stringify(s)}`);
      }
      return s as Array<number | null>;
    };
    if (c.batch_input_shape !== undefined && c.batch_input_shape !== null) return { batchInputShape: check(c.batch_input_shape, 'batch_input_shape') };
    if (c.batch_shape !== undefined && c.batch_shape !== null) return { batchInputShape: check(c.batch_shape, 'batch_shape') };
    if (c.input_shape !== undefined && c.input_shape !== null) return { batchInputShape: [null, ...check(c.input_shape, 'input_shape')] };
    if (inputDim && c.input_dim !== undefined && c.input_dim !== null) return { batchInputShape: [null, this.int('input_dim')] };
    return {};
  }
}

/** A layer from `{class_name, config}`; InputLayer yields its shape instead. */
export function layerFromJson(json: Json, file: string, where: string): Layer | { inputShape: Array<number | null> } {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || typeof json.class_name !== 'string') {
    throw new Error(`${file}: ${where}: expected {class_name, config}`);
  }
  const cls = json.class_name;
  const cfg = json.config;
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) throw new Error(`${file}: ${where} (${cls}): 'config' must be an object`);
  const r = new Reader(file, `${where} (${cls})`, cfg);
  const common = { ...(typeof cfg.name === 'string' ? { name: cfg.name } : {}), trainable: r.bool('trainable', true), ...r.shape(cls !== 'Embedding') };
  const made = buildLayer(cls, cfg, r, common, file, where);
  // The classes read key by key below: anything they did not read is an unknown key (the field-table classes check their own).
  if (EXPLICIT_LAYERS.has(cls)) r.rejectUnread(cls);
  return made;
}

/** The recurrent layer that runs each cell class of a file. */
const CELL_LAYERS: Record<string, string> = { LSTMCell: 'LSTM', GRUCell: 'GRU', SimpleRNNCell: 'SimpleRNN' };

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * tfjs's `tf.layers.rnn` over a cell or stacked cells (class RNN, its `cell` an LSTMCell,
 * GRUCell, SimpleRNNCell or StackedRNNCells): the layer `layers.rnn` makes for them, each cell's
 * settings read as its recurrent layer's. tfjs also copies the cell's config (or the stacked
 * cells) beside `cell`: each copied key must agree with the cell, so that a file edited in one
 * place is not read as the other.
 */
function rnnFromJson(cfg: JsonObject, r: Reader, common: Common, file: string, where: string): Layer {
  const at = `${file}: ${where} (RNN)`;
  const cell = cfg.cell;
  if (!isObject(cell) || typeof cell.class_name !== 'string' || !isObject(cell.config)) throw new Error(`${at}: 'cell' must be {class_name, config}, got ${JSON.stringify(cell ?? null)}`);
  const stacked = cell.class_name === 'StackedRNNCells';
  const list = stacked ? cell.config.cells : [cell];
  if (!Array.isArray(list) || list.length === 0) throw new Error(`${at}: StackedRNNCells: 'cells' must be a non-empty list of cells`);
  const options = { returnSequences: r.bool('return_sequences', false), returnState: r.bool('return_state', false), goBackwards: r.bool('go_backwards', false), stateful: r.bool('stateful', false), unroll: r.bool('unroll', false) };
  r.read.add('cell');
  const copies: JsonObject = stacked ? { cells: cell.config.cells ?? null } : cell.config;
  for (const [key, value] of Object.entries(cfg)) {
    if (r.read.has(key) || COMMON_KEYS.has(key)) continue;
    if (key in copies) {
      if (JSON.stringify(copies[key]) !== JSON.stringify(value)) throw new Error(`${at}: '${key}' ${JSON.stringify(value)} differs from the cell's ${JSON.stringify(copies[key])}`);
    } else unknownKey(at, key, `RNN takes cell, ${SEQUENCE_KEYS.join(', ')}`);
  }
  const cells = list.map((c, i) => {
    const label = stacked ? `cell ${i}` : 'cell';
    if (!isObject(c) || typeof c.class_name !== 'string' || !isObject(c.config)) throw new Error(`${at}: ${label} must be {class_name, config}`);
    const layerClass = CELL_LAYERS[c.class_name];
    if (layerClass === undefined) throw new Error(`${at}: ${label}: cell class '${c.class_name}' is not supported (${Object.keys(CELL_LAYERS).join(', ')}, or StackedRNNCells of them)`);
    for (const key of SEQUENCE_KEYS) if (key in c.config) throw new Error(`${at}: ${label} (${c.class_name}): '${key}' belongs to the RNN, not to its cell`);
    const parsed = layerFromJson({ class_name: layerClass, config: c.config }, file, `${where} (RNN) ${label}`) as Layer;
    const { name: _name, trainable: _trainable, batchInputShape: _shape, ...settings } = parsed.config as CellConfig & { name?: string; trainable?: boolean; batchInputShape?: unknown };
    return new RNNCell(c.class_name as ConstructorParameters<typeof RNNCell>[0], settings);
  });
  return rnn({ ...common, ...options, cell: stacked ? cells : cells[0]! });
}

const EXPLICIT_LAYERS = new Set(['Dense', 'Dropout', 'Activation', 'Flatten', 'LeakyReLU', 'Rescaling', 'BatchNormalization', 'Maxout', 'InputLayer']);

type Common = { name?: string; trainable: boolean; batchInputShape?: Array<number | null> };

function buildLayer(cls: string, cfg: JsonObject, r: Reader, common: Common, file: string, where: string): Layer | { inputShape: Array<number | null> } {
  switch (cls) {
    case 'Dense': {
      const reg = { kernelRegularizer: r.regularizer('kernel_regularizer'), biasRegularizer: r.regularizer('bias_regularizer') };
      const cons = { kernelConstraint: r.constraint('kernel_constraint'), biasConstraint: r.constraint('bias_constraint') };
      return new Dense({
        ...common, units: r.int('units'), activation: r.activation('activation', 'linear'), useBias: r.bool('use_bias', true),
        kernelInitializer: r.initializer('kernel_initializer', 'glorotUniform'), biasInitializer: r.initializer('bias_initializer', 'zeros'),
        ...(reg.kernelRegularizer ? { kernelRegularizer: reg.kernelRegularizer } : {}), ...(reg.biasRegularizer ? { biasRegularizer: reg.biasRegularizer } : {}),
        ...optional('kernelConstraint', cons.kernelConstraint), ...optional('biasConstraint', cons.biasConstraint),
      });
    }
    case 'Dropout': {
      const rate = r.num('rate');
      r.read.add('seed');
      const seed = cfg.seed;
      return new Dropout({ ...common, rate, ...(typeof seed === 'number' ? { seed } : {}) });
    }
    case 'Activation': return new Activation({ ...common, activation: r.activation('activation') });
    case 'Flatten': return new Flatten(common);
    case 'LeakyReLU': return new LeakyReLU({ ...common, alpha: r.num('alpha', r.num('negative_slope', 0.3)) });
    case 'Rescaling': return new Rescaling({ ...common, scale: r.num('scale'), offset: r.num('offset', 0) });
    case 'BatchNormalization': {
      r.read.add('axis');
      const axis = Array.isArray(cfg.axis) && cfg.axis.length === 1 ? (cfg.axis[0] as number) : r.num('axis', -1);
      return new BatchNormalization({
        ...common, axis, momentum: r.num('momentum', 0.99), epsilon: r.num('epsilon', 1e-3), center: r.bool('center', true), scale: r.bool('scale', true),
        betaInitializer: r.initializer('beta_initializer', 'zeros'), gammaInitializer: r.initializer('gamma_initializer', 'ones'),
        movingMeanInitializer: r.initializer('moving_mean_initializer', 'zeros'), movingVarianceInitializer: r.initializer('moving_variance_initializer', 'ones'),
        ...optional('betaConstraint', r.constraint('beta_constraint')), ...optional('gammaConstraint', r.constraint('gamma_constraint')),
      });
    }
    case 'Maxout': return new Maxout({ ...common, units: r.int('units'), pieces: r.int('pieces', 2), kernelInitializer: r.initializer('kernel_initializer', 'glorotUniform'), biasInitializer: r.initializer('bias_initializer', 'zeros') });
    case 'TimeDistributed':
    case 'Bidirectional': {
      for (const key of Object.keys(cfg)) {
        if (key !== 'layer' && key !== 'merge_mode' && !COMMON_KEYS.has(key)) unknownKey(`${file}: ${where} (${cls})`, key, `${cls} takes layer${cls === 'Bidirectional' ? ', merge_mode' : ''}`);
      }
      const inner = layerFromJson(cfg.layer ?? null, file, `${where} (${cls}).layer`);
      if ('inputShape' in inner) throw new Error(`${file}: ${where} (${cls}): the wrapped layer cannot be an InputLayer`);
      if (cls === 'TimeDistributed') return new TimeDistributed({ ...common, layer: inner });
      const mode = r.str('merge_mode', 'concat');
      if (mode !== 'concat' && mode !== 'sum' && mode !== 'mul' && mode !== 'ave') throw new Error(`${file}: ${where} (Bidirectional): merge_mode ${JSON.stringify(mode)} is not supported (concat, sum, mul, ave)`);
      return new Bidirectional({ ...common, layer: inner, mergeMode: mode });
    }
    case 'RNN': return rnnFromJson(cfg, r, common, file, where);
    case 'InputLayer': {
      const s = common.batchInputShape;
      if (s === undefined) throw new Error(`${file}: ${where} (InputLayer): missing 'batch_input_shape'`);
      return { inputShape: s };
    }
    default: {
      const table = FIELD_LAYERS[cls];
      const custom = table === undefined ? registeredClass(cls) : undefined;
      if (custom !== undefined) {
        const config: Record<string, unknown> = { ...kerasKeys(cfg as Record<string, unknown>), ...common };
        delete config.dtype;
        return custom.fromConfig !== undefined ? custom.fromConfig(custom, config) : new custom(config as never);
      }
      if (table === undefined) throw new Error(`${file}: ${where}: unknown layer class '${cls}'; supported: ${SUPPORTED_LAYERS.join(', ')} (and classes registered with serialization.registerClass)`);
      const config: Record<string, unknown> = { ...common };
      const keys = new Map(Object.entries(table.fields).map(([k, kind]) => [snake(k), [k, kind] as const]));
      for (const [key, value] of Object.entries(cfg)) {
        const field = keys.get(key);
        if (field !== undefined) {
          const v = r.field(key, field[1]);
          if (v !== undefined) config[field[0]] = v;
        } else if (INERT_KEYS[key] !== undefined) {
          if (!INERT_KEYS[key].some((a) => JSON.stringify(a) === JSON.stringify(value))) {
            throw new Error(`${file}: ${where} (${cls}): '${key}' ${JSON.stringify(value)} is not supported (only ${INERT_KEYS[key].map((a) => JSON.stringify(a)).join(' or ')})`);
          }
        } else if (!COMMON_KEYS.has(key)) {
          unknownKey(`${file}: ${where} (${cls})`, key, `${cls} takes ${[...keys.keys()].join(', ')}`);
        }
      }
      return new table.ctor(config as never);
    }
  }
}
