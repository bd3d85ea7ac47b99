/**
 * Custom layers as TensorFlow.js programs write them: `class MyLayer extends tf.layers.Layer`
 * with a static `className`, `build` calling `this.addWeight(name, shape, dtype, initializer)`,
 * `call(inputs, kwargs)`, `computeOutputShape`, `getConfig`, and
 * `tf.serialization.registerClass(MyLayer)` so saved models name it and load it back.
 *
 * @example
 * class Scale extends layers.Layer {
 *   static className = 'Scale';
 *   build(shape) { this.w = this.addWeight('w', [shape[shape.length - 1]], 'float32', initializers.ones()); }
 *   call(x) { return (Array.isArray(x) ? x[0] : x).mul(this.w.read()); }
 * }
 * serialization.registerClass(Scale);
 */
import type { Tensor } from '../tensor/tensor.js';
import { type InitializerIdentifier } from './initializers.js';
import { Layer, type LayerArgs } from './layer.js';
import type { RegularizerIdentifier } from './regularizers.js';
import type { ConstraintIdentifier } from './constraints.js';

/** neurite's options of a weight: trainable, its penalty and its constraint. */
type WeightOptions = { trainable?: boolean; regularizer?: RegularizerIdentifier | null | undefined; constraint?: ConstraintIdentifier | null | undefined };

/** The base class for tfjs-style custom layers (exported as `layers.Layer`). */
export abstract class CustomLayer<C extends LayerArgs = LayerArgs> extends Layer<C> {
  /** A list of inputs reaches `call` as a list (a list of one as the one tensor). */
  protected override readonly anyArity = true;

  constructor(config?: C) {
    super(config ?? ({} as C));
  }

  /** The class name files carry: the subclass's static `className`, else its JavaScript name. */
  get className(): string {
    const ctor = this.constructor as { className?: string; name: string };
    return ctor.className ?? ctor.name;
  }

  /** tfjs's `getClassName()`. */
  getClassName(): string {
    return this.className;
  }

  /**
   * tfjs's hook for a layer's call (`this.invokeCallHook(inputs, kwargs)` in custom layers, as
   * tfjs-examples' custom-layer writes): tfjs runs a debugging hook there when one is set; there
   * is none here.
   */
  protected invokeCallHook(_inputs: unknown, _kwargs?: unknown): void {}

  /**
   * Creates a weight, in tfjs's positional form `(name, shape, dtype, initializer, regularizer,
   * trainable, constraint)` or neurite's `(name, shape, initializer, {trainable, regularizer,
   * constraint})`. Without an initializer the weight starts at zeros.
   */
  protected override addWeight(
    name: string, shape: readonly number[], dtypeOrInit?: string | InitializerIdentifier,
    initOrOptions?: InitializerIdentifier | WeightOptions, regularizer?: RegularizerIdentifier | null, trainable?: boolean, constraint?: ConstraintIdentifier | null,
  ): Tensor {
    const tfjsForm = typeof dtypeOrInit === 'string' && (dtypeOrInit === 'float32' || dtypeOrInit === 'int32' || dtypeOrInit === 'bool');
    if (tfjsForm || dtypeOrInit === undefined) {
      const init = (initOrOptions as InitializerIdentifier | undefined) ?? 'zeros';
      return super.addWeight(name, shape, init, { trainable: trainable ?? true, regularizer, constraint });
    }
    return super.addWeight(name, shape, dtypeOrInit as InitializerIdentifier, (initOrOptions ?? {}) as WeightOptions);
  }
}

/** A class tfjs's `registerClass` accepts: a layer class with a static `className`. */
export type LayerClass = (new (config: never) => Layer) & { className?: string; fromConfig?: (cls: unknown, config: Record<string, unknown>) => Layer };

const registry = new Map<string, LayerClass>();
/** Each registered class's full name, tfjs's 'package>name' ('Custom>MyLayer' by default). */
const fullNames = new Map<unknown, string>();

/** Registers a custom layer class by its static `className`, so model files can name it (tfjs `serialization.registerClass`). */
export function registerClass<C extends LayerClass>(cls: C, pkg?: string, name?: string): C {
  const key = name ?? cls.className;
  if (typeof cls !== 'function') throw new Error('registerClass: expected a layer class');
  if (typeof key !== 'string' || key === '') throw new Error(`registerClass: class ${cls.name} has no static className; add \`static className = '${cls.name}'\``);
  registry.set(key, cls);
  fullNames.set(cls, `${pkg ?? 'Custom'}>${key}`);
  return cls;
}

/** tfjs `serialization.getRegisteredName(cls)`: 'package>name' for a registered class, else its className. */
export function getRegisteredName(cls: { className?: string }): string | undefined {
  return fullNames.get(cls) ?? cls.className;
}

/**
 * tfjs `serialization.Serializable`: a base for classes that are saved by name and config
 * (getClassName reads the static className; fromConfig constructs).
 */
export abstract class Serializable {
  getClassName(): string {
    return (this.constructor as { className?: string }).className ?? this.constructor.name;
  }
  abstract getConfig(): Record<string, unknown>;
  static fromConfig<T>(cls: new (config: never) => T, config: Record<string, unknown>): T {
    return new cls(config as never);
  }
}

/** tfjs `serialization.SerializationMap`: the registered classes by className. */
export class SerializationMap {
  private constructor(readonly classNameMap: Record<string, [LayerClass, LayerClass['fromConfig']]>) {}
  static getMap(): SerializationMap {
    return new SerializationMap(Object.fromEntries([...registry].map(([name, cls]) => [name, [cls, cls.fromConfig] as [LayerClass, LayerClass['fromConfig']]])));
  }
  static register(cls: LayerClass): void {
    registerClass(cls);
  }
}

/** The registered class of this name, if any. */
export function registeredClass(name: string): LayerClass | undefined {
  return registry.get(name);
}

/** Whether `layer` is an instance of a registered class (and under which name). */
export function registeredName(layer: Layer): string | undefined {
  for (const [name, cls] of registry) if (layer.constructor === cls) return name;
  return undefined;
}

/** tfjs's `tf.serialization`. */
export const serialization = { registerClass, getRegisteredName, Serializable, SerializationMap };
