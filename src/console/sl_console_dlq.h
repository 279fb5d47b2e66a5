/*
 * sl_console_dlq — the dead-letter view: every topic whose name ends with the dead-letter
 * suffix is read from its start once and then incrementally, sample after sample, by a
 * consumer of its own (no group, nothing committed), and its messages are counted by their
 * `reason` header, keeping the newest few of each reason with the source topic, partition
 * and offset the processor wrote into the `source.*` headers. State is fixed-size (at most
 * SL_CONSOLE_DLQ_MAX_TOPICS topics — the pipeline's own always among them, the others
 * listed as not followed —, SL_CONSOLE_DLQ_MAX_REASONS reasons per topic, beyond which
 * messages count under "(other)", and SL_CONSOLE_DLQ_SAMPLES samples per reason with capped
 * fields), so memory does not grow with the topics. Used from the sampler thread only.
 */
#ifndef SL_CONSOLE_DLQ_H
#define SL_CONSOLE_DLQ_H

#include <stddef.h>

#include "sl_console_json.h"
#include "sl_console_kafka.h"
#include "sl_console_snap.h"

#define SL_CONSOLE_DLQ_MAX_TOPICS 32
#define SL_CONSOLE_DLQ_MAX_REASONS 32
#define SL_CONSOLE_DLQ_SAMPLES 3

typedef struct sl_console_dlq_s sl_console_dlq_t;

/* A reader with its own consumer for topics ending in suffix (copied; the source topic is
 * the name without it), always following pipeline_dlq (copied; may be NULL); log is
 * borrowed and must outlive it. Must be freed with sl_console_dlq_free(). NULL with errstr
 * filled on a bad property. */
sl_console_dlq_t *sl_console_dlq_new(const char *brokers, const char *const *props,
                                     const char *suffix, const char *pipeline_dlq,
                                     const sl_console_kafka_log_t *log, char *errstr,
                                     size_t errstr_size);
void sl_console_dlq_free(sl_console_dlq_t *d);

/* Follows the dead-letter topics of snap (its watermarks say how far to read): forgets
 * topics that are gone or were recreated, reads what is new, for at most budget_ms and
 * max_messages messages. */
void sl_console_dlq_update(sl_console_dlq_t *d, const sl_console_snap_t *snap, int budget_ms,
                           size_t max_messages);

/* Writes the view as a JSON object {"topics":[...],"not_followed":[names]} (see
 * docs/console.md). */
void sl_console_dlq_render(const sl_console_dlq_t *d, const sl_console_snap_t *snap,
                           sl_console_json_t *j);

#endif
