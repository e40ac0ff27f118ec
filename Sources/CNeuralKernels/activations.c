// Element-wise activations over float arrays, vectorised with a polynomial exp (Cephes' expf: range reduction
// by ln 2, degree-6 polynomial, exponent by bit manipulation; within 2 ulp of expf), chosen at run time like the
// depthwise kernel. quick_gelu(x) = x · σ(1.702 x) (CLIP); silu(x) = x · σ(x).
#include "CNeuralKernels.h"

#include <math.h>

#pragma clang diagnostic ignored "-Wpsabi"  // v16 values only cross always-inlined functions

typedef float v16 __attribute__((ext_vector_type(16), aligned(4)));
typedef int i16 __attribute__((ext_vector_type(16), aligned(4)));

static inline __attribute__((always_inline)) v16 exp16(v16 x) {
    const v16 hi = 88.3762626647949f, lo = -87.3365447504019f;
    x = __builtin_elementwise_min(__builtin_elementwise_max(x, lo), hi);
    v16 n = __builtin_elementwise_floor(x * 1.44269504088896341f + 0.5f);
    v16 r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    v16 y = 1.9875691500E-4f;
    y = y * r + 1.3981999507E-3f;
    y = y * r + 8.3334519073E-3f;
    y = y * r + 4.1665795894E-2f;
    y = y * r + 1.6666665459E-1f;
    y = y * r + 5.0000001201E-1f;
    y = y * (r * r) + r + 1.0f;
    i16 e = (__builtin_convertvector(n, i16) + 127) << 23;
    return y * (v16)e;
}

/// x / (1 + exp(-k x)) for k = scale, in place.
static inline __attribute__((always_inline)) void sigmoid_gate(float *x, size_t n, float scale) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        v16 v = *(v16 *)(x + i);
        *(v16 *)(x + i) = v / (1.0f + exp16(-scale * v));
    }
    for (; i < n; i++) x[i] = x[i] / (1.0f + expf(-scale * x[i]));
}

/// 1 / (1 + exp(-x)), in place.
static inline __attribute__((always_inline)) void sigmoid(float *x, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) *(v16 *)(x + i) = 1.0f / (1.0f + exp16(-*(v16 *)(x + i)));
    for (; i < n; i++) x[i] = 1.0f / (1.0f + expf(-x[i]));
}

static void sigmoid_portable(float *x, size_t n) { sigmoid(x, n); }
#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) static void sigmoid_avx2(float *x, size_t n) { sigmoid(x, n); }
__attribute__((target("avx512f,avx512vl,avx512dq,fma"))) static void sigmoid_avx512(float *x, size_t n) { sigmoid(x, n); }
#endif

static void gate_portable(float *x, size_t n, float k) { sigmoid_gate(x, n, k); }
#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) static void gate_avx2(float *x, size_t n, float k) { sigmoid_gate(x, n, k); }
__attribute__((target("avx512f,avx512vl,avx512dq,fma"))) static void gate_avx512(float *x, size_t n, float k) {
    sigmoid_gate(x, n, k);
}
#endif

/// Softmax of each row of a rows × cols matrix, in place; with `causal`, row r keeps columns 0...r and the rest
/// become 0. The maximum, the exponentials and their sum run in 16 lanes; a row's last `end % 16` values go
/// through the same lanes, padded (so every value gets the same polynomial, whatever its column).
static inline __attribute__((always_inline)) void softmax_rows(float *m, size_t rows, size_t cols, int causal) {
    const i16 lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    for (size_t r = 0; r < rows; r++) {
        float *row = m + r * cols;
        size_t end = causal ? (r + 1 < cols ? r + 1 : cols) : cols;
        size_t full = end - end % 16;
        v16 tail = -INFINITY;
        for (size_t c = full; c < end; c++) tail[c - full] = row[c];
        v16 most = tail;
        for (size_t c = 0; c < full; c += 16) {
            v16 v = *(v16 *)(row + c);
            most = v > most ? v : most;
        }
        float top = -INFINITY;
        for (int k = 0; k < 16; k++) top = most[k] > top ? most[k] : top;
        v16 acc = 0.0f;
        for (size_t c = 0; c < full; c += 16) {
            v16 e = exp16(*(v16 *)(row + c) - top);
            *(v16 *)(row + c) = e;
            acc += e;
        }
        v16 e = exp16(tail - top);
        e = lane < (int)(end - full) ? e : 0.0f;
        acc += e;
        float total = 0;
        for (int k = 0; k < 16; k++) total += acc[k];
        float inverse = 1.0f / total;
        for (size_t c = 0; c < full; c += 16) *(v16 *)(row + c) *= inverse;
        for (size_t c = full; c < end; c++) row[c] = e[c - full] * inverse;
        for (size_t c = end; c < cols; c++) row[c] = 0;
    }
}

static void softmax_portable(float *m, size_t r, size_t c, int causal) { softmax_rows(m, r, c, causal); }
#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) static void softmax_avx2(float *m, size_t r, size_t c, int causal) {
    softmax_rows(m, r, c, causal);
}
__attribute__((target("avx512f,avx512vl,avx512dq,fma"))) static void softmax_avx512(float *m, size_t r, size_t c,
                                                                                     int causal) {
    softmax_rows(m, r, c, causal);
}
#endif

void dk_softmax_rows(float *m, size_t rows, size_t cols, int causal) {
#if defined(__x86_64__) || defined(__i386__)
    int l = dk_neural_best_level();
    if (l == 2) return softmax_avx512(m, rows, cols, causal);
    if (l == 1) return softmax_avx2(m, rows, cols, causal);
#endif
    softmax_portable(m, rows, cols, causal);
}

/// Layer norm of each row of a rows × n matrix in place: mean, then the mean of squared deviations (both summed
/// in 16 float lanes, then in double), y = (x − mean) / sqrt(var + eps) · w + b.
static inline __attribute__((always_inline)) void layer_norm_rows(float *m, size_t rows, size_t n, const float *w,
                                                                 const float *b, float eps) {
    for (size_t r = 0; r < rows; r++) {
        float *x = m + r * n;
        v16 acc = 0.0f;
        size_t i = 0;
        for (; i + 16 <= n; i += 16) acc += *(v16 *)(x + i);
        double sum = 0;
        for (int k = 0; k < 16; k++) sum += acc[k];
        for (; i < n; i++) sum += x[i];
        const float mean = (float)(sum / (double)n);
        acc = 0.0f;
        for (i = 0; i + 16 <= n; i += 16) {
            v16 d = *(v16 *)(x + i) - mean;
            acc += d * d;
        }
        double squares = 0;
        for (int k = 0; k < 16; k++) squares += acc[k];
        for (; i < n; i++) squares += (double)(x[i] - mean) * (double)(x[i] - mean);
        const float scale = (float)(1.0 / sqrt(squares / (double)n + (double)eps));
        for (i = 0; i < n; i++) x[i] = (x[i] - mean) * scale * w[i] + b[i];
    }
}

static void layer_norm_portable(float *m, size_t r, size_t n, const float *w, const float *b, float e) {
    layer_norm_rows(m, r, n, w, b, e);
}
#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) static void layer_norm_avx2(float *m, size_t r, size_t n, const float *w,
                                                                const float *b, float e) {
    layer_norm_rows(m, r, n, w, b, e);
}
__attribute__((target("avx512f,avx512vl,avx512dq,fma"))) static void layer_norm_avx512(float *m, size_t r, size_t n,
                                                                                        const float *w, const float *b,
                                                                                        float e) {
    layer_norm_rows(m, r, n, w, b, e);
}
#endif

void dk_layer_norm_rows(float *m, size_t rows, size_t n, const float *w, const float *b, float eps) {
#if defined(__x86_64__) || defined(__i386__)
    int l = dk_neural_best_level();
    if (l == 2) return layer_norm_avx512(m, rows, n, w, b, eps);
    if (l == 1) return layer_norm_avx2(m, rows, n, w, b, eps);
#endif
    layer_norm_portable(m, rows, n, w, b, eps);
}

void dk_sigmoid_gate(float *x, size_t n, float scale) {
#if defined(__x86_64__) || defined(__i386__)
    int l = dk_neural_best_level();
    if (l == 2) return gate_avx512(x, n, scale);
    if (l == 1) return gate_avx2(x, n, scale);
#endif
    gate_portable(x, n, scale);
}

int dk_sigmoid_level(int level, float *x, size_t n) {
    int best = dk_neural_best_level();
    if (level < 0) level = best;
    if (level > best) return 0;
#if defined(__x86_64__) || defined(__i386__)
    if (level == 2) return sigmoid_avx512(x, n), 1;
    if (level == 1) return sigmoid_avx2(x, n), 1;
#endif
    if (level != 0) return 0;
    sigmoid_portable(x, n);
    return 1;
}

void dk_sigmoid(float *x, size_t n) { dk_sigmoid_level(-1, x, n); }
