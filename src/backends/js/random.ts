/** The random fill kernel: draws from the generator in order, one value per element. */
import type { Distribution } from '../backend.js';
import type { Rng } from '../../tensor/random.js';
import type { Buf } from '../../tensor/tensor.js';

export function fillRandom(out: Buf, rng: Rng, dist: Distribution, a: number, b: number): void {
  if (dist === 'uniform') {
    for (let i = 0; i < out.length; i++) out[i] = a + (b - a) * rng.uniform();
  } else if (dist === 'normal') {
    for (let i = 0; i < out.length; i++) out[i] = a + b * rng.normal();
  } else {
    for (let i = 0; i < out.length; i++) {
      let z = rng.normal();
      while (Math.abs(z) > 2) z = rng.normal();
      out[i] = a + b * z;
    }
  }
}
