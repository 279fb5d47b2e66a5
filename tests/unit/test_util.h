/* What every cmocka test program here shares: its main(), and a check that a rendered
 * text contains each of a list of pieces. Include after <cmocka.h>. */
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

#endif
