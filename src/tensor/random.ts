/**
 * A seeded pseudo-random generator: xoshiro128** seeded through splitmix32. It uses only
 * 32-bit integer arithmetic (`Math.imul`, shifts), `Math.log` and `Math.sqrt`, so one seed
 * gives bit-identical streams on every machine that runs the same engine.
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform(); // in [0, 1)
 * rng.normal();  // N(0, 1)
 */
/** A string seed as a number (tfjs takes either): the rule `Dataset.shuffle` has always used. */
export function seedOf(seed: string): number {
  return [...seed].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
}

export class Rng {
  // State as int32 in a typed array, the spare normal as a number and a flag: fields whose
  // representation never changes, so V8's optimized code for them is never thrown away
  // (uint32 values in plain fields did that, and drew at a third of this speed).
  private readonly s = new Int32Array(4);
  private spare = 0;
  private hasSpare = false;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Restarts the stream from `seed` (any finite number; it is hashed to 32 bits). */
  seed(seed: number): void {
    if (!Number.isFinite(seed)) throw new Error(`Rng.seed: seed must be a finite number, got ${seed}`);
    let x = (Math.floor(Math.abs(seed)) >>> 0) ^ (seed < 0 ? 0x9e3779b9 : 0);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.s[i] = next();
    this.hasSpare = false;
  }

  /** @internal The four xoshiro128** state words, live: a native kernel draws from them in place. */
  get words(): Int32Array {
    return this.s;
  }

  /** The full generator state, for saving and resuming a run exactly. */
  getState(): number[] {
    const s = this.s;
    return [s[0]! >>> 0, s[1]! >>> 0, s[2]! >>> 0, s[3]! >>> 0, this.hasSpare ? this.spare : Number.NaN];
  }

  setState(state: readonly number[]): void {
    if (state.length !== 5) throw new Error(`Rng.setState: expected 5 numbers, got ${state.length}`);
    for (let i = 0; i < 4; i++) this.s[i] = state[i]! | 0;
    const spare = state[4]!;
    this.hasSpare = !Number.isNaN(spare);
    this.spare = this.hasSpare ? spare : 0;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const s2 = s[2]! ^ s0;
    const s3 = s[3]! ^ s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    s[0] = s0 ^ s3;
    s[1] = s1 ^ s2;
    s[2] = s2 ^ (s1 << 9);
    s[3] = rotl(s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal by Marsaglia's polar method (no trigonometry, so no libm differences). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * m;
        this.hasSpare = true;
        return u * m;
      }
    }
  }

  /** Fisher–Yates shuffle of `0..n-1` into a new Int32Array. */
  permutation(n: number): Int32Array {
    return this.permuteInto(new Int32Array(n));
  }

  /** Fills `p` with a shuffle of `0..p.length-1` (the same stream as `permutation`). */
  permuteInto(p: Int32Array): Int32Array {
    const n = p.length;
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
