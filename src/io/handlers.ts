/**
 * TensorFlow.js's IO handlers: `tf.io.withSaveHandler(fn)` receives a model's artifacts
 * (topology, weight specs, weight bytes) from `model.save(handler)`, and `tf.io.fromMemory(...)`
 * hands artifacts to `loadLayersModel(handler)`, so models move through memory, a database or a
 * network message without files, in the same form tfjs uses.
 */
import type { Json, JsonObject } from './topology.js';

export interface WeightsManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

/** tfjs's `ModelArtifacts`. */
export interface ModelArtifacts {
  modelTopology: JsonObject;
  weightSpecs?: WeightsManifestEntry[];
  weightData?: ArrayBuffer;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: JsonObject;
  userDefinedMetadata?: JsonObject;
}

/** tfjs's `SaveResult`. */
export interface SaveResult {
  modelArtifactsInfo: { dateSaved: Date; modelTopologyType: 'JSON'; modelTopologyBytes: number; weightSpecsBytes: number; weightDataBytes: number };
}

/** tfjs's `IOHandler`: either side may be present. */
export interface IOHandler {
  save?(artifacts: ModelArtifacts): Promise<SaveResult>;
  load?(): Promise<ModelArtifacts>;
}

/** Whether `v` is an IO handler rather than a URL. */
export function isHandler(v: unknown): v is IOHandler {
  return v !== null && typeof v === 'object' && (typeof (v as IOHandler).save === 'function' || typeof (v as IOHandler).load === 'function');
}

/** The info tfjs's handlers report for saved artifacts. */
export function artifactsInfo(a: ModelArtifacts): SaveResult['modelArtifactsInfo'] {
  return {
    dateSaved: new Date(), modelTopologyType: 'JSON', modelTopologyBytes: JSON.stringify(a.modelTopology).length,
    weightSpecsBytes: JSON.stringify(a.weightSpecs ?? []).length, weightDataBytes: a.weightData?.byteLength ?? 0,
  };
}

/** A handler whose save hands the artifacts to `saveFn` (tfjs `tf.io.withSaveHandler`). */
export function withSaveHandler(saveFn: (artifacts: ModelArtifacts) => Promise<SaveResult>): IOHandler {
  if (typeof saveFn !== 'function') throw new Error('io.withSaveHandler: expected a function (artifacts) => Promise<SaveResult>');
  return { save: saveFn };
}

/**
 * A handler that loads the given artifacts (tfjs `tf.io.fromMemory`): an artifacts object, or
 * (modelTopology, weightSpecs, weightData, trainingConfig) as tfjs's older form.
 */
export function fromMemory(modelArtifacts: ModelArtifacts | JsonObject, weightSpecs?: WeightsManifestEntry[], weightData?: ArrayBuffer, trainingConfig?: JsonObject): IOHandler {
  const a = (modelArtifacts as ModelArtifacts).modelTopology !== undefined && weightSpecs === undefined
    ? (modelArtifacts as ModelArtifacts)
    : { modelTopology: modelArtifacts as JsonObject, ...(weightSpecs === undefined ? {} : { weightSpecs }), ...(weightData === undefined ? {} : { weightData }), ...(trainingConfig === undefined ? {} : { trainingConfig }) };
  return { load: async () => a };
}

/** The artifacts as a model.json object (manifest with one weights file) and the weight bytes. */
export function artifactsToJson(a: ModelArtifacts, where: string): { json: Json; data: Uint8Array } {
  if (a === null || typeof a !== 'object' || a.modelTopology === null || typeof a.modelTopology !== 'object') throw new Error(`${where}: the handler's artifacts have no modelTopology`);
  const data = a.weightData === undefined ? new Uint8Array(0) : new Uint8Array(a.weightData);
  const json: JsonObject = {
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: (a.weightSpecs ?? []) as unknown as Json[] }],
    ...(a.format === undefined ? {} : { format: a.format }),
    ...(a.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: a.userDefinedMetadata }),
  };
  return { json, data };
}

/** tfjs's `tf.io`. */
export const io = { withSaveHandler, fromMemory };
