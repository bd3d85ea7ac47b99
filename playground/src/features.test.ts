import { describe, expect, test } from 'vitest';
import { FEATURES, domainOf, featurize, gridPoints } from './features.js';

describe('playground features', () => {
  test('each transform by hand at (a, b) = (0.5, -2)', () => {
    // x₁ = 0.5, x₂ = −2, x₁² = 0.25, x₂² = 4, x₁x₂ = −1, sin 0.5 = 0.479426, sin −2 = −0.909297
    const out = featurize([0.5, -2], ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2']);
    expect(Array.from(out)).toEqual([0.5, -2, 0.25, 4, -1, Math.fround(Math.sin(0.5)), Math.fround(Math.sin(-2))]);
    expect(out[5]).toBeCloseTo(0.479426, 6);
    expect(out[6]).toBeCloseTo(-0.909297, 6);
  });

  test('features are laid out point by point in the order asked, extra columns after them', () => {
    const out = featurize([1, 2, 3, 4], ['x2sq', 'x1'], { values: [10, 20, 30, 40], width: 2 });
    // point (1, 2): x₂² = 4, x₁ = 1, then 10, 20; point (3, 4): 16, 3, then 30, 40
    expect(Array.from(out)).toEqual([4, 1, 10, 20, 16, 3, 30, 40]);
  });

  test("each feature's snippet expression computes its function", () => {
    for (const f of FEATURES) {
      const fromCode = new Function('a', 'b', `return ${f.expr};`) as (a: number, b: number) => number;
      for (const [a, b] of [[0.3, -1.7], [2, 5], [-0.01, 0]] as const) expect(fromCode(a, b)).toBe(f.f(a, b));
    }
  });

  test('bad input is refused with what was expected', () => {
    expect(() => featurize([1, 2, 3], ['x1'])).toThrow('featurize: expected [n, 2] coordinates, got 3 values');
    expect(() => featurize([1, 2], [])).toThrow('featurize: choose at least one input feature');
    expect(() => featurize([1, 2], ['x1', 'x9' as 'x1'])).toThrow("unknown feature 'x9' (known: x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2)");
    expect(() => featurize([1, 2], ['x1'], { values: [1], width: 2 })).toThrow('featurize: expected 1×2 extra values, got 1');
  });

  test('the grid covers the domain row by row from the top, at cell centres', () => {
    // 2×2 cells over [0, 2] × [0, 4]: centres x ∈ {0.5, 1.5}, y ∈ {3, 1} from the top
    expect(Array.from(gridPoints({ x0: 0, x1: 2, y0: 0, y1: 4 }, 2))).toEqual([0.5, 3, 1.5, 3, 0.5, 1, 1.5, 1]);
  });

  test('the domain is the bounding box widened by 10% each side', () => {
    // x in [0, 10] → [−1, 11]; y in [−1, 1] → [−1.2, 1.2]
    const d = domainOf([0, -1, 10, 1, 5, 0]);
    expect(d.x0).toBeCloseTo(-1); expect(d.x1).toBeCloseTo(11); expect(d.y0).toBeCloseTo(-1.2); expect(d.y1).toBeCloseTo(1.2);
    expect(domainOf([])).toEqual({ x0: -1, x1: 1, y0: -1, y1: 1 });
  });
});
