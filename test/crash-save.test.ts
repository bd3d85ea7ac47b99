/**
 * Saves that survive a crash: a process saving in a loop (each save's weights all equal to its
 * number, with the optimizer's state) is killed at random moments; every time, the directory
 * loads, and as one save: every weight has the same number, and the optimizer state matches.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadLayersModel } from '../src/index.js';

const index = fileURLToPath(new URL('../dist/index.js', import.meta.url));

const SAVER = `
const nt = await import(${JSON.stringify(index)});
const dir = process.argv[1];
const m = nt.sequential({ layers: [nt.layers.dense({ units: 64, inputShape: [256] }), nt.layers.dense({ units: 8 })] });
m.compile({ optimizer: 'adam', loss: 'mse' });
await m.fit(nt.randomNormal([8, 256]), nt.randomNormal([8, 8]), { epochs: 1, verbose: 0 });
for (let k = 1; ; k++) {
  for (const w of m.weights) w.values.fill(k);
  await m.save('file://' + dir, { includeOptimizer: true });
  if (k === 1) process.stdout.write('ready\\n');
}
`;

function runAndKill(dir: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SAVER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    child.stdout.on('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`saver exited ${code}: ${err}`))));
  });
}

describe('a save killed at any moment', () => {
  test('leaves a directory that loads as one whole save (weights and optimizer), with no temporaries piling up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-crash-'));
    const seen = new Set<number>();
    for (let round = 0; round < 12; round++) {
      await runAndKill(dir, 5 + ((round * 37) % 120));
      expect(existsSync(join(dir, 'model.json'))).toBe(true);
      const m = await loadLayersModel(`file://${dir}/model.json`);
      const values = new Set(m.weights.flatMap((w) => [...new Set(w.values)]));
      expect(values.size, `round ${round}: one save's weights`).toBe(1);
      seen.add([...values][0]!);
      // At most the temporaries of the one save that was cut short.
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp')).length).toBeLessThanOrEqual(3);
    }
    // The kills came at different points: several different saves were the last complete one.
    expect(seen.size).toBeGreaterThan(1);
  }, 120_000);
});
