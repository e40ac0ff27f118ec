// The largest value of each column of a rows × cols matrix and the first row that holds it, in one pass through
// memory row by row (vectorised across columns), and whether any value is NaN or infinite. A YOLO head's output
// is such a matrix: one row per class, one column per anchor.
#include "CNeuralKernels.h"

#include <math.h>
#include <stdint.h>

#pragma clang diagnostic ignored "-Wpsabi"  // vectors only cross always-inlined functions

typedef float v16 __attribute__((ext_vector_type(16), aligned(4)));
typedef int32_t i16 __attribute__((ext_vector_type(16), aligned(4)));
typedef uint32_t u16 __attribute__((ext_vector_type(16), aligned(4)));

/// Columns `c ..< c + 16 · chunk`: `chunk` vectors of 16 columns side by side, so that each row is read as one
/// contiguous run of `64 · chunk` bytes (fewer, longer streams for the prefetcher than one vector per row).
static inline __attribute__((always_inline)) uint32_t argmax_block(const float *m, size_t rows, size_t cols, size_t c,
                                                                   float *best, int32_t *index, const int chunk) {
    v16 top[8];
    i16 at[8];
    u16 mask = 0;
    for (int j = 0; j < chunk; j++) {
        top[j] = -INFINITY;
        at[j] = 0;
    }
    for (size_t r = 0; r < rows; r++) {
        const float *row = m + r * cols + c;
        for (int j = 0; j < chunk; j++) {
            v16 v = *(const v16 *)(row + 16 * j);
            u16 bits = (u16)v;
            mask |= ((bits & 0x7F800000u) + 0x00800000u) & 0x80000000u;
            i16 better = v > top[j];  // all ones where strictly greater: the first maximum wins
            top[j] = better ? v : top[j];
            at[j] = better ? (i16)(int32_t)r : at[j];
        }
    }
    uint32_t bad = 0;
    for (int j = 0; j < chunk; j++) {
        *(v16 *)(best + c + 16 * j) = top[j];
        *(i16 *)(index + c + 16 * j) = at[j];
    }
    for (int k = 0; k < 16; k++) bad |= mask[k];
    return bad;
}

/// `chunk` (at most 8) vectors of columns at a time, as many as the level's registers hold with their indices.
static inline __attribute__((always_inline)) int column_argmax(const float *m, size_t rows, size_t cols, float *best,
                                                               int32_t *index, const int chunk) {
    uint32_t bad = 0;
    size_t c = 0;
    for (; c + 16 * (size_t)chunk <= cols; c += 16 * (size_t)chunk) bad |= argmax_block(m, rows, cols, c, best, index, chunk);
    for (; c + 16 <= cols; c += 16) bad |= argmax_block(m, rows, cols, c, best, index, 1);
    for (; c < cols; c++) {
        float top = -INFINITY;
        int32_t at = 0;
        for (size_t r = 0; r < rows; r++) {
            float v = m[r * cols + c];
            if (!isfinite(v)) bad = 1;
            if (v > top) {
                top = v;
                at = (int32_t)r;
            }
        }
        best[c] = top;
        index[c] = at;
    }
    return bad != 0;
}

static int argmax_portable(const float *m, size_t r, size_t c, float *b, int32_t *i) { return column_argmax(m, r, c, b, i, 1); }
#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) static int argmax_avx2(const float *m, size_t r, size_t c, float *b, int32_t *i) {
    return column_argmax(m, r, c, b, i, 2);
}
__attribute__((target("avx512f,avx512vl,avx512dq,fma"))) static int argmax_avx512(const float *m, size_t r, size_t c,
                                                                                  float *b, int32_t *i) {
    return column_argmax(m, r, c, b, i, 8);
}
#endif

typedef int (*argmax_fn)(const float *, size_t, size_t, float *, int32_t *);

/// The kernel for an instruction-set level (0 portable, 1 AVX2, 2 AVX-512), or NULL when this CPU lacks it.
static argmax_fn argmax_for(int level) {
    if (level < 0 || level > dk_neural_best_level()) return 0;
#if defined(__x86_64__) || defined(__i386__)
    if (level == 2) return argmax_avx512;
    if (level == 1) return argmax_avx2;
#endif
    return level == 0 ? argmax_portable : 0;
}

int dk_column_argmax_level(int level, const float *m, size_t rows, size_t cols, float *best, int32_t *index) {
    argmax_fn fn = argmax_for(level < 0 ? dk_neural_best_level() : level);
    if (!fn) return -1;
    return fn(m, rows, cols, best, index);
}

int dk_column_argmax(const float *m, size_t rows, size_t cols, float *best, int32_t *index) {
    return argmax_for(dk_neural_best_level())(m, rows, cols, best, index);
}
