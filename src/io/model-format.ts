/**
 * A Sequential or functional model ⇄ TensorFlow.js's `model.json` + weight bytes (see shared/FORMATS.md).
 * Weights are raw little-endian float32 in manifest order, named `<layer>/<weight>`. With
 * `includeOptimizer`, the optimizer's configuration and state (and the generator's state, for
 * exact resumption) travel in `userDefinedMetadata.neurite` and a separate `optimizer.bin`, so
 * the tfjs manifest stays exactly what tfjs expects.
 */
import { decodeHalf } from './half.js';
import { getContext, withContext } from '../context/context.js';
import type { Layer } from '../nn/layer.js';
import { getOptimizer } from '../optim/index.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Sequential } from '../models/sequential.js';
import { Functional, input } from '../models/functional.js';
import { ModelLayer, modelAsLayer } from '../models/model-layer.js';
import type { Compiled, Model } from '../models/model.js';
import { InputLayer } from '../nn/simple.js';
import type { Node, SymbolicTensor } from '../nn/symbolic.js';
import { fmt, sizeOf } from '../tensor/shape.js';
import { type Json, type JsonObject, checkKeys, layerFromJson, layerToJson } from './topology.js';

export const WEIGHTS_FILE = 'weights.bin';
export const OPTIMIZER_FILE = 'optimizer.bin';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

export interface SaveOptions {
  /** Also save the optimizer's configuration and state, and the generator's state. */
  includeOptimizer?: boolean;
}

export interface SavedModel {
  json: JsonObject;
  /** File name (relative to model.json) → bytes. */
  files: Map<string, Uint8Array>;
}

function f32Bytes(values: ArrayLike<number>): Uint8Array {
  const f = Float32Array.from(values);
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Every weight of the model with its saved name (a nested model's weights under its own layers' names, as tfjs writes them). */
export function namedWeights(model: Model): Array<{ name: string; layer: Layer; value: import('../tensor/tensor.js').Tensor }> {
  return model.layers.flatMap((layer) => (layer instanceof ModelLayer ? namedWeights(layer.model) : layer.weightEntries.map((w) => ({ name: `${layer.name}/${w.name}`, layer, value: w.value }))));
}

/** `{class_name, config}` of a model: Sequential's layer list or a functional graph (nested models inside). */
function topologyOf(model: Model): JsonObject {
  if (model instanceof Functional) return { class_name: 'Model', config: functionalConfig(model) };
  if (model instanceof Sequential) {
    if (!model.built || model.inputShape === null) throw new Error('save: the model must be built (give the first layer an inputShape, or fit it) before saving');
    // An explicit input layer is written as tfjs writes it, its shape then on it alone.
    return { class_name: 'Sequential', config: { name: model.name, layers: model.layers.map((l, i) => (l instanceof InputLayer ? inputLayerJson(l) : layerJson(l, i === 0 ? model.inputShape : null))) } };
  }
  throw new Error(`save: only Sequential and functional models can be saved, got a ${model.constructor.name}`);
}

/** An input layer's `{class_name, config}`, as tfjs and Keras write it. */
function inputLayerJson(layer: InputLayer): { class_name: string; config: JsonObject } {
  return { class_name: 'InputLayer', config: { batch_input_shape: [...layer.batchInputShape!], dtype: 'float32', sparse: false, name: layer.name! } };
}

/** A layer's `{class_name, config}`, a nested model's topology for a model used as a layer. */
function layerJson(layer: Layer, inputShape: import('../nn/layer.js').SymbolicShape | null): JsonObject {
  if (layer instanceof ModelLayer) return { ...topologyOf(layer.model), name: layer.name ?? layer.model.name };
  return layerToJson(layer, inputShape);
}

/** The model's topology as model.json's `modelTopology` holds it (tfjs `model.toJSON`). */
export function modelTopology(model: Model): JsonObject {
  return { ...topologyOf(model), keras_version: 'neurite 0.1.0', backend: 'neurite' };
}

export function modelToArtifacts(model: Model, options: SaveOptions = {}): SavedModel {
  const weights = namedWeights(model);
  const specs: JsonObject[] = weights.map((w) => ({ name: w.name, shape: [...w.value.shape], dtype: 'float32' }));
  const files = new Map<string, Uint8Array>([[WEIGHTS_FILE, concatBytes(weights.map((w) => f32Bytes(w.value.values)))]]);
  const json: JsonObject = {
    modelTopology: modelTopology(model),
    format: 'layers-model',
    generatedBy: 'neurite 0.1.0',
    convertedBy: null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
  };
  const user = model.getUserDefinedMetadata();
  if (user !== undefined) json.userDefinedMetadata = user as JsonObject;
  if (options.includeOptimizer) {
    const compiled = model.compiledOrThrow('save with includeOptimizer');
    const opt = compiled.optimizer;
    const slots: JsonObject[] = [];
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (const w of weights) {
      if (!model.trainableWeights.includes(w.value)) continue;
      opt.slotsFor(w.value).forEach((s, i) => {
        slots.push({ weight: w.name, slot: i, offset, length: s.length });
        parts.push(f32Bytes(s));
        offset += s.length * 4;
      });
    }
    files.set(OPTIMIZER_FILE, concatBytes(parts));
    const compile = compileRecord(model.outputNames, compiled);
    json.trainingConfig = { ...tfjsTrainingConfig(model.outputNames, compile), optimizer_config: { class_name: opt.className, config: opt.getConfig() as JsonObject } };
    json.userDefinedMetadata = {
      ...(json.userDefinedMetadata as JsonObject | undefined),
      neurite: {
        optimizer: { className: opt.className, config: opt.getConfig() as JsonObject, iterations: opt.iterations, file: OPTIMIZER_FILE, slots },
        rngState: getContext().rng.getState().map((v) => (Number.isNaN(v) ? null : v)),
        compile: compile as unknown as JsonObject,
      },
    };
  }
  return { json, files };
}

/**
 * What compile was given, as names: one loss and one metric list for a model with one output;
 * with several, a loss per output in output order, metrics keyed by output name, and the loss
 * weights. Metrics given as functions or objects have no name to write and are left out.
 */
interface CompileRecord {
  loss: string | string[];
  metrics: string[] | Record<string, string[]>;
  lossWeights?: number[];
}

function compileRecord(outputs: readonly string[], c: Compiled): CompileRecord {
  const named = (ids: Compiled['metricIds'][number] | undefined): string[] => (ids ?? []).filter((m): m is string => typeof m === 'string');
  if (c.losses.length === 1) return { loss: c.loss.name, metrics: named(c.metricIds[0]) };
  return { loss: c.losses.map((l) => l.name), metrics: Object.fromEntries(outputs.map((o, i) => [o, named(c.metricIds[i])])), lossWeights: [...c.lossWeights] };
}

/**
 * The same as tfjs's `trainingConfig`, in the forms its loader reads: a metric list shared by
 * every output, or one metric name per output. Per-output lists tfjs cannot read, and loss
 * weights (its loader refuses them), stay in neurite's own record only.
 */
function tfjsTrainingConfig(outputs: readonly string[], r: CompileRecord): JsonObject {
  if (Array.isArray(r.metrics)) return { loss: r.loss, metrics: r.metrics };
  const per = r.metrics as Record<string, string[]>;
  const lists = outputs.map((o) => per[o] ?? []);
  const shared = lists.every((l) => l.join() === lists[0]!.join());
  if (shared) return { loss: r.loss, metrics: lists[0]! };
  if (lists.every((l) => l.length <= 1)) return { loss: r.loss, metrics: Object.fromEntries(outputs.flatMap((o, i) => (lists[i]!.length === 1 ? [[o, lists[i]![0]!]] : []))) };
  return { loss: r.loss };
}

/** compile's arguments back from a saved record, each part checked. */
function compileFromRecord(c: JsonObject, outputs: readonly string[], file: string): CompileRecord {
  const where = `${file}: userDefinedMetadata.neurite.compile`;
  const strings = (v: Json | undefined): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const loss = c.loss;
  if (typeof loss !== 'string' && !(strings(loss) && loss.length === outputs.length)) {
    throw new Error(`${where}.loss must be a loss name or a list of ${outputs.length} (one per output: ${outputs.join(', ')}), got ${JSON.stringify(loss)}`);
  }
  const m = c.metrics ?? [];
  let metrics: string[] | Record<string, string[]>;
  if (strings(m)) metrics = m;
  else if (typeof m === 'object' && m !== null && !Array.isArray(m) && Object.entries(m).every(([k, v]) => outputs.includes(k) && strings(v))) metrics = m as Record<string, string[]>;
  else throw new Error(`${where}.metrics must be a list of metric names, or lists keyed by output name (${outputs.join(', ')}), got ${JSON.stringify(m)}`);
  const w = c.lossWeights;
  if (w === undefined) return { loss, metrics };
  if (!Array.isArray(w) || w.length !== outputs.length || !w.every((x) => typeof x === 'number')) {
    throw new Error(`${where}.lossWeights must be a list of ${outputs.length} numbers (one per output), got ${JSON.stringify(w)}`);
  }
  return { loss, metrics, lossWeights: w as number[] };
}

// ---- reading --------------------------------------------------------------------------------

function obj(v: Json | undefined, what: string, file: string): JsonObject {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${file}: ${what} must be an object`);
  return v;
}

/** The layer list from the modern, legacy (bare array) or Keras-HDF5-converted topology forms. */
function topologyLayers(t: JsonObject, file: string): { name: string; layers: Json[] } {
  const cfg = t.config;
  if (Array.isArray(cfg)) return { name: 'sequential', layers: cfg };
  const c = obj(cfg, 'modelTopology.config', file);
  if (!Array.isArray(c.layers)) throw new Error(`${file}: modelTopology.config.layers must be a list`);
  return { name: typeof c.name === 'string' ? c.name : 'sequential', layers: c.layers };
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Validated manifest entries with their byte ranges in the concatenated weight data. */
export function readManifest(json: JsonObject, file: string): { paths: string[]; specs: Array<WeightSpec & { offset: number; bytes: number }>; total: number } {
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw new Error(`${file}: 'weightsManifest' must be a list of {paths, weights}`);
  const paths: string[] = [];
  const specs: Array<WeightSpec & { offset: number; bytes: number }> = [];
  let total = 0;
  manifest.forEach((g, gi) => {
    const group = obj(g, `weightsManifest[${gi}]`, file);
    if (!Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string')) throw new Error(`${file}: weightsManifest[${gi}].paths must be a list of file names`);
    for (const p of group.paths as string[]) {
      if (p === '' || p.includes('..') || p.startsWith('/') || p.includes('\\') || p.includes(':')) {
        throw new Error(`${file}: weight file path ${JSON.stringify(p)} must be a plain relative name beside model.json`);
      }
      paths.push(p);
    }
    if (!Array.isArray(group.weights)) throw new Error(`${file}: weightsManifest[${gi}].weights must be a list`);
    group.weights.forEach((w, wi) => {
      const e = obj(w, `weightsManifest[${gi}].weights[${wi}]`, file);
      const where = `weight ${JSON.stringify(e.name)} (weightsManifest[${gi}].weights[${wi}])`;
      if (typeof e.name !== 'string') throw new Error(`${file}: weightsManifest[${gi}].weights[${wi}] has no name`);
      if (!Array.isArray(e.shape) || e.shape.length > 8 || !e.shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
        throw new Error(`${file}: ${where}: shape must be a list of non-negative integers, got ${JSON.stringify(e.shape)}`);
      }
      const shape = e.shape as number[];
      const dtype = e.dtype;
      if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') throw new Error(`${file}: ${where}: unsupported dtype ${JSON.stringify(dtype)} (float32, int32, bool)`);
      let width = BYTES[dtype]!;
      let quantization: WeightSpec['quantization'];
      if (e.quantization !== undefined && e.quantization !== null) {
        const q = obj(e.quantization, `${where}.quantization`, file);
        if (q.dtype !== 'uint8' && q.dtype !== 'uint16' && q.dtype !== 'float16') throw new Error(`${file}: ${where}: unsupported quantization dtype ${JSON.stringify(q.dtype)}`);
        width = BYTES[q.dtype]!;
        quantization = { dtype: q.dtype, ...(typeof q.scale === 'number' ? { scale: q.scale } : {}), ...(typeof q.min === 'number' ? { min: q.min } : {}) };
      }
      const count = sizeOf(shape);
      if (!Number.isSafeInteger(count * width)) throw new Error(`${file}: ${where}: shape ${fmt(shape)} is absurdly large`);
      specs.push({ name: e.name, shape, dtype, ...(quantization ? { quantization } : {}), offset: total, bytes: count * width });
      total += count * width;
    });
  });
  return { paths, specs, total };
}


/** Decodes one manifest entry to float32 values. */
export function decodeWeight(data: Uint8Array, spec: WeightSpec & { offset: number; bytes: number }): Float32Array {
  const view = new DataView(data.buffer, data.byteOffset + spec.offset, spec.bytes);
  const n = sizeOf(spec.shape);
  const out = new Float32Array(n);
  const q = spec.quantization;
  if (q !== undefined) {
    const scale = q.scale ?? 1;
    const min = q.min ?? 0;
    for (let i = 0; i < n; i++) {
      out[i] = q.dtype === 'float16' ? decodeHalf(view.getUint16(2 * i, true)) : (q.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(2 * i, true)) * scale + min;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    out[i] = spec.dtype === 'float32' ? view.getFloat32(4 * i, true) : spec.dtype === 'int32' ? view.getInt32(4 * i, true) : view.getUint8(i);
  }
  return out;
}

export interface LoadedModel {
  model: Sequential | Functional;
  /** Present when the file was saved with includeOptimizer. */
  optimizer: Optimizer | null;
  rngState: number[] | null;
}

/**
 * Builds a model from parsed model.json and the bytes of its weight files (already checked
 * against the manifest's total by the caller).
 */
export function modelFromArtifacts(raw: Json, weightData: Uint8Array, file: string, optimizerData: Uint8Array | null, unknownKeys: 'error' | 'warn' = 'error'): LoadedModel {
  checkKeys(raw, 'model.json', file);
  const json = obj(raw, 'model.json', file);
  const topology = obj(json.modelTopology, "'modelTopology'", file);
  const t = topology.model_config !== undefined ? obj(topology.model_config, 'modelTopology.model_config', file) : topology;
  // The manifest first: the layers may not make more weights than it lists (a tiny model.json
  // asking for units: 1e8 must fail at once, not after allocating gigabytes).
  const { specs, total } = readManifest(json, file);
  if (weightData.length !== total) {
    throw new Error(`${file}: the weights manifest describes ${total} bytes but the weight files hold ${weightData.length}`);
  }
  const listed = specs.reduce((n, sp) => n + sizeOf(sp.shape), 0);
  const model = withContext({ weightBudget: { remaining: listed, file }, unknownKeys }, () => named(file, () => modelFromTopology(t, file)));
  const byName = new Map(specs.map((s) => [s.name, s]));
  const own = namedWeights(model);
  for (const w of own) {
    const spec = byName.get(w.name);
    if (spec === undefined) throw new Error(`${file}: no weight named '${w.name}' in the manifest (it has: ${specs.map((s) => s.name).join(', ') || 'none'})`);
    if (spec.shape.length !== w.value.rank || spec.shape.some((d, i) => d !== w.value.shape[i])) {
      throw new Error(`${file}: weight '${w.name}' has shape ${fmt(spec.shape)} in the file but the layer needs ${fmt(w.value.shape)}`);
    }
    w.value.assign(decodeWeight(weightData, spec));
    byName.delete(w.name);
  }
  if (byName.size > 0) throw new Error(`${file}: the manifest has weights no layer uses: ${[...byName.keys()].join(', ')}`);

  let optimizer: Optimizer | null = null;
  let rngState: number[] | null = null;
  const meta = json.userDefinedMetadata;
  if (meta !== undefined && meta !== null && typeof meta === 'object' && !Array.isArray(meta) && meta.neurite !== undefined) {
    const n = obj(meta.neurite, 'userDefinedMetadata.neurite', file);
    if (n.optimizer !== undefined) {
      const o = obj(n.optimizer, 'userDefinedMetadata.neurite.optimizer', file);
      const compile = obj(n.compile, 'userDefinedMetadata.neurite.compile', file);
      optimizer = restoreOptimizer(o, own, optimizerData, file);
      model.compile({ optimizer, ...compileFromRecord(compile, model.outputNames, file) });
    }
    if (Array.isArray(n.rngState) && n.rngState.length === 5) rngState = n.rngState.map((v) => (typeof v === 'number' ? v : Number.NaN));
  }
  if (meta !== undefined && meta !== null && typeof meta === 'object' && !Array.isArray(meta)) {
    const { neurite: _, ...user } = meta;
    if (Object.keys(user).length > 0) model.setUserDefinedMetadata(user);
  }
  return { model, optimizer, rngState };
}

/**
 * A model from a topology alone, its weights freshly initialized (tfjs `tf.models.modelFromJSON`
 * without weights). Its layers may make at most `maxParams` weights, so a topology asking for
 * units: 1e8 is refused before anything is allocated.
 */
export function modelFromTopologyJson(raw: Json, file: string, maxParams: number): Sequential | Functional {
  const topology = obj(raw, 'modelTopology', file);
  const t = topology.model_config !== undefined ? obj(topology.model_config, 'modelTopology.model_config', file) : topology;
  const over = `more than ${maxParams} weights in all (the maxParams option raises the limit)`;
  return withContext({ weightBudget: { remaining: maxParams, file, over } }, () => named(file, () => modelFromTopology(t, file)));
}

/**
 * Runs `f`; an Error from a layer it builds (a shape that does not fit, say) is re-thrown with
 * the file's name in front, so every refusal of a file names the file.
 */
function named<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && e.constructor === Error && !e.message.startsWith(file)) throw new Error(`${file}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Whether a layer entry is a nested model. */
function isModelEntry(l: Json): boolean {
  return l !== null && typeof l === 'object' && !Array.isArray(l) && (l.class_name === 'Sequential' || l.class_name === 'Model' || l.class_name === 'Functional');
}

/** depth guards nested models (a hostile file could nest them without end). */
function modelFromTopology(t: JsonObject, file: string, depth = 0): Sequential | Functional {
  if (depth > 16) throw new Error(`${file}: models nested more than 16 deep`);
  if (t.class_name === 'Model' || t.class_name === 'Functional') return functionalFromConfig(obj(t.config, 'modelTopology.config', file), file, depth);
  if (t.class_name === 'Sequential') return sequentialFromTopology(t, file, depth);
  throw new Error(`${file}: model class ${JSON.stringify(t.class_name)} is not supported (Sequential, Model, Functional)`);
}

function sequentialFromTopology(t: JsonObject, file: string, depth = 0): Sequential {
  const { name, layers: layerJson } = topologyLayers(t, file);
  const model = new Sequential({ name });
  layerJson.forEach((l, i) => {
    if (isModelEntry(l)) {
      const inner = modelFromTopology(obj(l, `layer ${i}`, file), file, depth + 1);
      const view = modelAsLayer(inner);
      if (typeof (l as JsonObject).name === 'string') view.name = (l as JsonObject).name as string;
      model.add(view);
      return;
    }
    const made = layerFromJson(l, file, `layer ${i}`);
    if ('inputShape' in made) {
      // Listed among the layers, as tfjs loads it.
      if (model.layers.length > 0) throw new Error(`${file}: layer ${i}: an InputLayer must come first`);
      const name = (l as { config?: { name?: unknown } }).config?.name;
      model.add(new InputLayer({ batchInputShape: made.inputShape, ...(typeof name === 'string' ? { name } : {}) }));
      return;
    }
    model.add(made);
  });
  if (model.layers.every((x) => x instanceof InputLayer)) throw new Error(`${file}: the model has no layers`);
  if (model.inputShape === null) throw new Error(`${file}: the first layer declares no input shape (batch_input_shape)`);
  model.build(model.inputShape);
  return model;
}

// ---- functional models: layers with their inbound nodes ---------------------------------------

/** A node's index among the nodes of its layer that belong to the model (what files number). */
function nodeIndexIn(node: Node, inModel: ReadonlySet<Node>): number {
  return node.layer.inboundNodes.filter((n) => inModel.has(n)).indexOf(node);
}

/** Keras's functional config: each layer with `inbound_nodes` ([layer, node, tensor, kwargs] per input), and the model's input and output layers. */
function functionalConfig(model: Functional): JsonObject {
  const inModel = new Set<Node>([...model.nodes, ...model.inputs.map((t) => t.node)]);
  // A nested model's node 0 is, in Keras and tfjs, the model's own construction: its uses count from 1.
  const ref = (t: SymbolicTensor): Json[] => [t.sourceLayer.name!, nodeIndexIn(t.node, inModel) + (t.sourceLayer instanceof ModelLayer ? 1 : 0), t.outputIndex];
  const layers = model.layers.map((layer): JsonObject => {
    if (layer instanceof InputLayer) return { name: layer.name!, ...inputLayerJson(layer), inbound_nodes: [] };
    const { class_name, config } = layerJson(layer, null);
    const nodes = layer.inboundNodes.filter((n) => inModel.has(n)).map((n) => n.inputs.map((t) => [...ref(t), { ...(n.kwargs as JsonObject) }]));
    return { name: layer.name!, class_name: class_name!, config: config!, inbound_nodes: nodes };
  });
  return { name: model.name, layers, input_layers: model.inputs.map(ref), output_layers: model.outputs.map(ref) };
}

/** [layer, node, tensor] from a file, checked. */
function tensorRef(v: Json, where: string, file: string): [string, number, number] {
  if (!Array.isArray(v) || v.length < 3 || typeof v[0] !== 'string' || !Number.isInteger(v[1]) || !Number.isInteger(v[2])) {
    throw new Error(`${file}: ${where}: expected [layer name, node index, tensor index], got ${JSON.stringify(v)}`);
  }
  return [v[0], v[1] as number, v[2] as number];
}

/**
 * Rebuilds the graph: every layer from its config, then its nodes applied in dependency order
 * (a shared layer's later node may need a layer listed after it).
 */
function functionalFromConfig(c: JsonObject, file: string, depth = 0): Functional {
  if (!Array.isArray(c.layers)) throw new Error(`${file}: modelTopology.config.layers must be a list`);
  const made = new Map<string, Layer>();
  const pending: Array<{ name: string; layer: Layer; nodes: Array<Array<[string, number, number, JsonObject]>> }> = [];
  const tensors = new Map<string, SymbolicTensor>();
  const key = (r: readonly [string, number, number] | readonly [string, number, number, JsonObject]): string => `${r[0]}\u0000${r[1]}\u0000${r[2]}`;
  c.layers.forEach((lj, i) => {
    const l = obj(lj, `layer ${i}`, file);
    const name = l.name ?? obj(l.config, `layer ${i} config`, file).name;
    if (typeof name !== 'string') throw new Error(`${file}: layer ${i}: missing 'name'`);
    if (made.has(name)) throw new Error(`${file}: layer ${i}: two layers are named '${name}'`);
    if (!Array.isArray(l.inbound_nodes)) throw new Error(`${file}: layer ${i} ('${name}'): 'inbound_nodes' must be a list`);
    const where = `layer ${i} ('${name}')`;
    if (l.class_name === 'InputLayer') {
      const cfg = obj(l.config, `${where} config`, file);
      const shape = cfg.batch_input_shape ?? cfg.batch_shape;
      if (!Array.isArray(shape) || !shape.every((d) => d === null || (Number.isInteger(d) && (d as number) >= 0))) throw new Error(`${file}: ${where}: batch_input_shape must be a list of sizes or nulls`);
      const t = input({ batchShape: shape as Array<number | null>, name });
      made.set(name, t.sourceLayer);
      tensors.set(key([name, 0, 0]), t);
      return;
    }
    const layer = isModelEntry(l) ? modelAsLayer(modelFromTopology(l, file, depth + 1)) : layerFromJson({ class_name: l.class_name ?? null, config: l.config ?? null }, file, where);
    if ('inputShape' in layer) throw new Error(`${file}: ${where}: unexpected input shape`);
    layer.name = name;
    made.set(name, layer);
    const nodes = l.inbound_nodes.map((nj, k) => {
      if (!Array.isArray(nj)) throw new Error(`${file}: ${where}: inbound node ${k} must be a list of inputs`);
      return nj.map((ij, m): [string, number, number, JsonObject] => {
        const r = tensorRef(ij, `${where}: inbound node ${k}, input ${m}`, file);
        const kwargs = Array.isArray(ij) && ij.length > 3 ? obj(ij[3], `${where}: inbound node ${k}, input ${m} keyword arguments`, file) : {};
        const unknown = Object.keys(kwargs).filter((kw) => kw !== 'training' && !(kw === 'mask' && kwargs[kw] === null));
        if (unknown.length > 0) throw new Error(`${file}: ${where}: inbound node ${k}: unsupported call arguments ${unknown.join(', ')}`);
        return [...r, kwargs];
      });
    });
    pending.push({ name, layer, nodes });
  });
  // Apply nodes once their inputs exist; each pass must make progress.
  const done = new Map<string, number>();
  let left = pending.reduce((n, p) => n + p.nodes.length, 0);
  while (left > 0) {
    let progress = false;
    for (const p of pending) {
      let k = done.get(p.name) ?? 0;
      while (k < p.nodes.length) {
        const refs = p.nodes[k]!;
        for (const r of refs) if (!made.has(r[0])) throw new Error(`${file}: layer '${p.name}': inbound node ${k} names layer '${r[0]}', which the model does not have`);
        const ins = refs.map((r) => tensors.get(key(r)));
        if (ins.some((t) => t === undefined)) break;
        const training = refs[0]?.[3].training;
        const out = p.layer.apply(ins as SymbolicTensor[], typeof training === 'boolean' ? { training } : {});
        // A nested model's uses are numbered from 1 in files (node 0 is its own construction).
        const fileNode = k + (p.layer instanceof ModelLayer ? 1 : 0);
        (Array.isArray(out) ? out : [out]).forEach((t, i) => tensors.set(key([p.name, fileNode, i]), t));
        k++;
        left--;
        progress = true;
      }
      done.set(p.name, k);
    }
    if (!progress) {
      const stuck = pending.find((p) => (done.get(p.name) ?? 0) < p.nodes.length)!;
      const node = stuck.nodes[done.get(stuck.name) ?? 0]!;
      const missing = node.find((r) => !tensors.has(key(r)))!;
      throw new Error(`${file}: layer '${stuck.name}' needs output ${missing[2]} of node ${missing[1]} of layer '${missing[0]}', which the graph never makes`);
    }
  }
  const refsOf = (v: Json | undefined, what: string): SymbolicTensor[] => {
    if (!Array.isArray(v) || v.length === 0) throw new Error(`${file}: modelTopology.config.${what} must be a non-empty list`);
    return v.map((r, i) => {
      const t = tensors.get(key(tensorRef(r, `${what}[${i}]`, file)));
      if (t === undefined) throw new Error(`${file}: ${what}[${i}] names ${JSON.stringify(r)}, which the graph does not make`);
      return t;
    });
  };
  return new Functional({ inputs: refsOf(c.input_layers, 'input_layers'), outputs: refsOf(c.output_layers, 'output_layers'), name: typeof c.name === 'string' ? c.name : 'model' });
}

function restoreOptimizer(o: JsonObject, weights: ReturnType<typeof namedWeights>, data: Uint8Array | null, file: string): Optimizer {
  const className = String(o.className);
  const config = obj(o.config, 'optimizer config', file);
  const lr = config.learningRate;
  const opt = getOptimizer(className.toLowerCase());
  // Rebuild with the saved settings: same class, options from getConfig().
  const Ctor = opt.constructor as new (options: Record<string, unknown>) => Optimizer;
  const restored = new Ctor({ ...config, learningRate: typeof lr === 'number' ? lr : opt.learningRate });
  const it = o.iterations ?? 0;
  if (typeof it !== 'number' || !Number.isSafeInteger(it) || it < 0) throw new Error(`${file}: the optimizer's iterations must be a non-negative integer, got ${JSON.stringify(it)}`);
  restored.iterations = it;
  if (!Array.isArray(o.slots)) throw new Error(`${file}: optimizer slots must be a list`);
  if (data === null) throw new Error(`${file}: the model was saved with its optimizer but ${OPTIMIZER_FILE} is missing`);
  const byName = new Map(weights.map((w) => [w.name, w.value]));
  for (const s of o.slots) {
    const e = obj(s, 'optimizer slot', file);
    const w = byName.get(String(e.weight));
    const offset = e.offset;
    const length = e.length;
    if (w === undefined || typeof offset !== 'number' || typeof length !== 'number' || length !== w.size || offset < 0 || offset + 4 * length > data.length || offset % 4 !== 0) {
      throw new Error(`${file}: optimizer slot for ${JSON.stringify(e.weight)} does not fit ${OPTIMIZER_FILE} (${data.length} bytes)`);
    }
    const slot = restored.slotsFor(w)[Number(e.slot)];
    if (slot === undefined) throw new Error(`${file}: optimizer slot ${JSON.stringify(e.slot)} does not exist for ${className}`);
    slot.set(new Float32Array(data.slice(offset, offset + 4 * length).buffer));
  }
  restored.params = weights.map((w) => w.value).filter((t) => t.requiresGrad);
  return restored;
}
