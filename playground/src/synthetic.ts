/**
 * The playground's own synthetic data, beside neurite's `datasets`: two regression surfaces and
 * the blob centres for k classes. Each surface's formula is a function and the "copy code"
 * snippet's JavaScript (a test checks they agree). No neurite import: the page uses this too.
 */

/** A regression surface over [-1, 1]². */
export const SURFACES = {
  plane: { f: (a: number, b: number) => 0.5 * (a + b), expr: '0.5 * (a + b)' },
  peaks: {
    f: (a: number, b: number) => Math.exp(-4 * ((a - 0.4) ** 2 + (b - 0.4) ** 2)) - Math.exp(-4 * ((a + 0.4) ** 2 + (b + 0.4) ** 2)),
    expr: 'Math.exp(-4 * ((a - 0.4) ** 2 + (b - 0.4) ** 2)) - Math.exp(-4 * ((a + 0.4) ** 2 + (b + 0.4) ** 2))',
  },
} as const;

export type SurfaceId = keyof typeof SURFACES;

/** Centres of `k` Gaussian blobs evenly spaced on a circle of radius 2. */
export function blobCenters(k: number): Array<[number, number]> {
  return Array.from({ length: k }, (_, i) => [2 * Math.cos((2 * Math.PI * i) / k), 2 * Math.sin((2 * Math.PI * i) / k)]);
}
