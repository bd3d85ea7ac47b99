/** Weight penalties added to the training loss: l1 = λΣ|w|, l2 = λΣw² (Keras's definitions). */
import { abs, add, mul, square } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { lookup } from './names.js';

export interface Regularizer {
  readonly name: string;
  readonly config: { l1: number; l2: number };
  penalty(w: Tensor): Tensor;
}

/** λ₁Σ|w| + λ₂Σw². Keras's defaults: l1 = 0.01 and l2 = 0.01 when given alone. */
export function l1l2(options: { l1?: number; l2?: number } = {}): Regularizer {
  const l1 = options.l1 ?? 0;
  const l2 = options.l2 ?? 0;
  return {
    name: 'l1l2',
    config: { l1, l2 },
    penalty(w) {
      let p: Tensor | null = null;
      if (l1 !== 0) p = mul(sum(abs(w)), l1);
      if (l2 !== 0) {
        const q = mul(sum(square(w)), l2);
        p = p === null ? q : add(p, q);
      }
      return p ?? mul(sum(w), 0);
    },
  };
}

export const l1 = (options: { l1?: number } = {}): Regularizer => l1l2({ l1: options.l1 ?? 0.01 });
export const l2 = (options: { l2?: number } = {}): Regularizer => l1l2({ l2: options.l2 ?? 0.01 });

const REGULARIZER_TABLE = {
  l1: () => l1(),
  l2: () => l2(),
  // tfjs's 'l1l2' and Keras's l1_l2(): 0.01 each.
  l1l2: () => l1l2({ l1: 0.01, l2: 0.01 }),
} satisfies Record<string, () => Regularizer>;

/** A regularizer by name, with Keras's and tfjs's default strength 0.01: 'l1', 'l2', 'l1l2' (Keras: 'l1_l2'). */
export type RegularizerName = keyof typeof REGULARIZER_TABLE | 'l1_l2';
export type RegularizerIdentifier = RegularizerName | Regularizer;

export function getRegularizer(id: string | Regularizer): Regularizer;
export function getRegularizer(id: string | Regularizer | null | undefined): Regularizer | undefined;
/** `null` is none, as tfjs takes it (`kernelRegularizer: null`, what tfjs-examples' jena-weather passes). */
export function getRegularizer(id: string | Regularizer | null | undefined): Regularizer | undefined {
  if (id === null || id === undefined) return undefined;
  if (typeof id === 'string') return lookup('regularizer', REGULARIZER_TABLE, id)();
  if (typeof (id as Partial<Regularizer>).penalty !== 'function') throw new Error(`regularizer: expected a name ('l1', 'l2', 'l1l2') or a regularizer (regularizers.l2()), got ${JSON.stringify(id)}`);
  return id;
}
