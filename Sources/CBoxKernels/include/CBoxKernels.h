#ifndef DETECTKIT_CBOXKERNELS_H
#define DETECTKIT_CBOXKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Which overlap measure a kernel computes (see Boxes/Overlap.swift for the maths).
typedef enum {
    DK_OVERLAP_IOU = 0,
    DK_OVERLAP_GIOU = 1,
    DK_OVERLAP_DIOU = 2,
    DK_OVERLAP_CIOU = 3,
    DK_OVERLAP_IOS = 4
} dk_overlap_kind;

/// Structure-of-arrays view of `count` xyxy boxes. `aspect` is atan(w / h) per box and is read only for CIoU.
typedef struct {
    const float *x1;
    const float *y1;
    const float *x2;
    const float *y2;
    const float *aspect;
    size_t count;
} dk_boxes;

/// One box, with its atan(w / h) (read only for CIoU).
typedef struct {
    float x1, y1, x2, y2, aspect;
} dk_box;

/// out[j] = overlap(box, boxes[j]) for every j. `offset` is 0 (continuous) or 1 (pixel-inclusive).
/// Runs the widest vector code the CPU supports (`dk_overlap_best_level`).
void dk_overlap_one_to_many(dk_overlap_kind kind, dk_box box, dk_boxes boxes, float offset, float *out);

/// `dk_overlap_one_to_many` with the code of one instruction-set level (0 portable, 1 AVX2, 2 AVX-512; -1 the
/// widest this CPU has), for tests that check every path; returns 0, doing nothing, when the CPU lacks it. The
/// choice is per call: nothing process-wide changes.
int dk_overlap_one_to_many_level(int level, dk_overlap_kind kind, dk_box box, dk_boxes boxes, float offset, float *out);

/// The boxes that overlap `box` at all: computes IoU(box, boxes[j]) for every j, then writes the entries with
/// IoU > 0 densely, `ious[k]` and their positions `indices[k]`, and returns how many there are. Both outputs need
/// room for `boxes.count + 16` values (the vector path stores whole registers).
size_t dk_iou_positive(dk_box box, dk_boxes boxes, float offset, float *ious, int32_t *indices);

/// The widest instruction-set level this CPU has for the overlap kernels: 2 for AVX-512 (F, VL, DQ), 1 for
/// AVX2, 0 for portable code. Worked out once per process (`pthread_once`).
int dk_overlap_best_level(void);

#endif
