import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

/**
 * Users never call dispose: repeated fits of one model reuse its compiled step's buffers, and the
 * kernel memory of models that are gone is reused by new ones. Measured in a Node process of its
 * own, started with --expose-gc.
 */
const index = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

const SCRIPT = `
const nt = await import(${JSON.stringify(index)});
nt.setSeed(1);
const x = nt.randomNormal([2048, 64], 0, 1, { seed: 1 });
const y = nt.oneHot(Array.from({ length: 2048 }, (_, i) => i % 10), 10);
const compiled = process.argv.includes('compiled');
const make = () => {
  const L = nt.layers;
  const m = nt.sequential({ layers: compiled
    ? [L.dense({ units: 64, activation: 'relu', inputShape: [64] }), L.batchNormalization(), L.dropout({ rate: 0.2 }), L.dense({ units: 10, activation: 'softmax' })]
    : [L.dense({ units: 64, activation: 'relu', inputShape: [64] }), L.dense({ units: 10, activation: 'softmax' })] });
  m.compile({ optimizer: new nt.Adam(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
};
const settle = async () => { gc(); await new Promise((r) => setTimeout(r, 10)); gc(); await new Promise((r) => setTimeout(r, 10)); };
const backend = nt.getContext().backend;
const out = { rss: [], resident: [], fresh: [] };
const m = make();
for (let i = 0; i < 20; i++) {
  await m.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0, ...(compiled ? { validationData: [x, y] } : {}) });
  m.predict(x, { batchSize: 256 });
  await settle();
  out.rss.push(process.memoryUsage().rss);
  out.resident.push(backend.residentBytes?.() ?? 0);
}
for (let i = 0; i < 20; i++) {
  await make().fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  await settle();
  out.fresh.push(backend.residentBytes?.() ?? 0);
}
console.log(JSON.stringify(out));
process.exit(0);
`;

describe('no leaks across fits', () => {
  test.each([
    ['a Dense stack', 'dense'],
    ['batch normalization and dropout, with validation (compiled steps, evaluate and predict)', 'compiled'],
  ])('20 fits of one model, %s: kernel memory in use constant, resident set flat', (_name, kind) => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', SCRIPT, kind], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { rss: number[]; resident: number[]; fresh: number[] };
    // The same buffers every time after the first fit and predict.
    expect(new Set(out.resident.slice(1)).size).toBe(1);
    // RSS: from fit 5 to fit 20 it may move by allocator noise, not by a leak (one fit's
    // buffers here are ~0.5 MB; 15 leaked copies would be ~8 MB).
    expect(out.rss[19]! - out.rss[4]!).toBeLessThan(4 * 1024 * 1024);
    // Models that are gone give their kernel memory back: 20 fresh models do not pile up. One
    // model the collector has not reached yet may be counted now and then (seen about one run in
    // three on the native backend, which has no staging buffers to dilute it: 464,016 → 811,264
    // bytes for one reading); a leak would grow by a model per fit, to ~10× by the end.
    expect(Math.max(...out.fresh.slice(10))).toBeLessThanOrEqual(Math.max(...out.fresh.slice(0, 10)) * 2);
  });
});
