/*
 * The first contact of a command with Kafka: one short-lived client with the command's own
 * librdkafka properties asks for metadata before the real work starts, so that a broker
 * that refuses us (its certificate not trusted, expired or not naming the host, a wrong
 * SASL password, a listener that speaks TLS or SASL to a client that does not) ends the
 * command with one line naming the broker and the cause, instead of librdkafka's retries
 * going on in the background until some timeout. Anything else (Kafka down, slow) is left
 * to the command's own handling.
 */
#ifndef SLUICE_CMD_KAFKA_H
#define SLUICE_CMD_KAFKA_H

#include "cmd_util.h"

/* How long the check waits for an answer or a refusal before leaving it to the command. */
#define CMD_KAFKA_CHECK_MS 10000

/*
 * Checks that brokers accept a client with props (who names the command in the log line).
 * Returns 0 when they answered, or did not answer for a reason that is not a refusal;
 * SL_EXIT_FAIL after logging "<broker>: <cause>" when the TLS handshake or the SASL
 * authentication failed or the listener speaks another security protocol; SL_EXIT_USAGE
 * after logging why when librdkafka refuses a property. Secrets are never part of the line.
 */
int cmd_kafka_check(const char *who, const char *brokers, const cmd_props_t *props);

/* The cause of a refusal, from librdkafka's error text and the OpenSSL verification error
 * of the broker's certificate (0 if none was seen), as one phrase into out. Returns 1 when
 * the error is a refusal (TLS, SASL, security protocol), else 0. Exposed for unit tests. */
int cmd_kafka_refusal(int err, const char *text, int x509_error, char *out, size_t out_size);

#endif
