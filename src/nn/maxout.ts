/**
 * Maxout, as in the notes: each unit is the largest of k linear pieces,
 * yⱼ = maxₚ (x·Wₚ + bₚ)ⱼ. One kernel [inputDim, units·k] holds all pieces; piece p of unit j is
 * column j·k + p.
 */
import { add } from '../ops/elementwise.js';
import { reshape } from '../ops/layout.js';
import { matmul } from '../ops/matmul.js';
import { max } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import type { InitializerIdentifier } from './initializers.js';
import { Layer, type LayerArgs, type SymbolicShape, lastDim } from './layer.js';

export interface MaxoutConfig extends LayerArgs {
  units: number;
  /** Linear pieces per unit (k ≥ 2; default 2). */
  pieces?: number;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
}

export class Maxout extends Layer<MaxoutConfig> {
  readonly className = 'Maxout';
  kernel: Tensor | null = null;
  bias: Tensor | null = null;

  constructor(config: MaxoutConfig) {
    super(config);
    const k = config.pieces ?? 2;
    if (!Number.isInteger(config.units) || config.units < 1) throw new Error(`maxout: units must be a positive integer, got ${config.units}`);
    if (!Number.isInteger(k) || k < 2) throw new Error(`maxout: pieces must be an integer ≥ 2, got ${k}`);
  }

  override build(inputShape: SymbolicShape): void {
    const width = this.config.units * (this.config.pieces ?? 2);
    this.kernel = this.addWeight('kernel', [lastDim(inputShape, 'maxout'), width], this.config.kernelInitializer ?? 'glorotUniform');
    this.bias = this.addWeight('bias', [width], this.config.biasInitializer ?? 'zeros');
    this.built = true;
  }

  call(x: Tensor): Tensor {
    const z = add(matmul(x, this.kernel!), this.bias!);
    return max(reshape(z, [x.shape[0]!, this.config.units, this.config.pieces ?? 2]), -1);
  }

  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    return [...s.slice(0, -1), this.config.units];
  }
}
