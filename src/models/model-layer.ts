/**
 * A model used as a layer of another (tfjs's `LayersModel` is a layer; Keras nests models the
 * same way): `encoder.apply(x)` on symbolic tensors, or `sequential.add(model)`. The view has
 * the model's weights (shared, not copied) and runs its forward pass; one view per model, so a
 * model applied twice is one shared layer with two nodes.
 */
import { type CallOptions, Layer, type SymbolicShape } from '../nn/layer.js';
import { add } from '../ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Model } from './model.js';

export class ModelLayer extends Layer {
  protected override readonly multiInput: boolean;

  constructor(readonly model: Model) {
    super({ name: model.name });
    this.multiInput = model.inputNames.length > 1;
    this.built = model.built;
  }

  get className(): string {
    return this.model.className;
  }

  /** The model's input shape, when it has one input and knows it (so it can start a Sequential). */
  override get batchInputShape(): SymbolicShape | null {
    const s = (this.model as { inputShape?: SymbolicShape | SymbolicShape[] | null }).inputShape;
    return s === undefined || s === null || (s.length > 0 && Array.isArray(s[0])) ? null : (s as SymbolicShape);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shapes = this.multiInput ? (inputShape as SymbolicShape[]) : [inputShape as SymbolicShape];
    this.model.buildFor(shapes);
    this.built = true;
  }

  call(x: Tensor | Tensor[], options: CallOptions): Tensor | Tensor[] {
    return this.model.call(x, options);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    const batch = (this.multiInput ? (inputShape as SymbolicShape[])[0]! : (inputShape as SymbolicShape))[0] ?? null;
    const out = this.model.outputShapes.map((s) => [batch, ...s.slice(1)]);
    return out.length === 1 ? out[0]! : out;
  }

  override get weights(): Tensor[] {
    return this.model.weights;
  }

  override get trainableWeights(): Tensor[] {
    return this.trainable ? this.model.trainableWeights : [];
  }

  override get nonTrainableWeights(): Tensor[] {
    return this.trainable ? this.model.nonTrainableWeights : this.model.weights;
  }

  override get trainable(): boolean {
    return this.model.trainable;
  }

  /** Freezing the view freezes the model: every layer of it. */
  override set trainable(value: boolean) {
    this.model.trainable = value;
  }

  override countParams(): number {
    return this.model.countParams();
  }

  override regularizationLoss(): Tensor | null {
    let total: Tensor | null = null;
    for (const l of this.model.layers) {
      const r = l.regularizationLoss();
      if (r !== null) total = total === null ? r : add(total, r);
    }
    return total;
  }

  override getWeights(): Tensor[] {
    return this.model.getWeights();
  }

  override setWeights(weights: readonly Tensor[]): void {
    this.model.setWeights(weights);
  }

  override syncWeightNames(): void {
    // The model's layers keep their own names (they name the weights in files too).
  }
}

const views = new WeakMap<Model, ModelLayer>();

/** The one layer view of `model`. */
export function modelAsLayer(model: Model): ModelLayer {
  let v = views.get(model);
  if (v === undefined) views.set(model, (v = new ModelLayer(model)));
  return v;
}
