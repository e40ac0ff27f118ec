#ifndef DETECTKIT_CCODECSHIMS_H
#define DETECTKIT_CCODECSHIMS_H

#include <stddef.h>
#include <stdint.h>

/// What a decoder will produce: size after its transforms, 8-bit channels per pixel (1 gray, 2 gray+alpha,
/// 3 RGB, 4 RGBA).
typedef struct {
    uint32_t width;
    uint32_t height;
    int32_t channels;
} dk_image_info;

/// Status of every call: 0 success, otherwise failure with a message from the library in `message`.
enum { DK_OK = 0, DK_FAILED = 1 };

/// Room for a library message, always NUL-terminated.
#define DK_MESSAGE_SIZE 256

/// PNG header: size and channels after DetectKit's transforms (palette and low bit depths expanded, tRNS made
/// alpha, 16-bit reduced to its high byte, interlacing undone).
int dk_png_info(const uint8_t *data, size_t size, dk_image_info *info, char *message);

/// Decodes a PNG into `out` (`info.width * info.height * info.channels` bytes, rows top to bottom).
int dk_png_decode(const uint8_t *data, size_t size, uint8_t *out, size_t out_size, char *message);

/// Encodes 8-bit pixels (1–4 channels) as PNG at zlib level `level` (0–9) into a buffer from malloc (`*out`, free
/// it with `free`).
int dk_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int32_t channels, int32_t level,
                  uint8_t **out, size_t *out_size, char *message);

/// JPEG header: size after DCT scaling by 1/`scale_denom` (1, 2, 4 or 8) and channels (1 gray, 3 otherwise:
/// YCbCr, RGB, CMYK and YCCK all come out as RGB).
int dk_jpeg_info(const uint8_t *data, size_t size, int32_t scale_denom, dk_image_info *info, char *message);

/// Decodes a JPEG into `out`, scaled by 1/`scale_denom` in the DCT. CMYK (Adobe inverted or not) and YCCK are
/// converted to RGB as Pillow's `convert("RGB")` does.
int dk_jpeg_decode(const uint8_t *data, size_t size, int32_t scale_denom, uint8_t *out, size_t out_size,
                   char *message);

/// Encodes 8-bit gray (1 channel) or RGB (3 channels) pixels as a baseline JPEG at `quality` (1–100), 4:2:0 for
/// colour, into a buffer from malloc (`*out`, free it with `free`).
int dk_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int32_t channels, int32_t quality,
                   uint8_t **out, size_t *out_size, char *message);

#endif
