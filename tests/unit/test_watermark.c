/* Unit tests for sl_watermark: the commit point follows the contiguous run of done offsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "sl_watermark.h"

/* Tracks every offset from from up to end (not included); each must be accepted. */
static void track_all(sl_watermark_t *wm, int64_t from, int64_t end) {
    for (int64_t o = from; o < end; o++)
        assert_int_equal(sl_watermark_track(wm, o), SL_WATERMARK_OK);
}

static void empty_has_no_commit(void **state) {
    (void)state;
    sl_watermark_t *wm = sl_watermark_new(8);
    assert_int_equal(sl_watermark_commit_offset(wm), -1);
    assert_true(sl_watermark_has_room(wm));
    assert_null(sl_watermark_new(0));
    sl_watermark_free(wm);
}

static void out_of_order_completion(void **state) {
    (void)state;
    sl_watermark_t *wm = sl_watermark_new(16);
    track_all(wm, 100, 105);
    assert_int_equal(sl_watermark_commit_offset(wm), 100);
    assert_int_equal(sl_watermark_done(wm, 102), SL_WATERMARK_OK);
    assert_int_equal(sl_watermark_done(wm, 101), SL_WATERMARK_OK);
    assert_int_equal(sl_watermark_commit_offset(wm), 100); /* 100 still in flight */
    assert_int_equal(sl_watermark_done(wm, 100), SL_WATERMARK_OK);
    assert_int_equal(sl_watermark_commit_offset(wm), 103);
    assert_int_equal(sl_watermark_in_flight(wm), 2);
    assert_int_equal(sl_watermark_done(wm, 104), SL_WATERMARK_OK);
    assert_int_equal(sl_watermark_commit_offset(wm), 103);
    assert_int_equal(sl_watermark_done(wm, 103), SL_WATERMARK_OK);
    assert_int_equal(sl_watermark_commit_offset(wm), 105);
    assert_int_equal(sl_watermark_in_flight(wm), 0);
    sl_watermark_free(wm);
}

static void gaps_count_as_done(void **state) {
    (void)state;
    sl_watermark_t *wm = sl_watermark_new(16);
    assert_int_equal(sl_watermark_track(wm, 10), SL_WATERMARK_OK);
    assert_int_equal(sl_watermark_track(wm, 13), SL_WATERMARK_OK); /* 11, 12 never arrive */
    assert_int_equal(sl_watermark_done(wm, 10), SL_WATERMARK_OK);
    assert_int_equal(sl_watermark_commit_offset(wm), 13);
    assert_int_equal(sl_watermark_done(wm, 13), SL_WATERMARK_OK);
    assert_int_equal(sl_watermark_commit_offset(wm), 14);
    sl_watermark_free(wm);
}

static void rejects_bad_calls(void **state) {
    (void)state;
    sl_watermark_t *wm = sl_watermark_new(4);
    assert_int_equal(sl_watermark_done(wm, 0), SL_WATERMARK_UNKNOWN);
    assert_int_equal(sl_watermark_track(wm, 5), SL_WATERMARK_OK);
    assert_int_equal(sl_watermark_track(wm, 5), SL_WATERMARK_BACKWARDS);
    assert_int_equal(sl_watermark_track(wm, 4), SL_WATERMARK_BACKWARDS);
    assert_int_equal(sl_watermark_done(wm, 6), SL_WATERMARK_UNKNOWN);
    assert_int_equal(sl_watermark_done(wm, 5), SL_WATERMARK_OK);
    assert_int_equal(sl_watermark_done(wm, 5), SL_WATERMARK_UNKNOWN); /* twice */
    sl_watermark_free(wm);
}

static void window_bounds_in_flight(void **state) {
    (void)state;
    sl_watermark_t *wm = sl_watermark_new(4);
    track_all(wm, 0, 4);
    assert_false(sl_watermark_has_room(wm));
    assert_int_equal(sl_watermark_track(wm, 4), SL_WATERMARK_FULL);
    assert_int_equal(sl_watermark_done(wm, 3), SL_WATERMARK_OK);
    assert_int_equal(sl_watermark_track(wm, 4), SL_WATERMARK_FULL); /* base still 0 */
    assert_int_equal(sl_watermark_done(wm, 0), SL_WATERMARK_OK);
    assert_true(sl_watermark_has_room(wm));
    assert_int_equal(sl_watermark_track(wm, 4), SL_WATERMARK_OK);
    assert_int_equal(sl_watermark_track(wm, 9),
                     SL_WATERMARK_FULL); /* gap too wide for the window */
    sl_watermark_free(wm);
}

static void reset_forgets(void **state) {
    (void)state;
    sl_watermark_t *wm = sl_watermark_new(8);
    assert_int_equal(sl_watermark_track(wm, 50), SL_WATERMARK_OK);
    sl_watermark_reset(wm);
    assert_int_equal(sl_watermark_commit_offset(wm), -1);
    assert_int_equal(sl_watermark_in_flight(wm), 0);
    assert_int_equal(sl_watermark_track(wm, 20),
                     SL_WATERMARK_OK); /* a rewind is fine after reset */
    assert_int_equal(sl_watermark_done(wm, 20), SL_WATERMARK_OK);
    assert_int_equal(sl_watermark_commit_offset(wm), 21);
    sl_watermark_free(wm);
}

/* Random tracking, gaps and completions against a plain model: the commit offset must
 * always be the lowest tracked offset not done (or one past the newest when all are). */
static void matches_model(void **state) {
    (void)state;
    enum { WINDOW = 64, N = 20000 };
    static unsigned char done_model[N * 3];
    static unsigned char tracked_model[N * 3];
    memset(done_model, 0, sizeof done_model);
    memset(tracked_model, 0, sizeof tracked_model);
    sl_watermark_t *wm = sl_watermark_new(WINDOW);
    srand(12345);
    int64_t next = 0, newest = -1;
    int64_t in_flight[WINDOW];
    size_t n_in_flight = 0;
    for (int step = 0; step < N; step++) {
        if (rand() % 2 && next < (int64_t)sizeof done_model - 4) {
            int64_t o = next + (rand() % 5 == 0 ? rand() % 3 : 0);
            sl_watermark_result_t r = sl_watermark_track(wm, o);
            if (r == SL_WATERMARK_OK) {
                tracked_model[o] = 1;
                in_flight[n_in_flight++] = o;
                newest = o;
                next = o + 1;
            } else {
                assert_int_equal(r, SL_WATERMARK_FULL);
            }
        } else if (n_in_flight > 0) {
            size_t i = (size_t)rand() % n_in_flight;
            assert_int_equal(sl_watermark_done(wm, in_flight[i]), SL_WATERMARK_OK);
            done_model[in_flight[i]] = 1;
            in_flight[i] = in_flight[--n_in_flight];
        }
        if (newest < 0)
            continue;
        int64_t want = newest + 1;
        for (int64_t o = 0; o <= newest; o++) {
            if (tracked_model[o] && !done_model[o]) {
                want = o;
                break;
            }
        }
        assert_int_equal(sl_watermark_commit_offset(wm), want);
        assert_int_equal(sl_watermark_in_flight(wm), n_in_flight);
    }
    sl_watermark_free(wm);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(empty_has_no_commit),
          cmocka_unit_test(out_of_order_completion), cmocka_unit_test(gaps_count_as_done),
          cmocka_unit_test(rejects_bad_calls), cmocka_unit_test(window_bounds_in_flight),
          cmocka_unit_test(reset_forgets), cmocka_unit_test(matches_model))
