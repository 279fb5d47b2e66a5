/* The main() of every cmocka test program here: the given tests (cmocka_unit_test(...)
 * entries) as one group, with an optional group setup and teardown (NULL for none). */
#ifndef TEST_MAIN_H
#define TEST_MAIN_H

#define TEST_MAIN(setup, teardown, ...)                                                            \
    int main(void) {                                                                               \
        const struct CMUnitTest tests_[] = {__VA_ARGS__};                                          \
        return cmocka_run_group_tests(tests_, setup, teardown);                                    \
    }

#endif
