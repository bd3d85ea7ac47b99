/**
 * A fresh copy of a kernel factory per op. V8 keeps type feedback per function literal, shared
 * by every closure made from it: one `binary(f)` loop serving thirteen ops sees thirteen `f`s,
 * stops inlining them and runs about 8× slower (measured: a 128×512 mul took 2.3 ms instead of
 * 0.3). Compiling the factory's own source again (`new Function`) gives each op its own
 * literal, and so its own feedback. Where code cannot be compiled at run time (a page whose
 * Content-Security-Policy forbids it), the shared factory is used: same results, slower.
 *
 * The factory's source is compiled on its own, so it may use only its parameters and globals
 * (helpers are passed in as arguments: bundlers rename imported names).
 */
let copies = 0;

export function specialize<F extends (...args: never[]) => unknown>(factory: F): F {
  try {
    // A different source per copy: V8 caches compiled code by source text, and a cache hit
    // would hand back the shared literal again.
    return new Function(`"use strict"; /* copy ${copies++} */ return (${factory.toString()});`)() as F;
  } catch {
    return factory;
  }
}
