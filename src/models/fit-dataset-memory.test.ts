import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

/**
 * fitDataset streams: a generator of 500 batches of 2 MB (1 GB in all, 10× the 100 MB this
 * test allows the process to grow by) trains with flat resident memory. Measured in a Node
 * process of its own, started with --expose-gc.
 */
const index = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

const SCRIPT = `
const nt = await import(${JSON.stringify(index)});
nt.setSeed(1);
const rows = 256, width = 2048, batches = 500;
const m = nt.sequential({ layers: [nt.layers.dense({ units: 8, activation: 'relu', inputShape: [width] }), nt.layers.dense({ units: 1 })] });
m.compile({ optimizer: 'sgd', loss: 'mse' });
const rss = [];
const ds = nt.data.generator(function* () {
  for (let b = 0; b < batches; b++) {
    const x = new Float32Array(rows * width);
    for (let i = 0; i < x.length; i++) x[i] = ((i * 7 + b) % 13) / 13 - 0.5;
    const y = new Float32Array(rows).fill(0.25);
    if (b % 50 === 49) { gc(); rss.push(process.memoryUsage().rss); }
    yield { xs: nt.tensor(x, [rows, width]), ys: nt.tensor(y, [rows, 1]) };
  }
});
const h = await m.fitDataset(ds, { epochs: 1, verbose: 0 });
console.log(JSON.stringify({ rss, loss: h.history.loss[0], generated: rows * width * 4 * batches }));
`;

describe('fitDataset memory', () => {
  test('a generator of 10× the memory budget trains with flat resident memory', () => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', SCRIPT], { encoding: 'utf8', timeout: 240_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { rss: number[]; loss: number; generated: number };
    const budget = 100 * 1024 * 1024;
    expect(out.generated).toBeGreaterThanOrEqual(10 * budget);
    expect(Number.isFinite(out.loss)).toBe(true);
    // After the first samples (the compiled step and its buffers made), RSS stays within the budget.
    const grown = Math.max(...out.rss.slice(1)) - out.rss[0]!;
    expect(grown).toBeLessThan(budget);
  }, 300_000);
});
