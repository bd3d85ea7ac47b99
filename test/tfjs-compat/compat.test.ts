/**
 * The TensorFlow.js compatibility suite: programs in programs/ use the tfjs API the way the
 * tfjs-examples projects and the TensorFlow.js guides do (models, data pipelines, training
 * loops, custom layers, gradients), with small local data. Each runs twice in this process:
 * as written, against the real `@tensorflow/tfjs`, and with only its import line changed to
 * `neurite`. Each program exports `run()` (its figures) and `checks` (what must hold of them):
 * a bound both runs must meet (`atLeast`, `atMost`), or agreement between the two (`abs`, `rel`).
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as neurite from 'neurite';
import { describe, expect, test } from 'vitest';

type Figure = number | number[] | boolean | string;
export type Check = { abs?: number; rel?: number; atLeast?: number; atMost?: number; equal?: true };
interface Program {
  run(): Promise<Record<string, Figure>>;
  checks: Record<string, Check>;
  /** The library the program imported (appended by the harness, to check the port ran neurite). */
  __tf: { sequential: unknown };
}

const here = dirname(fileURLToPath(import.meta.url));
const programs = readdirSync(join(here, 'programs')).filter((f) => f.endsWith('.mjs')).sort();
const runDir = join(here, '.run');
mkdirSync(runDir, { recursive: true });
const IMPORT = "import * as tf from '@tensorflow/tfjs';";

async function load(name: string, source: string, flavour: string): Promise<Program> {
  const file = join(runDir, `${name.replace(/\.mjs$/, '')}.${flavour}.mjs`);
  writeFileSync(file, `${source}\nexport const __tf = tf;\n`);
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Program;
}

function asList(v: Figure): number[] {
  return Array.isArray(v) ? v : [Number(v)];
}

function checkFigure(key: string, check: Check, a: Figure | undefined, b: Figure | undefined): void {
  expect(a, `${key}: tfjs gave no value`).toBeDefined();
  expect(b, `${key}: neurite gave no value`).toBeDefined();
  if (check.equal === true) {
    expect(b, key).toEqual(a);
    return;
  }
  const [x, y] = [asList(a!), asList(b!)];
  expect(y.length, `${key}: lengths`).toBe(x.length);
  for (const [who, vs] of [['tfjs', x], ['neurite', y]] as const) {
    for (const v of vs) {
      expect(Number.isFinite(v), `${key} (${who}) = ${v}`).toBe(true);
      if (check.atLeast !== undefined) expect(v, `${key} (${who})`).toBeGreaterThanOrEqual(check.atLeast);
      if (check.atMost !== undefined) expect(v, `${key} (${who})`).toBeLessThanOrEqual(check.atMost);
    }
  }
  x.forEach((v, i) => {
    const d = Math.abs(v - y[i]!);
    if (check.abs !== undefined) expect(d, `${key}[${i}]: tfjs ${v}, neurite ${y[i]}`).toBeLessThanOrEqual(check.abs);
    if (check.rel !== undefined) expect(d, `${key}[${i}]: tfjs ${v}, neurite ${y[i]}`).toBeLessThanOrEqual(check.rel * Math.max(Math.abs(v), Math.abs(y[i]!), 1e-12));
  });
}

/** Runs `f` with Math.random replaced by a seeded generator (mulberry32), then restores it. */
async function withSeededMathRandom<T>(seed: number, f: () => Promise<T>): Promise<T> {
  const original = Math.random;
  let s = seed >>> 0;
  Math.random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  try {
    return await f();
  } finally {
    Math.random = original;
  }
}

describe('TensorFlow.js programs run with only the import changed', () => {
  tf.setBackend('cpu');
  for (const name of programs) {
    test(name, async () => {
      const source = readFileSync(join(here, 'programs', name), 'utf8');
      expect(source.split('\n').filter((l) => l === IMPORT), 'one tfjs import line').toHaveLength(1);
      const ported = source.replace(IMPORT, "import * as tf from 'neurite';");
      const original = await load(name, source, 'tfjs');
      const port = await load(name, ported, 'neurite');
      expect(original.__tf.sequential).toBe(tf.sequential);
      expect(port.__tf.sequential).toBe(neurite.sequential);
      // tfjs seeds its generators from Math.random: a seeded Math.random for its run makes the
      // peer's figures the same on every run (a bound then cannot pass or fail by chance).
      const a = await withSeededMathRandom(1, () => original.run());
      // The same starting state for neurite's generator whatever ran before (tfjs draws from Math.random).
      neurite.setSeed(1);
      const b = await port.run();
      const checks = original.checks;
      expect(Object.keys(checks).length, 'a program checks something').toBeGreaterThan(0);
      for (const [key, check] of Object.entries(checks)) checkFigure(key, check, a[key], b[key]);
    }, 240_000);
  }
});
