/**
 * Input features computed from a point's two coordinates (a = x₁, b = x₂), as in TensorFlow
 * Playground. Each has its formula as a function and as the JavaScript expression that the
 * "copy code" snippet writes; a test checks the two agree.
 */
export interface Feature {
  id: string;
  label: string;
  f: (a: number, b: number) => number;
  /** The same formula as a JavaScript expression in `a` and `b`. */
  expr: string;
}

export const FEATURES = [
  { id: 'x1', label: 'x₁', f: (a: number) => a, expr: 'a' },
  { id: 'x2', label: 'x₂', f: (_a: number, b: number) => b, expr: 'b' },
  { id: 'x1sq', label: 'x₁²', f: (a: number) => a * a, expr: 'a * a' },
  { id: 'x2sq', label: 'x₂²', f: (_a: number, b: number) => b * b, expr: 'b * b' },
  { id: 'x1x2', label: 'x₁x₂', f: (a: number, b: number) => a * b, expr: 'a * b' },
  { id: 'sinx1', label: 'sin x₁', f: (a: number) => Math.sin(a), expr: 'Math.sin(a)' },
  { id: 'sinx2', label: 'sin x₂', f: (_a: number, b: number) => Math.sin(b), expr: 'Math.sin(b)' },
] as const satisfies readonly Feature[];

export type FeatureId = (typeof FEATURES)[number]['id'];

export function feature(id: FeatureId): Feature {
  const f = FEATURES.find((x) => x.id === id);
  if (f === undefined) throw new Error(`unknown feature '${id}' (known: ${FEATURES.map((x) => x.id).join(', ')})`);
  return f;
}

/**
 * Features of n points: `xy` holds [n, 2] coordinates row by row; the result is [n, ids.length],
 * feature by feature in the order of `ids`, then the `extra` columns ([n, extraWidth]) unchanged.
 */
export function featurize(xy: ArrayLike<number>, ids: readonly FeatureId[], extra?: { values: ArrayLike<number>; width: number }): Float32Array {
  const n = Math.floor(xy.length / 2);
  if (xy.length !== 2 * n) throw new Error(`featurize: expected [n, 2] coordinates, got ${xy.length} values`);
  if (ids.length === 0 && (extra?.width ?? 0) === 0) throw new Error('featurize: choose at least one input feature');
  const fs = ids.map(feature);
  const ew = extra?.width ?? 0;
  if (extra !== undefined && extra.values.length !== n * ew) throw new Error(`featurize: expected ${n}×${ew} extra values, got ${extra.values.length}`);
  const width = fs.length + ew;
  const out = new Float32Array(n * width);
  for (let i = 0; i < n; i++) {
    const a = xy[2 * i]!;
    const b = xy[2 * i + 1]!;
    for (let j = 0; j < fs.length; j++) out[i * width + j] = fs[j]!.f(a, b);
    for (let j = 0; j < ew; j++) out[i * width + fs.length + j] = extra!.values[i * ew + j]!;
  }
  return out;
}

/** n × n points covering [x0, x1] × [y0, y1], row by row from the top (y1) down, as an image. */
export function gridPoints(domain: Domain, n: number): Float32Array {
  const out = new Float32Array(2 * n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      out[2 * (r * n + c)] = domain.x0 + ((c + 0.5) / n) * (domain.x1 - domain.x0);
      out[2 * (r * n + c) + 1] = domain.y1 - ((r + 0.5) / n) * (domain.y1 - domain.y0);
    }
  }
  return out;
}

export interface Domain {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The bounding box of [n, 2] points, widened by `pad` of its size on each side. */
export function domainOf(xy: ArrayLike<number>, pad = 0.1): Domain {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i + 1 < xy.length; i += 2) {
    x0 = Math.min(x0, xy[i]!); x1 = Math.max(x1, xy[i]!);
    y0 = Math.min(y0, xy[i + 1]!); y1 = Math.max(y1, xy[i + 1]!);
  }
  if (!Number.isFinite(x0)) return { x0: -1, x1: 1, y0: -1, y1: 1 };
  const wx = Math.max(x1 - x0, 1e-6) * pad;
  const wy = Math.max(y1 - y0, 1e-6) * pad;
  return { x0: x0 - wx, x1: x1 + wx, y0: y0 - wy, y1: y1 + wy };
}
