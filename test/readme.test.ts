/**
 * The README tells the truth: every TypeScript block is type-checked under the project's
 * strict settings, then runs as written (against the sources), with each value its comments
 * promise checked (see harness/readme.ts for how a comment is read).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkLine, instrument } from './harness/readme.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
/** Each ```ts block with the README line it starts on. */
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => ({
  code: m[1]!,
  line: readme.slice(0, m.index).split('\n').length + 1,
}));
const dir = `${root}test/.readme-snippets`;
const file = (i: number): string => `${dir}/block${i}.ts`;

(globalThis as { __readmeCheck?: typeof checkLine }).__readmeCheck = checkLine;

describe('README code', () => {
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    blocks.forEach((b, i) => writeFileSync(file(i), b.code));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('every block imports neurite, and there are many', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    for (const b of blocks) expect(b.code, `README line ${b.line}`).toContain("from 'neurite'");
  });

  test('every block type-checks under the strict settings of tsconfig.json', () => {
    const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } })!;
    expect(config.options.strict).toBe(true);
    // Two of the project's settings are not `strict` and are left off here: unused locals (an
    // example may name a value only to show it, `const xTestScaled = …`) and
    // noUncheckedIndexedAccess (under it TypeScript types every destructured element of a list
    // as possibly undefined, `const [loss, accuracy] = model.evaluate(…)` included).
    const program = ts.createProgram(blocks.map((_, i) => file(i)), { ...config.options, noUnusedLocals: false, noUncheckedIndexedAccess: false });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file === undefined ? '' : (() => {
        const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
        const i = blocks.findIndex((_, j) => d.file!.fileName === file(j));
        return i >= 0 ? `README line ${blocks[i]!.line + line}: ` : `${d.file.fileName}:${line + 1}: `;
      })();
      return `${where}TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  }, 120_000);

  test('the comments promise values, and a broken promise fails the block', () => {
    const checks = blocks.reduce((n, b) => n + instrument(b.code, '').checks, 0);
    expect(checks).toBeGreaterThanOrEqual(25);
    const wrong = instrument('const n = 2 + 2; // 5', 'README block', 'globalThis.__readmeCheck').code;
    expect(() => new Function(wrong)()).toThrow('README block line 1: expected 5, got 4');
  });

  blocks.forEach((b, i) => {
    const title = b.code.split('\n').find((l) => !l.startsWith('import') && l.trim() !== '') ?? '';
    test(`block at README line ${b.line}: ${title.slice(0, 50)}`, async () => {
      const { code } = instrument(b.code, `README block at line ${b.line}`);
      const run = `${dir}/run${i}.ts`;
      writeFileSync(run, code);
      const log = console.log;
      console.log = () => undefined;
      try {
        await import(/* @vite-ignore */ run);
      } finally {
        console.log = log;
      }
    }, 120_000);
  });
});

/**
 * The command-line block: each line run as written (`npx neurite` as the built binary) in a
 * folder holding the data files it names, every one exiting 0 with what its comment says.
 */
describe('README command line', () => {
  const block = /## Command line\n\n```sh\n([\s\S]*?)```/.exec(readme)![1]!;
  const lines = block.trim().split('\n').map((l) => l.replace(/\s+#.*$/, '').trim());
  test('the block has the commands the tour shows', () => {
    expect(lines.map((l) => l.split(' ')[2])).toEqual(['train', 'evaluate', 'predict', 'summary', 'mnist', 'train']);
  });
  test('each line runs, in order, and does what its comment says', async () => {
    const { spawnSync } = await import('node:child_process');
    const { existsSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const cwd = mkdtempSync(join(tmpdir(), 'neurite-readme-cli-'));
    // data.csv / test.csv with a text 'label' column; new.csv without it.
    const row = (i: number) => `${(i % 7) / 7},${((i * 3) % 5) / 5},${(i % 7) / 7 + ((i * 3) % 5) / 5 > 0.8 ? 'big' : 'small'}`;
    writeFileSync(join(cwd, 'data.csv'), `a,b,label\n${Array.from({ length: 120 }, (_, i) => row(i)).join('\n')}\n`);
    writeFileSync(join(cwd, 'test.csv'), `a,b,label\n${Array.from({ length: 30 }, (_, i) => row(i + 200)).join('\n')}\n`);
    writeFileSync(join(cwd, 'new.csv'), `a,b\n${Array.from({ length: 5 }, (_, i) => row(i + 300).split(',').slice(0, 2).join(',')).join('\n')}\n`);
    const out: string[] = [];
    for (const line of lines) {
      const args = line.split(/\s+/).slice(2);
      const r = spawnSync(process.execPath, [`${root}dist/cli/main.js`, ...args], { cwd, encoding: 'utf8' });
      expect(r.status, `${line}\n${r.stderr}`).toBe(0);
      out.push(r.stdout);
    }
    expect(existsSync(join(cwd, 'data-model', 'model.json'))).toBe(true);                     // saves data-model/
    expect(out[1]).toMatch(/test\.csv \(30 rows\): accuracy [\d.]+\nclass +precision +recall +f1 +support\n/);
    expect(out[1]).toContain('Confusion matrix');
    expect(readFileSync(join(cwd, 'preds.csv'), 'utf8').split('\n')[0]).toBe('row,prediction,p(big),p(small)');
    expect(out[3]).toContain('Total params');
    expect(existsSync(join(cwd, 'mnist-model', 'model.json'))).toBe(true);
    expect(out[5]).toMatch(/^Trains a network on a CSV table/);
    rmSync(cwd, { recursive: true, force: true });
    // On the TypeScript reference backend (CI's js pass) the six commands, MNIST training among
    // them, took 109-121 s in CI this week: 120 s was at the edge, so the budget is 300 s.
  }, 300_000);
});
