/* Unit tests for sl_console_series: rates between two snapshots, counter restarts, lag of
 * the groups on the pipeline topic, and latency quantiles from histogram buckets. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sl_console_series.h"

static sl_console_topic_t *add_topic(sl_console_snap_t *s, const char *name, int dlq, int64_t h0,
                                     int64_t h1) {
    sl_console_topic_t *t = &s->topics[s->n_topics++];
    t->name = name;
    t->dlq = dlq;
    t->n_partitions = 2;
    t->partitions = sl_console_arena_alloc(s->arena, 2 * sizeof *t->partitions);
    t->partitions[0] = (sl_console_partition_t){.id = 0, .low = 0, .high = h0};
    t->partitions[1] = (sl_console_partition_t){.id = 1, .low = 0, .high = h1};
    return t;
}

static void component(sl_console_snap_t *s, double fetched, double consumed, double written,
                      const double *cum) {
    s->components = sl_console_arena_alloc(s->arena, 2 * sizeof *s->components);
    s->n_components = 2;
    for (int i = 0; i < 2; i++)
        for (int m = 0; m < SL_CONSOLE_M_COUNT; m++)
            s->components[i].m[m] = NAN;
    s->components[0].kind = SL_CONSOLE_KIND_INGEST;
    s->components[0].m[SL_CONSOLE_M_INGEST_FETCHED] = fetched;
    sl_console_component_t *p = &s->components[1];
    p->kind = SL_CONSOLE_KIND_PROCESS;
    p->m[SL_CONSOLE_M_PROCESS_CONSUMED] = consumed;
    p->m[SL_CONSOLE_M_PROCESS_WRITTEN] = written;
    p->n_e2e = 3;
    double le[3] = {0.1, 1, INFINITY};
    memcpy(p->e2e_le, le, sizeof le);
    memcpy(p->e2e_cum, cum, 3 * sizeof *cum);
}

static sl_console_snap_t *snap(int64_t mono, int64_t h0, int64_t h1, int64_t dlq_high,
                               double fetched, double consumed, double written, const double *cum) {
    sl_console_snap_t *s = sl_console_snap_new(1 << 20);
    s->mono_ms = mono;
    s->topics = sl_console_arena_alloc(s->arena, 4 * sizeof *s->topics);
    add_topic(s, "t", 0, h0, h1);
    add_topic(s, "t.dlq", 1, dlq_high, 0);
    component(s, fetched, consumed, written, cum);
    s->groups = sl_console_arena_alloc(s->arena, sizeof *s->groups);
    s->n_groups = 1;
    sl_console_group_t *g = &s->groups[0];
    g->id = "g";
    g->offsets = sl_console_arena_alloc(s->arena, 2 * sizeof *g->offsets);
    g->offsets[0] = (sl_console_committed_t){"t", 0, 90};
    g->offsets[1] = (sl_console_committed_t){"t", 1, h1};
    g->n_offsets = 2;
    return s;
}

static void rates_lag_latency(void **state) {
    (void)state;
    double c0[3] = {10, 20, 20}, c1[3] = {30, 60, 60};
    sl_console_snap_t *a = snap(1000, 100, 200, 5, 500, 1000, 900, c0);
    sl_console_snap_t *b = snap(3000, 150, 250, 7, 20, 1200, 1100, c1);
    double p[SL_CONSOLE_S_COUNT];
    sl_console_series_point(NULL, a, "t", p);
    assert_true(isnan(p[SL_CONSOLE_S_PRODUCED]));
    assert_true(p[SL_CONSOLE_S_LAG] == 10); /* 100 - 90, partition 1 caught up */
    sl_console_series_point(a, b, "t", p);
    assert_true(p[SL_CONSOLE_S_PRODUCED] == 50);  /* 100 messages in 2 s */
    assert_true(p[SL_CONSOLE_S_TOPICS_IN] == 50); /* the DLQ is not counted here */
    assert_true(p[SL_CONSOLE_S_DEAD] == 1);       /* 2 in 2 s */
    assert_true(p[SL_CONSOLE_S_FETCHED] == 10);   /* restarted: 20 since the restart */
    assert_true(p[SL_CONSOLE_S_CONSUMED] == 100);
    assert_true(p[SL_CONSOLE_S_WRITTEN] == 100);
    assert_true(p[SL_CONSOLE_S_LAG] == 60);
    assert_true(fabs(p[SL_CONSOLE_S_E2E_P50] - 0.1) < 1e-9);
    assert_true(fabs(p[SL_CONSOLE_S_E2E_P99] - 0.982) < 1e-9);
    assert_true(b->components[1].rate[SL_CONSOLE_M_PROCESS_CONSUMED] == 100);
    assert_true(isnan(b->components[0].rate[SL_CONSOLE_M_PROCESS_CONSUMED]));
    /* an unknown pipeline topic has no produced rate and no lag */
    sl_console_series_point(a, b, "nope", p);
    assert_true(isnan(p[SL_CONSOLE_S_PRODUCED]) && isnan(p[SL_CONSOLE_S_LAG]));
    assert_string_equal(sl_console_series_name(SL_CONSOLE_S_WRITTEN), "written");
    sl_console_snap_free(a);
    sl_console_snap_free(b);
}

static void lookups(void **state) {
    (void)state;
    double c[3] = {0, 0, 0};
    sl_console_snap_t *s = snap(0, 1, 2, 0, 0, 0, 0, c);
    assert_non_null(sl_console_snap_topic(s, "t.dlq"));
    assert_null(sl_console_snap_topic(s, "u"));
    assert_non_null(sl_console_snap_group(s, "g"));
    assert_int_equal(sl_console_snap_committed(&s->groups[0], "t", 0), 90);
    assert_int_equal(sl_console_snap_committed(&s->groups[0], "t", 5), -1);
    int n = 0;
    /* committed beyond the high watermark counts as no lag, not as negative */
    assert_int_equal(sl_console_snap_lag(&s->groups[0], &s->topics[0], &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(sl_console_snap_lag(&s->groups[0], &s->topics[1], &n), -1);
    sl_console_snap_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rates_lag_latency),
        cmocka_unit_test(lookups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
