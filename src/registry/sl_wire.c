/*
 * The Confluent framing: five bytes in front of the payload.
 */
#include "sl_wire.h"

void sl_wire_header(int32_t id, unsigned char out[SL_WIRE_HEADER_SIZE]) {
    uint32_t u = (uint32_t)id;
    out[0] = SL_WIRE_MAGIC;
    out[1] = (unsigned char)(u >> 24);
    out[2] = (unsigned char)(u >> 16);
    out[3] = (unsigned char)(u >> 8);
    out[4] = (unsigned char)u;
}

int sl_wire_is_framed(const void *msg, size_t len) {
    return len > 0 && ((const unsigned char *)msg)[0] == SL_WIRE_MAGIC;
}

int sl_wire_parse(const void *msg, size_t len, int32_t *id, const unsigned char **payload,
                  size_t *payload_len) {
    const unsigned char *p = msg;
    if (len < SL_WIRE_HEADER_SIZE || p[0] != SL_WIRE_MAGIC)
        return -1;
    uint32_t u = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
    *id = (int32_t)u;
    *payload = p + SL_WIRE_HEADER_SIZE;
    *payload_len = len - SL_WIRE_HEADER_SIZE;
    return 0;
}
