/** The README checker itself: what a comment promises, and that a broken promise fails. */
import { describe, expect, test } from 'vitest';
import { tensor } from 'neurite';
import { checkLine, instrument, mismatch, readPromise } from './harness/readme.js';

describe('reading a comment', () => {
  test('values up to the first word, as console.log prints them', () => {
    expect(readPromise(' 3 = dJ/dv · dv/da')).toEqual({ approx: false, values: [{ kind: 'number', value: 3, decimals: 0 }] });
    expect(readPromise(" 'compiled': the step")!.values).toEqual([{ kind: 'string', value: 'compiled' }]);
    expect(readPromise(' true 6')!.values).toEqual([{ kind: 'literal', value: true }, { kind: 'number', value: 6, decimals: 0 }]);
    expect(readPromise(' [60000, 784] [60000], pixels in [0, 1]')!.values.length).toBe(2);
    expect(readPromise(' ≈ 0.04, 1')).toEqual({ approx: true, values: [{ kind: 'number', value: 0.04, decimals: 2 }, { kind: 'number', value: 1, decimals: 0 }] });
    expect(readPromise(" { name: 'label', classes: ['cat', …] }")!.values[0]).toEqual({
      kind: 'object', more: false,
      entries: [['name', { kind: 'string', value: 'label' }], ['classes', { kind: 'array', more: true, items: [{ kind: 'string', value: 'cat' }] }]],
    });
  });
  test('prose promises nothing', () => {
    expect(readPromise(' the original IDX files')).toBeNull();
    expect(readPromise(' e.g. 3')).toBeNull();
  });
  test('malformed values are errors, not prose', () => {
    expect(() => readPromise(" 'open")).toThrow(/unterminated string/);
    expect(() => readPromise(' [1, 2')).toThrow(/expected ',' or ']'/);
    expect(() => readPromise(' ≈ about')).toThrow(/'≈' not followed by a value/);
  });
});

describe('comparing', () => {
  const one = (c: string) => readPromise(c)!.values[0]!;
  test('numbers round to the printed digits; ≈ allows one unit of the last digit', () => {
    expect(mismatch(0.6388, one('0.6388'), false)).toBe('');
    expect(mismatch(0.63884, one('0.6388'), false)).toBe('');
    expect(mismatch(0.6390, one('0.6388'), false)).toMatch(/expected 0.6388, got 0.639/);
    expect(mismatch(0.049, one('0.04'), true)).toBe('');
    expect(mismatch(0.051, one('0.04'), true)).toMatch(/expected ≈ 0.04/);
    expect(mismatch(33.000001, one('33'), false)).toBe('');
    expect(mismatch(32, one('33'), false)).not.toBe('');
  });
  test('tensors by their values, arrays by length, objects by keys', () => {
    expect(mismatch(tensor([[0.041], [0.97]]), one('[[0.04], [0.97]]'), true)).toBe('');
    expect(mismatch(tensor(11), one('11'), false)).toBe('');
    expect(mismatch([1, 2, 3], one('[1, 2]'), false)).toMatch(/2 items\), got 3/);
    expect(mismatch([1, 2, 3], one('[1, 2, …]'), false)).toBe('');
    expect(mismatch({ a: 1, b: 2 }, one('{ a: 1 }'), false)).toMatch(/expected keys a, got a, b/);
    expect(mismatch({ a: 1, b: 2 }, one('{ a: 1, ... }'), false)).toBe('');
    expect(mismatch('x', one("'y'"), false)).toMatch(/expected 'y', got "x"/);
  });
  test('checkLine names the line and the comment', () => {
    expect(() => checkLine('README line 9', ' 11', [12])).toThrow("README line 9: expected 11, got 12 (comment: // 11)");
    expect(() => checkLine('README line 9', ' true 6', [true])).toThrow(/promises 2 value\(s\).*gives 1/);
  });
});

describe('instrumenting a block', () => {
  test('console.log, expressions and consts with a promise become checks; prose stays', () => {
    const { code, checks } = instrument([
      'console.log(a, b); // 1 2',
      'J.item();  // 33 = 3v',
      'const dx = f(x);  // [2, 4]; nothing mutated',
      'model.fit(x); // trains',
    ].join('\n'), 'B');
    expect(checks).toBe(3);
    expect(code.split('\n')).toEqual([
      '__readmeCheck("B line 1", " 1 2", [a, b]);',
      '__readmeCheck("B line 2", " 33 = 3v", [J.item()]);',
      'const dx = f(x); __readmeCheck("B line 3", " [2, 4]; nothing mutated", [dx]);',
      'model.fit(x); // trains',
    ]);
  });
  test('a promise on a line that computes nothing to check is an error', () => {
    expect(() => instrument('for (const x of xs) f(x); // 3', 'B')).toThrow(/B line 1: a comment promises a value/);
  });
  test('a wrong README value fails when the block runs', () => {
    const g = globalThis as { __t?: typeof checkLine };
    g.__t = checkLine;
    const { code } = instrument('const y = 2 + 2; // 5', 'B', 'globalThis.__t');
    expect(() => new Function(code)()).toThrow('B line 1: expected 5, got 4');
  });
});
