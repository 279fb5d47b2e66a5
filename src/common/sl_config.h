/*
 * sl_config — the one way sluice commands take settings.
 *
 * A command declares a table of options (name, type, default, help). Values then come
 * from three places, and the stronger source wins whatever the order of loading:
 *   command-line flags  >  environment (SLUICE_<NAME>)  >  config file (-F path).
 * The file has "name = value" lines; blank lines and lines starting with '#' are ignored.
 * Pass-through properties for the libraries are collected apart: "-X kafka.<prop>=<v>"
 * (or a "kafka.<prop> = v" file line) for librdkafka, "-X cql.<prop>=<v>" for the CQL
 * client, with the same precedence. Secrets — any name containing "password" or "secret",
 * and any sasl.* property — are shown as "***" by everything here that renders values.
 * Credentials (sl_config_is_credential(): passwords, secrets, inline keys) are refused on
 * the command line, where any local user can read them, and a config file that holds one
 * must not be readable or writable by group or others; a few credential properties also
 * come from the environment (SLUICE_KAFKA_SASL_PASSWORD, SLUICE_CQL_PASSWORD, ...).
 * The option table can be rendered as a Markdown reference, so the docs never go stale.
 * Nothing here prints: errors come back as sl_config_err_t plus an errstr.
 */
#ifndef SL_CONFIG_H
#define SL_CONFIG_H

#include <stddef.h>

#include "sl_err.h"

/* SL_CONFIG_ERRORS(X): the rows of sl_config.errors, generated at configure time. */
#include "sl_config_errors.h"

typedef enum { SL_ERR_ENUM(SL_CONFIG_ERRORS) } sl_config_err_t;

/* Static text for an error code; never NULL. */
const char *sl_config_err_str(sl_config_err_t err);

typedef enum {
    SL_OPT_STR = 0,
    SL_OPT_INT,  /* signed 64-bit; accepts a k/M/G suffix (x1024) when min >= 0 */
    SL_OPT_NUM,  /* double */
    SL_OPT_BOOL, /* true/false/yes/no/on/off/1/0; a flag without a value sets true */
    /* Not a value: the row declares one more pass-through namespace beside kafka and cql,
     * its name the namespace ("-X dlq.PROP=VALUE", a "dlq.PROP = VALUE" file line), read
     * with sl_config_props(); arg and help are what --help and the reference show. */
    SL_OPT_PROPS,
} sl_opt_type_t;

/* Where a value came from, weakest first. */
typedef enum {
    SL_CONFIG_SRC_DEFAULT = 0,
    SL_CONFIG_SRC_FILE = 1,
    SL_CONFIG_SRC_ENV = 2,
    SL_CONFIG_SRC_FLAG = 3,
} sl_config_src_t;

/* One row of a command's option table. The table is static data owned by the command;
 * sl_config keeps a pointer to it, so it must outlive the config. */
typedef struct sl_config_opt_s {
    const char *name; /* long flag --name, file key, env SLUICE_<NAME> ('-' -> '_') */
    char short_flag;  /* e.g. 'b' for -b, or 0 */
    sl_opt_type_t type;
    const char *def;  /* default as text; NULL for "unset" */
    double min, max;  /* range for INT and NUM; ignored when min > max */
    const char *arg;  /* placeholder in usage text ("N", "URL"); NULL for BOOL */
    const char *help; /* one sentence */
} sl_config_opt_t;

typedef struct sl_config_s sl_config_t;

/* Creates a config over a table of n options, all at their defaults. prog ("sluice
 * ingest") is used in error texts. Returns NULL if out of memory or a default does not
 * pass its own type check. Must be freed with sl_config_free(). */
sl_config_t *sl_config_new(const char *prog, const sl_config_opt_t *opts, size_t n);
void sl_config_free(sl_config_t *cfg);

/* Sets an option from a source. A value from a weaker source than the current one is
 * ignored (returns OK). value is checked against the option's type and range and copied. */
sl_config_err_t sl_config_set(sl_config_t *cfg, const char *name, const char *value,
                              sl_config_src_t src, char *errstr, size_t errstr_size);

/*
 * Parses argv[1..argc) (argv[0] is the command name): --name VALUE, --name=VALUE, -c VALUE,
 * -cVALUE, BOOL flags without a value, -X ns.prop=value, -F path (remembered, see
 * sl_config_file_path()), -h/--help (returns SL_CONFIG_ERR_HELP), and, as in kcat, -X list
 * (or -X cql.list, -X kafka.list: returns SL_CONFIG_ERR_LIST, see sl_config_list_ns()). Any
 * non-option argument is an error, and so is a credential (SL_CONFIG_ERR_SECRET_ARGV, the
 * text naming where it may come from instead). Nothing is loaded from the file here.
 */
sl_config_err_t sl_config_parse_args(sl_config_t *cfg, int argc, char **argv, char *errstr,
                                     size_t errstr_size);

/* Reads SLUICE_<NAME> for every option through getenv_fn (getenv in production), the
 * credential properties of sl_config_env_props(), and SLUICE_CONFIG as the file path when
 * no -F was given. */
sl_config_err_t sl_config_load_env(sl_config_t *cfg, char *(*getenv_fn)(const char *), char *errstr,
                                   size_t errstr_size);

/* Loads "name = value" lines from text[0..len) as SL_CONFIG_SRC_FILE. origin names the input
 * in error texts ("FILE:LINE: ..."). Lines are at most 4096 bytes, input at most 1 MB. */
sl_config_err_t sl_config_load_text(sl_config_t *cfg, const char *text, size_t len,
                                    const char *origin, char *errstr, size_t errstr_size);

/* Reads the file (if any) named by -F or SLUICE_CONFIG with sl_config_load_text().
 * SL_CONFIG_ERR_SECRET_FILE when it sets a credential and its mode lets group or others
 * read or write it. */
sl_config_err_t sl_config_load_file(sl_config_t *cfg, char *errstr, size_t errstr_size);

/* The whole sequence for a command: args, env (getenv), file. */
sl_config_err_t sl_config_load_all(sl_config_t *cfg, int argc, char **argv, char *errstr,
                                   size_t errstr_size);

/* After SL_CONFIG_ERR_LIST: the namespace whose properties were asked for ("cql" or
 * "kafka"), or "" for both. NULL when no list was asked for. */
const char *sl_config_list_ns(const sl_config_t *cfg);

/* The path given with -F or SLUICE_CONFIG, or NULL; valid until sl_config_free(). */
const char *sl_config_file_path(const sl_config_t *cfg);

/* Typed getters. name must be in the table with that type (a programming error
 * otherwise: returns "" / 0). Strings are valid until the option is set again or the
 * config is freed; an unset string option gives NULL. */
const char *sl_config_str(const sl_config_t *cfg, const char *name);
long long sl_config_int(const sl_config_t *cfg, const char *name);
double sl_config_num(const sl_config_t *cfg, const char *name);
int sl_config_bool(const sl_config_t *cfg, const char *name);
sl_config_src_t sl_config_source(const sl_config_t *cfg, const char *name);

/* Pass-through properties of namespace ns ("kafka", "cql" or one an SL_OPT_PROPS row
 * declares), in the order first set.
 * Calls fn(key, value, opaque) for each, key without the "ns." prefix. Stops and returns
 * fn's result when it is non-zero. Values are real (not redacted): for handing to
 * libraries, never for logging. */
int sl_config_props(const sl_config_t *cfg, const char *ns,
                    int (*fn)(const char *key, const char *value, void *opaque), void *opaque);

/* 1 if a name (option or property, with or without namespace) names a secret: a value
 * never rendered. */
int sl_config_is_secret(const char *name);

/* 1 if a name names a credential: a secret that is also refused on the command line and
 * in a file others can read (a password, a secret, an inline private key or SASL login
 * configuration; not sasl.mechanism or sasl.username). */
int sl_config_is_credential(const char *name);

/* The environment variables that set properties, as "VAR", "ns.prop" pairs ending with
 * NULL (SLUICE_KAFKA_SASL_PASSWORD -> kafka.sasl.password, ...). Static. */
const char *const *sl_config_env_props(void);

/* Renders every option and property as "name=value (source)" lines, secrets as "***",
 * into buf (always NUL-terminated when cap > 0). Returns the length the whole text needs,
 * like snprintf. For logging the effective configuration. */
size_t sl_config_describe(const sl_config_t *cfg, char *buf, size_t cap);

/* Renders the option table as a Markdown table (flag, env, default, help), like snprintf. */
size_t sl_config_markdown(const sl_config_opt_t *opts, size_t n, char *buf, size_t cap);

/* Renders the table as usage lines ("  -b, --brokers LIST  help (default: x)"), like snprintf. */
size_t sl_config_usage(const sl_config_opt_t *opts, size_t n, char *buf, size_t cap);

#endif
