/** Keras `Embedding`: integer ids [batch, ...] → rows of a learned table [batch, ..., outputDim]. */
import { notEqual } from '../ops/elementwise.js';
import { gather, reshape } from '../ops/layout.js';
import type { Tensor } from '../tensor/tensor.js';
import type { InitializerIdentifier } from './initializers.js';
import { Layer, type LayerArgs, type SymbolicShape } from './layer.js';
import type { RegularizerIdentifier } from './regularizers.js';
import type { ConstraintIdentifier } from './constraints.js';

export interface EmbeddingConfig extends LayerArgs {
  /** Number of ids (the vocabulary size): ids are 0 … inputDim − 1. */
  inputDim: number;
  /** Width of each id's vector. */
  outputDim: number;
  /** Default 'randomUniform' (±0.05, as TensorFlow.js). */
  embeddingsInitializer?: InitializerIdentifier;
  embeddingsRegularizer?: RegularizerIdentifier;
  /** Applied after each update (Keras's embeddings_constraint). */
  embeddingsConstraint?: ConstraintIdentifier | null;
  /** Sequence length, for the output shape of a first layer (Keras `input_length`). */
  inputLength?: number;
  /** Id 0 is padding: the output carries a mask (0 where the id is 0) for the layers after it. */
  maskZero?: boolean;
}

/**
 * Looks each id up in the table `embeddings` [inputDim, outputDim] (a gather of rows, whose
 * gradient adds back into the rows used). Ids outside [0, inputDim) or not integers are an error.
 * @example layers.embedding({ inputDim: 10000, outputDim: 128 }) // [batch, 100] ids → [batch, 100, 128]
 */
export class Embedding extends Layer<EmbeddingConfig> {
  readonly className = 'Embedding';
  embeddings: Tensor | null = null;

  constructor(config: EmbeddingConfig) {
    super(config);
    for (const key of ['inputDim', 'outputDim'] as const) {
      if (!Number.isInteger(config[key]) || config[key] < 1) throw new Error(`embedding: ${key} must be a positive integer, got ${config[key]}`);
    }
  }

  /** Here `inputDim` is the vocabulary, not an input width: the input shape is declared by inputShape or inputLength. */
  override get batchInputShape(): SymbolicShape | null {
    const c = this.config;
    if (c.batchInputShape !== undefined) return c.batchInputShape;
    if (c.inputShape !== undefined) return [c.batchSize ?? null, ...c.inputShape];
    return c.inputLength === undefined ? null : [c.batchSize ?? null, c.inputLength];
  }

  override build(_inputShape: SymbolicShape): void {
    const c = this.config;
    this.embeddings = this.addWeight('embeddings', [c.inputDim, c.outputDim], c.embeddingsInitializer ?? 'randomUniform', { regularizer: c.embeddingsRegularizer, constraint: c.embeddingsConstraint });
    this.built = true;
  }

  call(x: Tensor): Tensor {
    return reshape(gather(this.embeddings!, reshape(x, [x.size]), 0), [...x.shape, this.config.outputDim]);
  }

  /** With maskZero, 1 where the id is not 0 (the padding id), else none. */
  override computeMask(x: Tensor | Tensor[], _mask: Tensor | null): Tensor | null {
    return this.config.maskZero === true ? notEqual(x as Tensor, 0) : null;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape, this.config.outputDim];
  }
}
