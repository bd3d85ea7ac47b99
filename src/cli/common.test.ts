import { describe, expect, test } from 'vitest';
import { baseName, meanStd, writing } from './common.js';

describe('file errors name the file, never a temporary', () => {
  const failing = (code: string) => () => Promise.reject(Object.assign(new Error(`${code}: open '/out/.model.json.123.456.tmp'`), { code }));
  test.each([
    ['ENOSPC', 'the disk is full'],
    ['EACCES', 'permission denied'],
    ['EPERM', 'permission denied'],
    ['ENOTDIR', 'a part of the path is a file, not a folder'],
    ['EEXIST', 'a part of the path is a file, not a folder'],
    ['EIO', 'EIO'],
  ])('%s', async (code, why) => {
    await expect(writing('out/model', 'save the model', failing(code))).rejects.toThrow(`out/model: cannot save the model: ${why}`);
    await expect(writing('out/model', 'save the model', failing(code))).rejects.not.toThrow(/\.tmp/);
  });
  test('what succeeds passes through', async () => {
    await expect(writing('f', 'write', () => Promise.resolve(7))).resolves.toBe(7);
  });
});

describe('helpers', () => {
  test('baseName and meanStd', () => {
    expect(baseName('/home/u/data/iris.csv')).toBe('iris.csv');
    expect(baseName('C:\\data\\iris.csv')).toBe('iris.csv');
    // mean of 1..4 is 2.5; population variance (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25
    const { mean, std } = meanStd([1, 2, 3, 4]);
    expect(mean).toBe(2.5);
    expect(std).toBeCloseTo(Math.sqrt(1.25), 12);
  });
});
