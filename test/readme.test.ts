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
