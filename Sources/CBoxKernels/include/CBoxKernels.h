#ifndef DETECTKIT_CBOXKERNELS_H
#define DETECTKIT_CBOXKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Which overlap measure a kernel computes (see Boxes/Overlap.swift for the maths).
typedef enum {
    DK_OVERLAP_IOU = 0,
    DK_OVERLAP_GIOU = 1,
    DK_OVERLAP_DIOU = 2,
    DK_OVERLAP_CIOU = 3
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
/// Runs the widest vector code the CPU supports (AVX-512, AVX2 or portable), chosen once at first call.
void dk_overlap_one_to_many(dk_overlap_kind kind, dk_box box, dk_boxes boxes, float offset, float *out);

/// The boxes that overlap `box` at all: computes IoU(box, boxes[j]) for every j, then writes the entries with
/// IoU > 0 densely, `ious[k]` and their positions `indices[k]`, and returns how many there are. Both outputs need
/// room for `boxes.count + 16` values (the vector path stores whole registers).
size_t dk_iou_positive(dk_box box, dk_boxes boxes, float offset, float *ious, int32_t *indices);

/// Name of the instruction set the dispatcher chose: "avx512", "avx2" or "portable".
const char *dk_overlap_isa(void);

#endif
