/*
 * The mock API's fault injector: a pure function from (fault seed, request number) to what
 * the request gets, so a failing run can be replayed with the same --fault-seed. The rates
 * split [0, 1) into consecutive bands: 5xx, 429, truncated, malformed, error, then ok.
 */
#include "sl_mix.h"
#include "sl_mockapi_fault.h"

#include <stdio.h>
#include <string.h>

/* Uniform double in [0, 1) from 53 bits. */
static double unit(uint64_t x) {
    return (double)(x >> 11) * (1.0 / 9007199254740992.0);
}

const char *sl_mockapi_fault_outcome_str(sl_mockapi_fault_outcome_t o) {
    switch (o) {
#define SL_MOCKAPI_FAULT_OUTCOME_STR_(name, text)                                                  \
    case SL_MOCKAPI_FAULT_##name: return text;
        SL_MOCKAPI_FAULT_OUTCOMES(SL_MOCKAPI_FAULT_OUTCOME_STR_)
#undef SL_MOCKAPI_FAULT_OUTCOME_STR_
    case SL_MOCKAPI_FAULT_OUTCOME_COUNT: break;
    }
    return "unknown";
}

int sl_mockapi_fault_conf_check(const sl_mockapi_fault_conf_t *conf, char *errstr,
                                size_t errstr_size) {
    const struct {
        const char *name;
        double v;
    } rates[] = {{"fail-rate", conf->fail_rate},
                 {"throttle-rate", conf->throttle_rate},
                 {"truncate-rate", conf->truncate_rate},
                 {"malformed-rate", conf->malformed_rate},
                 {"error-rate", conf->error_rate}};
    double sum = 0;
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        if (!(rates[i].v >= 0.0 && rates[i].v <= 1.0)) {
            snprintf(errstr, errstr_size, "--%s must be between 0 and 1, got %g", rates[i].name,
                     rates[i].v);
            return -1;
        }
        sum += rates[i].v;
    }
    if (sum > 1.0 + 1e-9) {
        snprintf(errstr, errstr_size, "the fault rates add up to %g; at most 1 is possible", sum);
        return -1;
    }
    if (conf->latency_ms > 600000 || conf->latency_jitter_ms > 600000) {
        snprintf(errstr, errstr_size, "--latency and --latency-jitter are capped at 600000 ms");
        return -1;
    }
    return 0;
}

sl_mockapi_fault_decision_t sl_mockapi_fault_decide(const sl_mockapi_fault_conf_t *conf,
                                                    uint64_t n) {
    sl_mockapi_fault_decision_t d = {SL_MOCKAPI_FAULT_OK, conf->latency_ms, 200, 1.0};
    uint64_t h = sl_mix64(conf->fault_seed ^ sl_mix64(n + 0x9e3779b97f4a7c15ULL));
    uint64_t h2 = sl_mix64(h ^ 0xd1b54a32d192ed03ULL);
    if (conf->latency_jitter_ms)
        d.latency_ms += (unsigned)(h2 % ((uint64_t)conf->latency_jitter_ms + 1));
    double u = unit(h);
    double band = conf->fail_rate;
    uint64_t pick = sl_mix64(h2);
    if (u < band) {
        static const int codes[] = {500, 502, 503, 504};
        d.outcome = SL_MOCKAPI_FAULT_FAIL;
        d.status = codes[pick % 4];
        return d;
    }
    if (u < (band += conf->throttle_rate)) {
        d.outcome = SL_MOCKAPI_FAULT_THROTTLE;
        d.status = 429;
        return d;
    }
    if (u < (band += conf->truncate_rate)) {
        d.outcome = SL_MOCKAPI_FAULT_TRUNCATE;
        d.cut_share = 0.1 + 0.8 * unit(pick);
        return d;
    }
    if (u < (band += conf->malformed_rate)) {
        d.outcome = SL_MOCKAPI_FAULT_MALFORMED;
        return d;
    }
    if (u < (band += conf->error_rate)) {
        d.outcome = SL_MOCKAPI_FAULT_ERROR;
        d.status = (pick & 1) ? 500 : 200;
        return d;
    }
    return d;
}

void sl_mockapi_fault_break_json(char *body, size_t len) {
    /* Prefer a realistic break in the middle: two user objects with no comma between them.
     * A body of one user gets a ':' where its first object should open instead. */
    static const char sep[] = "},{\"";
    for (size_t i = len / 2; i + sizeof sep - 1 <= len; i++) {
        if (memcmp(body + i, sep, sizeof sep - 1) == 0) {
            body[i + 1] = ' ';
            return;
        }
    }
    for (size_t i = 0; i + sizeof sep - 1 <= len / 2; i++) {
        if (memcmp(body + i, sep, sizeof sep - 1) == 0) {
            body[i + 1] = ' ';
            return;
        }
    }
    static const char start[] = "\"results\":[";
    for (size_t i = 0; i + sizeof start <= len; i++) {
        if (memcmp(body + i, start, sizeof start - 1) == 0) {
            body[i + sizeof start - 1] = ':';
            return;
        }
    }
    if (len > 0)
        body[len - 1] = ','; /* not JSON at all */
}
