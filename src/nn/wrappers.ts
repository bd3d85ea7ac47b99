/**
 * Layer wrappers (tfjs `tf.layers.timeDistributed`, `tf.layers.bidirectional`): one layer applied
 * to every time step, and a recurrent layer run both ways with the two outputs merged. Each is
 * the wrapped layers' ops, so gradients and the compiled step come with them.
 */
import { add, mul } from '../ops/elementwise.js';
import { concat, gather, reshape } from '../ops/layout.js';
import { fmt } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape, type LayerWeight, formatShape, stackShape, uniqueName } from './layer.js';
import { GRU, LSTM, type RecurrentConfig, SimpleRNN } from './recurrent.js';

export interface WrapperConfig extends LayerArgs {
  /** The wrapped layer. */
  layer: Layer;
}

/** Weights of a wrapper: its inner layers'. */
export abstract class Wrapper<C extends LayerArgs> extends Layer<C> {
  protected abstract get inner(): Layer[];

  /** Whether files name the inner layers' weights under their own names (Bidirectional) or the wrapper's alone (TimeDistributed). */
  protected abstract readonly innerNames: boolean;

  override get weightEntries(): readonly LayerWeight[] {
    return this.inner.flatMap((l) => l.weightEntries.map((w) => (this.innerNames ? { ...w, name: `${l.name}/${w.name}` } : w)));
  }

  override get weights(): Tensor[] {
    return this.inner.flatMap((l) => l.weights);
  }

  override get trainable(): boolean {
    return super.trainable;
  }

  /** Freezing the wrapper freezes the layers it wraps (no gradients to their weights), as Keras's wrappers do. */
  override set trainable(value: boolean) {
    super.trainable = value;
    for (const l of this.inner) l.trainable = value;
  }

  override get trainableWeights(): Tensor[] {
    return this.trainable ? this.inner.flatMap((l) => l.trainableWeights) : [];
  }

  override get nonTrainableWeights(): Tensor[] {
    return this.trainable ? this.inner.flatMap((l) => l.nonTrainableWeights) : this.weights;
  }

  override countParams(): number {
    return this.inner.reduce((n, l) => n + l.countParams(), 0);
  }

  override regularizationLoss(): Tensor | null {
    let total: Tensor | null = null;
    for (const l of this.inner) {
      const r = l.regularizationLoss();
      if (r !== null) total = total === null ? r : add(total, r);
    }
    return total;
  }

  override getWeights(): Tensor[] {
    return this.inner.flatMap((l) => l.getWeights());
  }

  override setWeights(weights: readonly Tensor[]): void {
    let at = 0;
    for (const l of this.inner) {
      const n = l.weights.length;
      l.setWeights(weights.slice(at, at + n));
      at += n;
    }
  }
}

/** The wrapped layer on each time step: [batch, time, ...] → [batch, time, ...layer output]. */
export class TimeDistributed extends Wrapper<WrapperConfig> {
  readonly className = 'TimeDistributed';
  override readonly supportsMasking = true;
  protected readonly innerNames = false;

  constructor(config: WrapperConfig) {
    if (!(config.layer instanceof Layer)) throw new Error('timeDistributed: config.layer must be a layer');
    super(config);
  }

  protected get inner(): Layer[] {
    return [this.config.layer];
  }

  private stepShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length < 3) throw new Error(`timeDistributed: expected input of rank ≥ 3 (batch, time, …), got shape ${formatShape(inputShape)}`);
    return [null, ...inputShape.slice(2)];
  }

  override build(inputShape: SymbolicShape): void {
    const l = this.config.layer;
    if (!l.built) {
      l.build(this.stepShape(inputShape));
      l.built = true;
    }
    l.name ??= `${this.name ?? 'time_distributed'}_${l.className.toLowerCase()}`;
    this.built = true;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const out = stackShape(this.config.layer, this.stepShape(inputShape));
    return [inputShape[0] ?? null, inputShape[1] ?? null, ...out.slice(1)];
  }

  call(x: Tensor, options: CallOptions): Tensor {
    if (x.rank < 3) throw new Error(`timeDistributed: expected input of rank ≥ 3 (batch, time, …), got shape ${fmt(x.shape)}`);
    const [b, t] = x.shape as [number, number];
    // The inner layer sees one step at a time: the sequence's mask [batch, time] is not its own.
    const y = this.config.layer.apply(reshape(x, [b * t, ...x.shape.slice(2)]), { ...options, mask: null });
    return reshape(y, [b, t, ...y.shape.slice(1)]);
  }

  override syncWeightNames(): void {
    this.config.layer.syncWeightNames();
  }
}

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';

export interface BidirectionalConfig extends WrapperConfig {
  /** How the two directions' outputs combine (default 'concat'). */
  mergeMode?: MergeMode;
}

/** A wrapped recurrent layer: one output (the wrapper refuses returnState). */
type OneOutput = RecurrentConfig & { returnState?: false };
type RNN = SimpleRNN<OneOutput> | LSTM<OneOutput> | GRU<OneOutput>;

/** A recurrent layer run forwards and backwards over the sequence, the two outputs merged. */
export class Bidirectional extends Wrapper<BidirectionalConfig> {
  readonly className = 'Bidirectional';
  protected readonly innerNames = true;
  readonly forwardLayer: RNN;
  readonly backwardLayer: RNN;
  /** The wrapped layer's own name (its two copies are forward_… and backward_… of it). */
  readonly innerName: string;

  constructor(config: BidirectionalConfig) {
    const l = config.layer;
    if (!(l instanceof SimpleRNN || l instanceof LSTM || l instanceof GRU)) throw new Error(`bidirectional: config.layer must be a simpleRNN, lstm or gru layer, got ${(l as Layer | undefined)?.className ?? typeof l}`);
    const mode = config.mergeMode ?? 'concat';
    if (!['concat', 'sum', 'mul', 'ave'].includes(mode)) throw new Error(`bidirectional: mergeMode must be 'concat', 'sum', 'mul' or 'ave', got ${JSON.stringify(mode)}`);
    if (l.config.returnState === true) throw new Error('bidirectional: a wrapped layer with returnState is not supported yet');
    super(config);
    this.innerName = l.name ?? uniqueName(l.className, new Set());
    this.forwardLayer = l as RNN;
    l.name = `forward_${this.innerName}`;
    // The backward copy reads the sequence from the end (Keras flips goBackwards on a copy of the config).
    const Ctor = l.constructor as new (c: RecurrentConfig) => RNN;
    this.backwardLayer = new Ctor({ ...l.config, goBackwards: !(l.config.goBackwards ?? false), name: `backward_${this.innerName}` });
  }

  protected get inner(): Layer[] {
    return [this.forwardLayer, this.backwardLayer];
  }

  override build(inputShape: SymbolicShape): void {
    for (const l of this.inner) {
      if (!l.built) {
        l.build(inputShape);
        l.built = true;
      }
      l.syncWeightNames();
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const out = stackShape(this.forwardLayer, inputShape);
    if ((this.config.mergeMode ?? 'concat') !== 'concat') return out;
    return [...out.slice(0, -1), out[out.length - 1]! === null ? null : 2 * out[out.length - 1]!];
  }

  /** The sequence's mask when both directions return sequences, else none. */
  override computeMask(_x: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    return this.forwardLayer.config.returnSequences === true ? mask : null;
  }

  call(x: Tensor, options: CallOptions): Tensor {
    const f = this.forwardLayer.apply(x, options);
    let b = this.backwardLayer.apply(x, options);
    // With returnSequences the backward outputs come last-step first: put them back in time order.
    if (this.forwardLayer.config.returnSequences === true) b = reverseTime(b);
    switch (this.config.mergeMode ?? 'concat') {
      case 'sum': return add(f, b);
      case 'mul': return mul(f, b);
      case 'ave': return mul(add(f, b), 0.5);
      default: return concat([f, b], -1);
    }
  }

  override syncWeightNames(): void {
    for (const l of this.inner) l.syncWeightNames();
  }
}

/** `x` [batch, time, …] with its time steps in reverse order. */
function reverseTime(x: Tensor): Tensor {
  const t = x.shape[1]!;
  return gather(x, Int32Array.from({ length: t }, (_, i) => t - 1 - i), 1);
}
