/* Outcome labels; see sl_ingest_outcome.h. */
#include "sl_ingest_outcome.h"

static const char *const labels[SL_INGEST_OUTCOME_COUNT] = {
#define SL_INGEST_OUTCOME_LABEL_(sym, label) label,
    SL_INGEST_OUTCOME_LIST(SL_INGEST_OUTCOME_LABEL_)
#undef SL_INGEST_OUTCOME_LABEL_
};

const char *sl_ingest_outcome_label(sl_ingest_outcome_t o) {
    return (unsigned)o < SL_INGEST_OUTCOME_COUNT ? labels[o] : "unknown";
}
