import { describe, expect, test } from 'vitest';
import { add, exp, getContext, mul, randomUniform, tensor, Rng } from '../index.js';
import { assignValues } from '../ops/layout.js';
import { NotTraceableError, compile, fold, prune, record, shareBuffers } from './trace.js';
import { notTraceable } from '../context/context.js';

describe('trace', () => {
  const backend = () => getContext().backend;

  test('a replay recomputes from the inputs\' current values', () => {
    const x = tensor([1, 2, 3]);
    const rec = record(backend(), () => add(mul(x, 2), 1));
    expect(Array.from(rec.result.values)).toEqual([3, 5, 7]);
    const { program } = compile(rec, [rec.result.values], backend());
    x.values.set([10, 20, 30]);
    program();
    // y = 2x + 1
    expect(Array.from(rec.result.values)).toEqual([21, 41, 61]);
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
    const { program } = compile(rec, [rec.result.values], backend());
    x.values.set([10, 20]);
    program();
    expect(Array.from(rec.result.values)).toEqual([70, 140]);
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
    const shared = shareBuffers(rec.calls, out, rec.owned);
    const distinct = (calls: typeof shared) => new Set(calls.map((c) => c.args[4])).size;
    expect(distinct(rec.calls)).toBe(12);
    expect(distinct(shared)).toBeLessThanOrEqual(3);
    const expected = Array.from(rec.result.values);
    compile(rec, [rec.result.values], backend()).program();
    expect(Array.from(rec.result.values)).toEqual(expected);
  });

  test('code that reads values in plain code stops the recording with its reason', () => {
    expect(() => record(backend(), () => notTraceable('reading labels'))).toThrow(NotTraceableError);
    expect(() => record(backend(), () => notTraceable('reading labels'))).toThrow('reading labels');
  });
});
