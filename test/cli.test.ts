/**
 * The built `neurite` binary end to end on generated CSV files: exit codes, files written,
 * predictions, and each error case printing one line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  test('--help, per-command help, and --version', () => {
    expect(run('--help')).toMatchObject({ code: 0 });
    expect(run('--help').out).toContain('neurite train <data.csv> --target <column> [--out <model_dir>] [options]');
    expect(run('--help').out).toContain('`neurite <command> --help` tells what a command does and its options.');
    const t = run('train', '--help');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^Trains a network on a CSV table/);
    expect(t.out).toContain('--patience 20');
    expect(t.out).not.toContain('--train-limit');
    expect(run('predict', '--help').out).toContain('--id <column>');
    expect(run('help', 'evaluate').out).toMatch(/^Reports how a trained model does/);
    expect(run('mnist', '-h').out).toContain('--inputs standardized');
    expect(run('--version').out).toBe('neurite 0.1.0\n');
  });

  test('train a classifier on string labels, then evaluate, predict with every probability, and summarize', () => {
    const t = run('train', 'iris.csv', '--target', 'species', '--layers', '16', '--epochs', '40', '--batch-size', '16', '--optimizer', 'adam', '--lr', '0.02', '--seed', '3', '--out', 'iris-model');
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    // 240 rows, a stratified fifth (16 of each class) to validate.
    expect(t.out).toContain('classification on 240 rows (192 to train, 48 to validate), 4 inputs, 3 classes (setosa, versicolor, virginica)');
    expect(t.out).toContain('Training up to 40 epochs of 12 batches, stopping when the validation loss has not improved for 20 epochs');
    const val = /Validation rows \(48 rows\): accuracy ([\d.]+)\n/.exec(t.out)!;
    expect(Number(val[1])).toBeGreaterThan(0.9);
    expect(t.out).toMatch(/class +precision +recall +f1 +support\nsetosa +[\d.]+ +[\d.]+ +[\d.]+ +16\n/);
    expect(t.out).toContain('Confusion matrix (rows: the true class, columns: the predicted one):');
    expect(t.out).toMatch(/Refitting on all 240 rows for \d+ epochs/);
    for (const f of ['model.json', 'weights.bin', 'optimizer.bin', 'training-curve.svg']) expect(existsSync(join(dir, 'iris-model', f)), f).toBe(true);
    // The preprocessing is in model.json (committed with the weights in one save).
    const saved = JSON.parse(readFileSync(join(dir, 'iris-model', 'model.json'), 'utf8'));
    expect(saved.userDefinedMetadata.preprocessing).toMatchObject({ format: 'neurite-preprocessing', task: 'classification', schema: { target: { name: 'species', classes: ['setosa', 'versicolor', 'virginica'] } } });
    const svg = readFileSync(join(dir, 'iris-model', 'training-curve.svg'), 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('>iris.csv: species<');   // the file's name, not its full path

    const e = run('evaluate', 'iris-model', 'iris-new.csv');
    expect(e.code).toBe(0);
    const acc = Number(/iris-new\.csv \(30 rows\): accuracy ([\d.]+)/.exec(e.out)![1]);
    expect(acc).toBeGreaterThan(0.9);
    // The confusion matrix's counts add up to the rows, each row to the class's support (10 each).
    const matrix = e.out.split('\n').slice(-4, -1).map((l) => l.trim().split(/\s+/).slice(1).map(Number));
    expect(matrix.map((r) => r.reduce((x, y) => x + y, 0))).toEqual([10, 10, 10]);

    const p = run('predict', 'iris-model', 'iris-new.csv', '--out', 'out/new/preds.csv');
    expect(p.code).toBe(0);
    expect(p.out).toBe('Wrote 30 predictions to out/new/preds.csv\n');
    const lines = readFileSync(join(dir, 'out/new/preds.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,prediction,p(setosa),p(versicolor),p(virginica)');
    expect(lines).toHaveLength(31);
    const truth = readFileSync(join(dir, 'iris-new.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[3]);
    let correct = 0;
    lines.slice(1).forEach((l, i) => {
      const [row, label, ...probs] = l.split(',');
      expect(row).toBe(String(i + 1));
      const ps = probs.map(Number);
      expect(Math.abs(ps.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(2e-4);
      // The prediction is the most probable class.
      expect(label).toBe(['setosa', 'versicolor', 'virginica'][ps.indexOf(Math.max(...ps))]);
      if (label === truth[i]) correct++;
    });
    expect(correct / 30).toBeGreaterThan(0.9);
    // --id names each row by a column of the file.
    const byId = run('predict', 'iris-model', 'iris-new.csv', '--id', 'color');
    expect(byId.out.split('\n')[0]).toBe('color,prediction,p(setosa),p(versicolor),p(virginica)');
    expect(byId.out.split('\n')[1]).toMatch(/^(red|blue),/);

    const s = run('summary', 'iris-model');
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/dense \(Dense\)\s+\(None, 16\)\s+80/);

    // A directory from before the preprocessing moved into model.json: preprocessing.json beside it.
    const old = join(dir, 'old-model');
    mkdirSync(old);
    for (const f of ['weights.bin', 'optimizer.bin']) writeFileSync(join(old, f), readFileSync(join(dir, 'iris-model', f)));
    const { preprocessing, ...rest } = saved.userDefinedMetadata;
    writeFileSync(join(old, 'model.json'), JSON.stringify({ ...saved, userDefinedMetadata: rest }));
    writeFileSync(join(old, 'preprocessing.json'), JSON.stringify(preprocessing));
    expect(run('evaluate', 'old-model', 'iris-new.csv').out).toBe(e.out.replace('iris-new.csv', 'iris-new.csv'));
    // A model without any preprocessing is not the command line's.
    writeFileSync(join(old, 'preprocessing.json'), '{"format": "other"}');
    expect(run('evaluate', 'old-model', 'iris-new.csv').err).toBe(`neurite: ${join('old-model', 'preprocessing.json')}: not neurite's preprocessing\n`);
  });

  test('a regression: the target standardized while training, RMSE, MAE and R² in its units, predictions rounded', () => {
    // y = 3a − 2b + 1 + noise, scaled to ~1000s: unscaled, a network would start far off.
    writeFileSync(join(dir, 'big.csv'), regressionCsv(300, 3).replace(/,(-?[\d.]+)\n/g, (_, y: string) => `,${(1000 + 100 * Number(y)).toFixed(2)}\n`));
    const t = run('train', 'big.csv', '--target', 'y', '--layers', '', '--out', 'reg-model');
    expect(t.code).toBe(0);
    expect(t.out).toContain('regression on 300 rows (240 to train, 60 to validate), 2 inputs');
    expect(t.out).toMatch(/target_scale \(Rescaling\)/);
    const e = run('evaluate', 'reg-model', 'big.csv');
    const m = /big\.csv \(300 rows\): RMSE ([\d.]+), MAE ([\d.]+), R² ([\d.]+)\n/.exec(e.out)!;
    // Noise σ = 0.05·100 = 5: a linear model gets RMSE ≈ 5 and R² ≈ 1 (the target's σ is ~360).
    expect(Number(m[1])).toBeLessThan(10);
    expect(Number(m[3])).toBeGreaterThan(0.99);
    const p = run('predict', 'reg-model', 'big.csv');
    const lines = p.out.trim().split('\n');
    expect(lines[0]).toBe('row,prediction');
    for (const l of lines.slice(1)) expect(l).toMatch(/^\d+,-?\d+(\.\d{1,5})?$/);
  });

  test('real tables: semicolons, ID columns, --drop/--keep, a class-sorted file', () => {
    // A class-sorted file with an id and a name column, separated by semicolons.
    const rows = classificationCsv(120, 7).trim().split('\n');
    const body = rows.slice(1).map((l) => l.split(',')).sort((x, y) => x[3]!.localeCompare(y[3]!));
    writeFileSync(join(dir, 'sorted.csv'), ['id;name;width;height;color;species', ...body.map((r, i) => [i + 1, `item${i}`, ...r].join(';'))].join('\n') + '\n');
    const t = run('train', 'sorted.csv', '--target', 'species', '--out', 'sorted-model');
    expect(t.err).toBe('');
    expect(t.out).toContain("Left out column 'id': an ID column: distinct integers under an id-like name");
    expect(t.out).toContain("Left out column 'name': an ID column: 120 distinct text values, one per row");
    expect(t.out).toContain("Note: the rows are sorted by 'species' (each class in one block); the validation rows are drawn at random from every class");
    expect(t.out).toContain('4 inputs, 3 classes');
    // Every class is in the validation rows (8 each).
    expect(t.out).toMatch(/Validation rows \(24 rows\)[^]*?\nsetosa +[\d.]+ +[\d.]+ +[\d.]+ +8\nversicolor +[\d.]+ +[\d.]+ +[\d.]+ +8\nvirginica +[\d.]+ +[\d.]+ +[\d.]+ +8\n/);
    expect(run('train', 'sorted.csv', '--target', 'species', '--drop', 'color', '--out', 'm2').out).toContain('2 inputs');
    expect(run('train', 'sorted.csv', '--target', 'species', '--keep', 'width', '--out', 'm3').out).toContain(', 1 input, 3 classes');
    // The saved schema reads files that still have the left-out columns.
    expect(run('evaluate', 'sorted-model', 'sorted.csv').code).toBe(0);
  });

  test('train defaults: an epoch budget for the table, early stopping, a model folder named after the file', () => {
    const t = run('train', 'iris.csv', '--target', 'species');
    expect(t.code).toBe(0);
    // 192 training rows at batch 32: 6 batches an epoch, 4000/6 → 667 epochs at most.
    expect(t.out).toContain('Training up to 667 epochs of 6 batches (about 4000 updates for a table this size; --epochs to choose)');
    expect(t.out).toContain('Saved the model (its preprocessing inside model.json) and training-curve.svg to iris-model');
    expect(existsSync(join(dir, 'iris-model', 'model.json'))).toBe(true);
  });

  test('errors print one line and exit non-zero', () => {
    writeFileSync(join(dir, 'one-class.csv'), 'a,b,label\n1,2,x\n3,4,x\n5,6,x\n');
    writeFileSync(join(dir, 'only-target.csv'), 'label\na\nb\na\n');
    writeFileSync(join(dir, 'huge.csv'), 'width,height,color,species\n1e39,0,red,setosa\n');
    const cases: Array<[string[], number, string]> = [
      [['train', 'missing.csv', '--target', 'y', '--out', 'm'], 1, 'neurite: missing.csv: no such file\n'],
      [['train', 'iris.csv', '--target', 'kind', '--out', 'm'], 1, "neurite: iris.csv: no column named 'kind'; columns: width, height, color, species\n"],
      [['train', 'bad.csv', '--target', 'species', '--out', 'm'], 1, "neurite: bad.csv: non-numeric value 'oops' in numeric column 'height' at row 2\n"],
      [['train', 'one-class.csv', '--target', 'label'], 1, "neurite: one-class.csv: the target 'label' has one class ('x') in every row: there is nothing to learn; a classifier needs at least two\n"],
      [['train', 'only-target.csv', '--target', 'label'], 1, "neurite: only-target.csv: no input columns left besides the target 'label': nothing to predict from\n"],
      [['train', 'iris.csv', '--target', 'species', '--drop', 'colour'], 1, "neurite: iris.csv: drop names no column 'colour'; columns: width, height, color, species\n"],
      [['train', 'iris.csv', '--target', 'species', '--out', 'iris.csv/m'], 1, 'neurite: iris.csv/m: cannot create the model folder: a part of the path is a file, not a folder\n'],
      [['predict', 'iris-model', 'iris-new.csv', '--out', 'iris.csv/p.csv'], 1, 'neurite: iris.csv/p.csv: cannot write the predictions: a part of the path is a file, not a folder\n'],
      [['predict', 'iris-model', 'huge.csv'], 1, "neurite: huge.csv: the model's output is not a number (NaN or infinite) for row 1: its weights or these inputs are not finite; retrain it (a smaller --lr) or check the rows\n"],
      [['predict', 'iris-model', 'iris-new.csv', '--id', 'nope'], 1, "neurite: iris-new.csv: no column named 'nope' for --id; columns: width, height, color, species\n"],
      [['evaluate', 'iris.csv', 'iris.csv'], 1, 'neurite: iris.csv is not a model directory (it is a file)\n'],
      [['evaluate', 'nowhere', 'iris.csv'], 1, 'neurite: nowhere: no such model directory\n'],
      [['summary', 'nowhere'], 1, 'neurite: nowhere is not a model directory: model.json is missing\n'],
      [['train', 'iris.csv', '--out', 'm'], 2, 'neurite: train needs --target <column> (see neurite train --help)\n'],
      [['train', 'iris.csv', '--target', 'species', '--epochs', 'ten'], 2, "neurite: --epochs must be a positive integer, got 'ten'\n"],
      [['train', 'iris.csv', '--target', 'species', '--lr', '-1'], 2, "neurite: --lr must be a positive number, got '-1'\n"],
      [['train', 'iris.csv', '--target', 'species', '--optimizer', 'adamm'], 2, "neurite: --optimizer must be one of sgd, adam, adamw, rmsprop, adagrad, adadelta, adamax; got 'adamm'\n"],
      [['train', 'iris.csv', '--target', 'species', '--activation', 'rellu'], 2, expect.stringMatching(/^neurite: --activation must be one of linear, sigmoid, tanh, relu, .*; got 'rellu'\n$/) as unknown as string],
      [['train', 'iris.csv', '--target', 'species', '--delimiter', '|'], 2, "neurite: --delimiter must be ',', ';' or 'tab', got '|'\n"],
      [['evaluate', 'iris-model', 'iris.csv', '--target', 'species'], 2, 'neurite: evaluate takes no --target (see neurite evaluate --help)\n'],
      [['evaluate', 'iris-model'], 2, 'neurite: usage: neurite evaluate <model_dir> <data.csv> (see neurite evaluate --help)\n'],
      [['mnist', '--inputs', 'raw'], 2, "neurite: --inputs must be 'standardized' or 'unit', got 'raw'\n"],
      [['frobnicate'], 2, "neurite: unknown command 'frobnicate'; commands: train, evaluate, predict, summary, mnist (see neurite --help)\n"],
    ];
    for (const [args, code, err] of cases) {
      const r = run(...args);
      expect(r.err, args.join(' ')).toEqual(err);
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
