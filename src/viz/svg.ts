/**
 * A small SVG writer: the few primitives the plots need (axes with "nice" ticks, lines,
 * rectangles, circles, text, a legend). Output is a standalone SVG string.
 */

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Round numbers for axis ticks: steps of 1, 2 or 5 × 10ᵏ covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  if (out[out.length - 1]! < hi) out.push(+(out[out.length - 1]! + step).toPrecision(12));
  return out;
}

export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return String(+v.toPrecision(4));
}

/**
 * Advance widths of DejaVu Sans (the plots' first font) in ems, by character: enough to lay out
 * labels so they neither overlap nor leave the picture (bold runs ~8% wider). Other fonts in
 * the fallback list are narrower.
 */
const ADVANCE: Record<string, number> = {
  ' ': 0.318, '.': 0.318, ',': 0.318, ':': 0.337, ';': 0.337, '(': 0.39, ')': 0.39, '[': 0.39, ']': 0.39, '-': 0.361, '−': 0.838, '+': 0.838,
  '=': 0.838, '/': 0.337, '\\': 0.337, '_': 0.5, "'": 0.275, '"': 0.401, '|': 0.337, '%': 0.95, '#': 0.838, '×': 0.838, '…': 1,
  i: 0.278, j: 0.278, l: 0.278, f: 0.352, t: 0.392, r: 0.411, s: 0.521, z: 0.525, c: 0.55, k: 0.579, v: 0.592, x: 0.592, y: 0.592,
  a: 0.613, e: 0.615, o: 0.612, m: 0.974, w: 0.818, I: 0.295, J: 0.295, M: 0.863, W: 0.989,
};
/** Digits and lowercase letters not listed: 0.636; capitals and anything else: 0.75. */
export function textWidth(s: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of s) em += ADVANCE[ch] ?? (/[0-9a-z]/.test(ch) ? 0.636 : 0.75);
  return em * size * (bold ? 1.08 : 1);
}

/** `s` cut with an ellipsis to fit `width` pixels at `size`. */
export function fitText(s: string, size: number, width: number): string {
  if (textWidth(s, size) <= width) return s;
  let t = s;
  while (t.length > 1 && textWidth(`${t}…`, size) > width) t = t.slice(0, -1);
  return `${t}…`;
}

export class Svg {
  private readonly parts: string[] = [];

  constructor(readonly width: number, readonly height: number, background = '#ffffff') {
    this.rect(0, 0, width, height, { fill: background });
  }

  rect(x: number, y: number, w: number, h: number, style: { fill: string; stroke?: string; opacity?: number }): this {
    this.parts.push(`<rect x="${r(x)}" y="${r(y)}" width="${r(w)}" height="${r(h)}" fill="${style.fill}"${style.stroke ? ` stroke="${style.stroke}"` : ''}${style.opacity !== undefined ? ` fill-opacity="${style.opacity}"` : ''}/>`);
    return this;
  }

  line(x1: number, y1: number, x2: number, y2: number, stroke: string, width = 1, opacity = 1, dash?: string): this {
    this.parts.push(`<line x1="${r(x1)}" y1="${r(y1)}" x2="${r(x2)}" y2="${r(y2)}" stroke="${stroke}" stroke-width="${r(width)}"${opacity < 1 ? ` stroke-opacity="${r(opacity)}"` : ''}${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    return this;
  }

  polyline(points: Array<[number, number]>, stroke: string, width = 2, dash?: string): this {
    if (points.length === 0) return this;
    this.parts.push(`<polyline points="${points.map(([x, y]) => `${r(x)},${r(y)}`).join(' ')}" fill="none" stroke="${stroke}" stroke-width="${width}" stroke-linejoin="round"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    return this;
  }

  circle(cx: number, cy: number, radius: number, fill: string, stroke = 'none', strokeWidth = 1): this {
    this.parts.push(`<circle cx="${r(cx)}" cy="${r(cy)}" r="${r(radius)}" fill="${fill}" stroke="${stroke}" stroke-width="${strokeWidth}"/>`);
    return this;
  }

  text(x: number, y: number, s: string, o: { size?: number; anchor?: 'start' | 'middle' | 'end'; rotate?: number; fill?: string; weight?: string } = {}): this {
    const rot = o.rotate ? ` transform="rotate(${o.rotate} ${r(x)} ${r(y)})"` : '';
    this.parts.push(`<text x="${r(x)}" y="${r(y)}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="${o.size ?? 12}" text-anchor="${o.anchor ?? 'start'}" fill="${o.fill ?? '#222'}"${o.weight ? ` font-weight="${o.weight}"` : ''}${rot}>${escapeXml(s)}</text>`);
    return this;
  }

  toString(): string {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" viewBox="0 0 ${this.width} ${this.height}">\n${this.parts.join('\n')}\n</svg>\n`;
  }
}

function r(v: number): string {
  return String(Math.round(v * 100) / 100);
}

const TICK_GAP = 6;
const LABEL_GAP = 8;

/** A plotting area with linear scales and drawn axes. */
export class Panel {
  readonly xTicks: number[];
  readonly yTicks: number[];

  constructor(
    private readonly svg: Svg,
    readonly x: number, readonly y: number, readonly w: number, readonly h: number,
    xRange: [number, number], yRange: [number, number],
  ) {
    this.xTicks = niceTicks(xRange[0], xRange[1], 6);
    this.yTicks = niceTicks(yRange[0], yRange[1], 5);
  }

  sx(v: number): number {
    const lo = this.xTicks[0]!;
    const hi = this.xTicks[this.xTicks.length - 1]!;
    return this.x + ((v - lo) / (hi - lo || 1)) * this.w;
  }

  sy(v: number): number {
    const lo = this.yTicks[0]!;
    const hi = this.yTicks[this.yTicks.length - 1]!;
    return this.y + this.h - ((v - lo) / (hi - lo || 1)) * this.h;
  }

  /**
   * Pixels left of the axis that the y tick labels and the rotated axis label take, for a y
   * range: what a plot leaves as the panel's left margin.
   */
  static leftMargin(yRange: [number, number]): number {
    const ticks = niceTicks(yRange[0], yRange[1], 5);
    return Math.max(...ticks.map((t) => textWidth(formatTick(t), 11))) + TICK_GAP + LABEL_GAP + 12 + 4;
  }

  axes(title: string, xLabel: string, yLabel: string): void {
    const s = this.svg;
    const tickWidth = Math.max(...this.yTicks.map((t) => textWidth(formatTick(t), 11)));
    for (const t of this.yTicks) {
      s.line(this.x, this.sy(t), this.x + this.w, this.sy(t), '#e5e5e5');
      s.text(this.x - TICK_GAP, this.sy(t) + 4, formatTick(t), { size: 11, anchor: 'end', fill: '#555' });
    }
    for (const t of this.xTicks) {
      s.line(this.sx(t), this.y + this.h, this.sx(t), this.y + this.h + 4, '#555');
      s.text(this.sx(t), this.y + this.h + 18, formatTick(t), { size: 11, anchor: 'middle', fill: '#555' });
    }
    s.line(this.x, this.y + this.h, this.x + this.w, this.y + this.h, '#555');
    s.line(this.x, this.y, this.x, this.y + this.h, '#555');
    s.text(this.x + this.w / 2, this.y - 10, title, { size: 14, anchor: 'middle', weight: 'bold' });
    s.text(this.x + this.w / 2, this.y + this.h + 34, xLabel, { size: 12, anchor: 'middle' });
    // Rotated, the label's glyphs lie left of its baseline (the ascent, ~0.76 em) and its
    // descent right of it (~0.24 em): the baseline sits a gap plus the descent left of the ticks.
    s.text(this.x - TICK_GAP - tickWidth - LABEL_GAP - 3, this.y + this.h / 2, yLabel, { size: 12, anchor: 'middle', rotate: -90 });
  }

  /** A legend in the top-right corner, or the bottom-right with `bottom`. */
  legend(entries: Array<{ label: string; color: string; dash?: string }>, bottom = false): void {
    let yy = bottom ? this.y + this.h - 10 - 16 * (entries.length - 1) : this.y + 8;
    for (const e of entries) {
      const x0 = this.x + this.w - 120;
      this.svg.line(x0, yy, x0 + 22, yy, e.color, 2.5, 1, e.dash);
      this.svg.text(x0 + 28, yy + 4, e.label, { size: 11 });
      yy += 16;
    }
  }
}
