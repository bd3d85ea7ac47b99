/**
 * Every TypeScript block in the README that imports 'neurite' runs as written (against the
 * sources), so the front door stays true.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.includes("from 'neurite'"));
const dir = `${root}test/.readme-snippets`;

describe('README code', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  test('has runnable blocks', () => expect(blocks.length).toBeGreaterThanOrEqual(4));
  blocks.forEach((code, i) => {
    const title = code.split('\n').find((l) => !l.startsWith('import') && l.trim() !== '') ?? '';
    test(`block ${i + 1}: ${title.slice(0, 60)}`, async () => {
      mkdirSync(dir, { recursive: true });
      const file = `${dir}/block${i}.ts`;
      writeFileSync(file, code);
      const log = console.log;
      console.log = () => undefined;
      try {
        await import(/* @vite-ignore */ file);
      } finally {
        console.log = log;
      }
    });
  });
});
