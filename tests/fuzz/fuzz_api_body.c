/*
 * Fuzz target for sl_api_body: arbitrary bytes as an API response body. The first
 * byte picks a chunk size so that chunk boundaries land everywhere; the rest is the
 * body. Checks beyond "no crash": counters add up, every accepted record validates
 * again and survives the Kafka JSON round trip unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_api.h"
#include "sl_record_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok) {
    if (!ok)
        abort();
}

static int on_user(void *opaque, size_t index, const sl_record_t *rec, sl_reject_t reject,
                   sl_field_t field) {
    size_t *seen = opaque;
    check(index == (*seen)++);
    check((int)reject >= 0 && (int)reject < SL_REJECT_COUNT);
    if (reject != SL_REJECT_NONE) {
        check(field >= SL_FIELD_NONE && field < SL_FIELD_COUNT);
        return 0;
    }
    check(field == SL_FIELD_NONE);
    check(sl_record_validate(rec, NULL) == SL_REJECT_NONE);
    static char json[SL_RECORD_JSON_MAX];
    static char scratch[SL_RECORD_SCRATCH_SIZE];
    size_t n = sl_record_to_json(rec, json, sizeof json);
    check(n < sizeof json);
    sl_record_t back;
    check(sl_record_from_json(json, n, &back, scratch, sizeof scratch, NULL) == SL_REJECT_NONE);
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        check(back.field[i].len == rec->field[i].len);
        check(memcmp(back.field[i].ptr, rec->field[i].ptr, rec->field[i].len) == 0);
        check(rec->field[i].ptr[rec->field[i].len] == '\0');
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    size_t chunk = data[0] ? data[0] : size;
    data++;
    size--;
    size_t seen = 0;
    sl_api_parser_t *p = sl_api_parser_new(on_user, &seen);
    if (!p)
        return 0;
    sl_api_err_t err = SL_API_ERR_OK;
    for (size_t at = 0; at < size && err == SL_API_ERR_OK; at += chunk) {
        size_t n = size - at < chunk ? size - at : chunk;
        err = sl_api_parser_feed(p, data + at, n, NULL, 0);
    }
    char errstr[256];
    sl_api_err_t fin = sl_api_parser_finish(p, errstr, sizeof errstr);
    check(err == SL_API_ERR_OK || fin == err);
    check(strlen(errstr) < sizeof errstr);
    const sl_api_stats_t *st = sl_api_parser_stats(p);
    check(st->users == seen && st->users == st->accepted + st->rejected);
    size_t sum = 0;
    for (int i = 0; i < SL_REJECT_COUNT; i++)
        sum += st->by_reason[i];
    check(sum == st->users && st->by_reason[0] == st->accepted);
    const sl_api_info_t *info = sl_api_parser_info(p);
    check(strlen(info->seed) < SL_API_INFO_STR_MAX && strlen(info->version) < SL_API_INFO_STR_MAX);
    const char *msg = sl_api_parser_error_message(p);
    check(fin != SL_API_ERR_API_ERROR || msg != NULL);
    sl_api_parser_free(p);
    return 0;
}
