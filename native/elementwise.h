// Elementwise functions of one input for the native backend, each the reference's formula
// (src/backends/js/elementwise.ts) in float64, rounded once to float32. The transcendental
// functions are not V8's (fdlibm): log and softplus use the C library's, exp, sigmoid and tanh
// a vectorized exp of ours (elementwise.cc), so a result may differ from the reference's by a
// float32 ulp where the float64 value lies next to a rounding boundary.
#pragma once
#include <cstdint>

namespace neurite {

enum class Unary { Exp = 0, Log = 1, Sigmoid = 2, Tanh = 3, Softplus = 4 };
constexpr int UNARY_COUNT = 5;

void unary(Unary op, const float* x, float* out, int64_t n);

/** Activation codes of the fused Dense kernels, as the WebAssembly backend's (ACT_CODES). */
enum class Act { Linear = 0, Relu = 1, Sigmoid = 2, Tanh = 3 };

/**
 * z[r][j] ← act(z[r][j] + bias[j]) for rows [r0, r1) of rows×n (bias null for none): the bias
 * added in float32 and relu as the reference's (bit for bit: NaN stays, −0 becomes +0); sigmoid
 * and tanh as this file's (within a float32 ulp of the reference's).
 */
void biasAct(float* z, const float* bias, int64_t n, Act act, int64_t r0, int64_t r1);

/** dz ← dz ⊙ act′ on values [lo, hi), written from the activation's output a: the reference's arithmetic (float64, rounded once), bit for bit. */
void actGrad(const float* a, float* dz, Act act, int64_t lo, int64_t hi);

/** Whether none of x's n values is NaN or ±∞ (fit's check of its data, vectorized). */
bool allFinite(const float* x, int64_t n);

/**
 * Softmax cross-entropy on rows×n logits z against targets y: per row lse = max + log Σ e^(z − max),
 * probs = e^(z − lse), loss[r] = lse·Σ y − Σ y·z (terms with y = 0 skipped, so an infinite logit
 * of a class not targeted gives no NaN). The reference's formula (src/backends/js/train.ts).
 */
void softmaxCrossEntropy(const float* z, const float* y, int64_t rows, int64_t n, float* loss, float* probs);

/**
 * The LSTM cell on rows of gate pre-activations z [rows, 4·units] (i, f, g, o) and the previous
 * state: c = σ(z_f)·cPrev + σ(z_i)·tanh(z_g), h = σ(z_o)·tanh(c), the gates and tanh(c) kept in
 * act [rows, 5·units]; and its adjoint (dz, dcPrev from dh, dc and act). The reference's
 * formulas (src/backends/js/recurrent.ts) with these functions.
 */
void lstmCell(const float* z, const float* cPrev, int64_t rows, int64_t units, float* h, float* c, float* act, int gate);
void lstmCellGrad(const float* act, const float* cPrev, const float* dh, const float* dc, int64_t rows, int64_t units, float* dz, float* dcPrev, int gate);

/**
 * The GRU cell with the reset gate after its product, from x and inner [rows, 3·units] (z, r, h)
 * and h: z = σ(x_z + inner_z), r = σ(x_r + inner_r), ĥ = tanh(x_h + r·inner_h),
 * out = z·h + (1 − z)·ĥ, with z, r, ĥ kept in act [rows, 3·units]; and its adjoint.
 */
void gruCell(const float* x, const float* inner, const float* h, int64_t rows, int64_t units, float* out, float* act, int gate);
void gruCellGrad(const float* act, const float* inner, const float* h, const float* dOut, int64_t rows, int64_t units, float* dx, float* dInner, float* dh, int gate);

/**
 * The GRU resetting before its product, as two cells around it (src/backends/js/recurrent.ts):
 * gates z and rh = r·hr from x [rows, 3·units], inner [rows, 2·units] and hr (act keeps the
 * gates); output z·h + (1 − z)·tanh(x_h + q) (act keeps ĥ); and their adjoints.
 */
void gruGates(const float* x, const float* inner, const float* hr, int64_t rows, int64_t units, float* z, float* rh, float* act, int gate);
void gruGatesGrad(const float* act, const float* hr, const float* dz, const float* drh, int64_t rows, int64_t units, float* dx, float* dInner, float* dhr, int gate);
void gruOutput(const float* x, const float* q, const float* h, const float* z, int64_t rows, int64_t units, float* out, float* act);
void gruOutputGrad(const float* act, const float* h, const float* z, const float* dOut, int64_t rows, int64_t units, float* dx, float* dq, float* dh, float* dz);

}  // namespace neurite
