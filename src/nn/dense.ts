/** Dense (fully connected): y = activation(x·W + b), W of shape [inputDim, units]. */
import { add } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type ActivationIdentifier, activationName, getActivation } from './activations.js';
import type { InitializerIdentifier } from './initializers.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape, lastDim } from './layer.js';
import type { RegularizerIdentifier } from './regularizers.js';
import type { ConstraintIdentifier } from './constraints.js';

export interface DenseConfig extends LayerArgs {
  /** Output width. */
  units: number;
  /** Default 'linear'. */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform' (Keras). */
  kernelInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  /** Applied after each update (Keras's kernel_constraint). */
  kernelConstraint?: ConstraintIdentifier | null;
  biasRegularizer?: RegularizerIdentifier;
  /** Applied after each update (Keras's bias_constraint). */
  biasConstraint?: ConstraintIdentifier | null;
}

export class Dense extends Layer<DenseConfig> {
  readonly className = 'Dense';
  override readonly supportsMasking = true;
  kernel: Tensor | null = null;
  bias: Tensor | null = null;
  private inputDim = 0;

  constructor(config: DenseConfig) {
    super(config);
    if (!Number.isInteger(config.units) || config.units < 1) {
      throw new Error(`dense: units must be a positive integer, got ${config.units}`);
    }
    getActivation(config.activation); // fail early on an unknown name
  }

  /** The output width (tfjs's `layer.units`). */
  get units(): number {
    return this.config.units;
  }

  private get label(): string {
    return this.name === undefined ? 'dense' : `dense '${this.name}'`;
  }

  /** The activation's registered name ('linear' when none). */
  get activationName(): string {
    return activationName(this.config.activation);
  }

  override build(inputShape: SymbolicShape): void {
    this.inputDim = lastDim(inputShape, this.label);
    const c = this.config;
    this.kernel = this.addWeight('kernel', [this.inputDim, c.units], c.kernelInitializer ?? 'glorotUniform', { regularizer: c.kernelRegularizer, constraint: c.kernelConstraint });
    if (c.useBias ?? true) {
      this.bias = this.addWeight('bias', [c.units], c.biasInitializer ?? 'zeros', { regularizer: c.biasRegularizer, constraint: c.biasConstraint });
    }
    this.built = true;
  }

  /** x·W + b, before the activation: the logits a fused loss needs. */
  preActivation(x: Tensor): Tensor {
    if (!this.built) this.build([null, ...x.shape.slice(1)]);
    if (x.rank < 2 || x.shape[x.rank - 1] !== this.inputDim) {
      throw new Error(`${this.label}: expected input of shape [batch, ${this.inputDim}], got ${fmt(x.shape)}`);
    }
    const y = matmul(x, this.kernel!);
    return this.bias === null ? y : add(y, this.bias);
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    return getActivation(this.config.activation)(this.preActivation(x));
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape.slice(0, -1), this.config.units];
  }
}
