/**
 * Each plot renders with a real SVG renderer (resvg) to a non-blank picture of the expected
 * size. Set NEURITE_PLOT_DIR to keep the PNGs for a look.
 */
import { writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, test } from 'vitest';
import { Adam, datasets, decisionBoundarySvg, historySvg, input, layers, model, networkSvg, niceTicks, sequential, setSeed } from '../src/index.js';

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
    expect([r.width, r.height]).toEqual([970, 350]);
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
    expect([r.width, r.height]).toEqual([520, 520]);
    expect(r.inkFraction).toBeGreaterThan(0.5);
    expect(r.colors).toBeGreaterThan(10);
  });

  test('network diagram of 784-30-30-10 shows the first units of wide layers', () => {
    setSeed(3);
    const model = sequential({ layers: [layers.dense({ units: 30, activation: 'relu', inputShape: [784] }), layers.dense({ units: 30, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })] });
    const svg = networkSvg(model);
    expect(svg).toContain('784 units (772 not shown)');
    const r = render(svg, 'network');
    expect([r.width, r.height]).toEqual([720, 528]);
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
