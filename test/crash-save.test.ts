/**
 * Saves that survive a crash: a process saving in a loop (each save's weights all equal to its
 * number, with the optimizer's state) is killed at random moments; every time, the directory
 * loads, and as one save: every weight has the same number, and the optimizer state matches.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { Rng, loadLayersModel } from '../src/index.js';

const index = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

const SAVER = `
const nt = await import(${JSON.stringify(index)});
const [dir, kind] = process.argv.slice(1);
const m = nt.sequential({ layers: [nt.layers.dense({ units: 64, inputShape: [256] }), nt.layers.dense({ units: 8 })] });
m.compile({ optimizer: 'adam', loss: 'mse' });
const x = nt.randomNormal([8, 256]), y = nt.randomNormal([8, 8]);
await m.fit(x, y, { epochs: 1, verbose: 0 });
if (kind === 'cli') {
  // neurite train writing into the same --out, again and again.
  const { main } = await import(${JSON.stringify(cli)});
  const csv = dir + '.csv';
  const { writeFileSync } = await import('node:fs');
  writeFileSync(csv, 'a,b,y\\n' + Array.from({ length: 40 }, (_, i) => [i % 7, i % 5, i % 3 === 0 ? 'p' : 'q'].join(',')).join('\\n') + '\\n');
  const io = { stdout: { write: () => true }, stderr: { write: (t) => process.stderr.write(t) } };
  for (let k = 1; ; k++) {
    const code = await main(['train', csv, '--target', 'y', '--epochs', '2', '--layers', '4', '--no-refit', '--seed', String(k), '--out', dir], io);
    if (code !== 0) process.exit(3);
    if (k === 1) process.stdout.write('ready\\n');
  }
} else if (kind === 'checkpoint') {
  // modelCheckpoint saving after every epoch of a real training run (after one complete save).
  await m.save('file://' + dir, { includeOptimizer: true });
  process.stdout.write('ready\\n');
  await m.fit(x, y, { epochs: 100000, verbose: 0, callbacks: nt.callbacks.modelCheckpoint('file://' + dir, { includeOptimizer: true }) });
} else {
  for (let k = 1; ; k++) {
    for (const w of m.weights) w.values.fill(k);
    await m.save('file://' + dir, { includeOptimizer: true });
    if (k === 1) process.stdout.write('ready\\n');
  }
}
`;

function runAndKill(dir: string, kind: 'save' | 'checkpoint' | 'cli', delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SAVER, dir, kind], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let armed = false;
    child.stderr.on('data', (d) => (err += String(d)));
    child.stdout.on('data', () => {
      if (!armed) setTimeout(() => child.kill('SIGKILL'), delayMs);
      armed = true;
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`saver exited ${code}: ${err}`))));
  });
}

/** Kills per kind of save: 50 by default (NEURITE_CRASH_ROUNDS to change). */
const ROUNDS = Number(process.env.NEURITE_CRASH_ROUNDS ?? 50);
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.prev'));

describe('a save killed at any moment', () => {
  test(`leaves a directory that loads as one whole save (weights and optimizer), ${ROUNDS} kills each of model.save and modelCheckpoint, ${Math.ceil(ROUNDS / 2)} of neurite train; the next save leaves no temporaries`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'neurite-crash-'));
    const dirs = { save: join(root, 'save'), checkpoint: join(root, 'checkpoint'), cli: join(root, 'cli') };
    const seen = new Set<number>();
    const rng = new Rng(11);
    for (let round = 0; round < ROUNDS; round++) {
      // Both kinds at once (two processes), each killed 5–200 ms after its first complete save.
      const cliRound = round % 2 === 0;
      await Promise.all([
        runAndKill(dirs.save, 'save', 5 + rng.int(196)), runAndKill(dirs.checkpoint, 'checkpoint', 5 + rng.int(196)),
        ...(cliRound ? [runAndKill(dirs.cli, 'cli', 5 + rng.int(196))] : []),
      ]);
      for (const dir of Object.values(dirs)) expect(existsSync(join(dir, 'model.json')), `round ${round}: ${dir}/model.json`).toBe(true);
      // neurite train's output: the model with its preprocessing, from one run.
      if (cliRound) {
        const trained = await loadLayersModel(`file://${dirs.cli}/model.json`);
        expect(trained.getUserDefinedMetadata()?.preprocessing, `round ${round}: the CLI's model has its preprocessing`).toMatchObject({ format: 'neurite-preprocessing' });
      }
      // The checksum in model.json covers the weights and the optimizer's state: a directory
      // mixing two saves does not load.
      const m = await loadLayersModel(`file://${dirs.save}/model.json`);
      const values = new Set(m.weights.flatMap((w) => [...new Set(w.values)]));
      expect(values.size, `round ${round}: one save's weights`).toBe(1);
      seen.add([...values][0]!);
      await expect(loadLayersModel(`file://${dirs.checkpoint}/model.json`), `round ${round}: the checkpoint loads`).resolves.toBeDefined();
      // At most what the one save that was cut short left (no piling up over rounds): a
      // temporary per file (model.json, weights.bin, optimizer.bin; the CLI's curve too) and
      // the `.prev` versions of the two data files.
      for (const dir of Object.values(dirs)) expect(leftovers(dir).length, `round ${round}: ${leftovers(dir).join(', ')}`).toBeLessThanOrEqual(6);
    }
    // The kills came at different points: several different saves were the last complete one.
    expect(seen.size).toBeGreaterThan(1);
    // The next save cleans up what the killed ones left.
    for (const dir of [dirs.save, dirs.checkpoint]) {
      const m = await loadLayersModel(`file://${dir}/model.json`);
      await m.save(`file://${dir}`);
      expect(leftovers(dir)).toEqual([]);
    }
    // For neurite train, its next run (the model and the training curve).
    const again = spawnSync(process.execPath, [cli, 'train', `${dirs.cli}.csv`, '--target', 'y', '--epochs', '2', '--out', dirs.cli], { encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(leftovers(dirs.cli)).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  }, 300_000);
});
