/**
 * safetensors (huggingface): 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}` padded with
 * spaces, then the data. Reading checks everything the format promises before allocating:
 * header ≤ 100 MB, offsets sorted, contiguous from 0 with no holes, sizes equal to
 * numel × dtype width, no duplicate names, total length exact.
 */
import { decodeHalf } from './half.js';
import { fmt, sizeOf } from '../tensor/shape.js';

export const MAX_HEADER = 100 * 1024 * 1024;

const WIDTH: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
  F8_E4M3: 1, F8_E5M2: 1,
};

export interface SafeTensor {
  name: string;
  shape: number[];
  /** Values converted to float32. */
  values: Float32Array;
  dtype: string;
}

function pad8(n: number): number {
  return (8 - (n % 8)) % 8;
}

/** Encodes float32 tensors (in the given order) with optional string metadata. */
export function encodeSafetensors(tensors: ReadonlyArray<{ name: string; shape: readonly number[]; values: ArrayLike<number> }>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header.__metadata__ = metadata;
  let offset = 0;
  const seen = new Set<string>();
  for (const t of tensors) {
    if (seen.has(t.name)) throw new Error(`safetensors: duplicate tensor name '${t.name}'`);
    seen.add(t.name);
    const bytes = sizeOf(t.shape) * 4;
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padding = pad8(8 + json.length);
  if (padding > 0) {
    const padded = new Uint8Array(json.length + padding).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const t of tensors) {
    const f = Float32Array.from(t.values);
    out.set(new Uint8Array(f.buffer), pos);
    pos += f.byteLength;
  }
  return out;
}

/** Top-level keys of a JSON object in order of appearance (JSON.parse hides duplicates). */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      expectKey = false;
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = c === '{' && depth === 1;
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) expectKey = true;
  }
  return keys;
}


function convert(view: DataView, dtype: string, n: number): Float32Array {
  const out = new Float32Array(n);
  const w = WIDTH[dtype]!;
  for (let i = 0; i < n; i++) {
    const o = i * w;
    switch (dtype) {
      case 'F32': out[i] = view.getFloat32(o, true); break;
      case 'F64': out[i] = view.getFloat64(o, true); break;
      case 'F16': out[i] = decodeHalf(view.getUint16(o, true)); break;
      case 'BF16': out[i] = new Float32Array(new Uint32Array([view.getUint16(o, true) << 16]).buffer)[0]!; break;
      case 'I32': out[i] = view.getInt32(o, true); break;
      case 'U32': out[i] = view.getUint32(o, true); break;
      case 'I16': out[i] = view.getInt16(o, true); break;
      case 'U16': out[i] = view.getUint16(o, true); break;
      case 'I8': out[i] = view.getInt8(o); break;
      case 'U8': case 'BOOL': out[i] = view.getUint8(o); break;
      case 'I64': out[i] = Number(view.getBigInt64(o, true)); break;
      case 'U64': out[i] = Number(view.getBigUint64(o, true)); break;
      default: throw new Error(`safetensors: dtype ${dtype} cannot be converted to float32`);
    }
  }
  return out;
}

/** Decodes and validates a safetensors file; `file` names it in errors. */
export function decodeSafetensors(bytes: Uint8Array, file = 'safetensors'): { tensors: SafeTensor[]; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new Error(`${file}: too short for a safetensors file (${bytes.length} bytes; the header length alone takes 8)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER)) throw new Error(`${file}: header length ${n64} exceeds the 100 MB limit`);
  const n = Number(n64);
  if (8 + n > bytes.length) throw new Error(`${file}: header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(8, 8 + n));
  if (!text.startsWith('{')) throw new Error(`${file}: the header must be a JSON object starting with '{'`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: the header is not valid JSON: ${(e as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new Error(`${file}: the header must be a JSON object`);
  const keys = topLevelKeys(text.trimEnd());
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup !== undefined) throw new Error(`${file}: tensor name '${dup}' appears twice in the header`);
  const entries = Object.entries(header as Record<string, unknown>);
  let metadata: Record<string, string> = {};
  const specs: Array<{ name: string; dtype: string; shape: number[]; begin: number; end: number }> = [];
  for (const [name, raw] of entries) {
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') throw new Error(`${file}: forbidden tensor name '${name}'`);
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== 'string')) {
        throw new Error(`${file}: __metadata__ must map strings to strings`);
      }
      metadata = { ...(raw as Record<string, string>) };
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) throw new Error(`${file}: entry '${name}' must be an object`);
    if (typeof e.dtype !== 'string' || !(e.dtype in WIDTH)) throw new Error(`${file}: tensor '${name}' has unknown dtype ${JSON.stringify(e.dtype)}`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${file}: tensor '${name}' has an invalid shape ${JSON.stringify(e.shape)}`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((v) => Number.isSafeInteger(v) && v >= 0) || off[1] < off[0]) {
      throw new Error(`${file}: tensor '${name}' has invalid data_offsets ${JSON.stringify(off)}`);
    }
    const shape = e.shape as number[];
    const expected = sizeOf(shape) * WIDTH[e.dtype]!;
    if (off[1] - off[0] !== expected) {
      throw new Error(`${file}: tensor '${name}' (${e.dtype}, shape ${fmt(shape)}) needs ${expected} bytes but its offsets [${off[0]}, ${off[1]}] span ${off[1] - off[0]}`);
    }
    specs.push({ name, dtype: e.dtype, shape, begin: off[0] as number, end: off[1] as number });
  }
  const sorted = [...specs].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const s of sorted) {
    if (s.begin !== pos) throw new Error(`${file}: data offsets are not contiguous: tensor '${s.name}' starts at ${s.begin}, expected ${pos}`);
    pos = s.end;
  }
  const dataLength = bytes.length - 8 - n;
  if (pos !== dataLength) throw new Error(`${file}: the header describes ${pos} bytes of data but the file holds ${dataLength}`);
  const base = 8 + n;
  const tensors = specs.map((s) => ({
    name: s.name,
    shape: s.shape,
    dtype: s.dtype,
    values: convert(new DataView(bytes.buffer, bytes.byteOffset + base + s.begin, s.end - s.begin), s.dtype, sizeOf(s.shape)),
  }));
  return { tensors, metadata };
}
