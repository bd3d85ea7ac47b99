import { describe, expect, test } from 'vitest';
import { add, exp, getContext, mul, neg, randomUniform, sum, tensor, Rng } from '../index.js';
import { assignValues } from '../ops/layout.js';
import { type Call, NotTraceableError, compile, fold, placeBuffers, prune, record, shareResults } from './trace.js';
import { notTraceable } from '../context/context.js';

describe('trace', () => {
  const backend = () => getContext().backend;

  test('a replay recomputes from the inputs\' current values', () => {
    const x = tensor([1, 2, 3]);
    const rec = record(backend(), () => add(mul(x, 2), 1));
    expect(Array.from(rec.result.values)).toEqual([3, 5, 7]);
    const { program, home } = compile(rec, [rec.result.values], backend());
    x.values.set([10, 20, 30]);
    program();
    // y = 2x + 1
    expect(Array.from(home(rec.result.values))).toEqual([21, 41, 61]);
  });

  test('calls nothing reads are pruned; writes to outside buffers are kept', () => {
    const x = tensor([1, 2]);
    const state = tensor([0, 0]);
    const rec = record(backend(), () => {
      exp(x); // unused
      assignValues(state, add(x, 1));
      return mul(x, 3);
    });
    const kept = prune(rec.calls, [rec.result.values], rec.owned);
    expect(rec.calls.map((c) => c.kernel)).toEqual(['exp', 'add', 'copy', 'mul']);
    expect(kept.map((c) => c.kernel)).toEqual(['add', 'copy', 'mul']);
  });

  test('calls on constants alone are folded: done once while recording, not on every replay', () => {
    const x = tensor([1, 2]);
    const rec = record(backend(), () => mul(x, add(mul(tensor([3]), 2), 1)));
    const folded = fold(rec.calls, rec.owned);
    // (3·2 + 1) depends on nothing that changes; x·7 does.
    expect(rec.calls.map((c) => c.kernel)).toEqual(['mul', 'add', 'mul']);
    expect(folded.map((c) => c.kernel)).toEqual(['mul']);
    const { program, home } = compile(rec, [rec.result.values], backend());
    x.values.set([10, 20]);
    program();
    expect(Array.from(home(rec.result.values))).toEqual([70, 140]);
  });

  test('a call repeating an earlier one on unchanged inputs is dropped, its readers reading the earlier result', () => {
    const x = tensor([1, 2]);
    const state = tensor([0, 0]);
    const rec = record(backend(), () => {
      const a = exp(x);
      const b = exp(x); // the same call again: shared
      assignValues(state, a);
      const c = exp(state); // reads state, written in between: not the same values as exp(x)
      const d = exp(state); // shared with c
      return add(add(a, b), add(c, d));
    });
    const out = new Set([rec.result.values]);
    const shared = shareResults(rec.calls, out, rec.owned);
    expect(rec.calls.map((c) => c.kernel)).toEqual(['exp', 'exp', 'copy', 'exp', 'exp', 'add', 'add', 'add']);
    expect(shared.map((c) => c.kernel)).toEqual(['exp', 'copy', 'exp', 'add', 'add', 'add']);
    // The first add now reads the first exp's output twice.
    expect(shared[3]!.args[0]).toBe(shared[3]!.args[2]);
    const { program, home } = compile(rec, [rec.result.values], backend());
    x.values.set([0, 1]);
    state.values.set([0, 0]);
    program();
    // 2·e^x + 2·e^(e^x): x = 0 → 2 + 2e; x = 1 → 2e + 2e^e
    const want = [0, 1].map((v) => 2 * Math.exp(v) + 2 * Math.exp(Math.exp(v)));
    Array.from(home(rec.result.values)).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
  });

  test('an output the caller keeps, a draw and an in-place call are never dropped as repeats', () => {
    const x = tensor([1, 2]);
    const rng = new Rng(1);
    const rec = record(backend(), () => [exp(x), exp(x), randomUniform([2], 0, 1, { rng }), randomUniform([2], 0, 1, { rng })]);
    const keep = new Set(rec.result.map((t) => t.values));
    expect(shareResults(rec.calls, keep, rec.owned).map((c) => c.kernel)).toEqual(rec.calls.map((c) => c.kernel));
  });

  test('recording undoes its effects on outside buffers and generators', () => {
    const state = tensor([5, 6]);
    const rng = new Rng(3);
    const before = rng.getState();
    record(backend(), () => {
      assignValues(state, tensor([0, 0]));
      return randomUniform([4], 0, 1, { rng });
    });
    expect(Array.from(state.values)).toEqual([5, 6]);
    expect(rng.getState()).toEqual(before);
  });

  test('intermediates with disjoint lifetimes share storage, with the same results', () => {
    const x = tensor([1, 2, 3, 4]);
    const rec = record(backend(), () => {
      let h = x;
      for (let i = 0; i < 6; i++) h = add(mul(h, 0.5), 1);
      return h;
    });
    const out = new Set([rec.result.values]);
    const placed = placeBuffers(rec.calls, out, rec.owned);
    const distinct = (calls: Call[]) => new Set(calls.map((c) => c.args[4])).size;
    expect(distinct(rec.calls)).toBe(12);
    // 11 intermediates of 4 floats, each alive from its call to the next: two slots of a 64-byte
    // line (16 floats) each take turns; the output keeps a buffer of its own.
    expect(distinct(placed.calls)).toBe(3);
    expect(placed.separateElements).toBe(44);
    expect(placed.sharedElements).toBe(16 + 4);
    const expected = Array.from(rec.result.values);
    const c = compile(rec, [rec.result.values], backend());
    c.program();
    expect(Array.from(c.home(rec.result.values))).toEqual(expected);
  });

  test('buffers of different sizes share storage when their lifetimes allow; live ones never overlap', () => {
    // x (64) → a = exp(x), a' = exp(x) (64 each) → s = sum(a') (1) → b = a·s (64) → t = sum(b) (1) → neg(t), the output.
    // b takes a''s place (a' ends at its sum, before the product), t a's (a ends at the product):
    // 64 + 64 + 1 for s, where 194 apart.
    const values = Array.from({ length: 64 }, (_, i) => (i % 8) + 1);
    const x = tensor(values);
    const rec = record(backend(), () => neg(sum(mul(exp(x), sum(exp(x))))));
    const placed = placeBuffers(rec.calls, new Set([rec.result.values]), rec.owned);
    // Every pair of buffers alive at one call lies apart.
    const span = (b: Float32Array | Float64Array): [number, number] => [b.byteOffset, b.byteOffset + b.byteLength];
    placed.calls.forEach((call) => {
      const bufs = call.args.filter((a): a is Float32Array => a instanceof Float32Array && a.buffer === placed.regions[0]!.buffer);
      for (const p of bufs) for (const q of bufs) if (p !== q) expect(span(p)[1] <= span(q)[0] || span(q)[1] <= span(p)[0]).toBe(true);
    });
    expect(placed.sharedElements).toBeLessThan(placed.separateElements);
    expect(placed.sharedElements).toBe(64 + 64 + 1);
    expect(placed.separateElements).toBe(194);
    const eager = -(values.map(Math.exp).reduce((p, v) => p + v, 0) ** 2);
    const c = compile(rec, [rec.result.values], backend());
    c.program();
    expect(c.home(rec.result.values)[0]! / eager).toBeCloseTo(1, 5);
  });

  test('a dry recording runs only the calls on constants, and its program computes the same', () => {
    const x = tensor([1, 2, 3]);
    const wet = record(backend(), () => add(mul(x, add(tensor([1]), 1)), exp(x)));
    const dry = record(backend(), () => add(mul(x, add(tensor([1]), 1)), exp(x)), {}, { dry: true });
    expect(dry.calls.map((c) => c.kernel)).toEqual(wet.calls.map((c) => c.kernel));
    // Only 1 + 1 ran; x·2, exp(x) and the sum were written down, not computed.
    expect([...dry.ran].map((c) => c.kernel)).toEqual(['add']);
    expect(Array.from(dry.result.values)).toEqual([0, 0, 0]);
    const c = compile(dry, [dry.result.values], backend());
    expect(c.calls).toBe(3);
    c.program();
    // 2x + eˣ
    const out = Array.from(c.home(dry.result.values));
    [1, 2, 3].forEach((v, i) => expect(out[i]).toBeCloseTo(2 * v + Math.exp(v), 4));
  });

  test('code that reads values in plain code stops the recording with its reason', () => {
    expect(() => record(backend(), () => notTraceable('reading labels'))).toThrow(NotTraceableError);
    expect(() => record(backend(), () => notTraceable('reading labels'))).toThrow('reading labels');
  });
});

describe('tiny programs', () => {
  test('a program on buffers of fewer than 64 values calls the reference kernels directly; a larger one its backend\'s', () => {
    const base = getContext().backend;
    let calls = 0;
    const counting = { ...base, kernels: Object.fromEntries(Object.entries(base.kernels).map(([k, f]) => [k, (...a: unknown[]) => { calls++; return (f as (...a: unknown[]) => unknown)(...a); }])) as unknown as typeof base.kernels };
    for (const [n, direct] of [[8, true], [64, false]] as const) {
      const x = tensor(Array.from({ length: n }, (_, i) => i / n));
      const rec = record(counting, () => exp(mul(x, 2)), {}, { dry: true });
      const c = compile(rec, [rec.result.values], counting);
      calls = 0;
      c.program();
      expect(calls).toBe(direct ? 0 : 2);
      // e^(2x) either way.
      expect(c.home(rec.result.values)[n - 1]).toBeCloseTo(Math.exp((2 * (n - 1)) / n), 5);
    }
  });
});
