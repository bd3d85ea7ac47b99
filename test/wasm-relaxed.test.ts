/**
 * Relaxed SIMD (fused multiply-add) in a plain `node` (Node 20 keeps it behind a flag): the
 * backend turns it on itself, selects the relaxed build on one and two threads, and its products
 * agree with the reference within float tolerance (FMA rounds once instead of twice, so bits may
 * differ). `relaxed: false` keeps the plain build. Run in a process of its own, since the flag
 * is process-wide.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

test('relaxed SIMD is turned on, selected, and its products match the reference', () => {
  const script = `
    const nt = await import(${JSON.stringify(dist)});
    const out = { plain: nt.wasmBackend({ threads: 1, relaxed: false }).relaxed };
    for (const threads of [1, 2]) {
      const be = nt.wasmBackend({ threads });
      out['relaxed' + threads] = be.relaxed;
      let worst = 0;
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        const a = nt.randomNormal(ta ? [129, 257] : [257, 129], 0, 1, { seed: 1 });
        const b = nt.randomNormal(tb ? [513, 129] : [129, 513], 0, 1, { seed: 2 });
        const ref = nt.withContext({ backend: nt.jsBackend() }, () => nt.matmul(a, b, { transposeA: ta, transposeB: tb }));
        const got = nt.withContext({ backend: be }, () => nt.matmul(a, b, { transposeA: ta, transposeB: tb }));
        for (let i = 0; i < ref.size; i++) worst = Math.max(worst, Math.abs(ref.values[i] - got.values[i]));
      }
      out['worst' + threads] = worst;
    }
    console.log(JSON.stringify(out));
    process.exit(0);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  expect(out.plain).toBe(false);
  expect(out.relaxed1).toBe(true);
  expect(out.relaxed2).toBe(true);
  // Sums of 129 products of N(0,1) values: float32 rounding differences near 1e-5.
  expect(out.worst1).toBeLessThan(1e-3);
  expect(out.worst2).toBeLessThan(1e-3);
});
