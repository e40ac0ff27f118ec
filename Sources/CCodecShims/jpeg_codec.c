// JPEG through libjpeg(-turbo). Its default error handler exits the process; DetectKit's handler longjmps back
// here instead and the failure becomes a status code with libjpeg's message.
#include "CCodecShims.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;
} jpeg_failure;

static void on_error(j_common_ptr cinfo) {
    jpeg_failure *failure = (jpeg_failure *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    if (failure->message[0] == 0) snprintf(failure->message, DK_MESSAGE_SIZE, "%s", text);
    longjmp(failure->jump, 1);
}

/// Warnings are ignored (libjpeg recovers from them, as Pillow does), except a premature end of the data: a
/// truncated file is an error, not an image padded with gray.
static void on_message(j_common_ptr cinfo, int level) {
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) on_error(cinfo);
}

static void setup_errors(struct jpeg_decompress_struct *cinfo, jpeg_failure *failure, char *message) {
    message[0] = 0;
    failure->message = message;
    cinfo->err = jpeg_std_error(&failure->manager);
    failure->manager.error_exit = on_error;
    failure->manager.emit_message = on_message;
}

/// Reads the header and chooses the output: scaled size, gray or RGB (CMYK/YCCK come out as CMYK, converted
/// to RGB by `cmyk_to_rgb`).
static void read_header(struct jpeg_decompress_struct *cinfo, const uint8_t *data, size_t size,
                        int32_t scale_denom) {
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    if (jpeg_read_header(cinfo, TRUE) != JPEG_HEADER_OK) ERREXIT(cinfo, JERR_NO_IMAGE);
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE: cinfo->out_color_space = JCS_GRAYSCALE; break;
    case JCS_CMYK:
    case JCS_YCCK: cinfo->out_color_space = JCS_CMYK; break;
    default: cinfo->out_color_space = JCS_RGB; break;
    }
    cinfo->scale_num = 1;
    cinfo->scale_denom = (unsigned int)(scale_denom == 2 || scale_denom == 4 || scale_denom == 8 ? scale_denom : 1);
    jpeg_calc_output_dimensions(cinfo);
}

static int output_channels(const struct jpeg_decompress_struct *cinfo) {
    return cinfo->out_color_space == JCS_GRAYSCALE ? 1 : 3;
}

int dk_jpeg_info(const uint8_t *data, size_t size, int32_t scale_denom, dk_image_info *info, char *message) {
    struct jpeg_decompress_struct cinfo;
    jpeg_failure failure;
    setup_errors(&cinfo, &failure, message);
    jpeg_create_decompress(&cinfo);
    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return DK_FAILED;
    }
    read_header(&cinfo, data, size, scale_denom);
    info->width = cinfo.output_width;
    info->height = cinfo.output_height;
    info->channels = output_channels(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return DK_OK;
}

/// Pillow's CMYK JPEG handling: the samples are taken as Adobe-inverted ("CMYK;I"), then `cmyk2rgb`:
/// `nk = 255 - k`, `out = clip(nk - round(c · nk / 255))` with Pillow's MULDIV255 rounding.
static void cmyk_to_rgb(const uint8_t *in, uint8_t *out, size_t width) {
    for (size_t x = 0; x < width; x++, in += 4, out += 3) {
        int nk = in[3];  // 255 - (255 - k): the inversion and Pillow's 255 - k cancel
        for (int c = 0; c < 3; c++) {
            int v = 255 - in[c];
            int t = v * nk + 128;
            int r = nk - (((t >> 8) + t) >> 8);
            out[c] = (uint8_t)(r < 0 ? 0 : (r > 255 ? 255 : r));
        }
    }
}

int dk_jpeg_decode(const uint8_t *data, size_t size, int32_t scale_denom, uint8_t *out, size_t out_size,
                   char *message) {
    struct jpeg_decompress_struct cinfo;
    jpeg_failure failure;
    uint8_t *volatile cmyk_row = NULL;
    setup_errors(&cinfo, &failure, message);
    jpeg_create_decompress(&cinfo);
    if (setjmp(failure.jump)) {
        free(cmyk_row);
        jpeg_destroy_decompress(&cinfo);
        return DK_FAILED;
    }
    read_header(&cinfo, data, size, scale_denom);
    jpeg_start_decompress(&cinfo);
    size_t width = cinfo.output_width, channels = (size_t)output_channels(&cinfo);
    size_t stride = width * channels;
    if (stride * cinfo.output_height != out_size) ERREXIT(&cinfo, JERR_BAD_BUFFER_MODE);
    if (cinfo.out_color_space == JCS_CMYK) {
        cmyk_row = malloc(width * 4);
        if (!cmyk_row) ERREXIT1(&cinfo, JERR_OUT_OF_MEMORY, 0);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        uint8_t *row = out + (size_t)cinfo.output_scanline * stride;
        JSAMPROW target = cmyk_row ? cmyk_row : row;
        jpeg_read_scanlines(&cinfo, &target, 1);
        if (cmyk_row) cmyk_to_rgb(cmyk_row, row, width);
    }
    jpeg_finish_decompress(&cinfo);
    free(cmyk_row);
    jpeg_destroy_decompress(&cinfo);
    return DK_OK;
}

int dk_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int32_t channels, int32_t quality,
                   uint8_t **out, size_t *out_size, char *message) {
    struct jpeg_compress_struct cinfo;
    jpeg_failure failure;
    unsigned char *volatile buffer = NULL;
    unsigned long size = 0;
    message[0] = 0;
    *out = NULL;
    *out_size = 0;
    if ((channels != 1 && channels != 3) || width == 0 || height == 0 || width > 65500 || height > 65500) {
        snprintf(message, DK_MESSAGE_SIZE, "cannot encode a %ux%u image with %d channels as JPEG", width, height,
                 channels);
        return DK_FAILED;
    }
    failure.message = message;
    cinfo.err = jpeg_std_error(&failure.manager);
    failure.manager.error_exit = on_error;
    jpeg_create_compress(&cinfo);
    if (setjmp(failure.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return DK_FAILED;
    }
    jpeg_mem_dest(&cinfo, (unsigned char **)&buffer, &size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * (size_t)channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * stride);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = size;
    return DK_OK;
}
