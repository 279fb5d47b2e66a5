/*
 * cql_lb — replication strategies and replica placement for the session's load
 * balancing: which hosts hold a token's data, so that a request goes to a replica in the
 * local datacenter. See cql_lb.h.
 */
#include <stdlib.h>
#include <string.h>

#include "cql_lb.h"

static bool text_eq(const uint8_t *p, size_t n, const char *s) {
    return strlen(s) == n && memcmp(p, s, n) == 0;
}

/* A decimal replica count from a map value: "3" (NetworkTopologyStrategy also allows
 * "3/1" for transient replicas: the full replicas are the first number). */
static bool parse_rf(const uint8_t *p, size_t n, uint32_t *out) {
    uint32_t v = 0;
    size_t i = 0;
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
        v = v * 10 + (uint32_t)(p[i] - '0');
        if (v > 1000)
            return false;
    }
    if (i == 0 || (i < n && p[i] != '/'))
        return false;
    *out = v;
    return true;
}

static bool class_is(const uint8_t *p, size_t n, const char *simple) {
    static const char pkg[] = "org.apache.cassandra.locator.";
    size_t k = sizeof pkg - 1;
    if (n > k && memcmp(p, pkg, k) == 0) {
        p += k;
        n -= k;
    }
    return text_eq(p, n, simple);
}

bool cql_lb_repl_parse(const cql_value_t *map, cql_lb_repl_t *out) {
    memset(out, 0, sizeof *out);
    cql_value_iter_t it;
    if (cql_value_iter_init(&it, map) != CQL_OK)
        return false;
    cql_lb_repl_t r = {.kind = CQL_LB_REPL_UNKNOWN};
    bool have_class = false, have_rf = false;
    cql_value_t k, v;
    while (cql_value_iter_next(&it, &k, NULL)) {
        const uint8_t *kp, *vp;
        size_t kn, vn;
        if (!cql_value_iter_next(&it, &v, NULL) || cql_value_get_bytes(&k, &kp, &kn) != CQL_OK ||
            cql_value_get_bytes(&v, &vp, &vn) != CQL_OK || !kp || !vp)
            return false;
        if (text_eq(kp, kn, "class")) {
            have_class = true;
            if (class_is(vp, vn, "SimpleStrategy"))
                r.kind = CQL_LB_REPL_SIMPLE;
            else if (class_is(vp, vn, "NetworkTopologyStrategy"))
                r.kind = CQL_LB_REPL_NTS;
            else if (class_is(vp, vn, "LocalStrategy") || class_is(vp, vn, "EverywhereStrategy"))
                r.kind = CQL_LB_REPL_LOCAL;
        } else if (text_eq(kp, kn, "replication_factor")) {
            have_rf = parse_rf(vp, vn, &r.rf);
        } else if (r.n_dcs < CQL_LB_MAX_DCS && kn < CQL_LB_NAME_MAX) {
            uint32_t n;
            if (!parse_rf(vp, vn, &n))
                continue;
            memcpy(r.dc[r.n_dcs], kp, kn);
            r.dc[r.n_dcs][kn] = '\0';
            r.dc_rf[r.n_dcs++] = n;
        }
    }
    if (!have_class || r.kind == CQL_LB_REPL_UNKNOWN || (r.kind == CQL_LB_REPL_SIMPLE && !have_rf))
        return false;
    *out = r;
    return true;
}

static int token_cmp(const void *a, const void *b) {
    int64_t x = ((const cql_lb_token_t *)a)->token, y = ((const cql_lb_token_t *)b)->token;
    return x < y ? -1 : x > y;
}

void cql_lb_ring_sort(cql_lb_token_t *ring, size_t n) {
    if (n > 1)
        qsort(ring, n, sizeof *ring, token_cmp);
}

static size_t first_at_or_after(const cql_lb_token_t *ring, size_t n, int64_t t) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ring[mid].token < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == n ? 0 : lo;
}

static bool listed(const uint32_t *out, size_t k, uint32_t h) {
    for (size_t i = 0; i < k; i++)
        if (out[i] == h)
            return true;
    return false;
}

/* How many replicas host h's datacenter still wants (NetworkTopologyStrategy). */
static uint32_t *dc_quota(const cql_lb_repl_t *repl, uint32_t *left, const char *dc) {
    for (size_t d = 0; d < repl->n_dcs; d++)
        if (dc && !strcmp(repl->dc[d], dc))
            return &left[d];
    return NULL;
}

size_t cql_lb_replicas(const cql_lb_token_t *ring, size_t n, int64_t t, const cql_lb_repl_t *repl,
                       const char *const *host_dc, size_t n_hosts, uint32_t *out, size_t max) {
    if (!n || !max)
        return 0;
    size_t start = first_at_or_after(ring, n, t), k = 0;
    uint32_t want = 1, left[CQL_LB_MAX_DCS] = {0};
    switch (repl ? repl->kind : CQL_LB_REPL_UNKNOWN) {
    case CQL_LB_REPL_SIMPLE: want = repl->rf; break;
    case CQL_LB_REPL_NTS:
        want = 0;
        for (size_t d = 0; d < repl->n_dcs; d++) {
            left[d] = repl->dc_rf[d];
            want += repl->dc_rf[d];
        }
        break;
    case CQL_LB_REPL_LOCAL:
    case CQL_LB_REPL_UNKNOWN: want = 1; break;
    }
    for (size_t i = 0; i < n && k < want && k < max; i++) {
        uint32_t h = ring[(start + i) % n].host;
        if (h >= n_hosts || listed(out, k, h))
            continue;
        if (repl && repl->kind == CQL_LB_REPL_NTS) {
            uint32_t *q = dc_quota(repl, left, host_dc ? host_dc[h] : NULL);
            if (!q || *q == 0)
                continue;
            (*q)--;
        }
        out[k++] = h;
    }
    return k;
}

bool cql_lb_consistency_is_local(cql_consistency_t cl) {
    return cl == CQL_CONSISTENCY_LOCAL_ONE || cl == CQL_CONSISTENCY_LOCAL_QUORUM ||
           cl == CQL_CONSISTENCY_LOCAL_SERIAL;
}
