/* Unit tests for sl_console_ring: order, wrap-around, fixed capacity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sl_console_ring.h"

static void order_and_wrap(void **state) {
    (void)state;
    assert_null(sl_console_ring_new(0, 2));
    assert_null(sl_console_ring_new(2, 0));
    sl_console_ring_t *r = sl_console_ring_new(3, 2);
    assert_non_null(r);
    assert_int_equal(sl_console_ring_count(r), 0);
    assert_int_equal(sl_console_ring_get(r, 0, NULL, NULL), -1);
    for (int i = 1; i <= 5; i++) {
        double v[2] = {i, i * 10.0};
        sl_console_ring_push(r, i * 1000, v);
        assert_int_equal(sl_console_ring_count(r), i < 3 ? i : 3);
    }
    assert_int_equal(sl_console_ring_capacity(r), 3);
    assert_int_equal(sl_console_ring_columns(r), 2);
    assert_int_equal(sl_console_ring_pushed(r), 5);
    /* holds 3, 4, 5, oldest first */
    for (size_t i = 0; i < 3; i++) {
        int64_t t;
        double v[2];
        assert_int_equal(sl_console_ring_get(r, i, &t, v), 0);
        assert_int_equal(t, (int64_t)(i + 3) * 1000);
        assert_true(v[0] == (double)(i + 3) && v[1] == (double)(i + 3) * 10);
    }
    assert_int_equal(sl_console_ring_get(r, 3, NULL, NULL), -1);
    sl_console_ring_free(r);
}

static void one_slot(void **state) {
    (void)state;
    sl_console_ring_t *r = sl_console_ring_new(1, 1);
    for (int i = 0; i < 1000; i++) {
        double v = i;
        sl_console_ring_push(r, i, &v);
    }
    int64_t t;
    double v;
    assert_int_equal(sl_console_ring_count(r), 1);
    assert_int_equal(sl_console_ring_get(r, 0, &t, &v), 0);
    assert_int_equal(t, 999);
    assert_true(v == 999);
    sl_console_ring_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(order_and_wrap),
        cmocka_unit_test(one_slot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
