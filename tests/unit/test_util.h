/* What every cmocka test program here shares: its main(), a check that a rendered text
 * contains each of a list of pieces, and a predicate checked over a list of strings.
 * Include after <cmocka.h>. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <string.h>

/* The main() of a test program: the given tests (cmocka_unit_test(...) entries) as one
 * group, with an optional group setup and teardown (NULL for none). */
#define TEST_MAIN(setup, teardown, ...)                                                            \
    int main(void) {                                                                               \
        const struct CMUnitTest tests_[] = {__VA_ARGS__};                                          \
        return cmocka_run_group_tests(tests_, setup, teardown);                                    \
    }

static inline void assert_contains_all_(const char *text, const char *const *pieces) {
    for (; *pieces; pieces++)
        if (!strstr(text, *pieces))
            fail_msg("missing from the text: \"%s\"", *pieces);
}

/* Fails unless text contains every one of the string arguments. */
#define assert_contains(text, ...)                                                                 \
    assert_contains_all_((text), (const char *const[]){__VA_ARGS__, NULL})

/* Fails unless pred(s) is true (assert_true_for) or false (assert_false_for) for every one
 * of the string arguments; the message names the string. */
#define assert_pred_for_(pred, want, ...)                                                          \
    do {                                                                                           \
        const char *const strs_[] = {__VA_ARGS__};                                                 \
        for (size_t i_ = 0; i_ < sizeof strs_ / sizeof strs_[0]; i_++)                             \
            if (!(pred(strs_[i_])) != !(want))                                                     \
                fail_msg("%s(\"%s\") is not %s", #pred, strs_[i_], (want) ? "true" : "false");     \
    } while (0)
#define assert_true_for(pred, ...) assert_pred_for_(pred, 1, __VA_ARGS__)
#define assert_false_for(pred, ...) assert_pred_for_(pred, 0, __VA_ARGS__)

#endif
