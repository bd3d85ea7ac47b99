import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { layers, loadLayersModel, sequential, setSeed } from '../index.js';

/** Lets a test make the n-th temporary-file write fail, as a full disk or a crash would. */
const failing = vi.hoisted(() => ({ countdown: -1 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const fail = (): void => {
    if (failing.countdown > 0 && --failing.countdown === 0) throw new Error('disk full');
  };
  const writeFile: typeof actual.writeFile = async (...args) => {
    fail();
    return actual.writeFile(...args);
  };
  // Saves write through a file handle (to fsync it): its writes count too.
  const open = (async (...args: Parameters<typeof actual.open>) => {
    const h = await actual.open(...args);
    return new Proxy(h, { get: (t, k) => (k === 'writeFile' ? async (d: Uint8Array | string) => { fail(); return t.writeFile(d); } : (Reflect.get(t, k) as unknown as { bind?: (x: unknown) => unknown })?.bind?.(t) ?? Reflect.get(t, k)) });
  }) as typeof actual.open;
  return { ...actual, writeFile, open, default: { ...actual, writeFile, open } };
});

describe('atomic saves', () => {
  test('a save that fails part-way leaves the previous model intact and no temporary files', async () => {
    setSeed(1);
    const m = sequential({ layers: [layers.dense({ units: 3, inputShape: [2] }), layers.dense({ units: 1 })] });
    const dir = mkdtempSync(join(tmpdir(), 'neurite-atomic-'));
    await m.save(dir);
    const weights = readFileSync(join(dir, 'weights.bin'));
    const json = readFileSync(join(dir, 'model.json'), 'utf8');
    m.layers[0]!.weights[0]!.assign(new Float32Array(6).fill(7));
    failing.countdown = 2; // weights.bin's temporary file is written, model.json's fails
    await expect(m.save(dir)).rejects.toThrow('disk full');
    failing.countdown = -1;
    expect(readFileSync(join(dir, 'weights.bin'))).toEqual(weights);
    expect(readFileSync(join(dir, 'model.json'), 'utf8')).toBe(json);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const back = await loadLayersModel(dir);
    expect(back.layers[0]!.weights[0]!.values.some((v) => v === 7)).toBe(false);
  });
});
