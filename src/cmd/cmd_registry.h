/*
 * What the commands that talk to the schema registry share: the options (--registry, env
 * SLUICE_REGISTRY, config `registry`; credentials from the environment or the config file
 * only), opening the client, the record's subject (<topic>-value) looked up or registered,
 * and the processor's decode hook over sl_registry_decode.
 */
#ifndef SLUICE_CMD_REGISTRY_H
#define SLUICE_CMD_REGISTRY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_config.h"
#include "sl_processor.h"
#include "sl_registry.h"
#include "sl_registry_decode.h"

/* The compatibility sluice sets on the record's subject unless told otherwise: FULL, not
 * the registry's usual BACKWARD, because BACKWARD lets a writer drop a field the record
 * has no default for, which the processor then cannot read (docs/schema-registry.md). */
#define CMD_REGISTRY_COMPATIBILITY "FULL"

/* Option-table rows of a command that uses the registry; help is the --registry line. */
#define CMD_OPTS_REGISTRY(help)                                                                    \
    {"registry", 0, SL_OPT_STR, "", 0, -1, "URL", help},                                           \
        {"registry-username",                                                                      \
         0,                                                                                        \
         SL_OPT_STR,                                                                               \
         NULL,                                                                                     \
         0,                                                                                        \
         -1,                                                                                       \
         "USER",                                                                                   \
         "registry basic-auth user (environment or config file only)"},                            \
        {"registry-password",                                                                      \
         0,                                                                                        \
         SL_OPT_STR,                                                                               \
         NULL,                                                                                     \
         0,                                                                                        \
         -1,                                                                                       \
         "SECRET",                                                                                 \
         "registry basic-auth password (environment or config file only)"},                        \
        CMD_OPT_REGISTRY_CA

/* The row naming the CAs an https registry is checked against. */
#define CMD_OPT_REGISTRY_CA                                                                        \
    {                                                                                              \
        "registry-ca", 0, SL_OPT_STR, NULL, 0, -1, "FILE",                                         \
            "PEM file of the CAs an https registry's certificate is checked against "              \
            "(default: the system's)"                                                              \
    }

/* The row of a command that may register the record's schema. */
#define CMD_OPT_REGISTRY_COMPATIBILITY                                                             \
    {                                                                                              \
        "registry-compatibility", 0, SL_OPT_STR, CMD_REGISTRY_COMPATIBILITY, 0, -1, "LEVEL",       \
            "compatibility level set on a subject sluice registers"                                \
    }

/* 0, or SL_EXIT_USAGE after printing why when a registry credential came from the command
 * line (they belong in the environment or the config file, never in a process list). */
int cmd_registry_check_argv(const sl_config_t *cfg, const char *prog);

/* 1 if the config names a registry. */
int cmd_registry_configured(const sl_config_t *cfg);

/*
 * A client of the configured registry (curl_global_init() must have run), with the given
 * total timeout per request (0: the client's default) and tries per call. Returns 0 with
 * *out set, or an exit code after printing why: SL_EXIT_USAGE for credentials on the
 * command line or a URL the client refuses. *out must be freed with sl_registry_free().
 */
int cmd_registry_open(const sl_config_t *cfg, const char *prog, long timeout_ms, unsigned attempts,
                      volatile sig_atomic_t *stop, sl_registry_t **out);

/*
 * The id of the record's Avro schema under <topic>-value. always_register: register it
 * (idempotent) and set the subject's compatibility to level every time (`sluice schema`);
 * else look it up and only register it, and set level, when the subject lacks it (ingest).
 * Logs as `who`. Returns 0 with *id set, or an exit code after logging the registry's
 * message: SL_EXIT_USAGE for a level the registry refuses, else SL_EXIT_FAIL.
 */
int cmd_registry_subject(sl_registry_t *reg, const char *who, const char *topic, const char *level,
                         int always_register, int32_t *id);

/*
 * For `sluice process`: starts libcurl, opens the configured registry (one try per call
 * and a 5 s timeout: the processor waits and tries again itself) and a decoder over it,
 * whose lost-id wait is the option `registry-lost-wait` (cfg must have it).
 * Returns 0 with both set (release them with cmd_registry_decoder_free()) or both NULL
 * when no registry is configured, or an exit code after printing why (credentials on the
 * command line included), with nothing left to release.
 */
int cmd_registry_decoder(const sl_config_t *cfg, const char *prog, volatile sig_atomic_t *stop,
                         sl_registry_t **reg, sl_registry_decode_t **dec);
void cmd_registry_decoder_free(sl_registry_t *reg, sl_registry_decode_t *dec);

/* The processor's decode hook over an sl_registry_decode_t (the opaque). */
sl_processor_decode_t cmd_registry_decode(void *opaque, const void *value, size_t len,
                                          sl_record_t *out, char *scratch, size_t scratch_size,
                                          sl_reject_t *reject, sl_field_t *field, char *errstr,
                                          size_t errstr_size);

#endif
