/** Every example runs as a smoke test, with its expected outcome checked. */
import { describe, expect, test } from 'vitest';

const quiet = { log: () => undefined };

describe('examples', () => {
  test('xor: the 2-2-1 network reaches accuracy 1.0 after 50,000 epochs', async () => {
    const { main } = await import('../examples/xor.mjs');
    const r = await main(quiet);
    expect(r.accuracy).toBe(1);
  });

  test('xor-no-hidden: outputs stay near 0.5, accuracy ≤ 0.75', async () => {
    const { main } = await import('../examples/xor-no-hidden.mjs');
    const r = await main({ ...quiet, epochs: 5000 });
    expect(r.accuracy).toBeLessThanOrEqual(0.75);
    for (const [p] of r.predictions as number[][]) expect(Math.abs(p! - 0.5)).toBeLessThan(0.1);
  });

  test('xor-manual-loop: loss falls from ~0.7 to below 0.1', async () => {
    const { main } = await import('../examples/xor-manual-loop.mjs');
    const r = main(quiet);
    expect(r.first).toBeGreaterThan(0.6);
    expect(r.first).toBeLessThan(0.8);
    expect(r.last).toBeLessThan(0.1);
  });

  test('toy-3-3-1: the SSE falls and the outputs match [0, 1, 1, 0]', async () => {
    const { main } = await import('../examples/toy-3-3-1.mjs');
    const r = await main(quiet);
    expect(r.last).toBeLessThan(r.first! / 4);
    expect((r.predictions as number[][]).map(([p]) => Math.round(p!))).toEqual([0, 1, 1, 0]);
  });

  test('neuron: z = 0.57', async () => {
    const { main } = await import('../examples/neuron.mjs');
    const r = main(quiet);
    expect(r.z).toBeCloseTo(0.57, 6);
    expect(r.y).toBeCloseTo(1 / (1 + Math.exp(-0.57)), 6);
  });

  test('perceptron: AND and OR converge, XOR does not', async () => {
    const { main } = await import('../examples/perceptron.mjs');
    const r = main(quiet);
    expect([r.AND!.converged, r.OR!.converged, r.XOR!.converged]).toEqual([true, true, false]);
  });

  test('gradient-accumulation: 4 × 8 accumulated equals 32', async () => {
    const { main } = await import('../examples/gradient-accumulation.mjs');
    expect((await main(quiet)).maxDiff).toBeLessThan(1e-5);
  });

  test('autograd: J = 3(a + b·c)', async () => {
    const lines: string[] = [];
    const orig = console.log;
    console.log = (s: string) => void lines.push(s);
    try {
      await import('../examples/autograd.mjs');
    } finally {
      console.log = orig;
    }
    expect(lines).toEqual(['J = 33', 'dJ/da = 3, dJ/db = 6, dJ/dc = 9']);
  });
});

describe('plots example', () => {
  test('writes the two decision boundaries and the network diagram', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'neurite-plots-'));
    const { main } = await import('../examples/plots.mjs');
    const files = await main({ dir, log: () => undefined });
    expect(files).toHaveLength(3);
    for (const f of files) expect(readFileSync(f, 'utf8')).toMatch(/^<svg/);
  });
});
