/*
 * sl_registry_decode — the one call the processor makes per message: value bytes in, a
 * validated record or what to do with the message out.
 *
 * A value whose first byte is 0x00 is Confluent-framed Avro (sl_wire): its writer schema
 * is fetched from the registry by id, compiled against the record's schema (sl_avro) and
 * kept in a bounded cache (ids are immutable, so a cached schema never goes stale); any
 * other value is the record's JSON (sl_record_from_json). The outcome tells the caller
 * which of four things to do:
 *
 *   OK      store *out.
 *   REJECT  dead-letter with *reject: the JSON reasons and validation of sl_record.h, and
 *           for Avro unknown_schema (the registry answered 40403 for the id: no registry
 *           has a negative id either), bad_avro (the bytes are not a datum of their
 *           writer schema, or too short for the header) and incompatible_schema (the
 *           writer schema is not Avro or cannot be resolved against the record's).
 *   WAIT    the registry is unreachable (connect error, timeout, 5xx, 429): nothing is
 *           wrong with the message. Keep it, hold its partition, call again after a
 *           backoff; never dead-letter it.
 *   FATAL   the registry cannot be used at all (credentials refused, the URL is not the
 *           Confluent API, answers that are not the API's, no registry configured for an
 *           Avro message): stop; errstr says why.
 *
 * Ids the registry does not know are remembered for conf.unknown_ttl_ms, so a run of such
 * messages costs one request, and an id registered later (a registry restarted with empty
 * storage, then re-registered) is found again after that time.
 *
 * A registry that keeps its storage in memory forgets every schema when it restarts, until
 * its producers (`sluice schema`, serializers) register them again, and nothing in the
 * Confluent API tells such a registry from one that never had the id. So a 404 is not
 * believed at once: the id is WAIT (its partition waits, nothing is dead-lettered) for
 * conf.lost_wait_ms from its first 404, and unknown_schema only after that; from then on
 * its 404s are believed at once, until it resolves again. The price: a message whose id
 * no registry ever had holds its partition for lost_wait_ms, once per id and process.
 * (At most 1,024 ids are tracked; a 404 beyond that is believed at once.) Compiled schemas that
 * cannot be resolved are remembered for good. Single-threaded, like the registry client.
 */
#ifndef SL_REGISTRY_DECODE_H
#define SL_REGISTRY_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "sl_record.h"
#include "sl_registry.h"

typedef enum {
    SL_REGISTRY_DECODE_OK = 0,
    SL_REGISTRY_DECODE_REJECT,
    SL_REGISTRY_DECODE_WAIT,
    SL_REGISTRY_DECODE_FATAL
} sl_registry_decode_result_t;

typedef struct sl_registry_decode_s sl_registry_decode_t;

typedef struct sl_registry_decode_conf_s {
    size_t cache_max;       /* writer schemas kept (compiled or known bad), >= 1 */
    int64_t unknown_ttl_ms; /* how long an id the registry does not know stays unknown */
    int64_t lost_wait_ms;   /* how long a 404 is not believed (see above); 0: believed at once */
} sl_registry_decode_conf_t;

/* Defaults: 64 schemas, unknown ids remembered for 30 s, a 404 believed after 60 s. */
void sl_registry_decode_conf_defaults(sl_registry_decode_conf_t *conf);

/* Counters since sl_registry_decode_new(). */
typedef struct sl_registry_decode_stats_s {
    uint64_t json;         /* messages decoded as JSON (whatever the outcome) */
    uint64_t avro;         /* messages framed as Avro (whatever the outcome) */
    uint64_t cache_hits;   /* Avro messages whose id was in the cache */
    uint64_t fetches;      /* schema requests to the registry */
    uint64_t fetch_errors; /* of those, failed for a reason not about the id */
    uint64_t evictions;    /* cache entries dropped for room */
    uint64_t lost_waits;   /* 404s not believed yet (a WAIT each) */
    size_t cached;         /* entries now */
} sl_registry_decode_stats_t;

/*
 * A decoder fetching writer schemas through registry (borrowed: it must outlive the
 * decoder; NULL when no registry is configured, then every Avro message is FATAL). conf
 * may be NULL for the defaults; it is copied. Returns NULL (errstr set) when memory runs
 * out. Must be freed with sl_registry_decode_free().
 */
sl_registry_decode_t *sl_registry_decode_new(sl_registry_t *registry,
                                             const sl_registry_decode_conf_t *conf, char *errstr,
                                             size_t errstr_size);
/* Frees the cache; NULL is a no-op. */
void sl_registry_decode_free(sl_registry_decode_t *d);

/*
 * Decodes the message value msg[0..len) (see above). On OK, *out holds the record with its
 * fields in scratch (scratch_size >= SL_RECORD_SCRATCH_SIZE) or static; on REJECT,
 * *reject is the reason (never SL_REJECT_NONE) and *field the field at fault or
 * SL_FIELD_NONE; on REJECT, WAIT and FATAL, errstr (may be NULL) says why: the registry's
 * message, libavro's or the check's text. msg may be freed after the call; it may be NULL
 * when len is 0 (a null Kafka value: not_json). May block in a registry request (first
 * message of an id, see sl_registry.h for how long).
 */
sl_registry_decode_result_t sl_registry_decode_message(sl_registry_decode_t *d, const void *msg,
                                                       size_t len, sl_record_t *out, char *scratch,
                                                       size_t scratch_size, sl_reject_t *reject,
                                                       sl_field_t *field, char *errstr,
                                                       size_t errstr_size);

void sl_registry_decode_stats(const sl_registry_decode_t *d, sl_registry_decode_stats_t *out);

/* A static name of a result ("ok", "reject", "wait", "fatal"). */
const char *sl_registry_decode_result_name(sl_registry_decode_result_t r);

#endif
