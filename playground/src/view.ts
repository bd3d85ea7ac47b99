/**
 * Drawing: the output heat map with the points over it, each unit's small map, the links, the
 * loss curves. Only colours and geometry here; every number drawn comes from the training
 * worker. The network (thousands of links) is drawn on an OffscreenCanvas in `render.ts`'s
 * worker, so rasterizing it never holds up the page's thread.
 */
import type { DataMessage, UpdateMessage } from './protocol.js';
import { NEURON_GRID, OUTPUT_GRID } from './protocol.js';

type RGB = [number, number, number];
const ORANGE: RGB = [245, 147, 34];
const BLUE: RGB = [8, 119, 189];
const WHITE: RGB = [255, 255, 255];
/** One colour per class; two classes are orange and blue, as the diverging scale. */
export const PALETTE: RGB[] = [ORANGE, BLUE, [46, 160, 67], [214, 39, 40], [148, 103, 189], [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207]];

const mix = (a: RGB, b: RGB, t: number): RGB => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
const css = (c: RGB): string => `rgb(${c[0] | 0},${c[1] | 0},${c[2] | 0})`;

/** v in [−1, 1]: orange through white to blue (NaN is grey). */
export function diverging(v: number): RGB {
  if (Number.isNaN(v)) return [128, 128, 128];
  const t = Math.max(-1, Math.min(1, v));
  return t < 0 ? mix(WHITE, ORANGE, -t) : mix(WHITE, BLUE, t);
}

export function classColour(k: number): string {
  return css(PALETTE[k % PALETTE.length]!);
}

/** The colour of one output cell: class probabilities blended, or the value on the diverging scale. */
function outputColour(data: DataMessage, out: Float32Array, cell: number): RGB {
  if (data.kind === 'binary') return mix(WHITE, diverging(2 * out[cell]! - 1), 0.6);
  if (data.kind === 'regression') {
    const [lo, hi] = data.labelRange;
    return mix(WHITE, diverging(hi > lo ? (2 * (out[cell]! - lo)) / (hi - lo) - 1 : 0), 0.6);
  }
  const k = data.classNames.length;
  const c: RGB = [0, 0, 0];
  let best = 0;
  for (let j = 0; j < k; j++) {
    const p = out[cell * k + j]!;
    const col = PALETTE[j % PALETTE.length]!;
    c[0] += p * col[0]; c[1] += p * col[1]; c[2] += p * col[2];
    best = Math.max(best, p);
  }
  return mix(WHITE, c, 0.2 + 0.4 * best);
}

function pointColour(data: DataMessage, i: number): string {
  if (data.kind !== 'regression') return classColour(data.labels[i]!);
  const [lo, hi] = data.labelRange;
  return css(diverging(hi > lo ? (2 * (data.labels[i]! - lo)) / (hi - lo) - 1 : 0));
}

let heatmapCanvas: OffscreenCanvas | null = null;

/** The output over the domain, with the training points (and the test points if asked). */
export function drawHeatmap(canvas: HTMLCanvasElement, data: DataMessage, update: UpdateMessage, showTest: boolean): void {
  const ctx = canvas.getContext('2d')!;
  const img = new ImageData(OUTPUT_GRID, OUTPUT_GRID);
  for (let cell = 0; cell < OUTPUT_GRID * OUTPUT_GRID; cell++) {
    const c = outputColour(data, update.output, cell);
    img.data[4 * cell] = c[0]; img.data[4 * cell + 1] = c[1]; img.data[4 * cell + 2] = c[2]; img.data[4 * cell + 3] = 255;
  }
  heatmapCanvas ??= new OffscreenCanvas(OUTPUT_GRID, OUTPUT_GRID);
  const small = heatmapCanvas;
  small.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
  const { x0, x1, y0, y1 } = data.domain;
  const n = data.labels.length;
  for (let i = 0; i < n; i++) {
    const test = data.isTest[i] === 1;
    if (test && !showTest) continue;
    const px = ((data.xy[2 * i]! - x0) / (x1 - x0)) * canvas.width;
    const py = ((y1 - data.xy[2 * i + 1]!) / (y1 - y0)) * canvas.height;
    ctx.beginPath();
    ctx.arc(px, py, 3.2, 0, 2 * Math.PI);
    ctx.fillStyle = pointColour(data, i);
    ctx.fill();
    ctx.lineWidth = test ? 1.6 : 1;
    ctx.strokeStyle = test ? '#000' : '#fff';
    ctx.stroke();
  }
}

export interface History {
  epochs: number[];
  train: number[];
  test: number[];
  /** null for regression. */
  trainAccuracy: Array<number | null>;
  testAccuracy: Array<number | null>;
}

/** Train (dark) and test (grey) loss against epochs; accuracy dashed, on a 0–1 scale. */
export function drawCurve(canvas: HTMLCanvasElement, h: History): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: ht } = canvas;
  ctx.clearRect(0, 0, w, ht);
  ctx.strokeStyle = '#ddd';
  ctx.setLineDash([]);
  ctx.strokeRect(0.5, 0.5, w - 1, ht - 1);
  const finite = [...h.train, ...h.test].filter(Number.isFinite);
  if (h.epochs.length < 2 || finite.length === 0) return;
  const top = Math.max(...finite) * 1.05 || 1;
  const last = h.epochs[h.epochs.length - 1]! || 1;
  const line = (ys: Array<number | null>, max: number, colour: string, dash: number[]): void => {
    ctx.beginPath();
    let started = false;
    ys.forEach((y, i) => {
      if (y === null || !Number.isFinite(y)) return;
      const px = 4 + (h.epochs[i]! / last) * (w - 8);
      const py = ht - 4 - (Math.max(0, Math.min(y, max)) / max) * (ht - 8);
      if (!started) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
      started = true;
    });
    ctx.setLineDash(dash);
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  };
  line(h.testAccuracy, 1, '#999', [4, 3]);
  line(h.trainAccuracy, 1, '#183d4e', [4, 3]);
  line(h.test, top, '#999', []);
  line(h.train, top, '#183d4e', []);
  ctx.setLineDash([]);
}

/** Where each unit is drawn, for hit tests. */
export interface NetworkLayout {
  size: number;
  columns: Array<{ x: number; ys: number[] }>;
}

const GAP = 130;

/** Positions for `units` per column (inputs first, output last). */
export function layoutNetwork(units: number[], minWidth: number): { layout: NetworkLayout; width: number; height: number } {
  const most = Math.max(...units);
  const size = most <= 12 ? 30 : most <= 32 ? 20 : 12;
  const pitch = size + (size > 12 ? 8 : 4);
  const height = Math.max(most * pitch + 10, 120);
  const span = Math.max(GAP * (units.length - 1), minWidth - 2 * size - 20);
  const step = units.length > 1 ? span / (units.length - 1) : 0;
  const columns = units.map((u, c) => {
    const top = (height - u * pitch) / 2 + (pitch - size) / 2;
    return { x: 10 + c * step, ys: Array.from({ length: u }, (_, j) => top + j * pitch) };
  });
  return { layout: { size, columns }, width: span + 2 * size + 20, height };
}

/** Paints unit j's map (`values` is [cells, units] for its layer; `scale` maps values to [−1, 1]) into slot `slot` of a row of maps. */
function paintUnit(img: ImageData, slot: number, values: Float32Array, units: number, j: number, scale: number, colour: RGB | null): void {
  const g = NEURON_GRID;
  const d = img.data;
  for (let k = 0; k < g * g; k++) {
    const v = values[k * units + j]! * scale;
    const c = colour === null ? diverging(v) : mix(WHITE, colour, Math.max(0, Math.min(1, v)));
    const p = 4 * (Math.floor(k / g) * img.width + slot * g + (k % g));
    d[p] = c[0]; d[p + 1] = c[1]; d[p + 2] = c[2]; d[p + 3] = 255;
  }
}

/** A unit's map as an image of its own (the large view on hover). */
export function unitImage(values: Float32Array, units: number, j: number, scale: number, colour: RGB | null): ImageData {
  const img = new ImageData(NEURON_GRID, NEURON_GRID);
  paintUnit(img, 0, values, units, j, scale, colour);
  return img;
}

/** The scale that maps column `c`'s values (or unit j's, for inputs) to [−1, 1]. */
export function unitScale(update: UpdateMessage, c: number, units: number, j: number): number {
  const v = update.neurons[c]!;
  let m = 0;
  for (let k = 0; k < v.length; k++) if (c > 0 || k % units === j) m = Math.max(m, Math.abs(v[k]!));
  return m > 0 ? 1 / m : 1;
}

/** How the output column's units are coloured: class colours for classes. */
export function unitColour(data: DataMessage, c: number, j: number): RGB | null {
  return c === data.units.length - 1 && data.kind === 'multiclass' ? PALETTE[j % PALETTE.length]! : null;
}

/** At most this many links are drawn between two layers: the strongest (hover finds any). */
export const MAX_DRAWN_LINKS = 600;

/** The smallest |w| drawn: all of them up to MAX_DRAWN_LINKS, else the strongest that many. */
export function linkFloor(kernel: Float32Array): number {
  if (kernel.length <= MAX_DRAWN_LINKS) return 0;
  const mags = Float32Array.from(kernel, Math.abs).sort();
  return mags[mags.length - MAX_DRAWN_LINKS]!;
}

/** Links (width by |w|, orange negative, blue positive), then every unit's map. */
export function drawNetwork(canvas: OffscreenCanvas, data: DataMessage, update: UpdateMessage, layout: NetworkLayout): void {
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const s = layout.size;
  // Links grouped by sign and width so each group is one path (128×128 links stay cheap).
  const LEVELS = 6;
  for (let l = 0; l < update.kernels.length; l++) {
    const from = layout.columns[l]!;
    const to = layout.columns[l + 1]!;
    const k = update.kernels[l]!;
    const outs = to.ys.length;
    const paths = Array.from({ length: 2 * LEVELS }, () => new Path2D());
    const floor = linkFloor(k);
    for (let i = 0; i < from.ys.length; i++) {
      for (let j = 0; j < outs; j++) {
        const w = k[i * outs + j]!;
        if (Math.abs(w) < floor) continue;
        const level = Math.min(LEVELS - 1, Math.floor((Math.min(Math.abs(w), 1.5) / 1.5) * LEVELS));
        const p = paths[(w < 0 ? 0 : LEVELS) + level]!;
        p.moveTo(from.x + s, from.ys[i]! + s / 2);
        p.lineTo(to.x, to.ys[j]! + s / 2);
      }
    }
    // Past 256 links a pair of layers is drawn in hairlines (width ≤ 1 px, by |w|), which
    // browsers rasterize far faster than wide strokes: the page stays responsive at 128×128.
    const links = from.ys.length * outs;
    const maxWidth = links > 256 ? 1 : links > 64 ? 2 : 3.5;
    paths.forEach((p, idx) => {
      const level = idx % LEVELS;
      ctx.strokeStyle = css(idx < LEVELS ? ORANGE : BLUE);
      ctx.globalAlpha = (links > 2000 ? 0.1 : 0.35) + ((links > 2000 ? 0.3 : 0.6) * level) / (LEVELS - 1);
      ctx.lineWidth = (maxWidth * (level + 1)) / LEVELS;
      ctx.stroke(p);
    });
  }
  ctx.globalAlpha = 1;
  // Every unit's map into one atlas, written once, then copied out scaled: a canvas written
  // and drawn from by turns (one per unit) makes the browser flush at every turn.
  const total = layout.columns.reduce((n, col) => n + col.ys.length, 0);
  const atlas = atlasOf(total);
  const img = new ImageData(NEURON_GRID * total, NEURON_GRID);
  let at = 0;
  layout.columns.forEach((col, c) => {
    const units = col.ys.length;
    const shared = c > 0 ? unitScale(update, c, units, 0) : 0;
    for (let j = 0; j < units; j++) paintUnit(img, at + j, update.neurons[c]!, units, j, c > 0 ? shared : unitScale(update, 0, units, j), unitColour(data, c, j));
    at += units;
  });
  atlas.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.strokeStyle = '#888';
  ctx.lineWidth = 1;
  at = 0;
  for (const col of layout.columns) {
    for (const y of col.ys) {
      ctx.drawImage(atlas, at++ * NEURON_GRID, 0, NEURON_GRID, NEURON_GRID, col.x, y, s, s);
      ctx.strokeRect(col.x + 0.5, y + 0.5, s - 1, s - 1);
    }
  }
}

let atlasCanvas: OffscreenCanvas | null = null;
function atlasOf(units: number): OffscreenCanvas {
  atlasCanvas ??= new OffscreenCanvas(1, 1);
  if (atlasCanvas.width !== NEURON_GRID * units) atlasCanvas.width = NEURON_GRID * units;
  atlasCanvas.height = NEURON_GRID;
  return atlasCanvas;
}

/** The unit under (x, y), or the link nearest it within 4 px, or null. */
export function hitTest(layout: NetworkLayout, update: UpdateMessage | null, x: number, y: number): { unit: [number, number] } | { link: [number, number, number] } | null {
  const s = layout.size;
  for (let c = 0; c < layout.columns.length; c++) {
    const col = layout.columns[c]!;
    if (x < col.x || x > col.x + s) continue;
    const j = col.ys.findIndex((top) => y >= top && y <= top + s);
    if (j >= 0) return { unit: [c, j] };
  }
  if (update === null) return null;
  for (let l = 0; l + 1 < layout.columns.length; l++) {
    const from = layout.columns[l]!;
    const to = layout.columns[l + 1]!;
    const ax = from.x + s;
    const bx = to.x;
    if (x < ax || x > bx) continue;
    let best: [number, number, number] | null = null;
    let bestD = 4;
    for (let i = 0; i < from.ys.length; i++) {
      const ay = from.ys[i]! + s / 2;
      for (let j = 0; j < to.ys.length; j++) {
        const by = to.ys[j]! + s / 2;
        // distance from (x, y) to the segment a–b
        const dx = bx - ax, dy = by - ay;
        const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
        const d = Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
        if (d < bestD) { bestD = d; best = [l, i, j]; }
      }
    }
    if (best !== null) return { link: best };
  }
  return null;
}
