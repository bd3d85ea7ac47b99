/**
 * Plots as SVG: training curves from a History, a decision-boundary map for 2-D classifiers,
 * and a network diagram. Each returns the SVG text; pass a file name to also write it (Node).
 *
 * @example
 * const history = await model.fit(x, y, { epochs: 20, validationSplit: 0.2 });
 * await plotHistory(history, 'curves.svg');
 */
import { noGrad } from '../context/context.js';
import { tensor } from '../ops/creation.js';
import type { Sequential } from '../models/sequential.js';
import { Functional } from '../models/functional.js';
import { type Layer, formatShape } from '../nn/layer.js';
import { InputLayer } from '../nn/simple.js';
import type { Tensor } from '../tensor/tensor.js';
import { Panel, Svg, fitText, textWidth } from './svg.js';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

async function maybeWrite(svg: string, file: string | undefined): Promise<string> {
  if (file !== undefined) {
    const { writeAtomic } = await import('../io/files.js');
    await writeAtomic(file, svg);
  }
  return svg;
}

/**
 * Training curves: one panel per quantity (loss, then each metric), training solid and
 * validation dashed, per epoch.
 */
export async function plotHistory(history: { history: Record<string, number[]> }, file?: string, options: { title?: string } = {}): Promise<string> {
  return maybeWrite(historySvg(history, options), file);
}

export function historySvg(history: { history: Record<string, number[]> }, options: { title?: string } = {}): string {
  const keys = Object.keys(history.history).filter((k) => !k.startsWith('val_') && k !== 'learning_rate');
  if (keys.length === 0) throw new Error('plotHistory: the history has no recorded quantities (did fit run any epochs?)');
  const pw = 380;
  const ph = 240;
  const top = options.title === undefined ? 50 : 75;
  // Each panel's left margin fits its tick labels (2.0e+4 is wider than 0.8) and axis label.
  const ranges = keys.map((key): [number, number] => {
    const all = [...history.history[key]!, ...(history.history[`val_${key}`] ?? [])].filter(Number.isFinite);
    return [Math.min(0, ...all), Math.max(...all)];
  });
  const margins = ranges.map((r) => Panel.leftMargin(r));
  const lefts = margins.map((m, k) => margins.slice(0, k + 1).reduce((a, b) => a + b, 0) + k * (pw + 20) + 10);
  const width = Math.max(lefts[lefts.length - 1]! + pw + 30, options.title === undefined ? 0 : textWidth(options.title, 15, true) + 40);
  const svg = new Svg(Math.ceil(width), ph + top + 60);
  if (options.title !== undefined) svg.text(svg.width / 2, 22, options.title, { size: 15, anchor: 'middle', weight: 'bold' });
  keys.forEach((key, k) => {
    const train = history.history[key]!;
    const val = history.history[`val_${key}`];
    const panel = new Panel(svg, lefts[k]!, top, pw, ph, [1, Math.max(2, train.length)], ranges[k]!);
    panel.axes(key, 'epoch', key);
    const pts = (s: number[]): Array<[number, number]> => s.map((v, i) => [panel.sx(i + 1), panel.sy(v)] as [number, number]).filter(([, y]) => Number.isFinite(y));
    svg.polyline(pts(train), PALETTE[0]!, 2.5);
    if (val !== undefined) svg.polyline(pts(val), PALETTE[1]!, 2.5, '6 4');
    if (train.length === 1) svg.circle(panel.sx(1), panel.sy(train[0]!), 3.5, PALETTE[0]!);
    // Keep the legend clear of the curves: rising curves (accuracy) end high, so put it low.
    const endsHigh = panel.sy(train[train.length - 1]!) < panel.y + panel.h / 2;
    panel.legend([{ label: 'training', color: PALETTE[0]! }, ...(val !== undefined ? [{ label: 'validation', color: PALETTE[1]!, dash: '6 4' }] : [])], endsHigh);
  });
  return svg.toString();
}

function mix(a: string, b: string, t: number): string {
  const pa = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const pb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  return `#${pa.map((v, i) => Math.round(v + (pb[i]! - v) * t).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * A 2-D classifier's decision map: the model's output over a grid (probability of class 1 for
 * one output, the predicted class shaded by confidence for several), with the data on top.
 */
export async function plotDecisionBoundary(model: Sequential, x: Tensor, y: Tensor, file?: string, options: { resolution?: number; title?: string } = {}): Promise<string> {
  return maybeWrite(decisionBoundarySvg(model, x, y, options), file);
}

export function decisionBoundarySvg(model: Sequential, x: Tensor, y: Tensor, options: { resolution?: number; title?: string } = {}): string {
  if (x.rank !== 2 || x.shape[1] !== 2) throw new Error(`plotDecisionBoundary: expected x of shape [n, 2], got [${x.shape.join(',')}]`);
  const n = x.shape[0]!;
  const res = options.resolution ?? 80;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, x.values[2 * i]!); x1 = Math.max(x1, x.values[2 * i]!);
    y0 = Math.min(y0, x.values[2 * i + 1]!); y1 = Math.max(y1, x.values[2 * i + 1]!);
  }
  const padX = (x1 - x0) * 0.1 || 1;
  const padY = (y1 - y0) * 0.1 || 1;
  [x0, x1, y0, y1] = [x0 - padX, x1 + padX, y0 - padY, y1 + padY];
  const left = Math.max(60, Panel.leftMargin([y0, y1]) + 10);
  const svg = new Svg(Math.ceil(left + 460), 520);
  const panel = new Panel(svg, left, 40, 420, 420, [x0, x1], [y0, y1]);
  // Fill the whole panel: the grid spans the axes' tick range, not just the data's.
  [x0, x1] = [panel.xTicks[0]!, panel.xTicks[panel.xTicks.length - 1]!];
  [y0, y1] = [panel.yTicks[0]!, panel.yTicks[panel.yTicks.length - 1]!];
  const grid = new Float32Array(res * res * 2);
  for (let j = 0; j < res; j++) for (let i = 0; i < res; i++) {
    grid[2 * (j * res + i)] = x0 + ((i + 0.5) / res) * (x1 - x0);
    grid[2 * (j * res + i) + 1] = y1 - ((j + 0.5) / res) * (y1 - y0);
  }
  const out = noGrad(() => model.predict(tensor(grid, [res * res, 2]), { batchSize: 4096 }));
  const width = out.shape[1] ?? 1;
  panel.axes(options.title ?? 'decision boundary', 'x₁', 'x₂');
  const cw = (panel.sx(x1) - panel.sx(x0)) / res;
  const ch = (panel.sy(y0) - panel.sy(y1)) / res;
  // Opaque, pre-mixed colours: overlapping translucent cells would show seams.
  const light = PALETTE.map((c) => mix('#ffffff', c, 0.55));
  // Colours are quantized to 32 levels and equal neighbours in a row merged into one
  // rectangle, which keeps the file small.
  const q = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 32) / 32;
  for (let j = 0; j < res; j++) {
    let runStart = 0;
    let runColor = '';
    for (let i = 0; i <= res; i++) {
      let color = '';
      if (i < res) {
        const k = j * res + i;
        if (width === 1) color = mix(light[0]!, light[1]!, q(out.values[k]!));
        else {
          let best = 0;
          for (let c = 1; c < width; c++) if (out.values[k * width + c]! > out.values[k * width + best]!) best = c;
          color = mix('#ffffff', PALETTE[best % PALETTE.length]!, 0.15 + 0.45 * q(out.values[k * width + best]!));
        }
      }
      if (color !== runColor) {
        if (runColor !== '') svg.rect(panel.sx(x0) + runStart * cw, panel.sy(y1) + j * ch, (i - runStart) * cw + 0.6, ch + 0.6, { fill: runColor });
        runStart = i;
        runColor = color;
      }
    }
  }
  const labels = y.rank === 2 && y.shape[1]! > 1 ? null : y;
  for (let i = 0; i < n; i++) {
    let cls = 0;
    if (labels !== null) cls = Math.round(labels.values[i]!);
    else for (let c = 1; c < y.shape[1]!; c++) if (y.values[i * y.shape[1]! + c]! > y.values[i * y.shape[1]! + cls]!) cls = c;
    svg.circle(panel.sx(x.values[2 * i]!), panel.sy(x.values[2 * i + 1]!), 4, PALETTE[cls % PALETTE.length]!, '#ffffff', 1.2);
  }
  return svg.toString();
}

/**
 * The network as the notes draw it: a column of units per layer, connections coloured by the
 * weight's sign (blue positive, red negative) with width by magnitude. Layers wider than
 * `maxUnits` show their first units and a count of the rest.
 */
export async function plotNetwork(model: Sequential | Functional, file?: string, options: { maxUnits?: number; title?: string } = {}): Promise<string> {
  return maybeWrite(networkSvg(model, options), file);
}

/**
 * A Dense stack as the notes draw it (neurons, links by weight), or a functional model as its
 * graph: a box per layer (name, class, output shape), columns by depth from the inputs, an
 * arrow per connection.
 */
export function networkSvg(model: Sequential | Functional, options: { maxUnits?: number; title?: string } = {}): string {
  if (model instanceof Functional) return graphSvg(model, options.title);
  if (!model.built || model.inputShape === null) throw new Error('plotNetwork: the model must be built first');
  const maxUnits = options.maxUnits ?? 12;
  const dense = model.layers.filter((l) => 'kernel' in l && (l as { kernel: Tensor | null }).kernel !== null) as unknown as Array<{ kernel: Tensor; name: string }>;
  const widths = [dense[0]?.kernel.shape[0] ?? (model.inputShape[model.inputShape.length - 1] ?? 1), ...dense.map((d) => d.kernel.shape[1]!)];
  const shown = widths.map((w) => Math.min(w, maxUnits));
  const colGap = 170;
  const rowGap = 34;
  const h = Math.max(...shown) * rowGap + 120;
  const names = widths.map((_, l) => (l === 0 ? 'input' : dense[l - 1]!.name));
  const counts = widths.map((w, l) => (w > shown[l]! ? `${w} units (${w - shown[l]!} not shown)` : `${w} units`));
  // Room for the first and last columns' labels, centred under their units.
  const half = (l: number): number => Math.max(textWidth(names[l]!, 12), textWidth(counts[l]!, 11)) / 2 + 10;
  const left = Math.max(60, half(0));
  const title = options.title ?? `${model.name}: ${widths.join('-')}`;
  const width = Math.max(left + (widths.length - 1) * colGap + Math.max(60, half(widths.length - 1)), textWidth(title, 15, true) + 40);
  const svg = new Svg(Math.ceil(width), h);
  svg.text(svg.width / 2, 24, title, { size: 15, anchor: 'middle', weight: 'bold' });
  const pos = (layer: number, unit: number): [number, number] => [left + layer * colGap, 60 + (h - 120 - shown[layer]! * rowGap) / 2 + unit * rowGap + rowGap / 2];
  dense.forEach((d, l) => {
    const k = d.kernel;
    let maxAbs = 0;
    for (const v of k.values) maxAbs = Math.max(maxAbs, Math.abs(v));
    for (let i = 0; i < shown[l]!; i++) for (let j = 0; j < shown[l + 1]!; j++) {
      const w = k.values[i * k.shape[1]! + j]!;
      const [ax, ay] = pos(l, i);
      const [bx, by] = pos(l + 1, j);
      const t = maxAbs === 0 ? 0 : Math.abs(w) / maxAbs;
      svg.line(ax, ay, bx, by, w >= 0 ? PALETTE[0]! : PALETTE[1]!, 0.4 + 3.6 * t, 0.25 + 0.65 * t);
    }
  });
  widths.forEach((w, l) => {
    for (let u = 0; u < shown[l]!; u++) {
      const [cx, cy] = pos(l, u);
      svg.circle(cx, cy, 10, l === 0 ? '#f0f0f0' : l === widths.length - 1 ? '#ffe6cc' : '#dde8f5', '#444', 1.3);
    }
    const [cx] = pos(l, 0);
    // Neighbouring columns are colGap apart: a label may take that much, less a gap.
    svg.text(cx, h - 40, fitText(names[l]!, 12, colGap - 12), { size: 12, anchor: 'middle' });
    svg.text(cx, h - 24, fitText(counts[l]!, 11, colGap - 12), { size: 11, anchor: 'middle', fill: '#555' });
  });
  return svg.toString();
}

function graphSvg(model: Functional, title?: string): string {
  // Column: the longest path from an input (so every arrow points right).
  const column = new Map<Layer, number>(model.inputs.map((t) => [t.sourceLayer, 0]));
  for (const node of model.nodes) {
    const c = Math.max(...node.inputs.map((t) => (column.get(t.sourceLayer) ?? 0) + 1));
    column.set(node.layer, Math.max(column.get(node.layer) ?? 0, c));
  }
  const columns: Layer[][] = [];
  for (const l of model.layers) (columns[column.get(l) ?? 0] ??= []).push(l);
  const boxW = 170;
  const boxH = 46;
  const colGap = 230;
  const rowGap = 70;
  const rows = Math.max(...columns.map((c) => c.length));
  const heading = title ?? `${model.name}: ${model.inputs.length} input${model.inputs.length === 1 ? '' : 's'}, ${model.outputs.length} output${model.outputs.length === 1 ? '' : 's'}`;
  const svg = new Svg(Math.ceil(Math.max(columns.length * colGap + 40, textWidth(heading, 15, true) + 40)), rows * rowGap + 110);
  svg.text(svg.width / 2, 24, heading, { size: 15, anchor: 'middle', weight: 'bold' });
  const at = new Map<Layer, [number, number]>();
  columns.forEach((col, c) => col.forEach((l, r) => at.set(l, [30 + c * colGap, 60 + (rows - col.length) * rowGap / 2 + r * rowGap])));
  const outputs = new Set(model.outputs.map((t) => t.sourceLayer));
  for (const node of model.nodes) {
    const [bx, by] = at.get(node.layer)!;
    for (const t of node.inputs) {
      const [ax, ay] = at.get(t.sourceLayer)!;
      const [x1, y1, x2, y2] = [ax + boxW, ay + boxH / 2, bx, by + boxH / 2];
      svg.line(x1, y1, x2 - 6, y2, '#555', 1.4);
      svg.polyline([[x2 - 12, y2 - 5], [x2 - 4, y2], [x2 - 12, y2 + 5]], '#555', 1.4);
    }
  }
  for (const [l, [x, y]] of at) {
    const fill = l instanceof InputLayer ? '#f0f0f0' : outputs.has(l) ? '#ffe6cc' : '#dde8f5';
    svg.rect(x, y, boxW, boxH, { fill, stroke: '#444' });
    svg.text(x + boxW / 2, y + 19, fitText(`${l.name} (${l.className})`, 12, boxW - 10), { size: 12, anchor: 'middle' });
    const shapes = l.inboundNodes.filter((n) => model.nodes.includes(n) || model.inputs.some((t) => t.node === n)).flatMap((n) => n.outputs.map((t) => formatShape(t.shape)));
    svg.text(x + boxW / 2, y + 36, fitText([...new Set(shapes)].join(' '), 11, boxW - 10), { size: 11, anchor: 'middle', fill: '#555' });
  }
  return svg.toString();
}
