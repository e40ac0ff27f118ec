// One-against-many overlap kernels (IoU, GIoU, DIoU, CIoU, IoS) over structure-of-arrays boxes.
//
// The loop body is written once (`overlap_loop`) and instantiated for several instruction sets through
// per-function target attributes; the compiler vectorises each instance for its target. The widest one the
// CPU supports is chosen at run time, so a plain `swift build -c release` gets AVX-512 code on CPUs that have
// it without compiling the whole package for that CPU.
//
// Floating-point contraction is off so every instance rounds exactly like the scalar Swift reference:
// the kernels and `Overlap.swift` agree bit for bit.
#include "CBoxKernels.h"

#include <pthread.h>

#include <math.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)

#define DK_DIOU_EPS 1e-7f
#define DK_FOUR_OVER_PI_SQUARED 0.40528473456935108578f

static inline __attribute__((always_inline)) float dk_max(float a, float b) { return a > b ? a : b; }
static inline __attribute__((always_inline)) float dk_min(float a, float b) { return a < b ? a : b; }

// `inclusive` is a compile-time constant after inlining: with 0 the `+ o` terms vanish. Dropping them cannot
// change a result bit: the only value `x + 0` changes is -0, and every such zero is absorbed by `max(., 0)`
// or by the `union > 0` test.
#define PLUS_O(x) (inclusive ? (x) + 1.0f : (x))

// IoU of `a` (whose area is `areaA`) with one box, and their union through `union_out`: the part every measure
// shares, written once. 0 when the union is not positive (zero-area boxes never overlap anything).
static inline __attribute__((always_inline)) float iou_core(dk_box a, float areaA, float x1, float y1, float x2,
                                                            float y2, int inclusive, float *union_out) {
    float iw = dk_max(PLUS_O(dk_min(a.x2, x2) - dk_max(a.x1, x1)), 0.0f);
    float ih = dk_max(PLUS_O(dk_min(a.y2, y2) - dk_max(a.y1, y1)), 0.0f);
    float inter = iw * ih;
    float areaB = PLUS_O(x2 - x1) * PLUS_O(y2 - y1);
    float uni = areaA + areaB;
    uni = uni - inter;
    float q = inter / uni;
    *union_out = uni;
    return uni > 0.0f ? q : 0.0f;
}

static inline __attribute__((always_inline)) void
overlap_loop(dk_overlap_kind kind, dk_box a, dk_boxes b, int inclusive, float *restrict out) {
    const float *restrict bx1 = b.x1, *restrict by1 = b.y1, *restrict bx2 = b.x2, *restrict by2 = b.y2;
    const float areaA = PLUS_O(a.x2 - a.x1) * PLUS_O(a.y2 - a.y1);
    const size_t n = b.count;
    switch (kind) {
    case DK_OVERLAP_IOU:
        for (size_t j = 0; j < n; j++) {
            float uni;
            out[j] = iou_core(a, areaA, bx1[j], by1[j], bx2[j], by2[j], inclusive, &uni);
        }
        break;
    case DK_OVERLAP_GIOU:
        for (size_t j = 0; j < n; j++) {
            float uni;
            float iou = iou_core(a, areaA, bx1[j], by1[j], bx2[j], by2[j], inclusive, &uni);
            float cw = dk_max(PLUS_O(dk_max(a.x2, bx2[j]) - dk_min(a.x1, bx1[j])), 0.0f);
            float ch = dk_max(PLUS_O(dk_max(a.y2, by2[j]) - dk_min(a.y1, by1[j])), 0.0f);
            float areaC = cw * ch;
            float gap = areaC - uni;
            float g = iou - gap / areaC;
            out[j] = areaC > 0.0f ? g : iou;
        }
        break;
    case DK_OVERLAP_DIOU:
    case DK_OVERLAP_CIOU:
        for (size_t j = 0; j < n; j++) {
            float uni;
            float iou = iou_core(a, areaA, bx1[j], by1[j], bx2[j], by2[j], inclusive, &uni);
            float cw = dk_max(dk_max(a.x2, bx2[j]) - dk_min(a.x1, bx1[j]), 0.0f);
            float ch = dk_max(dk_max(a.y2, by2[j]) - dk_min(a.y1, by1[j]), 0.0f);
            float c2 = cw * cw;
            c2 = c2 + ch * ch;
            float dx = (a.x1 + a.x2) / 2.0f - (bx1[j] + bx2[j]) / 2.0f;
            float dy = (a.y1 + a.y2) / 2.0f - (by1[j] + by2[j]) / 2.0f;
            float rho2 = dx * dx;
            rho2 = rho2 + dy * dy;
            float d = iou - rho2 / (c2 + DK_DIOU_EPS);
            if (kind == DK_OVERLAP_CIOU) {
                float t = a.aspect - b.aspect[j];
                float v = DK_FOUR_OVER_PI_SQUARED * (t * t);
                float den = (1.0f - iou) + v;
                float alpha = v / (den + DK_DIOU_EPS);
                d = d - alpha * v;
            }
            out[j] = d;
        }
        break;
    case DK_OVERLAP_IOS:
        for (size_t j = 0; j < n; j++) {
            float iw = dk_max(PLUS_O(dk_min(a.x2, bx2[j]) - dk_max(a.x1, bx1[j])), 0.0f);
            float ih = dk_max(PLUS_O(dk_min(a.y2, by2[j]) - dk_max(a.y1, by1[j])), 0.0f);
            float inter = iw * ih;
            float smaller = dk_min(areaA, PLUS_O(bx2[j] - bx1[j]) * PLUS_O(by2[j] - by1[j]));
            float q = inter / smaller;
            out[j] = smaller > 0.0f ? q : 0.0f;
        }
        break;
    }
}

static void overlap_portable(dk_overlap_kind kind, dk_box a, dk_boxes b, float o, float *out) {
    if (o == 0.0f) overlap_loop(kind, a, b, 0, out); else overlap_loop(kind, a, b, 1, out);
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2")))
static void overlap_avx2(dk_overlap_kind kind, dk_box a, dk_boxes b, float o, float *out) {
    if (o == 0.0f) overlap_loop(kind, a, b, 0, out); else overlap_loop(kind, a, b, 1, out);
}

__attribute__((target("avx512f,avx512vl,avx512dq")))
static void overlap_avx512(dk_overlap_kind kind, dk_box a, dk_boxes b, float o, float *out) {
    if (o == 0.0f) overlap_loop(kind, a, b, 0, out); else overlap_loop(kind, a, b, 1, out);
}
#endif

// Writes the entries of `iou[from..<n]` that are > 0 densely into `out` / `indices` from slot `k` on (in place is
// fine: entry j is read before anything at or after j is written); returns the new number of entries.
static size_t compact_from(const float *iou, size_t from, size_t n, float *out, int32_t *indices, size_t k) {
    for (size_t j = from; j < n; j++) {
        float v = iou[j];
        if (v > 0.0f) {
            out[k] = v;
            indices[k] = (int32_t)j;
            k++;
        }
    }
    return k;
}

static size_t compact_portable(const float *iou, size_t n, float *out, int32_t *indices) {
    return compact_from(iou, 0, n, out, indices, 0);
}

#if defined(__x86_64__) || defined(__i386__)
// Compresses 16 lanes at a time into a register and stores the whole register (the memory form of
// vcompressps is slow on some CPUs); lanes past the count are overwritten by the next store or left as slack.
__attribute__((target("avx512f,avx512vl,avx512dq")))
static size_t compact_avx512(const float *iou, size_t n, float *out, int32_t *indices) {
    size_t k = 0, j = 0;
    __m512i index = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i sixteen = _mm512_set1_epi32(16);
    const __m512 zero = _mm512_setzero_ps();
    for (; j + 16 <= n; j += 16) {
        __m512 v = _mm512_loadu_ps(iou + j);
        __mmask16 m = _mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ);
        _mm512_storeu_ps(out + k, _mm512_maskz_compress_ps(m, v));
        _mm512_storeu_si512((void *)(indices + k), _mm512_maskz_compress_epi32(m, index));
        k += (size_t)__builtin_popcount((unsigned)m);
        index = _mm512_add_epi32(index, sixteen);
    }
    return compact_from(iou, j, n, out, indices, k);
}
#endif

typedef void (*overlap_fn)(dk_overlap_kind, dk_box, dk_boxes, float, float *);
typedef size_t (*compact_fn)(const float *, size_t, float *, int32_t *);

static int best_level = 0;
static pthread_once_t best_level_once = PTHREAD_ONCE_INIT;

static void find_best_level(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq")) {
        best_level = 2;
    } else if (__builtin_cpu_supports("avx2")) {
        best_level = 1;
    }
#endif
}

int dk_overlap_best_level(void) {
    pthread_once(&best_level_once, find_best_level);
    return best_level;
}

/// The overlap loop of a level (0 portable, 1 AVX2, 2 AVX-512), or NULL when this CPU lacks it.
static overlap_fn overlap_for(int level) {
    if (level < 0 || level > dk_overlap_best_level()) return 0;
#if defined(__x86_64__) || defined(__i386__)
    if (level == 2) return overlap_avx512;
    if (level == 1) return overlap_avx2;
#endif
    return level == 0 ? overlap_portable : 0;
}

int dk_overlap_one_to_many_level(int level, dk_overlap_kind kind, dk_box box, dk_boxes boxes, float offset, float *out) {
    overlap_fn fn = overlap_for(level < 0 ? dk_overlap_best_level() : level);
    if (!fn) return 0;
    fn(kind, box, boxes, offset, out);
    return 1;
}

void dk_overlap_one_to_many(dk_overlap_kind kind, dk_box box, dk_boxes boxes, float offset, float *out) {
    overlap_for(dk_overlap_best_level())(kind, box, boxes, offset, out);
}

size_t dk_iou_positive(dk_box box, dk_boxes boxes, float offset, float *ious, int32_t *indices) {
    int level = dk_overlap_best_level();
    overlap_for(level)(DK_OVERLAP_IOU, box, boxes, offset, ious);
#if defined(__x86_64__) || defined(__i386__)
    if (level == 2) return compact_avx512(ious, boxes.count, ious, indices);
#endif
    return compact_portable(ious, boxes.count, ious, indices);
}
