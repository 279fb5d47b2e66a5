/* sl_time — clocks in the units the rest of the code wants. */
#ifndef SL_TIME_H
#define SL_TIME_H

#include <stdint.h>

/* Monotonic milliseconds / microseconds since an arbitrary point; for timers and durations. */
int64_t sl_now_ms(void);
int64_t sl_now_us(void);
/* Wall clock in milliseconds / microseconds since the Unix epoch; for Kafka message
 * timestamps, log lines and seeds. */
int64_t sl_wall_ms(void);
int64_t sl_wall_us(void);

#endif
