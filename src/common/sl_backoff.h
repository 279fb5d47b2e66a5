/*
 * sl_backoff — when to try again after a failure.
 *
 * Exponential backoff with "full jitter": attempt n waits a uniformly random time in
 * [0, min(cap, base * 2^n)], so that many clients failing together do not retry together.
 * A server's Retry-After header (RFC 9110 section 10.2.3: delta-seconds or an HTTP-date)
 * sets a floor under that wait. Pure functions over caller-held state: no allocation, no
 * clock reads except where a "now" is passed in, so tests can pin every input.
 */
#ifndef SL_BACKOFF_H
#define SL_BACKOFF_H

#include <stdint.h>
#include <time.h>

/* A backoff policy. Plain data: the caller owns it, usually inside a larger struct. */
typedef struct sl_backoff_s {
    uint64_t base_ms; /* ceiling of the first retry's wait */
    uint64_t cap_ms;  /* no ceiling grows beyond this */
    uint64_t rng;     /* xorshift state; any value, 0 is replaced by a fixed constant */
} sl_backoff_t;

/* Sets the policy and seeds its random state. */
void sl_backoff_init(sl_backoff_t *b, uint64_t base_ms, uint64_t cap_ms, uint64_t seed);

/* The ceiling of the wait before retry number attempt (0 for the first retry):
 * min(cap, base * 2^attempt), without overflow for any attempt. */
uint64_t sl_backoff_ceiling_ms(const sl_backoff_t *b, unsigned attempt);

/* A wait in [0, sl_backoff_ceiling_ms(b, attempt)], uniformly drawn; advances b->rng. */
uint64_t sl_backoff_next_ms(sl_backoff_t *b, unsigned attempt);

/* The wait to use when the server also sent Retry-After: the jittered wait, but never less
 * than retry_after_ms and never more than max_ms (a server cannot park us forever). */
uint64_t sl_backoff_with_floor_ms(sl_backoff_t *b, unsigned attempt, uint64_t retry_after_ms,
                                  uint64_t max_ms);

/*
 * Parses a Retry-After header value into a wait in milliseconds relative to now (Unix
 * seconds). Accepts delta-seconds ("120") and the three HTTP-date forms: IMF-fixdate
 * ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and
 * asctime ("Sun Nov  6 08:49:37 1994"). Leading and trailing blanks are ignored. A date in
 * the past gives 0. Delta-seconds beyond 2^31 saturate there. Returns 0 and sets *wait_ms
 * on success, -1 on anything else (the value must then be ignored, as RFC 9110 says).
 */
int sl_backoff_retry_after_parse(const char *value, time_t now, uint64_t *wait_ms);

#endif
