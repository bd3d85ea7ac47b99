import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Tensor, data, layers, sequential, tensor } from '../index.js';

const values = (t: unknown) => Array.from((t as Tensor).values);

describe('tf.data', () => {
  test('array, map, filter, take, skip, repeat, concatenate, toArray; sizes known where they can be', async () => {
    const ds = data.array([1, 2, 3, 4, 5]);
    expect(ds.size).toBe(5);
    expect(await ds.map((x) => x * 10).toArray()).toEqual([10, 20, 30, 40, 50]);
    expect(await ds.filter((x) => x % 2 === 1).toArray()).toEqual([1, 3, 5]);
    expect(await ds.skip(1).take(2).toArray()).toEqual([2, 3]);
    expect(ds.skip(1).take(2).size).toBe(2);
    expect(await ds.take(2).repeat(3).toArray()).toEqual([1, 2, 1, 2, 1, 2]);
    expect(ds.repeat().size).toBe(Infinity);
    expect(await ds.repeat().take(7).toArray()).toEqual([1, 2, 3, 4, 5, 1, 2]);
    expect(await ds.take(1).concatenate(ds.skip(4)).toArray()).toEqual([1, 5]);
    await expect(ds.repeat().toArray()).rejects.toThrow('Dataset.toArray: the dataset repeats forever; take() some of it first');
    const seen: number[] = [];
    await ds.forEachAsync((x) => void seen.push(x));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const it = await ds.iterator();
    expect(await it.next()).toEqual({ done: false, value: 1 });
  });

  test('batch stacks numbers, arrays and tensors, and recurses into objects; the last batch may be small', async () => {
    const rows = [{ xs: [1, 2], ys: 0 }, { xs: [3, 4], ys: 1 }, { xs: [5, 6], ys: 1 }];
    const batches = await data.array(rows).batch(2).toArray();
    expect(batches).toHaveLength(2);
    expect(batches[0]!.xs.shape).toEqual([2, 2]);
    expect(values(batches[0]!.xs)).toEqual([1, 2, 3, 4]);
    expect(values(batches[0]!.ys)).toEqual([0, 1]);
    expect(batches[1]!.xs.shape).toEqual([1, 2]);
    expect(await data.array(rows).batch(2, false).toArray()).toHaveLength(1);
    const t = await data.array([tensor([[1, 2]]), tensor([[3, 4]])]).batch(2).toArray();
    expect((t[0] as unknown as Tensor).shape).toEqual([2, 1, 2]);
    await expect(data.array([{ a: 1 }, { b: 2 }]).batch(2).toArray()).rejects.toThrow("Dataset.batch: the elements differ in structure: element 'a' is missing from one");
    await expect(data.array([tensor([1]), tensor([1, 2])]).batch(2).toArray()).rejects.toThrow('Dataset.batch: element has shape [1] in the first element but not in element 1 of the batch');
    expect(() => data.array([1]).batch(0)).toThrow('Dataset.batch: batchSize must be a positive integer, got 0');
    const back = await data.array(rows).batch(2).unbatch().toArray();
    expect(back).toHaveLength(3);
  });

  test('a list of tensors is batched item by item, as tfjs does ([features, label] elements, as tfjs-examples\' iris makes them), and trains through fitDataset', async () => {
    const pairs = data.array([[1, 2, 0], [3, 4, 1], [5, 6, 1]]).map((r) => [tensor(r.slice(0, 2)), tensor([r[2]!])]);
    const [b] = await pairs.batch(3).toArray() as unknown as Tensor[][];
    expect(b!.map((t) => t.shape)).toEqual([[3, 2], [3, 1]]);
    expect([values(b![0]!), values(b![1]!)]).toEqual([[1, 2, 3, 4, 5, 6], [0, 1, 1]]);
    // A list of numbers is still one tensor's row.
    expect((await data.array([[1, 2], [3, 4]]).batch(2).toArray())[0]!.shape).toEqual([2, 2]);
    const m = sequential({ layers: [layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const h = await m.fitDataset(pairs.batch(2), { epochs: 2, verbose: 0 });
    expect(h.history.loss).toHaveLength(2);
    await expect(data.array([[tensor([1]), tensor([2])], [tensor([3])]]).batch(2).toArray()).rejects.toThrow('Dataset.batch: the elements differ in structure: element is a list of 2 in the first element but not in element 1 of the batch');
  });

  test('shuffle: a permutation, the same for the same seed, new each pass, exact with a full buffer', async () => {
    const ds = data.array(Array.from({ length: 20 }, (_, i) => i));
    const a = ds.shuffle(20, 5);
    const first = await a.toArray();
    const second = await a.toArray();
    expect([...first].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(first).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(second).not.toEqual(first);
    expect(await ds.shuffle(20, 5).toArray()).toEqual(first);
    const fixed = ds.shuffle(20, 5, false);
    expect(await fixed.toArray()).toEqual(await fixed.toArray());
    // A small buffer keeps elements near their place: element 0 cannot come out after position 3 + …
    expect((await ds.shuffle(3, 1).toArray()).slice(0, 3).every((v) => v < 6)).toBe(true);
  });

  test('generator (called anew each pass, may be async), zip of a list or an object, prefetch', async () => {
    let calls = 0;
    const g = data.generator(function* () {
      calls++;
      for (let i = 0; i < 3; i++) yield i;
    });
    expect(await g.toArray()).toEqual([0, 1, 2]);
    expect(await g.toArray()).toEqual([0, 1, 2]);
    expect(calls).toBe(2);
    const ag = data.generator(async function* () { yield 7; yield 8; });
    expect(await ag.prefetch(4).toArray()).toEqual([7, 8]);
    expect(await data.zip([data.array([1, 2, 3]), data.array(['a', 'b'])]).toArray()).toEqual([[1, 'a'], [2, 'b']]);
    expect(await data.zip({ x: data.array([1, 2]), y: data.array([3, 4]) }).toArray()).toEqual([{ x: 1, y: 3 }, { x: 2, y: 4 }]);
    expect(() => data.generator(5 as never)).toThrow('data.generator: expected a generator function (function* () { yield … })');
    await expect(data.generator((() => 5) as never).toArray()).rejects.toThrow('data.generator: the function must return an iterator (use function* and yield)');
  });

  test('csv: a file streamed, or text; numbers parsed, labels split into ys, configs checked', async () => {
    const text = 'a,b,label\n1,2,0\n3,,1\n5,6,1\n';
    const dir = mkdtempSync(join(tmpdir(), 'neurite-csv-'));
    const file = join(dir, 'd.csv');
    writeFileSync(file, text);
    for (const source of [`file://${file}`, file, text]) {
      const ds = data.csv(source, { columnConfigs: { label: { isLabel: true }, b: { default: -1 } } });
      expect(await ds.columnNames()).toEqual(['a', 'b', 'label']);
      expect(await ds.toArray()).toEqual([{ xs: { a: 1, b: 2 }, ys: { label: 0 } }, { xs: { a: 3, b: -1 }, ys: { label: 1 } }, { xs: { a: 5, b: 6 }, ys: { label: 1 } }]);
    }
    const plain = await data.csv(text).take(1).toArray();
    expect(plain).toEqual([{ a: 1, b: 2, label: 0 }]);
    const only = await data.csv(text, { columnConfigs: { a: {} }, configuredColumnsOnly: true }).toArray();
    expect(only).toEqual([{ a: 1 }, { a: 3 }, { a: 5 }]);
    expect(await data.csv('1 2\n3  4\n', { hasHeader: false, columnNames: ['x', 'y'], delimWhitespace: true }).toArray()).toEqual([{ x: 1, y: 2 }, { x: 3, y: 4 }]);
    // Batched for training: the features as a [n, 2] tensor.
    const batch = (await data.csv(text, { columnConfigs: { label: { isLabel: true }, b: { default: 0 } } })
      .map((r) => { const { xs, ys } = r as { xs: Record<string, number>; ys: Record<string, number> }; return { xs: Object.values(xs), ys: Object.values(ys) }; })
      .batch(3).toArray())[0]!;
    expect(batch.xs.shape).toEqual([3, 2]);
    // An empty cell without a default is the key with no value, as tfjs gives it; a batch reads it as NaN.
    const rows = await data.csv(text).toArray() as Array<Record<string, unknown>>;
    expect('b' in rows[1]! && rows[1]!.b === undefined).toBe(true);
    // Batched, it is an error, not a silent NaN (tfjs's), whether rows are objects or lists.
    await expect(data.csv(text).batch(3).toArray()).rejects.toThrow("Dataset.batch: element.b has no value (undefined) in element 1 of the batch: an empty CSV cell? Give its column a default in data.csv's columnConfigs, or fill it in a map()");
    await expect(data.csv(text).map((r) => Object.values(r as Record<string, number>)).batch(3).toArray()).rejects.toThrow('Dataset.batch: element[1] has no value (undefined) in element 1 of the batch');
    await expect(data.csv(text, { columnConfigs: { b: { required: true } } }).toArray()).rejects.toThrow("data.csv: required column 'b' is empty in the CSV text line 3; give it a default in columnConfigs");
    await expect(data.csv('a,label\n1,\n', { columnConfigs: { label: { isLabel: true } } }).toArray()).rejects.toThrow("data.csv: label column 'label' is empty in the CSV text line 2; give it a default in columnConfigs");
    await expect(data.csv(text, { columnConfigs: { nope: {} } }).toArray()).rejects.toThrow("data.csv: columnConfigs names 'nope', which is not a column of the CSV text (a, b, label)");
    await expect(data.csv('a,b\n1,2,3\n').toArray()).rejects.toThrow('data.csv: the CSV text line 2 has 3 fields where the header has 2');
    await expect(data.csv(join(dir, 'missing.csv')).toArray()).rejects.toThrow(`data.csv: ${join(dir, 'missing.csv')}: no such file`);
    await expect(data.csv('1,2\n', { hasHeader: false }).toArray()).rejects.toThrow('data.csv: the CSV text has no header (hasHeader: false); give columnNames');
  });
});
