// PNG through libpng. libpng reports errors by calling an error function that must not return; the only way
// out is longjmp, which Swift cannot do, so every libpng call happens here, between a setjmp and the status
// code handed back to Swift.
#include "CCodecShims.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/// Reading from memory, with the error message of the failure.
typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    char *message;
} png_source;

static void on_error(png_structp png, png_const_charp text) {
    png_source *src = (png_source *)png_get_error_ptr(png);
    if (src && src->message && src->message[0] == 0) snprintf(src->message, DK_MESSAGE_SIZE, "%s", text);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;  // recoverable problems (bad ancillary chunks) are ignored, as Pillow does
}

static void read_from_memory(png_structp png, png_bytep out, size_t length) {
    png_source *src = (png_source *)png_get_io_ptr(png);
    if (length > src->size - src->offset) png_error(png, "truncated file");
    memcpy(out, src->data + src->offset, length);
    src->offset += length;
}

/// Sets up the transforms of DetectKit's convention; returns the number of passes.
static int set_transforms(png_structp png, png_infop info) {
    png_set_expand(png);  // palette → RGB, gray < 8 bits → 8, tRNS → alpha
    png_set_strip_16(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    return passes;
}

/// Opens `data` and reads through the header; on failure fills `message` and returns 0.
static int open_png(png_source *src, png_structp *png, png_infop *info) {
    *png = NULL;
    *info = NULL;
    if (src->size < 8 || png_sig_cmp(src->data, 0, 8) != 0) {
        snprintf(src->message, DK_MESSAGE_SIZE, "not a PNG file (bad signature)");
        return 0;
    }
    *png = png_create_read_struct(PNG_LIBPNG_VER_STRING, src, on_error, on_warning);
    if (!*png) {
        snprintf(src->message, DK_MESSAGE_SIZE, "out of memory");
        return 0;
    }
    *info = png_create_info_struct(*png);
    if (!*info) {
        snprintf(src->message, DK_MESSAGE_SIZE, "out of memory");
        return 0;
    }
    // No limit from libpng itself beyond its defaults: the caller checks the pixel budget from the header.
    png_set_user_limits(*png, 0x7fffffff, 0x7fffffff);
    png_set_read_fn(*png, src, read_from_memory);
    return 1;
}

/// Reads the header and, when `out` is given, the pixels. One function for both, because the setjmp that
/// catches libpng's errors must stay in the frame that runs the reading.
static int read_png(const uint8_t *data, size_t size, dk_image_info *info_out, uint8_t *out, size_t out_size,
                    char *message) {
    message[0] = 0;
    png_source src = {data, size, 0, message};
    png_structp png;
    png_infop info;
    if (!open_png(&src, &png, &info)) {
        png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
        return DK_FAILED;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return DK_FAILED;
    }
    png_read_info(png, info);
    int passes = set_transforms(png, info);
    size_t width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    if (info_out) {
        info_out->width = (uint32_t)width;
        info_out->height = (uint32_t)height;
        info_out->channels = png_get_channels(png, info);
    }
    if (out) {
        size_t stride = png_get_rowbytes(png, info);
        if (stride != width * png_get_channels(png, info) || stride * height != out_size) {
            png_error(png, "output buffer does not match the image");
        }
        for (int pass = 0; pass < passes; pass++) {
            for (size_t y = 0; y < height; y++) png_read_row(png, out + y * stride, NULL);
        }
        png_read_end(png, NULL);
    }
    png_destroy_read_struct(&png, &info, NULL);
    return DK_OK;
}

int dk_png_info(const uint8_t *data, size_t size, dk_image_info *info, char *message) {
    return read_png(data, size, info, NULL, 0, message);
}

int dk_png_decode(const uint8_t *data, size_t size, uint8_t *out, size_t out_size, char *message) {
    return read_png(data, size, NULL, out, out_size, message);
}

/// A growing output buffer.
typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
    char *message;
} png_sink;

static void write_to_memory(png_structp png, png_bytep bytes, size_t length) {
    png_sink *sink = (png_sink *)png_get_io_ptr(png);
    if (length > sink->capacity - sink->size) {
        size_t capacity = sink->capacity ? sink->capacity : 65536;
        while (length > capacity - sink->size) capacity *= 2;
        uint8_t *grown = realloc(sink->data, capacity);
        if (!grown) png_error(png, "out of memory");
        sink->data = grown;
        sink->capacity = capacity;
    }
    memcpy(sink->data + sink->size, bytes, length);
    sink->size += length;
}

static void flush_nothing(png_structp png) { (void)png; }

static void on_write_error(png_structp png, png_const_charp text) {
    png_sink *sink = (png_sink *)png_get_error_ptr(png);
    if (sink && sink->message[0] == 0) snprintf(sink->message, DK_MESSAGE_SIZE, "%s", text);
    png_longjmp(png, 1);
}

int dk_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int32_t channels, int32_t level,
                  uint8_t **out, size_t *out_size, char *message) {
    static const int color_types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                       PNG_COLOR_TYPE_RGB_ALPHA};
    message[0] = 0;
    *out = NULL;
    *out_size = 0;
    if (channels < 1 || channels > 4 || width == 0 || height == 0) {
        snprintf(message, DK_MESSAGE_SIZE, "cannot encode a %ux%u image with %d channels", width, height, channels);
        return DK_FAILED;
    }
    png_sink sink = {NULL, 0, 0, message};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_write_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        snprintf(message, DK_MESSAGE_SIZE, "out of memory");
        png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
        return DK_FAILED;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(sink.data);
        return DK_FAILED;
    }
    png_set_write_fn(png, &sink, write_to_memory, flush_nothing);
    png_set_compression_level(png, level < 0 ? 0 : (level > 9 ? 9 : level));
    png_set_IHDR(png, info, width, height, 8, color_types[channels], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    size_t stride = (size_t)width * (size_t)channels;
    for (uint32_t y = 0; y < height; y++) png_write_row(png, pixels + y * stride);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out = sink.data;
    *out_size = sink.size;
    return DK_OK;
}
