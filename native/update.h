// Optimizer updates and random draws for the native backend, each the reference kernel's
// arithmetic (src/backends/js/train.ts, src/backends/js/random.ts) operation for operation, so
// the results are the same bits: float64 arithmetic, each stored value rounded to float32.
#pragma once
#include <cstdint>

namespace neurite {

/** RMSprop on values [lo, hi) (src/optim/rmsprop.ts gives the rule). */
void rmsprop(float* p, const float* g, float* s, float* m, float* avg, int64_t lo, int64_t hi, double lr, double rho, double mu, double eps, bool centered);

/** SGD on values [lo, hi): v null when μ = 0. */
void sgd(float* p, const float* g, float* v, int64_t lo, int64_t hi, double lr, double mu, bool nesterov);

/** Adam on values [lo, hi), in float32 throughout as the reference (alpha carries the bias correction). */
void adam(float* p, const float* g, float* m, float* v, int64_t lo, int64_t hi, double alpha, double b1, double b2, double eps);

/** Adagrad on values [lo, hi) (src/optim/adagrad.ts): a ← a + g²; w ← w − η·g/√(a + ε). */
void adagrad(float* p, const float* g, float* a, int64_t lo, int64_t hi, double lr, double eps);

/** Adadelta on values [lo, hi) (src/optim/adadelta.ts); eg, ed its running averages of g² and Δ². */
void adadelta(float* p, const float* g, float* eg, float* ed, int64_t lo, int64_t hi, double lr, double rho, double eps);

/** Adamax on values [lo, hi) (src/optim/adamax.ts); corr = 1 − β₁ᵗ. */
void adamax(float* p, const float* g, float* m, float* u, int64_t lo, int64_t hi, double lr, double b1, double b2, double eps, double corr);

/** p ← p·k on values [lo, hi), in float64 rounded once (AdamW's decoupled weight decay). */
void scale(float* p, int64_t lo, int64_t hi, double k);

/**
 * out[i] = a + (b − a)·u, u uniform in [0, 1) from 53 bits of two xoshiro128** draws, in order,
 * advancing the four state words in place: Rng.uniform()'s sequence.
 */
void fillUniform(uint32_t* state, float* out, int64_t len, double a, double b);

}  // namespace neurite
