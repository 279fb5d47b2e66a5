/* Unit tests for sl_console_prom: the exposition format as sluice's components write it,
 * label escapes, special values, and malformed lines counted and skipped. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sl_console_prom.h"

typedef struct {
    int n;
    char names[16][64];
    char labels[16][128];
    double values[16];
} seen_t;

static void collect(void *opaque, const char *name, size_t name_len, const char *labels,
                    size_t labels_len, double value) {
    seen_t *s = opaque;
    if (s->n >= 16)
        return;
    snprintf(s->names[s->n], sizeof s->names[0], "%.*s", (int)name_len, name);
    snprintf(s->labels[s->n], sizeof s->labels[0], "%.*s", (int)labels_len, labels);
    s->values[s->n] = value;
    s->n++;
}

static void samples(void **state) {
    (void)state;
    const char *text = "# HELP sluice_x_total Things.\n"
                       "# TYPE sluice_x_total counter\n"
                       "sluice_x_total 42\n"
                       "\n"
                       "sluice_y{reason=\"bad_email\",topic=\"t\"} 3 1700000000000\r\n"
                       "  lat_bucket{le=\"+Inf\"}\t7\n"
                       "g NaN\n"
                       "h -Inf\n"
                       "e{a=\"q\\\"uo\\\\te\\n\",} 1.5e3";
    seen_t s = {0};
    assert_int_equal(sl_console_prom_parse(text, strlen(text), collect, &s), 0);
    assert_int_equal(s.n, 6);
    assert_string_equal(s.names[0], "sluice_x_total");
    assert_true(s.values[0] == 42);
    assert_string_equal(s.labels[0], "");
    assert_string_equal(s.names[1], "sluice_y");
    assert_string_equal(s.labels[1], "reason=\"bad_email\",topic=\"t\"");
    assert_true(s.values[1] == 3);
    assert_string_equal(s.names[2], "lat_bucket");
    assert_true(isnan(s.values[3]));
    assert_true(isinf(s.values[4]) && s.values[4] < 0);
    assert_true(s.values[5] == 1500);
    char v[32];
    assert_int_equal(sl_console_prom_label(s.labels[1], strlen(s.labels[1]), "topic", v, sizeof v),
                     0);
    assert_string_equal(v, "t");
    assert_int_equal(sl_console_prom_label(s.labels[5], strlen(s.labels[5]), "a", v, sizeof v), 0);
    assert_string_equal(v, "q\"uo\\te\n");
    assert_int_equal(sl_console_prom_label(s.labels[5], strlen(s.labels[5]), "b", v, sizeof v), -1);
    /* a value cut to fit */
    char small[3];
    assert_int_equal(
        sl_console_prom_label(s.labels[1], strlen(s.labels[1]), "reason", small, sizeof small), 0);
    assert_string_equal(small, "ba");
}

static void malformed(void **state) {
    (void)state;
    const char *bad[] = {
        "1abc 1",                /* name starts with a digit */
        "abc",                   /* no value */
        "abc 1 2 3",             /* junk after the timestamp */
        "abc{a=\"1\" 1",         /* unclosed label set */
        "abc{a=1} 1",            /* unquoted label value */
        "abc{a=\"\\x\"} 1",      /* bad escape */
        "abc{=\"1\"} 1",         /* no label name */
        "abc 0x10",              /* hex is not a value here */
        "abc 1 12.5",            /* fractional timestamp */
        "abc{a=\"1\"}1",         /* no blank before the value */
        "abc{a=\"1\"b=\"2\"} 1", /* no comma between labels */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        seen_t s = {0};
        assert_int_equal(sl_console_prom_parse(bad[i], strlen(bad[i]), collect, &s), 1);
        assert_int_equal(s.n, 0);
    }
    /* good lines around a bad one still count */
    const char *mixed = "a 1\nbroken{\nb 2\n";
    seen_t s = {0};
    assert_int_equal(sl_console_prom_parse(mixed, strlen(mixed), collect, &s), 1);
    assert_int_equal(s.n, 2);
    assert_int_equal(sl_console_prom_parse("", 0, collect, &s), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(samples),
        cmocka_unit_test(malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
