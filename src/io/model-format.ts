/**
 * A Sequential model ⇄ TensorFlow.js's `model.json` + weight bytes (see shared/FORMATS.md).
 * Weights are raw little-endian float32 in manifest order, named `<layer>/<weight>`. With
 * `includeOptimizer`, the optimizer's configuration and state (and the generator's state, for
 * exact resumption) travel in `userDefinedMetadata.neurite` and a separate `optimizer.bin`, so
 * the tfjs manifest stays exactly what tfjs expects.
 */
import { decodeHalf } from './half.js';
import { getContext } from '../context/context.js';
import type { Layer } from '../nn/layer.js';
import { getOptimizer } from '../optim/index.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Sequential } from '../models/sequential.js';
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

/** Every weight of the model with its saved name. */
export function namedWeights(model: Sequential): Array<{ name: string; layer: Layer; value: import('../tensor/tensor.js').Tensor }> {
  return model.layers.flatMap((layer) => layer.weightEntries.map((w) => ({ name: `${layer.name}/${w.name}`, layer, value: w.value })));
}

export function modelToArtifacts(model: Sequential, options: SaveOptions = {}): SavedModel {
  if (!model.built || model.inputShape === null) throw new Error('save: the model must be built (give the first layer an inputShape, or fit it) before saving');
  const layers = model.layers.map((l, i) => layerToJson(l, i === 0 ? model.inputShape : null));
  const weights = namedWeights(model);
  const specs: JsonObject[] = weights.map((w) => ({ name: w.name, shape: [...w.value.shape], dtype: 'float32' }));
  const files = new Map<string, Uint8Array>([[WEIGHTS_FILE, concatBytes(weights.map((w) => f32Bytes(w.value.values)))]]);
  const json: JsonObject = {
    modelTopology: { class_name: 'Sequential', config: { name: model.name, layers }, keras_version: 'neurite 0.1.0', backend: 'neurite' },
    format: 'layers-model',
    generatedBy: 'neurite 0.1.0',
    convertedBy: null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
  };
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
    const lossName = compiled.loss.name;
    const metrics = (compiled.metricIds[0] ?? []).filter((m): m is string => typeof m === 'string');
    json.trainingConfig = { loss: lossName, metrics, optimizer_config: { class_name: opt.className, config: opt.getConfig() as JsonObject } };
    json.userDefinedMetadata = {
      neurite: {
        optimizer: { className: opt.className, config: opt.getConfig() as JsonObject, iterations: opt.iterations, file: OPTIMIZER_FILE, slots },
        rngState: getContext().rng.getState().map((v) => (Number.isNaN(v) ? null : v)),
        compile: { loss: lossName, metrics },
      },
    };
  }
  return { json, files };
}

// ---- reading --------------------------------------------------------------------------------

function obj(v: Json | undefined, what: string, file: string): JsonObject {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${file}: ${what} must be an object`);
  return v;
}

/** The layer list from the modern, legacy (bare array) or Keras-HDF5-converted topology forms. */
function topologyLayers(topology: JsonObject, file: string): { name: string; layers: Json[] } {
  const t = topology.model_config !== undefined ? obj(topology.model_config, 'modelTopology.model_config', file) : topology;
  if (t.class_name !== 'Sequential') {
    throw new Error(`${file}: only Sequential models are supported, got class_name ${JSON.stringify(t.class_name)}`);
  }
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
  model: Sequential;
  /** Present when the file was saved with includeOptimizer. */
  optimizer: Optimizer | null;
  rngState: number[] | null;
}

/**
 * Builds a model from parsed model.json and the bytes of its weight files (already checked
 * against the manifest's total by the caller).
 */
export function modelFromArtifacts(raw: Json, weightData: Uint8Array, file: string, optimizerData: Uint8Array | null): LoadedModel {
  checkKeys(raw, 'model.json', file);
  const json = obj(raw, 'model.json', file);
  const topology = obj(json.modelTopology, "'modelTopology'", file);
  const { name, layers: layerJson } = topologyLayers(topology, file);
  const model = new Sequential({ name });
  layerJson.forEach((l, i) => {
    const made = layerFromJson(l, file, `layer ${i}`);
    if ('inputShape' in made) {
      if (model.layers.length > 0) throw new Error(`${file}: layer ${i}: an InputLayer must come first`);
      model.build(made.inputShape);
      return;
    }
    model.add(made);
  });
  if (model.layers.length === 0) throw new Error(`${file}: the model has no layers`);
  if (model.inputShape === null) throw new Error(`${file}: the first layer declares no input shape (batch_input_shape)`);
  model.build(model.inputShape);

  const { specs, total } = readManifest(json, file);
  if (weightData.length !== total) {
    throw new Error(`${file}: the weights manifest describes ${total} bytes but the weight files hold ${weightData.length}`);
  }
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
      model.compile({ optimizer, loss: String(compile.loss), metrics: Array.isArray(compile.metrics) ? compile.metrics.map(String) : [] });
    }
    if (Array.isArray(n.rngState) && n.rngState.length === 5) rngState = n.rngState.map((v) => (typeof v === 'number' ? v : Number.NaN));
  }
  return { model, optimizer, rngState };
}

function restoreOptimizer(o: JsonObject, weights: ReturnType<typeof namedWeights>, data: Uint8Array | null, file: string): Optimizer {
  const className = String(o.className);
  const config = obj(o.config, 'optimizer config', file);
  const lr = config.learningRate;
  const opt = getOptimizer(className.toLowerCase());
  // Rebuild with the saved settings: same class, options from getConfig().
  const Ctor = opt.constructor as new (options: Record<string, unknown>) => Optimizer;
  const restored = new Ctor({ ...config, learningRate: typeof lr === 'number' ? lr : opt.learningRate });
  restored.iterations = typeof o.iterations === 'number' ? o.iterations : 0;
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
