/*
 * sl_ingest_fetch — concurrent page transfers over one libcurl multi handle.
 *
 * A fixed set of slots, one per allowed concurrent page, lives for the whole run; each
 * slot owns its curl easy handle, its streaming body parser and a record arena, reused
 * from page to page so that the steady state allocates nothing per page or per record.
 * While a body streams in, it is parsed and each user is encoded straight into the
 * slot's arena (the Kafka message value, and the id as key). Nothing leaves the slot
 * until the body is complete and well-formed, so a page that fails half-way is retried
 * whole and never yields duplicates. This module runs transfers and classifies their
 * outcome; when to retry and what to produce is the run loop's business.
 * Internal to the ingest module; single-threaded.
 */
#ifndef SL_INGEST_FETCH_H
#define SL_INGEST_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "sl_api.h"
#include "sl_buf.h"
#include "sl_ingest.h"
#include "sl_ingest_stats.h"
#include "sl_record.h"

/* One user of a fetched page, as offsets into the slot's arena. */
typedef struct {
    uint32_t key_off, key_len; /* the id (empty if the user had none) */
    uint32_t val_off, val_len; /* the record as JSON, or as the encoder wrote it */
    uint32_t raw_off, raw_len; /* rejected users: the user object as sent, in the slot's
                                  body buffer; raw_len 0 if it could not be delimited */
    uint8_t reject;            /* sl_reject_t; SL_REJECT_NONE for good records */
    int8_t field;              /* sl_field_t at fault, or SL_FIELD_NONE */
} sl_ingest_fetch_rec_t;

/* Longest original user object kept for the dead-letter topic; a longer one is
 * dead-lettered in its flattened form. */
#define SL_INGEST_FETCH_RAW_MAX 65536

typedef enum {
    SL_INGEST_FETCH_FREE = 0, /* no page */
    SL_INGEST_FETCH_WAITING,  /* page waits for its retry time (due_ms) */
    SL_INGEST_FETCH_RUNNING,  /* transfer in progress */
    SL_INGEST_FETCH_DONE,     /* transfer finished; outcome set; the run loop acts on it */
    SL_INGEST_FETCH_PRODUCING /* records being handed to the producer (cursor) */
} sl_ingest_fetch_state_t;

/* A slot. Owned by the fetcher; the run loop reads the results and keeps its page
 * bookkeeping in the public members. */
typedef struct sl_ingest_fetch_slot_s {
    sl_ingest_fetch_state_t state;
    /* page bookkeeping (the run loop's) */
    uint64_t page;
    unsigned results;      /* users asked for */
    unsigned attempt;      /* 0 for the first try */
    uint64_t first_ms;     /* when the first try started (the run's clock) */
    uint64_t due_ms;       /* for WAITING */
    size_t cursor;         /* for PRODUCING: next record to hand over */
    int64_t fetched_at_ms; /* wall clock at completion, the message timestamp */
    /* outcome of the last transfer (valid in DONE/PRODUCING) */
    sl_ingest_outcome_t outcome;
    int retriable;
    long http_status;
    int has_retry_after;
    uint64_t retry_after_ms;
    double seconds;   /* request duration */
    char detail[256]; /* why it failed: curl's text, the API's message, parser detail */
    char url[2048];
    /* results (valid in DONE/PRODUCING with outcome OK) */
    sl_ingest_fetch_rec_t *recs;
    size_t n_recs;
    size_t n_rejects;
    sl_buf_t arena; /* keys and values of recs, capped (twice the body cap and more) */
    sl_buf_t body;  /* the body as received, capped at max_body (kept to dead-letter
                       original bytes) */
    /* private */
    size_t recs_cap;
    struct sl_ingest_raw_range_s *ranges; /* scratch for delimiting users, recs_cap entries */
    void *easy;
    sl_api_parser_t *parser;
    struct sl_ingest_fetch_s *owner;
    int aborted; /* write callback stopped the transfer */
    sl_ingest_outcome_t abort_outcome;
    int headers_done;
    char retry_after[64];
    char errbody[256]; /* first bytes of a non-200 body */
    size_t errbody_len;
    int64_t started_us;
} sl_ingest_fetch_slot_t;

typedef struct sl_ingest_fetch_s sl_ingest_fetch_t;

typedef struct sl_ingest_fetch_conf_s {
    unsigned slots;              /* concurrency, >= 1 */
    unsigned batch;              /* most users per page */
    long connect_timeout_ms;     /* TCP+TLS connect */
    long timeout_ms;             /* whole transfer */
    size_t max_body;             /* body cap; a larger body fails the request */
    const char *user_agent;      /* copied */
    sl_ingest_encoder_t encoder; /* for good records; encode NULL: JSON */
} sl_ingest_fetch_conf_t;

/* Creates the fetcher with conf->slots slots (curl_global_init must have run).
 * Returns NULL with errstr set on failure. Must be freed with sl_ingest_fetch_free(). */
sl_ingest_fetch_t *sl_ingest_fetch_new(const sl_ingest_fetch_conf_t *conf, char *errstr,
                                       size_t errstr_size);
/* Cancels running transfers and frees everything. NULL is a no-op. */
void sl_ingest_fetch_free(sl_ingest_fetch_t *f);

/* Slot i (0 <= i < sl_ingest_fetch_slots()); the pointer is stable for the fetcher's life. */
sl_ingest_fetch_slot_t *sl_ingest_fetch_slot(sl_ingest_fetch_t *f, unsigned i);
unsigned sl_ingest_fetch_slots(const sl_ingest_fetch_t *f);

/* Starts slot's transfer of slot->url (the caller fills url, page, results); the slot
 * becomes RUNNING. Returns 0, or -1 with slot DONE and outcome OTHER if curl refused. */
int sl_ingest_fetch_start(sl_ingest_fetch_t *f, sl_ingest_fetch_slot_t *slot);

/* Drives transfers: waits up to timeout_ms for network activity or for extra_fd (-1 for
 * none) to become readable, then moves finished transfers to DONE. Returns the number of
 * slots that became DONE. */
int sl_ingest_fetch_poll(sl_ingest_fetch_t *f, int timeout_ms, int extra_fd);

/* Number of RUNNING slots. */
unsigned sl_ingest_fetch_running(const sl_ingest_fetch_t *f);

/* Stops slot's running transfer (if any) and marks it FREE. */
void sl_ingest_fetch_cancel(sl_ingest_fetch_t *f, sl_ingest_fetch_slot_t *slot);

/* Classification of a finished transfer, exposed for tests: given curl's result code
 * (0 = CURLE_OK), the HTTP status, the parser's verdict and whether the write callback
 * aborted with an outcome, the request's outcome and whether a retry may help. */
sl_ingest_outcome_t sl_ingest_fetch_classify(int curl_code, long http_status, int aborted,
                                             sl_ingest_outcome_t abort_outcome,
                                             sl_api_err_t body_err, int *retriable);

#endif
