#ifndef DETECTKIT_CNEURALKERNELS_H
#define DETECTKIT_CNEURALKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Depthwise 2-D convolution, stride 1, dilation 1, zero "same" padding (`kernel` odd, pad = kernel / 2), for
/// channels `first..<end` of one image: `input` and `output` are `[channels][height][width]`, `weight`
/// `[channels][kernel][kernel]`, `bias` `[channels]` or NULL. `scratch` holds one padded plane:
/// `(height + kernel - 1) * (width + kernel - 1 + 64)` floats. Each output is `bias + Σ_ky Σ_kx w·x` accumulated
/// in that order, one fused multiply-add per tap with a non-zero weight (zero taps are skipped), so it equals
/// the scalar reference bit for bit.
void dk_depthwise_conv2d(const float *input, const float *weight, const float *bias, float *output, size_t first,
                         size_t end, size_t height, size_t width, size_t kernel, float *scratch);

/// `dk_depthwise_conv2d` with the code of one instruction-set level (0 portable, 1 AVX2 with FMA, 2 AVX-512 with
/// FMA; -1 the widest this CPU has), for tests that check every path; returns 0, doing nothing, when the CPU
/// lacks that level. The choice is per call: nothing process-wide changes.
int dk_depthwise_conv2d_level(int level, const float *input, const float *weight, const float *bias, float *output,
                              size_t first, size_t end, size_t height, size_t width, size_t kernel, float *scratch);

/// Floats `scratch` must hold for `dk_depthwise_conv2d`.
size_t dk_depthwise_scratch_count(size_t height, size_t width, size_t kernel);

/// `x[i] = x[i] / (1 + exp(-scale · x[i]))` in place: SiLU for scale 1, CLIP's quick GELU for 1.702. A vectorised
/// exp within a few ulp of expf.
void dk_sigmoid_gate(float *x, size_t n, float scale);

/// `x[i] = 1 / (1 + exp(-x[i]))` in place, with the same vectorised exp.
void dk_sigmoid(float *x, size_t n);

/// `dk_sigmoid` with the code of one instruction-set level (-1: the widest this CPU has); returns 0, doing
/// nothing, when the CPU lacks that level.
int dk_sigmoid_level(int level, float *x, size_t n);

/// For each column of the `rows × cols` matrix `m`: its largest value into `best[c]` and the first row holding
/// it into `index[c]` (a NaN never wins). Returns 1 when any value is NaN or infinite, else 0.
int dk_column_argmax(const float *m, size_t rows, size_t cols, float *best, int32_t *index);

/// `dk_column_argmax` with the code of one instruction-set level (as `dk_depthwise_conv2d_level`); returns -1,
/// doing nothing, when the CPU lacks that level.
int dk_column_argmax_level(int level, const float *m, size_t rows, size_t cols, float *best, int32_t *index);

/// Softmax of each row of a `rows × cols` matrix in place (max subtracted, vectorised exp, float sums); with
/// `causal`, row r keeps columns 0...r and the others become 0.
void dk_softmax_rows(float *m, size_t rows, size_t cols, int causal);

/// Layer norm of each row of a `rows × n` matrix in place, with weight `w` and bias `b` (`n` each).
void dk_layer_norm_rows(float *m, size_t rows, size_t n, const float *w, const float *b, float eps);

/// The widest instruction-set level the kernels run with on this CPU: 2 for AVX-512 (F, VL, DQ) with FMA, 1 for
/// AVX2 with FMA, 0 for portable code. Worked out once per process (`pthread_once`); every kernel uses it.
int dk_neural_best_level(void);

/// Makes the calling thread's short sleeps last about a microsecond instead of Linux's default 50 µs of timer
/// slack (no-op elsewhere). For DetectKit's own worker threads only.
void dk_set_fine_timer_slack(void);

/// The CPU the calling thread runs on now, or -1 where unknown.
int dk_current_cpu(void);

/// Keeps the calling thread off `cpu` (when its allowed set has other CPUs; no-op elsewhere or for -1). Worker
/// threads created from a thread on `cpu` use it so that they do not start out sharing that thread's CPU.
void dk_avoid_cpu(int cpu);

/// A hint to the processor that the caller is spinning on a shared variable (x86 `pause`, Arm `yield`).
static inline void dk_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

#endif
