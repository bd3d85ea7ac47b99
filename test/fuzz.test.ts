/**
 * Property-based fuzzing (fast-check) of everything that reads outside data: model.json with its
 * weights, safetensors, IDX, CSV, and tensor creation from nested arrays. Inputs are random, or
 * valid files mutated (values replaced, keys dropped or renamed, bytes flipped, truncated). The
 * property: each either loads or throws neurite's own Error naming what is wrong, never a
 * TypeError/RangeError from deep inside, and never hangs (the test's timeout bounds it). A
 * seeded corpus runs in `npm test`; `npm run fuzz` runs many more cases with a fresh seed.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  decodeSafetensors, encodeIdx, encodeSafetensors, layers, modelFromArtifacts, modelToArtifacts, parseCsv, parseIdx, sequential, setSeed, tensor,
} from '../src/index.js';

const RUNS = Number(process.env.NEURITE_FUZZ_RUNS ?? 250);
const SEED = process.env.NEURITE_FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.NEURITE_FUZZ_SEED ?? 20261201);
const params = { numRuns: RUNS, seed: SEED, verbose: 1 as const };
if (process.env.NEURITE_FUZZ_SEED === 'random') console.log(`fuzz seed ${SEED} (NEURITE_FUZZ_SEED=${SEED} repeats it)`);

/**
 * Runs `f`; true when it returned, throws the error when it is not neurite's own (a plain Error
 * naming `where`). With `inputBytes`, the typed-array memory held when `f` ends may not exceed
 * 64 bytes per input byte plus 16 MiB: no reader allocates far beyond what it was given (V8
 * frees array buffers only at a collection, which a case this small does not trigger, so what
 * `f` allocated is still counted when it returns).
 */
function loadsOrExplains(f: () => unknown, where: RegExp, inputBytes?: number): boolean {
  const before = process.memoryUsage().arrayBuffers;
  const bounded = () => {
    if (inputBytes === undefined) return;
    const grew = process.memoryUsage().arrayBuffers - before;
    if (grew > 64 * inputBytes + 16 * 2 ** 20) throw new Error(`reading ${inputBytes} bytes held ${grew} bytes of arrays afterwards: far beyond the input's size`);
  };
  try {
    f();
    bounded();
    return true;
  } catch (e) {
    bounded();
    if (!(e instanceof Error) || e.constructor !== Error) throw new Error(`not a neurite error: ${String(e)}\n${(e as Error).stack ?? ''}`);
    if (!where.test(e.message)) throw new Error(`the message does not name the source (${where}): ${e.message}`);
    return false;
  }
}

// ---- model.json ----------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function baseModel(): { json: Json; weights: Uint8Array } {
  setSeed(3);
  const m = sequential({ layers: [
    layers.conv2d({ filters: 2, kernelSize: 2, inputShape: [4, 4, 1], activation: 'relu' }),
    layers.batchNormalization(),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.reshape({ targetShape: [2, 2] }),
    layers.lstm({ units: 3, returnSequences: true }),
    layers.layerNormalization(),
    layers.flatten(),
    layers.dropout({ rate: 0.2 }),
    layers.dense({ units: 2, activation: 'softmax', kernelRegularizer: undefined }),
  ] });
  const { json, files } = modelToArtifacts(m);
  return { json: json as Json, weights: files.get('weights.bin')! };
}

/** Every path to a value inside `v`. */
function paths(v: Json, at: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

type Edit = { path: Array<string | number>; op: 'set' | 'delete' | 'rename'; value: Json; key: string };

function applyEdit(root: Json, e: Edit): Json {
  if (e.path.length === 0) return e.op === 'set' ? e.value : root;
  const copy = structuredClone(root) as Json;
  if (copy === null || typeof copy !== 'object') return copy;
  let parent = copy as Record<string | number, Json>;
  for (const k of e.path.slice(0, -1)) {
    const next = parent[k as never];
    if (next === null || typeof next !== 'object') return copy;
    parent = next as Record<string | number, Json>;
  }
  const last = e.path[e.path.length - 1]!;
  if (e.op === 'set') parent[last as never] = e.value;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (e.op === 'delete') delete parent[last as never];
  else {
    const v = parent[last as never];
    delete parent[last as never];
    parent[e.key] = v!;
  }
  return copy;
}

const jsonValue = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
/** Values a hostile or corrupted file would hold: odd numbers and sizes, wrong types. */
const nasty = fc.oneof(
  jsonValue,
  fc.constantFrom<Json>(-1, 0, 1e8, 3e7, 1e300, -0, 0.5, 2 ** 31, 2 ** 53, '', 'relu', 'channels_first', 'same', null, [], {}, [null, 1e8], [null, -1], [[1, 0], [0, 1]]),
);

describe('fuzzing the readers', () => {
  const base = baseModel();
  const all = paths(base.json);

  test('the memory bound itself: a reader holding far more than its input is caught', () => {
    let big: Float32Array | null = null;
    expect(() => loadsOrExplains(() => (big = new Float32Array(50e6)), /x/, 10)).toThrow(/^reading 10 bytes held \d+ bytes of arrays afterwards: far beyond the input's size$/);
    expect(big).not.toBeNull();
    expect(loadsOrExplains(() => new Float32Array(1000), /x/, 10)).toBe(true);
  });

  test('model.json with values replaced, keys dropped or renamed: loads or names the problem', () => {
    const edit = fc.record({ path: fc.constantFrom(...all), op: fc.constantFrom('set', 'set', 'delete', 'rename'), value: nasty, key: fc.constantFrom('acti6ation', 'unitz', '__proto__', 'constructor', 'extra') }) as fc.Arbitrary<Edit>;
    let loaded = 0;
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
      const json = edits.reduce(applyEdit, base.json);
      if (loadsOrExplains(() => modelFromArtifacts(json as never, base.weights, 'model.json', null), /model\.json/, JSON.stringify(json).length + base.weights.length)) loaded++;
    }), params);
    // Some edits are harmless (a name, a null where the default is null): the reader is not just refusing everything
    expect(loaded).toBeGreaterThan(0);
  }, 120_000);

  test('model.json replaced by random JSON: refused with the file named', () => {
    fc.assert(fc.property(jsonValue, (json) => {
      expect(loadsOrExplains(() => modelFromArtifacts(json as never, base.weights, 'model.json', null), /model\.json/, (JSON.stringify(json) ?? '').length + base.weights.length)).toBe(false);
    }), params);
  }, 60_000);

  test('weights.bin cut, extended or flipped: loads or names the problem', () => {
    fc.assert(fc.property(fc.integer({ min: -64, max: 64 }), fc.array(fc.nat(), { maxLength: 4 }), (delta, flips) => {
      const n = Math.max(0, base.weights.length + delta);
      const w = new Uint8Array(n);
      w.set(base.weights.subarray(0, Math.min(n, base.weights.length)));
      for (const f of flips) if (n > 0) w[f % n]! ^= 1 << (f % 8);
      loadsOrExplains(() => modelFromArtifacts(base.json as never, w, 'model.json', null), /model\.json/, JSON.stringify(base.json).length + w.length);
    }), params);
  }, 60_000);

  const safe = encodeSafetensors([{ name: 'dense/kernel', shape: [3, 2], values: [1, 2, 3, 4, 5, 6] }, { name: 'dense/bias', shape: [2], values: [0.5, -0.5] }], { format: 'pt' });
  test('safetensors: random bytes, flipped bytes, truncations, edited headers', () => {
    const headerLength = Number(new DataView(safe.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(safe.subarray(8, 8 + headerLength))) as Json;
    const headerPaths = paths(header);
    const withHeader = (h: Json): Uint8Array => {
      const text = new TextEncoder().encode(JSON.stringify(h));
      const out = new Uint8Array(8 + text.length + safe.length - 8 - headerLength);
      new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
      out.set(text, 8);
      out.set(safe.subarray(8 + headerLength), 8 + text.length);
      return out;
    };
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.nat()).map(([flips, cut]) => {
        const b = safe.slice(0, safe.length - (cut % 9));
        for (const f of flips) b[f % b.length]! ^= 1 << (f % 8);
        return b;
      }),
      fc.array(fc.record({ path: fc.constantFrom(...headerPaths), op: fc.constantFrom('set', 'delete', 'rename'), value: nasty, key: fc.constantFrom('x', '__proto__', '__metadata__') }) as fc.Arbitrary<Edit>, { minLength: 1, maxLength: 3 })
        .map((edits) => withHeader(edits.reduce(applyEdit, header))),
    );
    fc.assert(fc.property(bytes, (b) => {
      loadsOrExplains(() => {
        const { tensors } = decodeSafetensors(b, 'w.safetensors');
        for (const t of tensors) expect(t.values.length).toBe(t.shape.reduce((p, d) => p * d, 1));
      }, /w\.safetensors/, b.length);
    }), params);
  }, 60_000);

  const idx = encodeIdx([3, 2, 2], Uint8Array.from({ length: 12 }, (_, i) => i * 20));
  test('IDX: random bytes, flipped bytes, truncations, extensions', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.tuple(fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: -12, max: 12 })).map(([flips, delta]) => {
        const b = new Uint8Array(Math.max(0, idx.length + delta));
        b.set(idx.subarray(0, Math.min(b.length, idx.length)));
        for (const f of flips) if (b.length > 0) b[f % b.length]! ^= 1 << (f % 8);
        return b;
      }),
    );
    fc.assert(fc.property(bytes, (b) => {
      loadsOrExplains(() => {
        const d = parseIdx(b, 'images.idx');
        expect(d.data.length).toBe(d.dims.reduce((p, x) => p * x, 1));
      }, /images\.idx/, b.length);
    }), params);
  }, 60_000);

  test('CSV text of commas, quotes, line breaks, numbers and words: parses or names the row and column', () => {
    const cell = fc.oneof(fc.constantFrom('', '1', '-2.5', '1e3', '0x1F', '"1,000"', 'NaN', 'Infinity', 'red', '"a""b"', '"', ' 3 ', '?', 'na', '1,2'), fc.string({ maxLength: 4 }));
    const csv = fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }).chain((rows) =>
      fc.constantFrom('\n', '\r\n', '\r').map((eol) => rows.map((r) => r.join(',')).join(eol)));
    fc.assert(fc.property(csv, fc.boolean(), (text, withTarget) => {
      const first = text.split(/\r?\n|\r/)[0]!.split(',').pop()!;
      loadsOrExplains(() => parseCsv(text, { source: 'table.csv', ...(withTarget ? { target: first } : {}) }), /table\.csv/, text.length);
    }), params);
  }, 60_000);

  test('tensor() from nested arrays of any shape and content: a tensor or a clear refusal', () => {
    const leaf = fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.constantFrom<unknown>(null, undefined, 'x', '1', NaN, {}, [])) as fc.Arbitrary<unknown>;
    const { tree } = fc.letrec((tie) => ({ tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('tree'), { maxLength: 4 })) }));
    fc.assert(fc.property(tree, fc.option(fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 4 })), (v, shape) => {
      loadsOrExplains(() => {
        const t = shape === null ? tensor(v as never) : tensor(v as never, shape);
        expect(t.values.length).toBe(t.shape.reduce((p, d) => p * d, 1));
      }, /tensor|shape|values|expected/i);
    }), params);
  }, 60_000);
});
