/**
 * `layers.*` factories, named as in TensorFlow.js (`layers.dense({units: 30})`).
 */
import { BatchNormalization, type BatchNormalizationConfig } from './batchnorm.js';
import { Dense, type DenseConfig } from './dense.js';
import { Maxout, type MaxoutConfig } from './maxout.js';
import {
  Activation, type ActivationConfig, Dropout, type DropoutConfig, Flatten, InputLayer, type InputConfig, LeakyReLU, type LeakyReLUConfig, Rescaling, type RescalingConfig,
} from './simple.js';
import type { LayerArgs } from './layer.js';

/** The library's layer classes: their code is known to compute through ops only. */
export const BUILTIN_LAYERS: ReadonlySet<unknown> = new Set([Dense, Activation, Dropout, BatchNormalization, Flatten, LeakyReLU, Rescaling, Maxout, InputLayer]);

export const layers = {
  dense: (config: DenseConfig): Dense => new Dense(config),
  activation: (config: ActivationConfig): Activation => new Activation(config),
  dropout: (config: DropoutConfig): Dropout => new Dropout(config),
  batchNormalization: (config: BatchNormalizationConfig = {}): BatchNormalization => new BatchNormalization(config),
  flatten: (config: LayerArgs = {}): Flatten => new Flatten(config),
  leakyReLU: (config: LeakyReLUConfig = {}): LeakyReLU => new LeakyReLU(config),
  rescaling: (config: RescalingConfig): Rescaling => new Rescaling(config),
  maxout: (config: MaxoutConfig): Maxout => new Maxout(config),
  input: (config: InputConfig): InputLayer => new InputLayer(config),
};
