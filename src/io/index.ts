/**
 * Saving and loading (Node): `model.save('file://dir')` writes `dir/model.json` and
 * `dir/weights.bin` in the TensorFlow.js Layers format; `loadLayersModel('file://dir/model.json')`
 * reads it back, including files written by TensorFlow.js; `saveWeights`/`loadWeights` use
 * safetensors. Every write is atomic; every read checks sizes before allocating.
 */
import { getContext } from '../context/context.js';
import { Callback } from '../models/callbacks.js';
import { Sequential } from '../models/sequential.js';
import { Functional } from '../models/functional.js';
import { Model } from '../models/model.js';
import type { Logs } from '../models/types.js';
import { fmt } from '../tensor/shape.js';
import { crc32, pathFromUrl, fsModules, previousVersion, readChecked, removeStaleTemps, writeAtomic, writeAtomicGroup } from './files.js';
import { type LoadedModel, OPTIMIZER_FILE, WEIGHTS_FILE, type SaveOptions, modelFromArtifacts, modelFromTopologyJson, modelToArtifacts, modelTopology, namedWeights, readManifest } from './model-format.js';
import { MAX_HEADER, decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { Json, JsonObject } from './topology.js';
import { type IOHandler, type ModelArtifacts, type SaveResult, type WeightsManifestEntry, artifactsToJson, isHandler } from './handlers.js';

const MAX_MODEL_JSON = 64 * 1024 * 1024;
const MAX_WEIGHTS = 8 * 1024 * 1024 * 1024;

/**
 * Writes the model (and, with includeOptimizer, its training state) into directory `url`, or
 * hands its artifacts to an IO handler (`io.withSaveHandler`), resolving to the handler's result.
 */
export async function saveModel(model: Model, url: string | IOHandler, options: SaveOptions = {}): Promise<SaveResult | void> {
  if (isHandler(url)) {
    if (url.save === undefined) throw new Error('save: the IO handler has no save()');
    if (options.includeOptimizer === true) throw new Error('save: includeOptimizer needs a file:// directory (the optimizer state is a file of its own)');
    const { json, files } = modelToArtifacts(model);
    const bytes = files.get(WEIGHTS_FILE)!;
    const manifest = (json.weightsManifest as JsonObject[])[0]!;
    const artifacts: ModelArtifacts = {
      modelTopology: json.modelTopology as JsonObject, weightSpecs: manifest.weights as unknown as WeightsManifestEntry[],
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      format: String(json.format), generatedBy: String(json.generatedBy), convertedBy: null,
      ...(json.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: json.userDefinedMetadata as JsonObject }),
    };
    return url.save(artifacts);
  }
  const { fs, path } = await fsModules();
  const dir = pathFromUrl(url);
  const { json, files } = modelToArtifacts(model, options);
  await fs.mkdir(dir, { recursive: true });
  // model.json records a checksum of the weights it goes with, so a save torn between the
  // renames is refused on load instead of pairing one save's topology with another's weights.
  const meta = (json.userDefinedMetadata ??= {}) as JsonObject;
  const own = (meta.neurite ??= {}) as JsonObject;
  own.weightsCrc32 = crc32(files.get(WEIGHTS_FILE)!);
  const optimizerBytes = files.get(OPTIMIZER_FILE);
  if (optimizerBytes !== undefined) own.optimizerCrc32 = crc32(optimizerBytes);
  // What a killed save left, of any of the model's files (optimizer.bin too, when this save
  // has no optimizer state): `.prev` versions put back or removed, temporaries removed.
  await recoverInterrupted(dir, [WEIGHTS_FILE, OPTIMIZER_FILE]);
  await removeStaleTemps(dir, ['model.json', WEIGHTS_FILE, OPTIMIZER_FILE]);
  await writeAtomicGroup([...[...files].map(([name, data]) => [path.join(dir, name), data] as const), [path.join(dir, 'model.json'), JSON.stringify(json)] as const]);
}

/**
 * Before a save replaces files, undoes what an interrupted one left: where model.json goes with
 * the `.prev` version of a file (the kill came between that file's rename and model.json's),
 * the `.prev` version is put back, so this save's own `.prev` is the committed one.
 */
async function recoverInterrupted(dir: string, names: readonly string[]): Promise<void> {
  const { fs, path } = await fsModules();
  const prevs = names.map((n) => previousVersion(path, path.join(dir, n)));
  const exists = await Promise.all(prevs.map((p) => fs.stat(p).then(() => true, () => false)));
  if (!exists.some(Boolean)) return;
  let committed: JsonObject | null = null;
  try {
    const j = JSON.parse(new TextDecoder().decode(await readChecked(path.join(dir, 'model.json'), MAX_MODEL_JSON, 'model file'))) as JsonObject;
    committed = ((j.userDefinedMetadata as JsonObject | undefined)?.neurite as JsonObject | undefined) ?? null;
  } catch {
    committed = null;
  }
  for (const [i, name] of names.entries()) {
    if (!exists[i]) continue;
    const want = committed?.[name === WEIGHTS_FILE ? 'weightsCrc32' : 'optimizerCrc32'];
    const prevBytes = await readChecked(prevs[i]!, MAX_WEIGHTS, 'file').catch(() => null);
    if (typeof want === 'number' && prevBytes !== null && crc32(prevBytes) === want) await fs.rename(prevs[i]!, path.join(dir, name));
    else await fs.rm(prevs[i]!, { force: true });
  }
}

export interface LoadOptions {
  /** Restore the random generator's state saved with includeOptimizer (exact resumption). */
  restoreRng?: boolean;
  /**
   * A layer config key this version does not know: 'error' (default: a flipped bit must not
   * become a silent default) or 'warn' (a newer file's extra option: ignored, with a warning).
   */
  unknownKeys?: 'error' | 'warn';
  /**
   * The most weight bytes a model may have (default 8 GiB): a manifest listing more is refused
   * before anything is read or allocated, naming the file and the size.
   */
  maxWeightBytes?: number;
}

/** The weight-size limit for a load, checked. */
function weightLimit(o: LoadOptions): number {
  const v = o.maxWeightBytes ?? MAX_WEIGHTS;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`loadLayersModel: maxWeightBytes must be an integer ≥ 0, got ${JSON.stringify(v)}`);
  return v;
}

function checkWeightTotal(file: string, total: number, limit: number): void {
  if (total > limit) throw new Error(`${file}: the weights manifest lists ${total} bytes of weights, more than the limit of ${limit} bytes (loadLayersModel's maxWeightBytes option raises it)`);
}

/**
 * Reads a model written by neurite or TensorFlow.js: `file://dir/model.json` (or the
 * directory), or the artifacts of an IO handler (`io.fromMemory`).
 */
function unknownKeysOption(o: LoadOptions): 'error' | 'warn' {
  const v = o.unknownKeys ?? 'error';
  if (v !== 'error' && v !== 'warn') throw new Error(`loadLayersModel: unknownKeys must be 'error' or 'warn', got ${JSON.stringify(v)}`);
  return v;
}

export async function loadLayersModel(url: string | IOHandler, options: LoadOptions = {}): Promise<Sequential | Functional> {
  if (isHandler(url)) {
    if (url.load === undefined) throw new Error('loadLayersModel: the IO handler has no load()');
    const limit = weightLimit(options);
    const { json, data } = artifactsToJson(await url.load(), 'loadLayersModel (IO handler)');
    checkWeightTotal('loadLayersModel (IO handler)', data.length, limit);
    return modelFromArtifacts(json, data, 'loadLayersModel (IO handler)', null, unknownKeysOption(options)).model;
  }
  return (await loadModelDetailed(url, options)).model;
}

/** @internal loadLayersModel with the optimizer and generator state it found. */
export async function loadModelDetailed(url: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const { fs, path } = await fsModules();
  let file = pathFromUrl(url);
  try {
    if ((await fs.stat(file)).isDirectory()) file = path.join(file, 'model.json');
  } catch {
    // Reported by readChecked below.
  }
  const dir = path.dirname(file);
  const text = new TextDecoder().decode(await readChecked(file, MAX_MODEL_JSON, 'model file'));
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch (e) {
    if (e instanceof RangeError) throw new Error(`${file}: nested too deeply to read (${e.message}); not a model file`);
    throw new Error(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${file}: expected a JSON object with modelTopology and weightsManifest`);
  const { paths, total } = readManifest(json, file);
  checkWeightTotal(file, total, weightLimit(options));
  const meta = (json as JsonObject).userDefinedMetadata;
  const own = meta !== null && typeof meta === 'object' && !Array.isArray(meta) && meta !== undefined ? (meta as JsonObject).neurite : undefined;
  const ownMeta = own !== null && typeof own === 'object' && !Array.isArray(own) && own !== undefined ? (own as JsonObject) : null;
  const expectedCrc = typeof ownMeta?.weightsCrc32 === 'number' ? ownMeta.weightsCrc32 : null;
  // The weights as saved; if a save was killed between its renames, the previous version of
  // the files (kept as .name.prev until the save commits) is what this model.json goes with.
  let data: Uint8Array;
  try {
    data = await readWeightFiles(file, dir, paths.map((p) => path.join(dir, p)), total, expectedCrc);
  } catch (e) {
    const prev = paths.map((p) => previousVersion(path, path.join(dir, p)));
    if (expectedCrc === null || !(await Promise.all(prev.map((p) => fs.stat(p).then(() => true, () => false)))).some(Boolean)) throw e;
    const withPrev = await Promise.all(paths.map(async (p, i) => ((await fs.stat(prev[i]!).then(() => true, () => false)) ? prev[i]! : path.join(dir, p))));
    data = await readWeightFiles(file, dir, withPrev, total, expectedCrc).catch(() => { throw e; });
  }
  let optimizerData: Uint8Array | null = null;
  if (ownMeta !== null) {
    const optFile = path.join(dir, OPTIMIZER_FILE);
    const want = typeof ownMeta.optimizerCrc32 === 'number' ? ownMeta.optimizerCrc32 : null;
    for (const candidate of [optFile, previousVersion(path, optFile)]) {
      const bytes = await readChecked(candidate, MAX_WEIGHTS, 'optimizer file').catch(() => null);
      if (bytes !== null && (want === null || crc32(bytes) === want)) {
        optimizerData = bytes;
        break;
      }
    }
    if (ownMeta.optimizer !== undefined && optimizerData === null && want !== null) {
      throw new Error(`${file}: ${OPTIMIZER_FILE} does not match this model.json (checksum differs or the file is missing); a save was probably interrupted`);
    }
  }
  const loaded = modelFromArtifacts(json, data, file, optimizerData, unknownKeysOption(options));
  if (options.restoreRng && loaded.rngState !== null) getContext().rng.setState(loaded.rngState);
  return loaded;
}

/** The weight files' bytes, concatenated, after checking their sizes against the manifest and (when known) their checksum. */
async function readWeightFiles(file: string, dir: string, files: readonly string[], total: number, expectedCrc: number | null): Promise<Uint8Array> {
  const { fs, path } = await fsModules();
  // Sizes first: nothing is read or allocated beyond what the files on disk hold.
  let onDisk = 0;
  for (const full of files) {
    try {
      onDisk += (await fs.stat(full)).size;
    } catch {
      throw new Error(`${file}: weight file ${path.relative(dir, full)} is missing`);
    }
  }
  if (onDisk !== total) throw new Error(`${file}: the weights manifest describes ${total} bytes but ${files.map((f) => path.relative(dir, f)).join(', ')} hold${files.length === 1 ? 's' : ''} ${onDisk}`);
  const parts = await Promise.all(files.map((f) => readChecked(f, MAX_WEIGHTS, 'weight file')));
  const data = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    data.set(p, off);
    off += p.length;
  }
  if (expectedCrc !== null && crc32(data) !== expectedCrc) {
    throw new Error(`${file}: the weight files do not match this model.json (checksum differs); a save was probably interrupted`);
  }
  return data;
}

/** Writes the model's weights as safetensors, named `<layer>/<weight>`. */
export async function saveWeights(model: Model, file: string): Promise<void> {
  if (!model.built) throw new Error('saveWeights: the model must be built first');
  const tensors = namedWeights(model).map((w) => ({ name: w.name, shape: w.value.shape, values: w.value.values }));
  await writeAtomic(pathFromUrl(file), encodeSafetensors(tensors, { format: 'neurite', model: model.name }));
}

/** Loads safetensors weights into the model by name; shapes must match. */
export async function loadWeights(model: Model, file: string): Promise<void> {
  const p = pathFromUrl(file);
  const bytes = await readChecked(p, MAX_WEIGHTS + MAX_HEADER, 'weights file');
  const { tensors } = decodeSafetensors(bytes, p);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const own = namedWeights(model);
  // Check everything before changing anything.
  for (const w of own) {
    const t = byName.get(w.name);
    if (t === undefined) throw new Error(`${p}: no tensor named '${w.name}' (the file has: ${tensors.map((x) => x.name).join(', ') || 'none'})`);
    if (t.shape.length !== w.value.rank || t.shape.some((d, i) => d !== w.value.shape[i])) {
      throw new Error(`${p}: tensor '${w.name}' has shape ${fmt(t.shape)} but the layer needs ${fmt(w.value.shape)}`);
    }
  }
  for (const w of own) w.value.assign(byName.get(w.name)!.values);
}

export interface ModelCheckpointOptions {
  /** Default 'val_loss'. */
  monitor?: string;
  /** Save only when the monitored value improves (default false: every epoch). */
  saveBestOnly?: boolean;
  mode?: 'auto' | 'min' | 'max';
  /** Also save optimizer state (for resuming). */
  includeOptimizer?: boolean;
  /** Save weights only (safetensors) instead of the whole model. */
  saveWeightsOnly?: boolean;
}

/** Saves the model after each epoch (or its best one); `{epoch}` in the path is replaced (1-based). */
export class ModelCheckpoint extends Callback {
  private best = Number.NaN;
  /** Paths written, in order. */
  readonly saved: string[] = [];

  constructor(private readonly filepath: string, private readonly options: ModelCheckpointOptions = {}) {
    super();
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const model = this.trainingModel;
    if (!(model instanceof Sequential || model instanceof Functional)) throw new Error('modelCheckpoint: only Sequential and functional models can be saved');
    const monitor = this.options.monitor ?? 'val_loss';
    if (this.options.saveBestOnly) {
      const current = logs[monitor];
      if (current === undefined) throw new Error(`modelCheckpoint: monitored key '${monitor}' is not in the logs; available: ${Object.keys(logs).join(', ')}`);
      const mode = this.options.mode === undefined || this.options.mode === 'auto' ? (/(acc|accuracy|auc)$/.test(monitor) ? 'max' : 'min') : this.options.mode;
      const better = Number.isNaN(this.best) || (mode === 'min' ? current < this.best : current > this.best);
      if (!better) return;
      this.best = current;
    }
    const target = this.filepath.replace(/\{epoch(?::0?(\d+)d)?\}/g, (_m, width: string | undefined) => String(epoch + 1).padStart(Number(width ?? 0), '0'));
    if (this.options.saveWeightsOnly) await saveWeights(model, target);
    else await saveModel(model, target, { includeOptimizer: this.options.includeOptimizer ?? false });
    this.saved.push(target);
  }
}

export const modelCheckpoint = (filepath: string, options?: ModelCheckpointOptions): ModelCheckpoint => new ModelCheckpoint(filepath, options);

/**
 * A model from its topology, weights freshly initialized (tfjs `tf.models.modelFromJSON`): the
 * `{modelTopology}` of a model.json or `model.toJSON(null, false)`, or the topology itself (a
 * JSON string is parsed). Weights come with loadLayersModel; a manifest here is refused.
 */
export async function modelFromJSON(config: Json | string, options: { maxParams?: number } = {}): Promise<Sequential | Functional> {
  const op = 'modelFromJSON';
  const parse = (v: Json | string): Json => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as Json;
    } catch (e) {
      throw new Error(`${op}: the topology is not JSON: ${(e as Error).message}`);
    }
  };
  const given = parse(config);
  if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new Error(`${op}: expected {modelTopology} or a model topology ({class_name, config}), got ${given === null ? 'null' : Array.isArray(given) ? 'an array' : typeof given}`);
  if (given.weightsManifest !== undefined) throw new Error(`${op}: weights are not read here; load the model with loadLayersModel('file://…/model.json') to get them`);
  const maxParams = options.maxParams ?? MAX_WEIGHTS / 4;
  if (!Number.isInteger(maxParams) || maxParams < 0) throw new Error(`${op}: maxParams must be an integer ≥ 0, got ${JSON.stringify(maxParams)}`);
  return modelFromTopologyJson(given.modelTopology === undefined ? given : parse(given.modelTopology as Json), op, maxParams);
}

/** tfjs's `tf.models` namespace. */
export const models = { modelFromJSON };

declare module '../models/model.js' {
  interface Model {
    /**
     * The model's topology, `{class_name, config, keras_version, backend}`, as a JSON string or,
     * with `returnString` false, an object (tfjs `model.toJSON(unused, returnString)`); the first
     * argument is ignored, as tfjs ignores it.
     */
    toJSON(unused?: unknown, returnString?: boolean): string | JsonObject;
    /** Saves to `file://dir` in the TensorFlow.js Layers format, or to an IO handler (tfjs `model.save`). */
    save(url: string | IOHandler, options?: SaveOptions): Promise<SaveResult | void>;
    /** Writes the weights as safetensors. */
    saveWeights(file: string): Promise<void>;
    /** Reads safetensors weights by name. */
    loadWeights(file: string): Promise<void>;
  }
}

Model.prototype.save = function (this: Model, url: string | IOHandler, options?: SaveOptions) {
  return saveModel(this, url, options);
};
Model.prototype.toJSON = function (this: Model, _unused?: unknown, returnString = true) {
  const topology = modelTopology(this);
  return returnString ? JSON.stringify(topology) : topology;
};
Model.prototype.saveWeights = function (this: Model, file: string) {
  return saveWeights(this, file);
};
Model.prototype.loadWeights = function (this: Model, file: string) {
  return loadWeights(this, file);
};

export { encodeSafetensors, decodeSafetensors, type SafeTensor } from './safetensors.js';
export { modelToArtifacts, modelFromArtifacts, type SaveOptions } from './model-format.js';

export { io, type IOHandler, type ModelArtifacts, type SaveResult } from './handlers.js';
