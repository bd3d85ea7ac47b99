import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

/**
 * The kernels' own blocks of module memory (the generator's words for native dropout draws, the
 * window description for im2col) stay allocated while the backend lives: they were held only
 * through a second view, so a garbage collection freed them, the arena gave them to new
 * tensors, and every draw overwrote those (a model trained after others were collected went to
 * NaN). In a process of its own with --expose-gc.
 */
const index = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));

const SCRIPT = `
const nt = await import(${JSON.stringify(index)});
const be = nt.wasmBackend({ threads: 1 });
const k = be.kernels;
const out = be.allocResident(4096);
const rng = new nt.Rng(1);
k.fillRandom(out, rng, 'uniform', 0, 1);                 // makes the generator block
k.im2col(be.allocResident(2 * 6 * 6 * 4), nt.window2d('test', [2, 6, 6, 4], [3, 3], {}), 0, be.allocResident(2 * 4 * 4 * 36)); // the window block
for (let i = 0; i < 5; i++) { gc(); await new Promise((r) => setTimeout(r, 10)); }
const small = Array.from({ length: 2000 }, () => be.allocResident(4).fill(1));
k.fillRandom(out, rng, 'uniform', 0, 1);
k.im2col(be.allocResident(2 * 6 * 6 * 4), nt.window2d('test', [2, 6, 6, 4], [3, 3], {}), 0, be.allocResident(2 * 4 * 4 * 36));
const touched = small.filter((b) => !b.every((v) => v === 1)).length;
console.log(JSON.stringify({ touched }));
`;

describe('module memory the kernels keep for themselves', () => {
  test('survives garbage collection: new tensors never share it', () => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', SCRIPT], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ touched: 0 });
  });
});
