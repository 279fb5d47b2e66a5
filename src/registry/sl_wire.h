/*
 * sl_wire — the Confluent wire format of a Kafka message value: the magic byte 0x00, the
 * schema id as 4 bytes big-endian, then the payload (Avro binary for the record). A value
 * whose first byte is not 0x00 is not framed (sluice's JSON records start with '{').
 * Pure functions over caller-held bytes; no allocation.
 */
#ifndef SL_WIRE_H
#define SL_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define SL_WIRE_MAGIC 0x00
#define SL_WIRE_HEADER_SIZE 5

/* Writes the 5-byte header for schema id into out. */
void sl_wire_header(int32_t id, unsigned char out[SL_WIRE_HEADER_SIZE]);

/* 1 if msg[0..len) starts with the magic byte (so it is meant as Confluent-framed),
 * else 0 (an empty value is not framed). */
int sl_wire_is_framed(const void *msg, size_t len);

/* Splits a framed value: *id receives the schema id, *payload and *payload_len the bytes
 * after the header (borrowed from msg). Returns 0, or -1 if the value is shorter than the
 * header or does not start with the magic byte (outputs untouched). A negative id is
 * returned as is: no registry hands one out, so it is unknown to all of them. */
int sl_wire_parse(const void *msg, size_t len, int32_t *id, const unsigned char **payload,
                  size_t *payload_len);

#endif
