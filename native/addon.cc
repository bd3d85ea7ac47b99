// neurite's native kernels as a Node-API module: the products of src/backends/native on the
// caller's float32 arrays in place (the arrays' own memory, JavaScript's or WebAssembly's; no
// copies), split across a pool of threads made once.
//
//   sgemm(a, aOffset, b, bOffset, c, cOffset, m, n, k, transA, transB, threads, isa)
//     isa: 0 generic, 1 avx2, 2 avx512 (at most what this CPU runs)
//   info() -> { isas: widest first, maxThreads }
//   rmspropUpdate(p, g, s, m, avg, len, lr, rho, mu, eps, centered, threads)
//   sgdUpdate(p, g, v | null, len, lr, mu, nesterov, threads)
//   adamUpdate(p, g, m, v, len, alpha, b1, b2, eps, threads)
//   unary(op, x, out)
//   softmaxCrossEntropy(logits, labels, rows, n, loss, probs)
//   lstmCell(z, cPrev, rows, units, h, c, act, gate), lstmCellGrad(act, cPrev, dh, dc, rows, units, dz, dcPrev, gate)
//   gruCell(x, inner, h, rows, units, out, act, gate), gruCellGrad(act, inner, h, dOut, rows, units, dx, dInner, dh, gate)
//   gruGates(x, inner, hr, rows, units, z, rh, act, gate), gruGatesGrad(act, hr, dz, drh, rows, units, dx, dInner, dhr, gate)
//   gruOutput(x, q, h, z, rows, units, out, act), gruOutputGrad(act, h, z, dOut, rows, units, dx, dq, dh, dz)
//   im2col(x, window, fill, out, threads), col2im(cols, window, out, threads): window an Int32Array(14)
//   depthwise(kind, a, b, window, multiplier, out, threads): depthwise convolution and its adjoints
//   maxPool(kind, a, taps, window, out, threads): max pooling (kind 0) and its gradient (kind 1)
//   conv(kind, a, b, window, n, out, threads, isa): a convolution's three products without im2col's matrix
//   adagradUpdate(p, g, a, len, lr, eps, threads), adadeltaUpdate(p, g, eg, ed, len, lr, rho, eps, threads),
//   adamaxUpdate(p, g, m, u, len, lr, b1, b2, eps, corr, threads), scaleUpdate(p, len, k, threads)
//   binary(op, layout, a, b, out, rows, n, threads): arithmetic and comparisons (arith.h's codes and layouts)
//   select(cond, a, b, out, layout, threads): where
//   reduce(op, x, out, outer, len, inner, threads): sum, max or min along the middle axis of [outer, len, inner]
//   biasAct(z, bias | null, rows, n, act, threads), actGrad(a, dz, len, act, threads): a Dense layer's fused kernels
//   gather(x, outer, len, inner, indices, out), scatterAdd(g, outer, len, inner, indices, out) -> the first bad
//     index's position or −1 (nothing written then): an embedding's rows and their gradient
//   fillUniform(state, out, a, b)
//   gatherRows(src, width, dst, order, start, end), allFinite(x) -> boolean: fit's batches and its input check
#include <node_api.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "arith.h"
#include "conv.h"
#include "gemm.h"
#include "layout.h"
#include "pool.h"
#include "elementwise.h"
#include "update.h"
#include "window.h"

namespace neurite {
Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: workers may outlive static destruction order
  return *p;
}
}  // namespace neurite

namespace {

using neurite::Isa;

const Isa detected = neurite::detectIsa();

constexpr int MAX_THREADS = 64;
/**
 * Products below this many multiply-adds stay on one thread: ~40 µs of work, about what waking
 * a sleeping worker costs. (At 2²⁰, an LSTM's per-step 64×64·256 products took ~0.3 ms each on
 * two threads, between which the worker had gone to sleep; ~20 µs on one.)
 */
constexpr double THREAD_MIN = 1 << 22;

neurite::PackBuffers& packBuffers() {
  thread_local neurite::PackBuffers pack;
  return pack;
}

napi_value fail(napi_env env, const std::string& message) {
  napi_throw_error(env, nullptr, message.c_str());
  return nullptr;
}

/**
 * Reads exactly N arguments into argv, or throws "<fn> expects N arguments <signature>, got K".
 */
template <size_t N>
bool args(napi_env env, napi_callback_info info, const char* fn, const char* signature, napi_value (&argv)[N]) {
  size_t argc = N;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc == N) return true;
  fail(env, std::string(fn) + " expects " + std::to_string(N) + " arguments" + (*signature ? std::string(" ") + signature : "") + ", got " + std::to_string(argc));
  return false;
}

/** A typed array of `want`'s type: its data and length, or false. */
bool typedArray(napi_env env, napi_value v, napi_typedarray_type want, void** data, size_t* length) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return false;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset = 0;
  return napi_get_typedarray_info(env, v, &type, length, data, &buffer, &offset) == napi_ok && type == want;
}

bool floatArray(napi_env env, napi_value v, float** data, size_t* length) {
  void* raw = nullptr;
  if (!typedArray(env, v, napi_float32_array, &raw, length)) return false;
  *data = static_cast<float*>(raw);
  return true;
}

bool int32Array(napi_env env, napi_value v, int32_t** data, size_t* length) {
  void* raw = nullptr;
  if (!typedArray(env, v, napi_int32_array, &raw, length)) return false;
  *data = static_cast<int32_t*>(raw);
  return true;
}

bool integer(napi_env env, napi_value v, int64_t* out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

/** Reads the thread count argument, or throws naming the function. */
bool threadsArg(napi_env env, napi_value v, const char* fn, int64_t* out) {
  if (integer(env, v, out) && *out >= 1 && *out <= MAX_THREADS) return true;
  fail(env, std::string(fn) + ": threads must be an integer in [1, " + std::to_string(MAX_THREADS) + "]");
  return false;
}

napi_value Sgemm(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  if (!args(env, info, "sgemm", "(a, aOffset, b, bOffset, c, cOffset, m, n, k, transA, transB, threads, isa)", argv)) return nullptr;
  float* ptr[3];
  size_t len[3];
  int64_t off[3];
  const char* names[3] = {"a", "b", "c"};
  for (int i = 0; i < 3; i++) {
    if (!floatArray(env, argv[2 * i], &ptr[i], &len[i])) return fail(env, std::string("sgemm: ") + names[i] + " must be a Float32Array");
    if (!integer(env, argv[2 * i + 1], &off[i]) || off[i] < 0) return fail(env, std::string("sgemm: ") + names[i] + "'s offset must be an integer ≥ 0");
  }
  int64_t dims[3];
  for (int i = 0; i < 3; i++)
    if (!integer(env, argv[6 + i], &dims[i]) || dims[i] < 0 || dims[i] > INT32_MAX) return fail(env, "sgemm: m, n and k must be integers in [0, 2^31)");
  bool flags[2];
  for (int i = 0; i < 2; i++)
    if (napi_get_value_bool(env, argv[9 + i], &flags[i]) != napi_ok) return fail(env, "sgemm: transA and transB must be booleans");
  int64_t threads = 1;
  if (!threadsArg(env, argv[11], "sgemm", &threads)) return nullptr;
  int64_t level = 0;
  if (!integer(env, argv[12], &level) || level < 0 || level > static_cast<int64_t>(detected))
    return fail(env, std::string("sgemm: isa must be an integer in [0, ") + std::to_string(static_cast<int>(detected)) + "] (generic, avx2, avx512: at most what this CPU runs)");
  const Isa isa = static_cast<Isa>(level);
  const int64_t m = dims[0], n = dims[1], k = dims[2];
  const int64_t need[3] = {m * k, k * n, m * n};
  for (int i = 0; i < 3; i++)
    if (static_cast<int64_t>(len[i]) - off[i] < need[i])
      return fail(env, std::string("sgemm: ") + names[i] + " has " + std::to_string(static_cast<int64_t>(len[i]) - off[i]) + " values past its offset, the product needs " + std::to_string(need[i]));
  const float* a = ptr[0] + off[0];
  const float* b = ptr[1] + off[1];
  float* c = ptr[2] + off[2];
  const bool ta = flags[0], tb = flags[1];
  const int MR = neurite::tileRows(isa), NR = neurite::tileCols(isa);
  int parts = 1;
  if (threads > 1 && static_cast<double>(m) * n * k >= THREAD_MIN && (m >= 2 * MR || n >= 2 * NR)) parts = static_cast<int>(threads);
  // Each part takes a band along the longer side of C, in whole tiles.
  const bool byColumns = n > m;
  const int64_t per = byColumns ? (n + parts * NR - 1) / (parts * NR) * NR : (m + parts * MR - 1) / (parts * MR) * MR;
  auto part = [&](int p) {
    const int64_t lo = std::min<int64_t>(p * per, byColumns ? n : m), hi = std::min<int64_t>((p + 1) * per, byColumns ? n : m);
    if (byColumns) neurite::gemmBlock(isa, a, b, c, m, n, k, ta, tb, 0, m, lo, hi, packBuffers());
    else neurite::gemmBlock(isa, a, b, c, m, n, k, ta, tb, lo, hi, 0, n, packBuffers());
  };
  neurite::parallel(parts, part);
  return nullptr;
}

/** Reads argument i as a Float32Array with at least `need` values, or throws naming it. */
bool floatArg(napi_env env, napi_value v, const char* fn, const char* name, int64_t need, float** out) {
  size_t len = 0;
  if (!floatArray(env, v, out, &len)) {
    fail(env, std::string(fn) + ": " + name + " must be a Float32Array");
    return false;
  }
  if (static_cast<int64_t>(len) < need) {
    fail(env, std::string(fn) + ": " + name + " has " + std::to_string(len) + " values, the update needs " + std::to_string(need));
    return false;
  }
  return true;
}

/** Updates on fewer values stay on one thread (as the WebAssembly backend's UPDATE_THREAD_MIN). */
constexpr int64_t UPDATE_THREAD_MIN = 1 << 16;

/** Runs fn(lo, hi) over [0, len): in bands of whole 16-value blocks, one per thread, from UPDATE_THREAD_MIN values. */
/** Runs fn(lo, hi) over [0, span) in `parts` bands of whole `unit`s (values, images, tile rows), one per thread. */
template <typename Fn>
void inBands(int64_t span, int parts, int64_t unit, Fn fn) {
  const int64_t per = (span + parts * unit - 1) / (parts * unit) * unit;
  auto part = [&](int t) { fn(std::min(span, t * per), std::min(span, (t + 1) * per)); };
  neurite::parallel(parts, part);
}

template <typename Fn>
void overRange(int64_t len, int64_t threads, Fn fn) {
  inBands(len, len >= UPDATE_THREAD_MIN ? static_cast<int>(threads) : 1, 16, fn);
}

// rmspropUpdate(p, g, s, m, avg, len, lr, rho, mu, eps, centered, threads)
napi_value RmspropUpdate(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!args(env, info, "rmspropUpdate", "", argv)) return nullptr;
  int64_t len = 0, threads = 1;
  if (!integer(env, argv[5], &len) || len < 0) return fail(env, "rmspropUpdate: len must be an integer ≥ 0");
  double real[4];
  for (int i = 0; i < 4; i++)
    if (napi_get_value_double(env, argv[6 + i], &real[i]) != napi_ok) return fail(env, "rmspropUpdate: lr, rho, mu and eps must be numbers");
  bool centered = false;
  if (napi_get_value_bool(env, argv[10], &centered) != napi_ok) return fail(env, "rmspropUpdate: centered must be a boolean");
  if (!threadsArg(env, argv[11], "rmspropUpdate", &threads)) return nullptr;
  const double mu = real[2];
  float *p, *g, *sq, *m = nullptr, *avg = nullptr;
  if (!floatArg(env, argv[0], "rmspropUpdate", "p", len, &p) || !floatArg(env, argv[1], "rmspropUpdate", "g", len, &g) ||
      !floatArg(env, argv[2], "rmspropUpdate", "s", len, &sq) || !floatArg(env, argv[3], "rmspropUpdate", "m", mu > 0 ? len : 0, &m) ||
      !floatArg(env, argv[4], "rmspropUpdate", "avg", centered ? len : 0, &avg))
    return nullptr;
  overRange(len, threads, [&](int64_t lo, int64_t hi) { neurite::rmsprop(p, g, sq, m, avg, lo, hi, real[0], real[1], mu, real[3], centered); });
  return nullptr;
}

// sgdUpdate(p, g, v | null, len, lr, mu, nesterov, threads)
napi_value SgdUpdate(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!args(env, info, "sgdUpdate", "", argv)) return nullptr;
  int64_t len = 0, threads = 1;
  if (!integer(env, argv[3], &len) || len < 0) return fail(env, "sgdUpdate: len must be an integer ≥ 0");
  double lr = 0, mu = 0;
  bool nesterov = false;
  if (napi_get_value_double(env, argv[4], &lr) != napi_ok || napi_get_value_double(env, argv[5], &mu) != napi_ok) return fail(env, "sgdUpdate: lr and mu must be numbers");
  if (napi_get_value_bool(env, argv[6], &nesterov) != napi_ok) return fail(env, "sgdUpdate: nesterov must be a boolean");
  if (!threadsArg(env, argv[7], "sgdUpdate", &threads)) return nullptr;
  napi_valuetype vt;
  napi_typeof(env, argv[2], &vt);
  float *p, *g, *v = nullptr;
  if (!floatArg(env, argv[0], "sgdUpdate", "p", len, &p) || !floatArg(env, argv[1], "sgdUpdate", "g", len, &g) ||
      (vt != napi_null && !floatArg(env, argv[2], "sgdUpdate", "v", len, &v)))
    return nullptr;
  overRange(len, threads, [&](int64_t lo, int64_t hi) { neurite::sgd(p, g, v, lo, hi, lr, mu, nesterov); });
  return nullptr;
}

// adamUpdate(p, g, m, v, len, alpha, b1, b2, eps, threads)
napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  if (!args(env, info, "adamUpdate", "", argv)) return nullptr;
  int64_t len = 0, threads = 1;
  if (!integer(env, argv[4], &len) || len < 0) return fail(env, "adamUpdate: len must be an integer ≥ 0");
  double real[4];
  for (int i = 0; i < 4; i++)
    if (napi_get_value_double(env, argv[5 + i], &real[i]) != napi_ok) return fail(env, "adamUpdate: alpha, b1, b2 and eps must be numbers");
  if (!threadsArg(env, argv[9], "adamUpdate", &threads)) return nullptr;
  float *p, *g, *m, *v;
  if (!floatArg(env, argv[0], "adamUpdate", "p", len, &p) || !floatArg(env, argv[1], "adamUpdate", "g", len, &g) ||
      !floatArg(env, argv[2], "adamUpdate", "m", len, &m) || !floatArg(env, argv[3], "adamUpdate", "v", len, &v))
    return nullptr;
  overRange(len, threads, [&](int64_t lo, int64_t hi) { neurite::adam(p, g, m, v, lo, hi, real[0], real[1], real[2], real[3]); });
  return nullptr;
}

/** Reads N Float32Arrays into ptr, each of at least need[i] values, or throws naming the function and the argument. */
template <size_t N>
bool sizedArrays(napi_env env, const napi_value (&argv)[N], const char* fn, const char* const (&names)[N], const int64_t (&need)[N], float* (&ptr)[N]) {
  for (size_t i = 0; i < N; i++) {
    size_t len = 0;
    if (!floatArray(env, argv[i], &ptr[i], &len)) {
      fail(env, std::string(fn) + ": " + names[i] + " must be a Float32Array");
      return false;
    }
    if (static_cast<int64_t>(len) < need[i]) {
      fail(env, std::string(fn) + ": " + names[i] + " has " + std::to_string(len) + " values, needs " + std::to_string(need[i]));
      return false;
    }
  }
  return true;
}

/** Reads argument v as an integer in [lo, hi], or throws "<fn>: <what>". */
bool intIn(napi_env env, napi_value v, int64_t lo, int64_t hi, int64_t* out, const std::string& what) {
  if (integer(env, v, out) && *out >= lo && *out <= hi) return true;
  fail(env, what);
  return false;
}

bool numbers(napi_env env, const napi_value* argv, size_t count, double* out, const char* what) {
  for (size_t i = 0; i < count; i++)
    if (napi_get_value_double(env, argv[i], &out[i]) != napi_ok) {
      fail(env, what);
      return false;
    }
  return true;
}

/**
 * An update's arguments laid out (arrays…, len, numbers…, threads): A Float32Arrays of at least
 * len values, then len, R numbers and the thread count; or throws naming the function and what
 * is wrong (`numbers`: how the message names them).
 */
template <size_t A, size_t R>
bool updateArgs(napi_env env, napi_callback_info info, const char* fn, const char* signature, const char* const (&names)[A], const char* numbersWhat,
                float* (&ptr)[A], int64_t* len, double (&real)[R], int64_t* threads) {
  napi_value argv[A + R + 2];
  if (!args(env, info, fn, signature, argv)) return false;
  if (!intIn(env, argv[A], 0, INT64_MAX, len, std::string(fn) + ": len must be an integer ≥ 0") ||
      !numbers(env, argv + A + 1, R, real, (std::string(fn) + ": " + numbersWhat).c_str()) || !threadsArg(env, argv[A + R + 1], fn, threads))
    return false;
  for (size_t i = 0; i < A; i++)
    if (!floatArg(env, argv[i], fn, names[i], *len, &ptr[i])) return false;
  return true;
}

// adagradUpdate(p, g, a, len, lr, eps, threads)
napi_value AdagradUpdate(napi_env env, napi_callback_info info) {
  float* p[3];
  int64_t len = 0, threads = 1;
  double r[2];
  if (!updateArgs(env, info, "adagradUpdate", "(p, g, a, len, lr, eps, threads)", {"p", "g", "a"}, "lr and eps must be numbers", p, &len, r, &threads)) return nullptr;
  overRange(len, threads, [&](int64_t lo, int64_t hi) { neurite::adagrad(p[0], p[1], p[2], lo, hi, r[0], r[1]); });
  return nullptr;
}

// adadeltaUpdate(p, g, eg, ed, len, lr, rho, eps, threads)
napi_value AdadeltaUpdate(napi_env env, napi_callback_info info) {
  float* p[4];
  int64_t len = 0, threads = 1;
  double r[3];
  if (!updateArgs(env, info, "adadeltaUpdate", "(p, g, eg, ed, len, lr, rho, eps, threads)", {"p", "g", "eg", "ed"}, "lr, rho and eps must be numbers", p, &len, r, &threads)) return nullptr;
  overRange(len, threads, [&](int64_t lo, int64_t hi) { neurite::adadelta(p[0], p[1], p[2], p[3], lo, hi, r[0], r[1], r[2]); });
  return nullptr;
}

// adamaxUpdate(p, g, m, u, len, lr, b1, b2, eps, corr, threads)
napi_value AdamaxUpdate(napi_env env, napi_callback_info info) {
  float* p[4];
  int64_t len = 0, threads = 1;
  double r[5];
  if (!updateArgs(env, info, "adamaxUpdate", "(p, g, m, u, len, lr, b1, b2, eps, corr, threads)", {"p", "g", "m", "u"}, "lr, b1, b2, eps and corr must be numbers", p, &len, r, &threads)) return nullptr;
  overRange(len, threads, [&](int64_t lo, int64_t hi) { neurite::adamax(p[0], p[1], p[2], p[3], lo, hi, r[0], r[1], r[2], r[3], r[4]); });
  return nullptr;
}

// scaleUpdate(p, len, k, threads)
napi_value ScaleUpdate(napi_env env, napi_callback_info info) {
  float* p[1];
  int64_t len = 0, threads = 1;
  double k[1];
  if (!updateArgs(env, info, "scaleUpdate", "(p, len, k, threads)", {"p"}, "k must be a number", p, &len, k, &threads)) return nullptr;
  overRange(len, threads, [&](int64_t lo, int64_t hi) { neurite::scale(p[0], lo, hi, k[0]); });
  return nullptr;
}

/** Bands for an elementwise kernel over `span` units of `size` values each: one per thread from UPDATE_THREAD_MIN values. */
template <typename Fn>
void elementwiseBands(int64_t span, int64_t size, int64_t threads, Fn fn) {
  inBands(span, span * size >= UPDATE_THREAD_MIN && span > 1 ? static_cast<int>(threads) : 1, size >= 16 ? 1 : 16, fn);
}

// binary(op, layout, a, b, out, rows, n, threads)
napi_value BinaryOp(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!args(env, info, "binary", "(op, layout, a, b, out, rows, n, threads)", argv)) return nullptr;
  int64_t op = 0, layout = 0, rows = 0, n = 0, threads = 1;
  if (!intIn(env, argv[0], 0, neurite::BINARY_COUNT - 1, &op, "binary: op must be an integer in [0, " + std::to_string(neurite::BINARY_COUNT) + ")") ||
      !intIn(env, argv[1], 0, neurite::LAYOUT_COUNT - 1, &layout, "binary: layout must be an integer in [0, " + std::to_string(neurite::LAYOUT_COUNT) + ")") ||
      !intIn(env, argv[5], 0, INT32_MAX, &rows, "binary: rows and n must be integers in [0, 2^31)") || !intIn(env, argv[6], 0, INT32_MAX, &n, "binary: rows and n must be integers in [0, 2^31)") ||
      !threadsArg(env, argv[7], "binary", &threads))
    return nullptr;
  const int64_t len = rows * n;
  // What each operand holds in each layout: all values, one, one row, one per row.
  const int64_t aNeed[7] = {len, len, 1, len, n, len, rows};
  const int64_t bNeed[7] = {len, 1, len, n, len, rows, len};
  const napi_value arrays[3] = {argv[2], argv[3], argv[4]};
  float* p[3];
  if (!sizedArrays(env, arrays, "binary", {"a", "b", "out"}, {aNeed[layout], bNeed[layout], len}, p)) return nullptr;
  const auto code = static_cast<neurite::Binary>(op);
  const int lay = static_cast<int>(layout);
  if (len == 0) return nullptr;
  if (layout <= 2) elementwiseBands(len, 1, threads, [&](int64_t lo, int64_t hi) { neurite::binary(code, lay, p[0], p[1], p[2], n, lo, hi); });
  else elementwiseBands(rows, n, threads, [&](int64_t lo, int64_t hi) { neurite::binary(code, lay, p[0], p[1], p[2], n, lo, hi); });
  return nullptr;
}

// select(cond, a, b, out, layout, threads)
napi_value Select(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!args(env, info, "select", "(cond, a, b, out, layout, threads)", argv)) return nullptr;
  int64_t layout = 0, threads = 1;
  if (!intIn(env, argv[4], 0, 2, &layout, "select: layout must be 0 (all alike), 1 (b one value) or 2 (a one value)") || !threadsArg(env, argv[5], "select", &threads)) return nullptr;
  float* out = nullptr;
  size_t n = 0;
  if (!floatArray(env, argv[3], &out, &n)) return fail(env, "select: out must be a Float32Array");
  const int64_t len = static_cast<int64_t>(n);
  const napi_value arrays[3] = {argv[0], argv[1], argv[2]};
  float* p[3];
  if (!sizedArrays(env, arrays, "select", {"cond", "a", "b"}, {len, layout == 2 ? 1 : len, layout == 1 ? 1 : len}, p)) return nullptr;
  if (len == 0) return nullptr;
  elementwiseBands(len, 1, threads, [&](int64_t lo, int64_t hi) { neurite::select(p[0], p[1], p[2], out, static_cast<int>(layout), lo, hi); });
  return nullptr;
}

// reduce(op, x, out, outer, len, inner, threads)
napi_value ReduceOp(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!args(env, info, "reduce", "(op, x, out, outer, len, inner, threads)", argv)) return nullptr;
  int64_t op = 0, dims[3], threads = 1;
  if (!intIn(env, argv[0], 0, neurite::REDUCE_COUNT - 1, &op, "reduce: op must be 0 (sum), 1 (max) or 2 (min)")) return nullptr;
  for (int i = 0; i < 3; i++)
    if (!intIn(env, argv[3 + i], 0, INT32_MAX, &dims[i], "reduce: outer, len and inner must be integers in [0, 2^31)")) return nullptr;
  if (!threadsArg(env, argv[6], "reduce", &threads)) return nullptr;
  const int64_t outer = dims[0], len = dims[1], inner = dims[2];
  const napi_value arrays[2] = {argv[1], argv[2]};
  float* p[2];
  if (!sizedArrays(env, arrays, "reduce", {"x", "out"}, {outer * len * inner, outer * inner}, p)) return nullptr;
  const auto code = static_cast<neurite::Reduce>(op);
  const bool big = outer * len * inner >= UPDATE_THREAD_MIN;
  // By outer rows where there are several; one outer row (a bias gradient) by bands of columns.
  if (outer > 1 || inner == 1) inBands(outer, big && outer > 1 ? static_cast<int>(threads) : 1, 1, [&](int64_t lo, int64_t hi) { neurite::reduce(code, p[0], p[1], len, inner, lo, hi, 0, inner); });
  else inBands(inner, big && inner >= 32 ? static_cast<int>(threads) : 1, 16, [&](int64_t lo, int64_t hi) { neurite::reduce(code, p[0], p[1], len, inner, 0, outer, lo, hi); });
  return nullptr;
}

// biasAct(z, bias | null, rows, n, act, threads)
napi_value BiasAct(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!args(env, info, "biasAct", "(z, bias, rows, n, act, threads)", argv)) return nullptr;
  int64_t rows = 0, n = 0, act = 0, threads = 1;
  if (!intIn(env, argv[2], 0, INT32_MAX, &rows, "biasAct: rows and n must be integers in [0, 2^31)") || !intIn(env, argv[3], 0, INT32_MAX, &n, "biasAct: rows and n must be integers in [0, 2^31)") ||
      !intIn(env, argv[4], 0, 3, &act, "biasAct: act must be 0 (linear), 1 (relu), 2 (sigmoid) or 3 (tanh)") || !threadsArg(env, argv[5], "biasAct", &threads))
    return nullptr;
  napi_valuetype bt;
  napi_typeof(env, argv[1], &bt);
  float *z, *bias = nullptr;
  if (!floatArg(env, argv[0], "biasAct", "z", rows * n, &z) || (bt != napi_null && !floatArg(env, argv[1], "biasAct", "bias", n, &bias))) return nullptr;
  elementwiseBands(rows, n, threads, [&](int64_t lo, int64_t hi) { neurite::biasAct(z, bias, n, static_cast<neurite::Act>(act), lo, hi); });
  return nullptr;
}

// actGrad(a, dz, len, act, threads)
napi_value ActGrad(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!args(env, info, "actGrad", "(a, dz, len, act, threads)", argv)) return nullptr;
  int64_t len = 0, act = 0, threads = 1;
  if (!intIn(env, argv[2], 0, INT64_MAX, &len, "actGrad: len must be an integer ≥ 0") || !intIn(env, argv[3], 0, 3, &act, "actGrad: act must be 0 (linear), 1 (relu), 2 (sigmoid) or 3 (tanh)") ||
      !threadsArg(env, argv[4], "actGrad", &threads))
    return nullptr;
  float *a, *dz;
  if (!floatArg(env, argv[0], "actGrad", "a", len, &a) || !floatArg(env, argv[1], "actGrad", "dz", len, &dz)) return nullptr;
  elementwiseBands(len, 1, threads, [&](int64_t lo, int64_t hi) { neurite::actGrad(a, dz, static_cast<neurite::Act>(act), lo, hi); });
  return nullptr;
}

/**
 * gather(x, outer, len, inner, indices, out) and scatterAdd(g, outer, len, inner, indices, out):
 * indices a Float32Array (a tensor's values) or an Int32Array; returns the first position whose
 * index is not an integer in [0, len), writing nothing, or −1 once done.
 */
napi_value Rows(napi_env env, napi_callback_info info, bool scatter) {
  const char* fn = scatter ? "scatterAdd" : "gather";
  napi_value argv[6];
  if (!args(env, info, fn, scatter ? "(g, outer, len, inner, indices, out)" : "(x, outer, len, inner, indices, out)", argv)) return nullptr;
  int64_t dims[3];
  for (int i = 0; i < 3; i++)
    if (!intIn(env, argv[1 + i], 0, INT32_MAX, &dims[i], std::string(fn) + ": outer, len and inner must be integers in [0, 2^31)")) return nullptr;
  const int64_t outer = dims[0], len = dims[1], inner = dims[2];
  void* raw = nullptr;
  size_t q = 0;
  const bool ints = typedArray(env, argv[4], napi_int32_array, &raw, &q);
  if (!ints && !typedArray(env, argv[4], napi_float32_array, &raw, &q)) return fail(env, std::string(fn) + ": indices must be a Float32Array or an Int32Array");
  const int64_t rows = static_cast<int64_t>(q);
  const napi_value arrays[2] = {argv[0], argv[5]};
  float* p[2];
  const int64_t source = outer * (scatter ? rows : len) * inner, target = outer * (scatter ? len : rows) * inner;
  if (!sizedArrays(env, arrays, fn, {scatter ? "g" : "x", "out"}, {source, target}, p)) return nullptr;
  const int64_t bad = ints ? neurite::badIndex(static_cast<int32_t*>(raw), rows, len) : neurite::badIndex(static_cast<float*>(raw), rows, len);
  if (bad < 0) {
    if (scatter && ints) neurite::scatterAdd(p[0], outer, len, inner, static_cast<int32_t*>(raw), rows, p[1]);
    else if (scatter) neurite::scatterAdd(p[0], outer, len, inner, static_cast<float*>(raw), rows, p[1]);
    else if (ints) neurite::gather(p[0], outer, len, inner, static_cast<int32_t*>(raw), rows, p[1]);
    else neurite::gather(p[0], outer, len, inner, static_cast<float*>(raw), rows, p[1]);
  }
  napi_value r;
  napi_create_int64(env, bad, &r);
  return r;
}

napi_value Gather(napi_env env, napi_callback_info info) { return Rows(env, info, false); }
napi_value ScatterAdd(napi_env env, napi_callback_info info) { return Rows(env, info, true); }

// unary(op, x, out): out[i] = f(x[i]) for op 0 exp, 1 log, 2 sigmoid, 3 tanh, 4 softplus.
napi_value Unary(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, "unary", "(op, x, out)", argv)) return nullptr;
  int64_t op = -1;
  if (!integer(env, argv[0], &op) || op < 0 || op >= neurite::UNARY_COUNT) return fail(env, "unary: op must be an integer in [0, " + std::to_string(neurite::UNARY_COUNT) + ")");
  float *x, *out;
  size_t nx = 0, nout = 0;
  if (!floatArray(env, argv[1], &x, &nx)) return fail(env, "unary: x must be a Float32Array");
  if (!floatArray(env, argv[2], &out, &nout)) return fail(env, "unary: out must be a Float32Array");
  if (nout < nx) return fail(env, "unary: out has " + std::to_string(nout) + " values, x " + std::to_string(nx));
  neurite::unary(static_cast<neurite::Unary>(op), x, out, static_cast<int64_t>(nx));
  return nullptr;
}

/**
 * The fused cells' C arguments: rows and units (non-negative integers) at rowsAt and
 * rowsAt + 1, N Float32Arrays at `at`, each of at least mult[i]·rows·units values, and last the
 * gate activation's code (0 sigmoid, 1 hardSigmoid) where `gate` is given; or throws naming the
 * function and what is wrong.
 */
template <size_t C, size_t N>
bool cellArgs(napi_env env, napi_callback_info info, const char* fn, const char* signature, size_t rowsAt, const size_t (&at)[N], const char* const (&names)[N],
              const int64_t (&mult)[N], float* (&ptr)[N], int64_t* rows, int64_t* units, int* gate) {
  napi_value argv[C];
  if (!args(env, info, fn, signature, argv)) return false;
  double code = -1;
  if (gate != nullptr && (napi_get_value_double(env, argv[C - 1], &code) != napi_ok || (code != 0 && code != 1))) {
    fail(env, std::string(fn) + ": gate must be 0 (sigmoid) or 1 (hardSigmoid)");
    return false;
  }
  if (gate != nullptr) *gate = static_cast<int>(code);
  if (!integer(env, argv[rowsAt], rows) || !integer(env, argv[rowsAt + 1], units) || *rows < 0 || *units < 0) {
    fail(env, std::string(fn) + ": rows and units must be non-negative integers");
    return false;
  }
  napi_value arrays[N];
  int64_t need[N];
  for (size_t i = 0; i < N; i++) {
    arrays[i] = argv[at[i]];
    need[i] = mult[i] * *rows * *units;
  }
  return sizedArrays(env, arrays, fn, names, need, ptr);
}

// softmaxCrossEntropy(logits, labels, rows, n, loss, probs)
napi_value SoftmaxCrossEntropy(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!args(env, info, "softmaxCrossEntropy", "(logits, labels, rows, n, loss, probs)", argv)) return nullptr;
  int64_t rows = 0, n = 0;
  if (!integer(env, argv[2], &rows) || !integer(env, argv[3], &n) || rows < 0 || n < 0) return fail(env, "softmaxCrossEntropy: rows and n must be non-negative integers");
  const napi_value arrays[4] = {argv[0], argv[1], argv[4], argv[5]};
  float* p[4];
  if (!sizedArrays(env, arrays, "softmaxCrossEntropy", {"logits", "labels", "loss", "probs"}, {rows * n, rows * n, rows, rows * n}, p)) return nullptr;
  neurite::softmaxCrossEntropy(p[0], p[1], rows, n, p[2], p[3]);
  return nullptr;
}

// lstmCell(z, cPrev, rows, units, h, c, act, gate)
napi_value LstmCell(napi_env env, napi_callback_info info) {
  float* p[5];
  int64_t rows = 0, units = 0;
  int gate = 0;
  if (!cellArgs<8>(env, info, "lstmCell", "(z, cPrev, rows, units, h, c, act, gate)", 2, {0, 1, 4, 5, 6}, {"z", "cPrev", "h", "c", "act"}, {4, 1, 1, 1, 5}, p, &rows, &units, &gate)) return nullptr;
  neurite::lstmCell(p[0], p[1], rows, units, p[2], p[3], p[4], gate);
  return nullptr;
}

// lstmCellGrad(act, cPrev, dh, dc, rows, units, dz, dcPrev, gate)
napi_value LstmCellGrad(napi_env env, napi_callback_info info) {
  float* p[6];
  int64_t rows = 0, units = 0;
  int gate = 0;
  if (!cellArgs<9>(env, info, "lstmCellGrad", "(act, cPrev, dh, dc, rows, units, dz, dcPrev, gate)", 4, {0, 1, 2, 3, 6, 7}, {"act", "cPrev", "dh", "dc", "dz", "dcPrev"}, {5, 1, 1, 1, 4, 1}, p, &rows, &units, &gate)) return nullptr;
  neurite::lstmCellGrad(p[0], p[1], p[2], p[3], rows, units, p[4], p[5], gate);
  return nullptr;
}

// gruCell(x, inner, h, rows, units, out, act, gate)
napi_value GruCell(napi_env env, napi_callback_info info) {
  float* p[5];
  int64_t rows = 0, units = 0;
  int gate = 0;
  if (!cellArgs<8>(env, info, "gruCell", "(x, inner, h, rows, units, out, act, gate)", 3, {0, 1, 2, 5, 6}, {"x", "inner", "h", "out", "act"}, {3, 3, 1, 1, 3}, p, &rows, &units, &gate)) return nullptr;
  neurite::gruCell(p[0], p[1], p[2], rows, units, p[3], p[4], gate);
  return nullptr;
}

// gruCellGrad(act, inner, h, dOut, rows, units, dx, dInner, dh, gate)
napi_value GruCellGrad(napi_env env, napi_callback_info info) {
  float* p[7];
  int64_t rows = 0, units = 0;
  int gate = 0;
  if (!cellArgs<10>(env, info, "gruCellGrad", "(act, inner, h, dOut, rows, units, dx, dInner, dh, gate)", 4, {0, 1, 2, 3, 6, 7, 8}, {"act", "inner", "h", "dOut", "dx", "dInner", "dh"}, {3, 3, 1, 1, 3, 3, 1}, p, &rows, &units, &gate)) return nullptr;
  neurite::gruCellGrad(p[0], p[1], p[2], p[3], rows, units, p[4], p[5], p[6], gate);
  return nullptr;
}

// gruGates(x, inner, hr, rows, units, z, rh, act, gate): x [rows, 3·units] and inner, act [rows, 2·units]
napi_value GruGates(napi_env env, napi_callback_info info) {
  float* p[6];
  int64_t rows = 0, units = 0;
  int gate = 0;
  if (!cellArgs<9>(env, info, "gruGates", "(x, inner, hr, rows, units, z, rh, act, gate)", 3, {0, 1, 2, 5, 6, 7}, {"x", "inner", "hr", "z", "rh", "act"}, {3, 2, 1, 1, 1, 2}, p, &rows, &units, &gate)) return nullptr;
  neurite::gruGates(p[0], p[1], p[2], rows, units, p[3], p[4], p[5], gate);
  return nullptr;
}

// gruGatesGrad(act, hr, dz, drh, rows, units, dx, dInner, dhr, gate)
napi_value GruGatesGrad(napi_env env, napi_callback_info info) {
  float* p[7];
  int64_t rows = 0, units = 0;
  int gate = 0;
  if (!cellArgs<10>(env, info, "gruGatesGrad", "(act, hr, dz, drh, rows, units, dx, dInner, dhr, gate)", 4, {0, 1, 2, 3, 6, 7, 8}, {"act", "hr", "dz", "drh", "dx", "dInner", "dhr"}, {2, 1, 1, 1, 3, 2, 1}, p, &rows, &units, &gate)) return nullptr;
  neurite::gruGatesGrad(p[0], p[1], p[2], p[3], rows, units, p[4], p[5], p[6], gate);
  return nullptr;
}

// gruOutput(x, q, h, z, rows, units, out, act)
napi_value GruOutput(napi_env env, napi_callback_info info) {
  float* p[6];
  int64_t rows = 0, units = 0;
  if (!cellArgs<8>(env, info, "gruOutput", "(x, q, h, z, rows, units, out, act)", 4, {0, 1, 2, 3, 6, 7}, {"x", "q", "h", "z", "out", "act"}, {3, 1, 1, 1, 1, 1}, p, &rows, &units, nullptr)) return nullptr;
  neurite::gruOutput(p[0], p[1], p[2], p[3], rows, units, p[4], p[5]);
  return nullptr;
}

// gruOutputGrad(act, h, z, dOut, rows, units, dx, dq, dh, dz)
napi_value GruOutputGrad(napi_env env, napi_callback_info info) {
  float* p[8];
  int64_t rows = 0, units = 0;
  if (!cellArgs<10>(env, info, "gruOutputGrad", "(act, h, z, dOut, rows, units, dx, dq, dh, dz)", 4, {0, 1, 2, 3, 6, 7, 8, 9}, {"act", "h", "z", "dOut", "dx", "dq", "dh", "dz"}, {1, 1, 1, 1, 3, 1, 1, 1}, p, &rows, &units, nullptr)) return nullptr;
  neurite::gruOutputGrad(p[0], p[1], p[2], p[3], rows, units, p[4], p[5], p[6], p[7]);
  return nullptr;
}

/** Reads a window's 14 numbers (Window2d's fields in order) from an Int32Array, checking them. */
bool windowArg(napi_env env, napi_value v, const char* fn, neurite::Window* w) {
  int32_t* f = nullptr;
  size_t len = 0;
  if (!int32Array(env, v, &f, &len) || len != 14) {
    fail(env, std::string(fn) + ": the window must be an Int32Array of its 14 fields");
    return false;
  }
  int64_t* dst = &w->batch;
  for (int i = 0; i < 14; i++) dst[i] = f[i];
  const bool sizes = w->batch >= 0 && w->inH >= 0 && w->inW >= 0 && w->channels >= 0 && w->kH >= 1 && w->kW >= 1 && w->outH >= 0 && w->outW >= 0;
  const bool steps = w->strideH >= 1 && w->strideW >= 1 && w->dilationH >= 1 && w->dilationW >= 1;
  if (!sizes || !steps) {
    fail(env, std::string(fn) + ": the window's sizes must be ≥ 0, its kernel, strides and dilations ≥ 1");
    return false;
  }
  return true;
}

/** Threads for a window kernel over `values` values and `batch` images. */
int windowParts(int64_t threads, int64_t values, int64_t batch) {
  return values >= UPDATE_THREAD_MIN ? static_cast<int>(std::min<int64_t>(threads, std::max<int64_t>(1, batch))) : 1;
}

// im2col(x, window, fill, out, threads)
napi_value Im2col(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!args(env, info, "im2col", "(x, window, fill, out, threads)", argv)) return nullptr;
  neurite::Window w;
  if (!windowArg(env, argv[1], "im2col", &w)) return nullptr;
  double fill = 0;
  int64_t threads = 1;
  if (napi_get_value_double(env, argv[2], &fill) != napi_ok) return fail(env, "im2col: fill must be a number");
  if (!threadsArg(env, argv[4], "im2col", &threads)) return nullptr;
  const int64_t inSize = w.batch * w.inH * w.inW * w.channels, outSize = w.batch * w.outH * w.outW * w.kH * w.kW * w.channels;
  float *x, *out;
  if (!floatArg(env, argv[0], "im2col", "x", inSize, &x) || !floatArg(env, argv[3], "im2col", "out", outSize, &out)) return nullptr;
  inBands(w.batch, windowParts(threads, outSize, w.batch), 1, [&](int64_t lo, int64_t hi) { neurite::im2col(x, w, static_cast<float>(fill), out, lo, hi); });
  return nullptr;
}

// col2im(cols, window, out, threads)
napi_value Col2im(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, "col2im", "(cols, window, out, threads)", argv)) return nullptr;
  neurite::Window w;
  if (!windowArg(env, argv[1], "col2im", &w)) return nullptr;
  int64_t threads = 1;
  if (!threadsArg(env, argv[3], "col2im", &threads)) return nullptr;
  const int64_t imageSize = w.batch * w.inH * w.inW * w.channels, colsSize = w.batch * w.outH * w.outW * w.kH * w.kW * w.channels;
  float *cols, *out;
  if (!floatArg(env, argv[0], "col2im", "cols", colsSize, &cols) || !floatArg(env, argv[2], "col2im", "out", imageSize, &out)) return nullptr;
  inBands(w.batch, windowParts(threads, colsSize, w.batch), 1, [&](int64_t lo, int64_t hi) { neurite::col2im(cols, w, out, lo, hi); });
  return nullptr;
}

// depthwise(kind, a, b, window, multiplier, out, threads): kind 0 the convolution (a = x, b = the
// filter), 1 its adjoint in x (a = g, b = the filter), 2 its adjoint in the filter (a = x, b = g).
napi_value Depthwise(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!args(env, info, "depthwise", "(kind, a, b, window, multiplier, out, threads)", argv)) return nullptr;
  int32_t kind = -1;
  int64_t M = 0, threads = 1;
  if (napi_get_value_int32(env, argv[0], &kind) != napi_ok || kind < 0 || kind > 2) return fail(env, "depthwise: kind must be 0 (forward), 1 (input gradient) or 2 (filter gradient)");
  neurite::Window w;
  if (!windowArg(env, argv[3], "depthwise", &w)) return nullptr;
  if (napi_get_value_int64(env, argv[4], &M) != napi_ok || M < 1) return fail(env, "depthwise: multiplier must be an integer ≥ 1");
  if (!threadsArg(env, argv[6], "depthwise", &threads)) return nullptr;
  const int64_t CM = w.channels * M;
  const int64_t image = w.batch * w.inH * w.inW * w.channels, output = w.batch * w.outH * w.outW * CM, filter = w.kH * w.kW * CM;
  const int64_t aSize = kind == 1 ? output : image, bSize = kind == 2 ? output : filter, outSize = kind == 0 ? output : kind == 1 ? image : filter;
  float *a, *b, *out;
  if (!floatArg(env, argv[1], "depthwise", "a", aSize, &a) || !floatArg(env, argv[2], "depthwise", "b", bSize, &b) || !floatArg(env, argv[5], "depthwise", "out", outSize, &out)) return nullptr;
  if (kind == 2 && w.batch >= 2) {
    // The filter gradient sums over every image: always in two halves of the batch, the second
    // into its own block, then added, so the order is the batch's alone (one thread and two give
    // the same bits) and two threads take a half each. (Split by channel, each thread still
    // walked every pixel and tap, and two threads ran slower than one.)
    const int64_t h = (w.batch + 1) / 2;
    std::vector<float> half(static_cast<size_t>(filter));
    const int parts = output >= UPDATE_THREAD_MIN ? static_cast<int>(std::min<int64_t>(threads, 2)) : 1;
    auto halves = [&](int t) {
      for (int i = t; i < 2; i += parts) neurite::depthwiseConvGradFilter(a, b, w, M, i == 0 ? out : half.data(), i == 0 ? 0 : h, i == 0 ? h : w.batch);
    };
    neurite::parallel(parts, halves);
    for (int64_t i = 0; i < filter; i++) out[i] += half[i];
    return nullptr;
  }
  inBands(w.batch, windowParts(threads, output, w.batch), 1, [&](int64_t lo, int64_t hi) {
    if (kind == 0) neurite::depthwiseConv(a, b, w, M, out, lo, hi);
    else if (kind == 1) neurite::depthwiseConvGradInput(a, b, w, M, out, lo, hi);
    else neurite::depthwiseConvGradFilter(a, b, w, M, out, lo, hi);
  });
  return nullptr;
}

// maxPool(kind, a, taps, window, out, threads): kind 0 max pooling of a = x into out, writing each
// output's chosen tap into taps; kind 1 its gradient, a = g added into out (the image) at the taps.
// Both split by image, so any split gives the reference's bits.
napi_value MaxPool(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!args(env, info, "maxPool", "(kind, a, taps, window, out, threads)", argv)) return nullptr;
  int32_t kind = -1;
  int64_t threads = 1;
  if (napi_get_value_int32(env, argv[0], &kind) != napi_ok || kind < 0 || kind > 1) return fail(env, "maxPool: kind must be 0 (pooling) or 1 (its gradient)");
  neurite::Window w;
  if (!windowArg(env, argv[3], "maxPool", &w)) return nullptr;
  if (!threadsArg(env, argv[5], "maxPool", &threads)) return nullptr;
  const int64_t image = w.batch * w.inH * w.inW * w.channels, output = w.batch * w.outH * w.outW * w.channels;
  float *a, *taps, *out;
  if (!floatArg(env, argv[1], "maxPool", kind == 0 ? "x" : "g", kind == 0 ? image : output, &a) || !floatArg(env, argv[2], "maxPool", "taps", output, &taps) ||
      !floatArg(env, argv[4], "maxPool", "out", kind == 0 ? output : image, &out)) return nullptr;
  inBands(w.batch, windowParts(threads, image, w.batch), 1, [&](int64_t lo, int64_t hi) {
    if (kind == 0) neurite::maxPool(a, w, out, taps, lo, hi);
    else neurite::maxPoolGrad(a, taps, w, out, lo, hi);
  });
  return nullptr;
}

// conv(kind, a, b, window, n, out, threads, isa), with cols = im2col(x) [rows×taps] never made:
// kind 0 out [rows×n] = cols·b (a = x, b [taps×n]); 1 out [taps×n] = colsᵀ·b (a = x, b [rows×n]);
// 2 out (x's shape) = col2im(a·bᵀ) (a [rows×n], b [taps×n]). Each gives the bits of im2col, sgemm
// and col2im on the same ISA, whatever the threads: kind 0 splits rows, 1 the filter's taps, 2 images.
napi_value Conv(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!args(env, info, "conv", "(kind, a, b, window, n, out, threads, isa)", argv)) return nullptr;
  int32_t kind = -1;
  int64_t n = 0, threads = 1, level = 0;
  if (napi_get_value_int32(env, argv[0], &kind) != napi_ok || kind < 0 || kind > 2) return fail(env, "conv: kind must be 0 (forward), 1 (filter gradient) or 2 (input gradient)");
  neurite::Window w;
  if (!windowArg(env, argv[3], "conv", &w)) return nullptr;
  if (!integer(env, argv[4], &n) || n < 0 || n > INT32_MAX) return fail(env, "conv: n (the filters) must be an integer in [0, 2^31)");
  if (!threadsArg(env, argv[6], "conv", &threads)) return nullptr;
  if (!integer(env, argv[7], &level) || level < 0 || level > static_cast<int64_t>(detected))
    return fail(env, std::string("conv: isa must be an integer in [0, ") + std::to_string(static_cast<int>(detected)) + "]");
  const Isa isa = static_cast<Isa>(level);
  const int64_t rows = w.batch * w.outH * w.outW, taps = w.kH * w.kW * w.channels, image = w.batch * w.inH * w.inW * w.channels;
  if (rows > INT32_MAX || taps > INT32_MAX) return fail(env, "conv: the window's rows and taps must be under 2^31");
  const int64_t aSize = kind == 2 ? rows * n : image, bSize = kind == 1 ? rows * n : taps * n, outSize = kind == 0 ? rows * n : kind == 1 ? taps * n : image;
  float *a, *b, *out;
  if (!floatArg(env, argv[1], "conv", "a", aSize, &a) || !floatArg(env, argv[2], "conv", "b", bSize, &b) || !floatArg(env, argv[5], "conv", "out", outSize, &out)) return nullptr;
  const int MR = neurite::tileRows(isa);
  const int N = static_cast<int>(n);
  const bool big = static_cast<double>(rows) * taps * n >= THREAD_MIN;
  const int many = threads > 1 && big ? static_cast<int>(threads) : 1;
  if (kind == 0) {
    inBands(rows, rows >= 2 * MR ? many : 1, MR, [&](int64_t lo, int64_t hi) { neurite::convForward(isa, a, w, b, out, N, lo, hi, packBuffers()); });
  } else if (kind == 1) {
    inBands(taps, taps >= 2 * MR ? many : 1, MR, [&](int64_t lo, int64_t hi) { neurite::convGradFilter(isa, a, w, b, out, N, static_cast<int>(lo), static_cast<int>(hi), packBuffers()); });
  } else {
    inBands(w.batch, static_cast<int>(std::min<int64_t>(many, std::max<int64_t>(1, w.batch))), 1, [&](int64_t lo, int64_t hi) { neurite::convGradInput(isa, a, b, w, out, N, lo, hi, packBuffers()); });
  }
  return nullptr;
}

// fillUniform(state: Int32Array(4), out: Float32Array, a, b): the generator's words advanced in place.
napi_value FillUniform(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, "fillUniform", "(state, out, a, b)", argv)) return nullptr;
  int32_t* state = nullptr;
  size_t words = 0;
  if (!int32Array(env, argv[0], &state, &words) || words != 4) return fail(env, "fillUniform: state must be the generator's 4 words as an Int32Array");
  float* out = nullptr;
  size_t len = 0;
  if (!floatArray(env, argv[1], &out, &len)) return fail(env, "fillUniform: out must be a Float32Array");
  double a = 0, b = 0;
  if (napi_get_value_double(env, argv[2], &a) != napi_ok || napi_get_value_double(env, argv[3], &b) != napi_ok) return fail(env, "fillUniform: a and b must be numbers");
  neurite::fillUniform(reinterpret_cast<uint32_t*>(state), out, static_cast<int64_t>(len), a, b);
  return nullptr;
}

// gatherRows(src, width, dst, order: Int32Array, start, end): rows order[start..end) of src
// (rows of `width` values) packed into dst, each row one memcpy; every index checked first.
napi_value GatherRows(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!args(env, info, "gatherRows", "(src, width, dst, order, start, end)", argv)) return nullptr;
  float *src = nullptr, *dst = nullptr;
  size_t nsrc = 0, ndst = 0;
  if (!floatArray(env, argv[0], &src, &nsrc)) return fail(env, "gatherRows: src must be a Float32Array");
  if (!floatArray(env, argv[2], &dst, &ndst)) return fail(env, "gatherRows: dst must be a Float32Array");
  int64_t width = 0, start = 0, end = 0;
  if (!integer(env, argv[1], &width) || width < 1) return fail(env, "gatherRows: width must be an integer ≥ 1");
  int32_t* order = nullptr;
  size_t count = 0;
  if (!int32Array(env, argv[3], &order, &count)) return fail(env, "gatherRows: order must be an Int32Array");
  if (!integer(env, argv[4], &start) || !integer(env, argv[5], &end) || start < 0 || end < start || end > static_cast<int64_t>(count))
    return fail(env, "gatherRows: start and end must satisfy 0 ≤ start ≤ end ≤ order.length (" + std::to_string(count) + ")");
  const int64_t rows = static_cast<int64_t>(nsrc) / width;
  if ((end - start) * width > static_cast<int64_t>(ndst)) return fail(env, "gatherRows: dst has " + std::to_string(ndst) + " values, " + std::to_string(end - start) + " rows of " + std::to_string(width) + " need " + std::to_string((end - start) * width));
  for (int64_t i = start; i < end; i++) {
    if (order[i] < 0 || order[i] >= rows) return fail(env, "gatherRows: order[" + std::to_string(i) + "] is " + std::to_string(order[i]) + ", src has " + std::to_string(rows) + " rows");
  }
  for (int64_t i = start; i < end; i++) std::memcpy(dst + (i - start) * width, src + static_cast<int64_t>(order[i]) * width, static_cast<size_t>(width) * sizeof(float));
  return nullptr;
}

// allFinite(x: Float32Array) -> whether no value is NaN or ±∞.
napi_value AllFinite(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, "allFinite", "(x)", argv)) return nullptr;
  float* x = nullptr;
  size_t n = 0;
  if (!floatArray(env, argv[0], &x, &n)) return fail(env, "allFinite: x must be a Float32Array");
  napi_value r;
  napi_get_boolean(env, neurite::allFinite(x, static_cast<int64_t>(n)), &r);
  return r;
}

napi_value str(napi_env env, const char* s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value o, isas, max;
  napi_create_object(env, &o);
  napi_create_array(env, &isas);
  uint32_t i = 0;
  for (int level = static_cast<int>(detected); level >= 0; level--) napi_set_element(env, isas, i++, str(env, neurite::isaName(static_cast<Isa>(level))));
  napi_set_named_property(env, o, "isas", isas);
  napi_create_int32(env, MAX_THREADS, &max);
  napi_set_named_property(env, o, "maxThreads", max);
  return o;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"sgemm", nullptr, Sgemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"rmspropUpdate", nullptr, RmspropUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sgdUpdate", nullptr, SgdUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamUpdate", nullptr, AdamUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, Unary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmaxCrossEntropy", nullptr, SoftmaxCrossEntropy, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gatherRows", nullptr, GatherRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"allFinite", nullptr, AllFinite, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmCell", nullptr, LstmCell, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmCellGrad", nullptr, LstmCellGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruCell", nullptr, GruCell, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruCellGrad", nullptr, GruCellGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruGates", nullptr, GruGates, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruGatesGrad", nullptr, GruGatesGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruOutput", nullptr, GruOutput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruOutputGrad", nullptr, GruOutputGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"im2col", nullptr, Im2col, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"depthwise", nullptr, Depthwise, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"col2im", nullptr, Col2im, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPool", nullptr, MaxPool, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv", nullptr, Conv, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adagradUpdate", nullptr, AdagradUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adadeltaUpdate", nullptr, AdadeltaUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamaxUpdate", nullptr, AdamaxUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"scaleUpdate", nullptr, ScaleUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, BinaryOp, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"select", nullptr, Select, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reduce", nullptr, ReduceOp, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"biasAct", nullptr, BiasAct, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"actGrad", nullptr, ActGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gather", nullptr, Gather, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"scatterAdd", nullptr, ScatterAdd, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fillUniform", nullptr, FillUniform, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
