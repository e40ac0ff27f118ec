// Depthwise convolution with large kernels (RepLKNet: 27x27, 31x31), where PyTorch's CPU path is slow.
//
// Each channel's plane is copied once into a zero-padded scratch plane; then output rows are accumulated in
// registers, 64 floats at a time, over all kernel taps: out[x..x+63] += w[ky][kx] * in[y+ky][x+kx..]. With
// AVX-512, four output rows are accumulated together, so each (unaligned) input load serves four of them. The taps
// are taken in the reference order (ky, then kx), each with one fused multiply-add (one rounding), so results equal
// the scalar reference, which uses the same fused operation. (Fused, the 13×13 kernel ran 1.25× faster here than
// with a separate multiply and add.)
// The loop is written once with clang vector types and compiled for AVX-512, AVX2 and a portable target; the
// widest the CPU supports is chosen at run time.
#include "CNeuralKernels.h"

#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)  // no other contraction: every fused operation is written out

typedef float v16 __attribute__((ext_vector_type(16), aligned(4)));

#define DK_BLOCK 64

size_t dk_depthwise_scratch_count(size_t height, size_t width, size_t kernel) {
    // The padded plane, then a non-zero-column mask per kernel row (64-bit words, counted in floats; the plane's
    // size is even, so the masks stay 8-byte aligned when the scratch is).
    size_t plane = (height + kernel - 1) * (width + kernel - 1 + DK_BLOCK);
    return plane + (plane & 1) + kernel * ((kernel + 63) / 64) * 2;
}

/// Output rows `y..<y + rows` (rows ≤ DK_ROWS, a constant after inlining), columns `x0..<x0 + 64`, of one channel.
/// Each input row is loaded once per tap column and used for every output row it feeds, so loads are shared by
/// `rows` accumulators; each output still receives its taps in (ky, kx) order. Taps whose weight is exactly zero
/// are skipped (`masks`: per kernel row, `words` 64-bit words with a bit per non-zero column), which makes a
/// re-parameterised kernel — a dense 13×13 centre and sparse dilated taps around it — several times cheaper.
#define DK_ROWS 4
/// One tap column kx for every output row fed by input row iy (skipping rows whose weight there is zero when
/// `check`).
#define DK_TAP(check)                                                                                                  \
    {                                                                                                                  \
        const float *s = line + kx;                                                                                    \
        const v16 v0 = *(const v16 *)(s), v1 = *(const v16 *)(s + 16);                                                 \
        const v16 v2 = *(const v16 *)(s + 32), v3 = *(const v16 *)(s + 48);                                           \
        for (size_t r = 0; r < DK_ROWS; r++) {                                                                         \
            if (r < lo || r > hi) continue;                                                                            \
            if ((check) && !((masks[(iy - r) * words + word] >> (kx & 63)) & 1)) continue;                             \
            const v16 tt = wrow[kx - r * kernel];                                                                      \
            acc[r][0] = __builtin_elementwise_fma(tt, v0, acc[r][0]);                                                  \
            acc[r][1] = __builtin_elementwise_fma(tt, v1, acc[r][1]);                                                  \
            acc[r][2] = __builtin_elementwise_fma(tt, v2, acc[r][2]);                                                  \
            acc[r][3] = __builtin_elementwise_fma(tt, v3, acc[r][3]);                                                  \
        }                                                                                                              \
    }
static inline __attribute__((always_inline)) void
depthwise_rows(const float *scratch, size_t pw, const float *w, const uint64_t *masks, size_t words, size_t kernel,
               float b, float *out, size_t width, size_t y, size_t x0, const size_t rows, const int dense) {
    v16 acc[DK_ROWS][4];
    for (size_t r = 0; r < DK_ROWS; r++)
        for (size_t j = 0; j < 4; j++) acc[r][j] = b;
    for (size_t iy = 0; iy < rows + kernel - 1; iy++) {
        const float *line = scratch + (y + iy) * pw + x0;
        // Output rows fed by input row iy: r with 0 <= iy - r < kernel.
        const size_t lo = iy + 1 > kernel ? iy + 1 - kernel : 0, hi = iy < rows - 1 ? iy : rows - 1;
        const float *wrow = w + iy * kernel;  // tap row of output row r: wrow - r * kernel
        if (dense) {  // no zero weight anywhere: every tap, no masks
            const size_t word = 0;
            (void)word;
            for (size_t kx = 0; kx < kernel; kx++) DK_TAP(0)
            continue;
        }
        for (size_t word = 0; word < words; word++) {
            uint64_t any = 0, all = ~(uint64_t)0;  // columns non-zero for some / for every row fed
            for (size_t r = lo; r <= hi; r++) {
                any |= masks[(iy - r) * words + word];
                all &= masks[(iy - r) * words + word];
            }
            const size_t first = word * 64, span = kernel - first < 64 ? kernel - first : 64;
            const uint64_t full = span == 64 ? ~(uint64_t)0 : (((uint64_t)1 << span) - 1);
            if (any == full && all == full) {  // a dense stretch: every tap, no checks
                for (size_t kx = first; kx < first + span; kx++) DK_TAP(0)
            } else if (any == all) {  // the same sparse columns in every row fed
                for (uint64_t bits = any; bits; bits &= bits - 1) {
                    const size_t kx = first + (size_t)__builtin_ctzll(bits);
                    DK_TAP(0)
                }
            } else {
                for (uint64_t bits = any; bits; bits &= bits - 1) {
                    const size_t kx = first + (size_t)__builtin_ctzll(bits);
                    DK_TAP(1)
                }
            }
        }
    }
    const size_t n = width - x0 < DK_BLOCK ? width - x0 : DK_BLOCK;
    for (size_t r = 0; r < rows; r++) {
        float block[DK_BLOCK];
        *(v16 *)(block) = acc[r][0];
        *(v16 *)(block + 16) = acc[r][1];
        *(v16 *)(block + 32) = acc[r][2];
        *(v16 *)(block + 48) = acc[r][3];
        memcpy(out + (y + r) * width + x0, block, n * sizeof(float));
    }
}

static inline __attribute__((always_inline)) void
depthwise_body(const float *input, const float *weight, const float *bias, float *output, size_t first, size_t end,
               size_t height, size_t width, size_t kernel, float *scratch, const size_t rows) {
    const size_t pad = kernel / 2;
    const size_t pw = width + kernel - 1 + DK_BLOCK;  // slack so full 64-wide blocks never read past a row
    const size_t ph = height + kernel - 1;
    const size_t words = (kernel + 63) / 64;
    uint64_t *masks = (uint64_t *)(scratch + ph * pw + ((ph * pw) & 1));  // kernel × words, after the plane
    // The border (and the slack) stays zero from channel to channel; only the interior is copied each time.
    memset(scratch, 0, ph * pw * sizeof(float));
    for (size_t c = first; c < end; c++) {
        const float *in = input + c * height * width;
        const float *w = weight + c * kernel * kernel;
        float *out = output + c * height * width;
        const float b = bias ? bias[c] : 0.0f;
        memset(masks, 0, kernel * words * sizeof(uint64_t));
        size_t nonzero = 0;
        for (size_t ky = 0; ky < kernel; ky++)
            for (size_t kx = 0; kx < kernel; kx++)
                if (w[ky * kernel + kx] != 0.0f) {
                    masks[ky * words + kx / 64] |= (uint64_t)1 << (kx & 63);
                    nonzero++;
                }
        const int dense = nonzero == kernel * kernel;
        for (size_t y = 0; y < height; y++) memcpy(scratch + (y + pad) * pw + pad, in + y * width, width * sizeof(float));
        for (size_t x0 = 0; x0 < width; x0 += DK_BLOCK) {
            size_t y = 0;
            if (dense) {
                for (; y + rows <= height; y += rows) depthwise_rows(scratch, pw, w, masks, words, kernel, b, out, width, y, x0, rows, 1);
                for (; y < height; y++) depthwise_rows(scratch, pw, w, masks, words, kernel, b, out, width, y, x0, 1, 1);
            } else {
                for (; y + rows <= height; y += rows) depthwise_rows(scratch, pw, w, masks, words, kernel, b, out, width, y, x0, rows, 0);
                for (; y < height; y++) depthwise_rows(scratch, pw, w, masks, words, kernel, b, out, width, y, x0, 1, 0);
            }
        }
    }
}

static void depthwise_portable(const float *i, const float *w, const float *b, float *o, size_t f, size_t e,
                               size_t h, size_t wd, size_t k, float *s) {
    depthwise_body(i, w, b, o, f, e, h, wd, k, s, 1);
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma")))
static void depthwise_avx2(const float *i, const float *w, const float *b, float *o, size_t f, size_t e,
                           size_t h, size_t wd, size_t k, float *s) {
    depthwise_body(i, w, b, o, f, e, h, wd, k, s, 1);  // 16 ymm registers: one row of accumulators at a time
}

__attribute__((target("avx512f,avx512vl,avx512dq,fma")))
static void depthwise_avx512(const float *i, const float *w, const float *b, float *o, size_t f, size_t e,
                             size_t h, size_t wd, size_t k, float *s) {
    depthwise_body(i, w, b, o, f, e, h, wd, k, s, DK_ROWS);  // 32 zmm registers: 16 accumulators, 4 inputs
}
#endif

typedef void (*depthwise_fn)(const float *, const float *, const float *, float *, size_t, size_t, size_t, size_t,
                             size_t, float *);

/// The kernel for an instruction-set level (0 portable, 1 AVX2, 2 AVX-512), or NULL when this CPU lacks it.
static depthwise_fn kernel_for(int level) {
    if (level < 0 || level > dk_neural_best_level()) return 0;
#if defined(__x86_64__) || defined(__i386__)
    if (level == 2) return depthwise_avx512;
    if (level == 1) return depthwise_avx2;
#endif
    return level == 0 ? depthwise_portable : 0;
}

int dk_depthwise_conv2d_level(int level, const float *input, const float *weight, const float *bias, float *output,
                              size_t first, size_t end, size_t height, size_t width, size_t kernel, float *scratch) {
    depthwise_fn fn = kernel_for(level < 0 ? dk_neural_best_level() : level);
    if (!fn) return 0;
    fn(input, weight, bias, output, first, end, height, width, kernel, scratch);
    return 1;
}

void dk_depthwise_conv2d(const float *input, const float *weight, const float *bias, float *output, size_t first,
                         size_t end, size_t height, size_t width, size_t kernel, float *scratch) {
    kernel_for(dk_neural_best_level())(input, weight, bias, output, first, end, height, width, kernel, scratch);
}
