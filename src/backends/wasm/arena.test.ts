import { describe, expect, test } from 'vitest';
import { Arena } from './arena.js';

describe('Arena', () => {
  test('allocates 16-aligned blocks, reuses freed ones and coalesces neighbours', () => {
    const grown: number[] = [];
    const a = new Arena(100, 1000, (p) => grown.push(p));
    const x = a.alloc(10); // 112 (100 rounded up), 16 bytes
    const y = a.alloc(100); // 128, 112 bytes
    const z = a.alloc(16); // 240
    expect([x, y, z]).toEqual([112, 128, 240]);
    expect(a.used).toBe(16 + 112 + 16);
    a.release(y);
    expect(a.alloc(50)).toBe(128); // first fit: y's block
    a.release(128);
    a.release(x);
    // x and y coalesced: 128 bytes from 112.
    expect(a.alloc(128)).toBe(112);
    expect(grown).toEqual([]);
  });

  test('grows the memory by the pages missing beyond a free tail', () => {
    const grown: number[] = [];
    const a = new Arena(0, 65536, (p) => grown.push(p));
    a.alloc(65536 - 32); // leaves a 32-byte tail
    const big = a.alloc(65536 + 100); // needs 65636 − 32 more bytes → 2 pages
    expect(grown).toEqual([2]);
    expect(big).toBe(65536 - 32);
  });

  test('releasing a block it did not allocate is refused', () => {
    const a = new Arena(0, 1024, () => {});
    expect(() => a.release(48)).toThrow('arena: 48 is not an allocated block');
  });
});
