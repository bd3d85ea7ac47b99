/**
 * The built `neurite` binary end to end on generated CSV files: exit codes, files written,
 * predictions, and each error case printing one line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { Rng } from '../src/index.js';

const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'neurite-cli-'));

function run(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Three species in 2-D plus a colour column that carries no signal. */
function classificationCsv(n: number, seed: number): string {
  const rng = new Rng(seed);
  const names = ['setosa', 'versicolor', 'virginica'];
  const centers = [[0, 0], [3, 0], [0, 3]];
  const rows = ['width,height,color,species'];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    rows.push(`${(centers[c]![0]! + 0.5 * rng.normal()).toFixed(3)},${(centers[c]![1]! + 0.5 * rng.normal()).toFixed(3)},${['red', 'blue'][rng.int(2)]},${names[c]}`);
  }
  return `${rows.join('\n')}\n`;
}

/** y = 3a − 2b + 1 + small noise. */
function regressionCsv(n: number, seed: number): string {
  const rng = new Rng(seed);
  const rows = ['a,b,y'];
  for (let i = 0; i < n; i++) {
    const a = rng.uniform() * 2 - 1;
    const b = rng.uniform() * 2 - 1;
    rows.push(`${a.toFixed(4)},${b.toFixed(4)},${(3 * a - 2 * b + 1 + 0.05 * rng.normal()).toFixed(4)}`);
  }
  return `${rows.join('\n')}\n`;
}

beforeAll(() => {
  writeFileSync(join(dir, 'iris.csv'), classificationCsv(240, 1));
  writeFileSync(join(dir, 'iris-new.csv'), classificationCsv(30, 2));
  writeFileSync(join(dir, 'reg.csv'), regressionCsv(300, 3));
  writeFileSync(join(dir, 'bad.csv'), 'width,height,species\n1,2,a\n3,oops,b\n');
});

describe('neurite CLI', () => {
  test('--help and --version', () => {
    expect(run('--help')).toMatchObject({ code: 0 });
    expect(run('--help').out).toContain('neurite train <data.csv> --target <column> --out <model_dir>');
    expect(run('--version').out).toBe('neurite 0.1.0\n');
  });

  test('train a classifier on string labels, then evaluate, predict class names and summarize', () => {
    const t = run('train', 'iris.csv', '--target', 'species', '--layers', '16', '--epochs', '40', '--batch-size', '16', '--optimizer', 'adam', '--lr', '0.02', '--seed', '3', '--out', 'iris-model');
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    expect(t.out).toContain('classification on 240 rows, 4 inputs, 3 classes (setosa, versicolor, virginica)');
    expect(t.out).toMatch(/\| val_accuracy \| +\d\.\d{4} \|/);
    for (const f of ['model.json', 'weights.bin', 'preprocessing.json', 'training-curve.svg']) expect(existsSync(join(dir, 'iris-model', f)), f).toBe(true);
    expect(readFileSync(join(dir, 'iris-model', 'training-curve.svg'), 'utf8')).toContain('<svg');

    const e = run('evaluate', 'iris-model', 'iris-new.csv');
    expect(e.code).toBe(0);
    const acc = Number(/\| accuracy \| +([\d.]+) \|/.exec(e.out)![1]);
    expect(acc).toBeGreaterThan(0.9);

    const p = run('predict', 'iris-model', 'iris-new.csv', '--out', 'preds.csv');
    expect(p.code).toBe(0);
    const lines = readFileSync(join(dir, 'preds.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('prediction,probability');
    expect(lines).toHaveLength(31);
    const truth = readFileSync(join(dir, 'iris-new.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[3]);
    const correct = lines.slice(1).filter((l, i) => l.split(',')[0] === truth[i]).length;
    expect(correct / 30).toBeGreaterThan(0.9);

    const s = run('summary', 'iris-model');
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/dense \(Dense\)\s+\(None, 16\)\s+80/);
  });

  test('train a regression and evaluate it', () => {
    const t = run('train', 'reg.csv', '--target', 'y', '--layers', '', '--epochs', '60', '--optimizer', 'adam', '--lr', '0.05', '--out', 'reg-model');
    expect(t.code).toBe(0);
    expect(t.out).toContain('regression on 300 rows, 2 inputs');
    const e = run('evaluate', 'reg-model', 'reg.csv');
    const mae = Number(/\| mae +\| +([\d.]+) \|/.exec(e.out)![1]);
    expect(mae).toBeLessThan(0.15);
    const p = run('predict', 'reg-model', 'reg.csv');
    expect(p.out.split('\n')[0]).toBe('prediction');
  });

  test('errors print one line and exit non-zero', () => {
    const cases: Array<[string[], number, string]> = [
      [['train', 'missing.csv', '--target', 'y', '--out', 'm'], 1, 'neurite: missing.csv: no such file\n'],
      [['train', 'iris.csv', '--target', 'kind', '--out', 'm'], 1, "neurite: iris.csv: no column named 'kind'; columns: width, height, color, species\n"],
      [['train', 'bad.csv', '--target', 'species', '--out', 'm'], 1, "neurite: bad.csv: non-numeric value 'oops' in numeric column 'height' at row 2\n"],
      [['evaluate', 'iris.csv', 'iris.csv'], 1, 'neurite: iris.csv is not a model directory (it is a file)\n'],
      [['evaluate', 'nowhere', 'iris.csv'], 1, 'neurite: nowhere: no such model directory\n'],
      [['summary', 'nowhere'], 1, 'neurite: nowhere is not a model directory: model.json is missing\n'],
      [['train', 'iris.csv', '--out', 'm'], 2, 'neurite: train needs --target <column>\n'],
      [['train', 'iris.csv', '--target', 'species', '--out', 'm', '--epochs', 'ten'], 2, "neurite: --epochs must be a positive integer, got 'ten'\n"],
      [['mnist', '--inputs', 'raw'], 2, "neurite: --inputs must be 'standardized' or 'unit', got 'raw'\n"],
      [['frobnicate'], 2, "neurite: unknown command 'frobnicate'; commands: train, evaluate, predict, summary, mnist (see neurite --help)\n"],
    ];
    for (const [args, code, err] of cases) {
      const r = run(...args);
      expect(r.err, args.join(' ')).toBe(err);
      expect(r.code, args.join(' ')).toBe(code);
    }
  });

  test('a training that diverges fails, saves nothing, and says what to change', () => {
    const r = run('train', 'reg.csv', '--target', 'y', '--layers', '8', '--epochs', '3', '--optimizer', 'sgd', '--lr', '1e6', '--out', 'diverged');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^neurite: training diverged: the loss is (NaN|Infinity) in epoch \d \(sgd at learning rate 1000000\); nothing was saved\. Try a smaller --lr\n$/);
    expect(r.out).toMatch(/invalid loss \((NaN|Infinity)\), terminating training/);
  });

  test('an unknown option is a usage error (exit 2) that points to --help', () => {
    const r = run('train', 'iris.csv', '--target', 'species', '--out', 'm', '--bogus');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^neurite: Unknown option '--bogus'\..* \(see neurite --help\)\n$/);
  });

  test('--verbose shows the stack', () => {
    const r = run('train', 'missing.csv', '--target', 'y', '--out', 'm', '--verbose');
    expect(r.code).toBe(1);
    expect(r.err.split('\n')[0]).toBe('neurite: missing.csv: no such file');
    expect(r.err).toMatch(/\n\s+at /);
  });

  test('mnist on a one-epoch subset (the full run is `npm run demo`)', () => {
    const r = run('mnist', '--epochs', '1', '--train-limit', '12000', '--lr', '0.05', '--out', 'mnist-small');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Total params: 24,790');
    expect(r.out).toMatch(/375\/375 \[={30}\]/);
    const acc = Number(/Test accuracy: ([\d.]+)/.exec(r.out)![1]);
    // One epoch over 12,000 images at SGD 0.05 reaches 0.93 with seed 1 (0.88 on unit pixels).
    expect(acc).toBeGreaterThan(0.85);
    expect(existsSync(join(dir, 'mnist-small', 'training-curve.svg'))).toBe(true);
    // The standardization is the model's first layer, saved with it: the loaded model takes the
    // raw [0, 1] pixels and scores what the run printed.
    const m = /Inputs standardized in the model: \(x − ([\d.]+)\) \/ ([\d.]+)/.exec(r.out)!;
    // Mean and deviation of the first 12,000 training pixels.
    expect(Number(m[1])).toBeCloseTo(0.13, 2);
    expect(Number(m[2])).toBeCloseTo(0.31, 2);
    expect(r.out).toMatch(/standardize \(Rescaling\) +\(None, 784\) +0/);
    const check = spawnSync(process.execPath, ['--input-type=module', '-e', `
      const nt = await import(${JSON.stringify(fileURLToPath(new URL('../dist/index.js', import.meta.url)))});
      const model = await nt.loadLayersModel(${JSON.stringify(join(dir, 'mnist-small'))});
      const { test } = await nt.datasets.mnist();
      const pred = model.predict(test.images, { batchSize: 1000 }).values;
      let right = 0;
      for (let i = 0; i < 10000; i++) {
        let best = 0;
        for (let j = 1; j < 10; j++) if (pred[i * 10 + j] > pred[i * 10 + best]) best = j;
        if (best === test.labels.values[i]) right++;
      }
      console.log(model.layers[0].className, right / 10000);`], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.stdout.trim()).toBe(`Rescaling ${acc}`);
  });

  test('mnist --inputs unit trains on the pixels as loaded, with no Rescaling layer', () => {
    const r = run('mnist', '--epochs', '1', '--train-limit', '3000', '--inputs', 'unit');
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('Rescaling');
    expect(r.out).not.toContain('Inputs standardized');
    expect(r.out).toContain('Total params: 24,790');
  });
});
