/**
 * Each plot renders with a real SVG renderer (resvg) to a non-blank picture of the expected
 * size. Set NEURITE_PLOT_DIR to keep the PNGs for a look.
 */
import { writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, test } from 'vitest';
import { Adam, datasets, decisionBoundarySvg, historySvg, input, layers, model, networkSvg, niceTicks, sequential, setSeed, tensor } from '../src/index.js';
import { textWidth } from '../src/viz/svg.js';

function render(svg: string, name: string): { width: number; height: number; inkFraction: number; colors: number } {
  const img = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render();
  const px = img.pixels;
  let ink = 0;
  const colors = new Set<number>();
  for (let i = 0; i < px.length; i += 4) {
    if (px[i]! < 245 || px[i + 1]! < 245 || px[i + 2]! < 245) ink++;
    colors.add((px[i]! >> 4) * 256 + (px[i + 1]! >> 4) * 16 + (px[i + 2]! >> 4));
  }
  if (process.env.NEURITE_PLOT_DIR) writeFileSync(`${process.env.NEURITE_PLOT_DIR}/${name}.png`, img.asPng());
  return { width: img.width, height: img.height, inkFraction: ink / (px.length / 4), colors: colors.size };
}

describe('plots', () => {
  test('training curves: loss and accuracy panels, training and validation', async () => {
    setSeed(1);
    const { x, y } = datasets.circles({ n: 120, seed: 1 });
    const model = sequential({ layers: [layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })] });
    model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const h = await model.fit(x, y.reshape([-1, 1]), { epochs: 15, batchSize: 16, validationSplit: 0.25, verbose: 0 });
    const svg = historySvg(h);
    expect(svg).toContain('>loss</text>');
    expect(svg).toContain('>accuracy</text>');
    expect(svg).toContain('>validation</text>');
    const r = render(svg, 'history');
    expect(r.height).toBe(350);
    expect(r.inkFraction).toBeGreaterThan(0.02);
    expect(r.colors).toBeGreaterThan(3);
  });

  test('decision boundary of an XOR classifier', async () => {
    setSeed(2);
    const { x, y } = datasets.xor({ n: 80, noise: 0.15, seed: 2 });
    const model = sequential({ layers: [layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })] });
    model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
    await model.fit(x, y.reshape([-1, 1]), { epochs: 60, batchSize: 16, verbose: 0 });
    const r = render(decisionBoundarySvg(model, x, y, { resolution: 50 }), 'boundary');
    expect(r.height).toBe(520);
    expect(r.width).toBeGreaterThanOrEqual(520);
    expect(r.inkFraction).toBeGreaterThan(0.5);
    expect(r.colors).toBeGreaterThan(10);
  });

  test('network diagram of 784-30-30-10 shows the first units of wide layers', () => {
    setSeed(3);
    const model = sequential({ layers: [layers.dense({ units: 30, activation: 'relu', inputShape: [784] }), layers.dense({ units: 30, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })] });
    const svg = networkSvg(model);
    expect(svg).toContain('784 units (772 not shown)');
    const r = render(svg, 'network');
    expect(r.height).toBe(528);
    expect(r.inkFraction).toBeGreaterThan(0.05);
  });

  test('a functional model is drawn as its graph: a box per layer by depth, an arrow per connection', () => {
    setSeed(3);
    const a = input({ shape: [4], name: 'a' });
    const b = input({ shape: [2], name: 'b' });
    const h = layers.dense({ units: 8, activation: 'relu', name: 'h' }).apply(layers.concatenate({ name: 'cat' }).apply([a, b]));
    const m = model({ inputs: [a, b], outputs: [layers.dense({ units: 1, name: 'out1' }).apply(h), layers.dense({ units: 3, name: 'out2' }).apply(layers.add({ name: 'skip' }).apply([h, h]))], name: 'g' });
    const svg = networkSvg(m);
    for (const label of ['a (InputLayer)', 'b (InputLayer)', 'cat (Concatenate)', 'h (Dense)', 'skip (Add)', 'out1 (Dense)', 'out2 (Dense)', '(None, 6)', '(None, 3)', 'g: 2 inputs, 2 outputs']) {
      expect(svg).toContain(label);
    }
    // Arrows: a→cat, b→cat, cat→h, h→out1, h→skip twice, skip→out2: 7 lines with 7 arrowheads.
    expect(svg.match(/<line /g)?.length).toBe(7);
    expect(svg.match(/<polyline /g)?.length).toBe(7);
    // Columns by longest path: inputs, cat, h, out1 and skip, out2: 5 columns of 230 px.
    const r = render(svg, 'graph');
    expect(r.width).toBe(5 * 230 + 40);
    expect(r.inkFraction).toBeGreaterThan(0.02);
  });

  test('nice ticks and errors', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    // Span 0.83 in about 5 steps: raw step 0.166 rounds up to 0.2.
    expect(niceTicks(0.13, 0.96, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 27, 6)).toEqual([-5, 0, 5, 10, 15, 20, 25, 30]);
    expect(() => historySvg({ history: {} })).toThrow('plotHistory: the history has no recorded quantities');
    const m = sequential({ layers: [layers.dense({ units: 1, inputShape: [3] })] });
    expect(() => decisionBoundarySvg(m, datasets.blobs({ n: 3 }).x.reshape([1, 6]), datasets.blobs({ n: 3 }).y)).toThrow('plotDecisionBoundary: expected x of shape [n, 2], got [1,6]');
  });
});

/**
 * Every label of a picture lies inside it and overlaps no other: each <text> is rendered on its
 * own by resvg with the machine's fonts (DejaVu Sans, the plots' first choice) and its ink's
 * bounding box taken. Without any font (a bare machine draws no text at all) the boxes come
 * from the layout's own advance widths (DejaVu Sans's) with ascent 0.8 and descent 0.25 em:
 * that checks the layout's arithmetic, not the glyphs, and says so. NEURITE_PLOT_FONTS=none
 * forces it.
 */
interface Box { text: string; x0: number; y0: number; x1: number; y1: number }

const FONT_PROBE = new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40"><text x="5" y="20" font-family="DejaVu Sans" font-size="12">Mg</text></svg>', { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).getBBox();
const haveFonts = process.env.NEURITE_PLOT_FONTS !== 'none' && FONT_PROBE !== undefined && FONT_PROBE.width > 0;
if (!haveFonts) console.warn('\n*** plots: no font on this machine; label boxes are estimated, not rendered ***\n');

function textBoxes(svg: string): { width: number; height: number; boxes: Box[] } {
  const [, w, h] = /<svg [^>]*width="([\d.]+)" height="([\d.]+)"/.exec(svg)!;
  const width = Number(w);
  const height = Number(h);
  const boxes = [...svg.matchAll(/<text [^>]*>[^<]*<\/text>/g)].map(([el]) => {
    const text = />([^<]*)</.exec(el)![1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
    if (haveFonts) {
      const b = new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${el}</svg>`, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).getBBox()!;
      return { text, x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height };
    }
    const num = (k: string) => Number(new RegExp(` ${k}="([-\\d.]+)"`).exec(el)![1]);
    const [x, y, size] = [num('x'), num('y'), num('font-size')];
    const anchor = / text-anchor="(\w+)"/.exec(el)?.[1] ?? 'start';
    const len = textWidth(text, size, / font-weight="bold"/.test(el));
    const start = anchor === 'middle' ? x - len / 2 : anchor === 'end' ? x - len : x;
    if (/rotate\(-90/.test(el)) return { text, x0: x - 0.8 * size, y0: y - (start - x) - len, x1: x + 0.25 * size, y1: y - (start - x) };
    return { text, x0: start, y0: y - 0.8 * size, x1: start + len, y1: y + 0.25 * size };
  });
  return { width, height, boxes };
}

/** Labels outside the picture or on top of each other, described; [] when all are clear. */
function labelProblems(svg: string): string[] {
  const { width, height, boxes } = textBoxes(svg);
  const problems: string[] = [];
  const f = (b: Box) => `'${b.text}' [${b.x0.toFixed(1)}, ${b.y0.toFixed(1)}, ${b.x1.toFixed(1)}, ${b.y1.toFixed(1)}]`;
  for (const b of boxes) if (b.x0 < 0 || b.y0 < 0 || b.x1 > width || b.y1 > height) problems.push(`${f(b)} leaves the ${width}×${height} picture`);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      // Closer than 2 px counts as touching: labels need a gap to read apart.
      const overlap = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) + 2) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + 2);
      if (overlap > 0) problems.push(`${f(a)} is within 2 px of ${f(b)}`);
    }
  }
  return problems;
}

describe('labels stay inside the picture and clear of each other', () => {
  const curve = (n: number, from: number, to: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));
  test('the checker finds a label cut off and two labels on top of each other', () => {
    const bad = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><text x="0" y="50" font-family="DejaVu Sans" font-size="12" text-anchor="middle">cut off</text><text x="100" y="50" font-family="DejaVu Sans" font-size="12">one</text><text x="104" y="52" font-family="DejaVu Sans" font-size="12">two</text></svg>';
    const problems = labelProblems(bad);
    expect(problems.some((p) => p.startsWith("'cut off'") && p.endsWith('leaves the 200×100 picture'))).toBe(true);
    expect(problems.some((p) => p.startsWith("'one'") && p.includes("is within 2 px of 'two'"))).toBe(true);
  });
  test('training curves of a regression in the tens of thousands (2.0e+4 ticks), with a title', () => {
    const svg = historySvg({ history: { loss: curve(300, 40000, 3100), val_loss: curve(300, 37000, 3600), mae: curve(300, 150, 45), val_mae: curve(300, 140, 48) } }, { title: 'diabetes.csv: progression' });
    expect(svg).toContain('>2.0e+4</text>');
    expect(labelProblems(svg)).toEqual([]);
  });
  test('training curves with tiny values and a long title', () => {
    const svg = historySvg({ history: { loss: curve(20, 3e-4, 1e-5), sparse_categorical_accuracy: curve(20, 0.5, 1) } }, { title: 'a-table-with-a-rather-long-file-name-for-its-curves.csv: the target column' });
    expect(labelProblems(svg)).toEqual([]);
  });
  test("the notes' 784-30-30-10 network: '784 units (772 not shown)' fits", () => {
    setSeed(3);
    const m = sequential({ layers: [layers.dense({ units: 30, activation: 'relu', inputShape: [784] }), layers.dense({ units: 30, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })] });
    expect(labelProblems(networkSvg(m))).toEqual([]);
  });
  test('a network whose layers have long names, and wide last layers', () => {
    setSeed(3);
    const m = sequential({ name: 'a_network_with_a_long_name', layers: [
      layers.dense({ units: 3, inputShape: [2], name: 'the_first_hidden_layer_of_many_units' }),
      layers.dense({ units: 1000, name: 'the_widest_output_layer_there_is' }),
    ] });
    expect(labelProblems(networkSvg(m))).toEqual([]);
  });
  test('a decision boundary over coordinates in the hundreds of thousands', () => {
    setSeed(2);
    const { x, y } = datasets.xor({ n: 40, noise: 0.15, seed: 2 });
    const big = tensor(Array.from(x.values, (v) => v * 2e5), x.shape);
    const m = sequential({ layers: [layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })] });
    expect(labelProblems(decisionBoundarySvg(m, big, y, { resolution: 10 }))).toEqual([]);
  });
  test('a functional graph with long layer names', () => {
    const a = input({ shape: [4], name: 'an_input_with_a_long_descriptive_name' });
    const h = layers.dense({ units: 8, name: 'a_dense_layer_with_a_name_longer_than_its_box' }).apply(a);
    const m = model({ inputs: [a], outputs: [layers.dense({ units: 1, name: 'out' }).apply(h)], name: 'g' });
    expect(labelProblems(networkSvg(m))).toEqual([]);
  });
});
