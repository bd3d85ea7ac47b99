import { describe, expect, test } from 'vitest';
import { buffer, dispose, keep, memory, tensor, tidy, type Tensor } from '../index.js';

describe("tfjs's memory API (bookkeeping: neurite frees by garbage collection)", () => {
  test('tidy uncounts what it made except its result and kept tensors; nested tidies hand results out', () => {
    const before = memory().numTensors;
    let inner: ReturnType<typeof tensor> | null = null;
    const out = tidy(() => {
      const a = tensor([1, 2, 3]);
      const b = a.mul(2);
      inner = keep(b.add(1));
      return tidy('named', () => ({ sum: b.sum(), list: [a] }));
    });
    // a (in the result), the kept tensor and the sum survive; b and the scalar 2 (and 1) do not.
    expect(out.sum.item()).toBe(12);
    expect(out.list[0]!.isDisposed).toBe(false);
    expect(inner!.isDisposed).toBe(false);
    expect(memory().numTensors - before).toBe(3);
    dispose([out.list, out.sum, inner!]);
    expect(memory().numTensors).toBe(before);
    // A disposed tensor still works (nothing was freed), and disposing twice counts once.
    expect(Array.from(inner!.values)).toEqual([3, 5, 7]);
    inner!.dispose();
    expect(memory().numTensors).toBe(before);
  });

  test("dispose walks an array's named properties too, as tfjs does (cart-pole keeps gradients by name on an array)", () => {
    const before = memory().numTensors;
    const record = Object.assign([] as Tensor[], { 'dense/kernel': [tensor([1]), tensor([2])] });
    record.push(tensor([3]));
    expect(memory().numTensors - before).toBe(3);
    dispose(record);
    expect(memory().numTensors).toBe(before);
  });

  test('memory() reports bytes and what the heap holds; tidy refuses async functions and non-functions', () => {
    const before = memory();
    const t = tensor(new Float32Array(1000));
    const after = memory();
    expect(after.numBytes - before.numBytes).toBe(4000);
    expect(after.unreliable).toBe(true);
    expect(after.heapBytes).toBeGreaterThan(0);
    t.dispose();
    expect(() => tidy((async () => tensor([1])) as never)).toThrow('tidy: the function returned a Promise; tidy takes synchronous code (await outside it)');
    expect(() => tidy('x' as never)).toThrow('tidy: expected a function (or a name and a function)');
  });

  test('TensorBuffer: set, get, toTensor, strides; indices checked', () => {
    const b = buffer([2, 3]);
    b.set(5, 1, 2);
    b.set(7, 0, 0);
    expect(b.get(1, 2)).toBe(5);
    expect(b.strides).toEqual([3]);
    expect(Array.from(b.toTensor().values)).toEqual([7, 0, 0, 0, 0, 5]);
    expect(() => b.set(1, 2, 0)).toThrow('TensorBuffer.set: index 2 on axis 0 is out of range [0, 2)');
    expect(() => b.get(1)).toThrow('TensorBuffer.get: expected 2 indices for shape [2,3], got 1');
    const i = buffer([2], 'int32');
    i.set(2.7, 0);
    expect(i.get(0)).toBe(2);
    expect(tensor([[1, 2], [3, 4]]).bufferSync().get(1, 0)).toBe(3);
  });
});
