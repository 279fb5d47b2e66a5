/*
 * The config table: values held as text plus their parsed number, each tagged with the
 * source that set it, so that loading order does not matter and precedence is one
 * comparison. Pass-through properties live in a small list with the same tagging.
 */
#include "sl_config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "sl_text.h"

#define CONFIG_VALUE_MAX 4096
#define CONFIG_LINE_MAX 4096
#define CONFIG_TEXT_MAX (1024 * 1024)
#define CONFIG_PROPS_MAX 512

typedef struct {
    char *text; /* NULL = unset */
    long long i;
    double d;
    sl_config_src_t src;
} value_t;

typedef struct {
    char *ns, *key, *value;
    sl_config_src_t src;
} prop_t;

struct sl_config_s {
    const char *prog;
    const sl_config_opt_t *opts;
    size_t n;
    value_t *values;
    prop_t props[CONFIG_PROPS_MAX];
    size_t n_props;
    char *file_path;
    sl_config_src_t file_src;
    const char *list_ns; /* -X list: "", "cql" or "kafka" */
};

SL_ERR_DEFINE_STR(sl_config_err_str, sl_config_err_t, SL_CONFIG_ERRORS)

static sl_config_err_t fail(char *errstr, size_t size, sl_config_err_t err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static sl_config_err_t fail(char *errstr, size_t size, sl_config_err_t err, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sl_err_vformat(errstr, size, fmt, ap);
    va_end(ap);
    return err;
}

static void env_name(const char *name, char *out, size_t cap);

/* The credential properties the environment may set (see sl_config_env_props()). */
static const char *const env_props[] = {
    "SLUICE_KAFKA_SASL_USERNAME",
    "kafka.sasl.username",
    "SLUICE_KAFKA_SASL_PASSWORD",
    "kafka.sasl.password",
    "SLUICE_KAFKA_SSL_KEY_PASSWORD",
    "kafka.ssl.key.password",
    "SLUICE_CQL_USERNAME",
    "cql.username",
    "SLUICE_CQL_PASSWORD",
    "cql.password",
    NULL,
};

const char *const *sl_config_env_props(void) {
    return env_props;
}

/* A credential named on the command line: the error, with where it may come from. name is
 * an option's name or a property's "ns.key" (len bytes). */
static sl_config_err_t refuse_argv(const sl_config_t *cfg, const char *name, size_t len,
                                   int is_option, char *errstr, size_t size) {
    char var[160] = "";
    if (is_option) {
        char opt[128];
        snprintf(opt, sizeof opt, "%.*s", (int)(len < 100 ? len : 100), name);
        env_name(opt, var, sizeof var);
    } else {
        for (size_t i = 0; env_props[i]; i += 2)
            if (strlen(env_props[i + 1]) == len && memcmp(env_props[i + 1], name, len) == 0)
                snprintf(var, sizeof var, "%s", env_props[i]);
    }
    return fail(errstr, size, SL_CONFIG_ERR_SECRET_ARGV,
                "%s: %s%.*s is a secret and is not taken on the command line, where other "
                "users can read it; put it in the config file (-F FILE, mode 0600)%s%s",
                cfg->prog, is_option ? "--" : "-X ", (int)(len < 100 ? len : 100), name,
                *var ? " or set " : "", var);
}

/* The option (not a namespace row) named name[0..len), or -1. */
static long find(const sl_config_t *cfg, const char *name, size_t len) {
    for (size_t i = 0; i < cfg->n; i++)
        if (cfg->opts[i].type != SL_OPT_PROPS && strlen(cfg->opts[i].name) == len &&
            memcmp(cfg->opts[i].name, name, len) == 0)
            return (long)i;
    return -1;
}

/* 1 if ns[0..len) is a pass-through namespace of this config: kafka, cql, or one of an
 * SL_OPT_PROPS row. */
static int known_ns(const sl_config_t *cfg, const char *ns, size_t len) {
    if ((len == 5 && memcmp(ns, "kafka", 5) == 0) || (len == 3 && memcmp(ns, "cql", 3) == 0))
        return 1;
    for (size_t i = 0; i < cfg->n; i++)
        if (cfg->opts[i].type == SL_OPT_PROPS && strlen(cfg->opts[i].name) == len &&
            memcmp(cfg->opts[i].name, ns, len) == 0)
            return 1;
    return 0;
}

static int parse_bool(const char *s, int *out) {
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

/* Parses value for opt into v (without touching v->text); 0 or -1 with errstr set. */
static int check_value(const sl_config_t *cfg, const sl_config_opt_t *opt, const char *value,
                       value_t *v, char *errstr, size_t size) {
    const int ranged = opt->min <= opt->max;
    switch (opt->type) {
    case SL_OPT_STR: return 0;
    case SL_OPT_PROPS: return -1; /* not a value */
    case SL_OPT_BOOL: {
        int b;
        if (parse_bool(value, &b)) {
            fail(errstr, size, SL_CONFIG_ERR_BAD_VALUE, "%s: %s wants true or false, got '%s'",
                 cfg->prog, opt->name, value);
            return -1;
        }
        v->i = b;
        v->d = b;
        return 0;
    }
    case SL_OPT_INT: {
        errno = 0;
        char *end;
        long long x = strtoll(value, &end, 10);
        if (end == value || errno) {
            fail(errstr, size, SL_CONFIG_ERR_BAD_VALUE, "%s: %s wants an integer, got '%s'",
                 cfg->prog, opt->name, value);
            return -1;
        }
        if (*end && !end[1] && (!ranged || opt->min >= 0)) {
            int shift = *end == 'k' || *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : -1;
            if (shift < 0 || x < 0 || x > (LLONG_MAX >> shift)) {
                fail(errstr, size, SL_CONFIG_ERR_BAD_VALUE,
                     "%s: %s: bad size '%s' (a number with an optional k, M or G)", cfg->prog,
                     opt->name, value);
                return -1;
            }
            x <<= shift;
            end++;
        }
        if (*end) {
            fail(errstr, size, SL_CONFIG_ERR_BAD_VALUE, "%s: %s wants an integer, got '%s'",
                 cfg->prog, opt->name, value);
            return -1;
        }
        if (ranged && ((double)x < opt->min || (double)x > opt->max)) {
            fail(errstr, size, SL_CONFIG_ERR_BAD_VALUE, "%s: %s must be in %.0f..%.0f, got %lld",
                 cfg->prog, opt->name, opt->min, opt->max, x);
            return -1;
        }
        v->i = x;
        v->d = (double)x;
        return 0;
    }
    case SL_OPT_NUM: {
        errno = 0;
        char *end;
        double x = strtod(value, &end);
        if (end == value || *end || errno || !isfinite(x)) {
            fail(errstr, size, SL_CONFIG_ERR_BAD_VALUE, "%s: %s wants a number, got '%s'",
                 cfg->prog, opt->name, value);
            return -1;
        }
        if (ranged && (x < opt->min || x > opt->max)) {
            fail(errstr, size, SL_CONFIG_ERR_BAD_VALUE, "%s: %s must be in %g..%g, got %g",
                 cfg->prog, opt->name, opt->min, opt->max, x);
            return -1;
        }
        v->d = x;
        v->i = (long long)x;
        return 0;
    }
    }
    return -1;
}

sl_config_t *sl_config_new(const char *prog, const sl_config_opt_t *opts, size_t n) {
    sl_config_t *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return NULL;
    cfg->prog = prog;
    cfg->opts = opts;
    cfg->n = n;
    cfg->values = calloc(n ? n : 1, sizeof *cfg->values);
    if (!cfg->values) {
        free(cfg);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!opts[i].def)
            continue;
        if (check_value(cfg, &opts[i], opts[i].def, &cfg->values[i], NULL, 0) ||
            !(cfg->values[i].text = strdup(opts[i].def))) {
            sl_config_free(cfg);
            return NULL;
        }
    }
    return cfg;
}

void sl_config_free(sl_config_t *cfg) {
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n; i++)
        free(cfg->values[i].text);
    for (size_t i = 0; i < cfg->n_props; i++) {
        free(cfg->props[i].ns);
        free(cfg->props[i].key);
        free(cfg->props[i].value);
    }
    free(cfg->values);
    free(cfg->file_path);
    free(cfg);
}

/* Replaces *text (freed) with a copy of value set by src; on failure nothing changes. */
static sl_config_err_t store(const sl_config_t *cfg, char **text, sl_config_src_t *text_src,
                             const char *value, sl_config_src_t src, char *errstr, size_t size) {
    char *copy = strdup(value);
    if (!copy)
        return fail(errstr, size, SL_CONFIG_ERR_NOMEM, "%s: out of memory", cfg->prog);
    free(*text);
    *text = copy;
    *text_src = src;
    return SL_CONFIG_ERR_OK;
}

static sl_config_err_t set_len(sl_config_t *cfg, const char *name, size_t name_len,
                               const char *value, sl_config_src_t src, char *errstr, size_t size) {
    long idx = find(cfg, name, name_len);
    if (idx < 0)
        return fail(errstr, size, SL_CONFIG_ERR_UNKNOWN, "%s: unknown option '%.*s'", cfg->prog,
                    (int)(name_len > 200 ? 200 : name_len), name);
    value_t *v = &cfg->values[idx];
    if (src < v->src)
        return SL_CONFIG_ERR_OK;
    if (strlen(value) > CONFIG_VALUE_MAX)
        return fail(errstr, size, SL_CONFIG_ERR_TOO_LARGE, "%s: value of %s is too long", cfg->prog,
                    cfg->opts[idx].name);
    value_t nv = *v;
    if (check_value(cfg, &cfg->opts[idx], value, &nv, errstr, size))
        return SL_CONFIG_ERR_BAD_VALUE;
    sl_config_err_t err = store(cfg, &nv.text, &nv.src, value, src, errstr, size);
    if (err == SL_CONFIG_ERR_OK)
        *v = nv;
    return err;
}

sl_config_err_t sl_config_set(sl_config_t *cfg, const char *name, const char *value,
                              sl_config_src_t src, char *errstr, size_t errstr_size) {
    return set_len(cfg, name, strlen(name), value, src, errstr, errstr_size);
}

/* Adds or replaces ns.key=value; ns_key is "kafka.linger.ms" (key_len bytes). */
static sl_config_err_t set_prop(sl_config_t *cfg, const char *ns_key, size_t key_len,
                                const char *value, sl_config_src_t src, char *errstr, size_t size) {
    const char *dot = memchr(ns_key, '.', key_len);
    size_t ns_len = dot ? (size_t)(dot - ns_key) : 0;
    if (!dot || dot + 1 == ns_key + key_len || !known_ns(cfg, ns_key, ns_len)) {
        char extra[128] = ""; /* ", dlq." for each declared namespace */
        for (size_t i = 0; i < cfg->n; i++)
            if (cfg->opts[i].type == SL_OPT_PROPS)
                snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", %s.",
                         cfg->opts[i].name);
        return fail(errstr, size, SL_CONFIG_ERR_UNKNOWN,
                    "%s: property '%.*s' must start with kafka.%s or cql.", cfg->prog,
                    (int)(key_len > 200 ? 200 : key_len), ns_key, extra);
    }
    if (key_len > 256 || strlen(value) > CONFIG_VALUE_MAX)
        return fail(errstr, size, SL_CONFIG_ERR_TOO_LARGE, "%s: property too long", cfg->prog);
    const char *key = dot + 1;
    size_t klen = key_len - ns_len - 1;
    for (size_t i = 0; i < cfg->n_props; i++) {
        prop_t *p = &cfg->props[i];
        if (strlen(p->ns) == ns_len && memcmp(p->ns, ns_key, ns_len) == 0 &&
            strlen(p->key) == klen && memcmp(p->key, key, klen) == 0) {
            if (src < p->src)
                return SL_CONFIG_ERR_OK;
            return store(cfg, &p->value, &p->src, value, src, errstr, size);
        }
    }
    if (cfg->n_props == CONFIG_PROPS_MAX)
        return fail(errstr, size, SL_CONFIG_ERR_TOO_LARGE, "%s: more than %d properties", cfg->prog,
                    CONFIG_PROPS_MAX);
    prop_t *p = &cfg->props[cfg->n_props];
    p->ns = strndup(ns_key, ns_len);
    p->key = strndup(key, klen);
    p->value = strdup(value);
    p->src = src;
    if (!p->ns || !p->key || !p->value) {
        free(p->ns);
        free(p->key);
        free(p->value);
        return fail(errstr, size, SL_CONFIG_ERR_NOMEM, "%s: out of memory", cfg->prog);
    }
    cfg->n_props++;
    return SL_CONFIG_ERR_OK;
}

static sl_config_err_t set_file_path(sl_config_t *cfg, const char *path, sl_config_src_t src,
                                     char *errstr, size_t size) {
    if (cfg->file_path && src < cfg->file_src)
        return SL_CONFIG_ERR_OK;
    return store(cfg, &cfg->file_path, &cfg->file_src, path, src, errstr, size);
}

static sl_config_err_t x_arg(sl_config_t *cfg, const char *arg, char *errstr, size_t size) {
    static const char *const lists[][2] = {
        {"list", ""}, {"cql.list", "cql"}, {"kafka.list", "kafka"}};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        if (strcmp(arg, lists[i][0]) == 0) {
            cfg->list_ns = lists[i][1];
            return fail(errstr, size, SL_CONFIG_ERR_LIST, "%s: property list", cfg->prog);
        }
    }
    const char *eq = strchr(arg, '=');
    if (!eq)
        return fail(errstr, size, SL_CONFIG_ERR_BAD_VALUE,
                    "%s: -X wants kafka.PROP=VALUE or cql.PROP=VALUE, got '%.200s'", cfg->prog,
                    arg);
    char key[300];
    snprintf(key, sizeof key, "%.*s", (int)((size_t)(eq - arg) < 299 ? eq - arg : 299), arg);
    if (sl_config_is_credential(key))
        return refuse_argv(cfg, arg, (size_t)(eq - arg), 0, errstr, size);
    return set_prop(cfg, arg, (size_t)(eq - arg), eq + 1, SL_CONFIG_SRC_FLAG, errstr, size);
}

/* The value of a flag: written with it (inline), else "true" for a BOOL, else the next
 * argument (consumed); NULL when there is none. */
static const char *flag_value(const sl_config_opt_t *opt, const char *inline_value, int argc,
                              char **argv, int *i) {
    if (inline_value)
        return inline_value;
    if (opt->type == SL_OPT_BOOL)
        return "true";
    return *i + 1 < argc ? argv[++*i] : NULL;
}

sl_config_err_t sl_config_parse_args(sl_config_t *cfg, int argc, char **argv, char *errstr,
                                     size_t size) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        sl_config_err_t err;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            return fail(errstr, size, SL_CONFIG_ERR_HELP, "%s: help", cfg->prog);
        if (a[0] != '-' || a[1] == '\0')
            return fail(errstr, size, SL_CONFIG_ERR_UNKNOWN, "%s: unexpected argument '%.200s'",
                        cfg->prog, a);
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
            const char *value = eq ? eq + 1 : NULL;
            if (nlen == 6 && memcmp(name, "config", 6) == 0) {
                if (!value && (value = i + 1 < argc ? argv[++i] : NULL) == NULL)
                    return fail(errstr, size, SL_CONFIG_ERR_MISSING_VALUE,
                                "%s: --config needs a path", cfg->prog);
                if ((err = set_file_path(cfg, value, SL_CONFIG_SRC_FLAG, errstr, size)))
                    return err;
                continue;
            }
            long idx = find(cfg, name, nlen);
            if (idx < 0)
                return fail(errstr, size, SL_CONFIG_ERR_UNKNOWN, "%s: unknown option '%.200s'",
                            cfg->prog, a);
            if (sl_config_is_credential(cfg->opts[idx].name))
                return refuse_argv(cfg, name, nlen, 1, errstr, size);
            if (!(value = flag_value(&cfg->opts[idx], value, argc, argv, &i)))
                return fail(errstr, size, SL_CONFIG_ERR_MISSING_VALUE, "%s: --%s needs a value",
                            cfg->prog, cfg->opts[idx].name);
            if ((err = set_len(cfg, name, nlen, value, SL_CONFIG_SRC_FLAG, errstr, size)))
                return err;
            continue;
        }
        char c = a[1];
        const char *value = a[2] ? a + 2 : NULL;
        if (c == 'X' || c == 'F') {
            if (!value && (value = i + 1 < argc ? argv[++i] : NULL) == NULL)
                return fail(errstr, size, SL_CONFIG_ERR_MISSING_VALUE, "%s: -%c needs a value",
                            cfg->prog, c);
            err = c == 'X' ? x_arg(cfg, value, errstr, size)
                           : set_file_path(cfg, value, SL_CONFIG_SRC_FLAG, errstr, size);
            if (err)
                return err;
            continue;
        }
        long idx = -1;
        for (size_t k = 0; k < cfg->n; k++)
            if (cfg->opts[k].short_flag && cfg->opts[k].short_flag == c)
                idx = (long)k;
        if (idx < 0)
            return fail(errstr, size, SL_CONFIG_ERR_UNKNOWN, "%s: unknown option '-%c'", cfg->prog,
                        c);
        if (sl_config_is_credential(cfg->opts[idx].name))
            return refuse_argv(cfg, cfg->opts[idx].name, strlen(cfg->opts[idx].name), 1, errstr,
                               size);
        if (!(value = flag_value(&cfg->opts[idx], value, argc, argv, &i)))
            return fail(errstr, size, SL_CONFIG_ERR_MISSING_VALUE, "%s: -%c needs a value",
                        cfg->prog, c);
        if ((err =
                 sl_config_set(cfg, cfg->opts[idx].name, value, SL_CONFIG_SRC_FLAG, errstr, size)))
            return err;
    }
    return SL_CONFIG_ERR_OK;
}

/* SLUICE_ + name upper-cased, '-' and '.' as '_'. */
static void env_name(const char *name, char *out, size_t cap) {
    size_t n = (size_t)snprintf(out, cap, "SLUICE_");
    for (; *name && n + 1 < cap; name++)
        out[n++] = *name == '-' || *name == '.' ? '_' : (char)toupper((unsigned char)*name);
    out[n] = '\0';
}

sl_config_err_t sl_config_load_env(sl_config_t *cfg, char *(*getenv_fn)(const char *), char *errstr,
                                   size_t size) {
    char var[128];
    for (size_t i = 0; i < cfg->n; i++) {
        if (cfg->opts[i].type == SL_OPT_PROPS)
            continue;
        env_name(cfg->opts[i].name, var, sizeof var);
        const char *v = getenv_fn(var);
        if (!v || !*v)
            continue;
        sl_config_err_t err =
            sl_config_set(cfg, cfg->opts[i].name, v, SL_CONFIG_SRC_ENV, errstr, size);
        if (err) {
            size_t used = errstr ? strnlen(errstr, size) : 0;
            if (errstr && used + 1 < size)
                snprintf(errstr + used, size - used, " (from %s)", var);
            return err;
        }
    }
    for (size_t i = 0; env_props[i]; i += 2) {
        const char *v = getenv_fn(env_props[i]);
        if (!v || !*v)
            continue;
        sl_config_err_t err = set_prop(cfg, env_props[i + 1], strlen(env_props[i + 1]), v,
                                       SL_CONFIG_SRC_ENV, errstr, size);
        if (err)
            return err;
    }
    const char *path = getenv_fn("SLUICE_CONFIG");
    if (path && *path)
        return set_file_path(cfg, path, SL_CONFIG_SRC_ENV, errstr, size);
    return SL_CONFIG_ERR_OK;
}

static int blank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

sl_config_err_t sl_config_load_text(sl_config_t *cfg, const char *text, size_t len,
                                    const char *origin, char *errstr, size_t size) {
    if (len > CONFIG_TEXT_MAX)
        return fail(errstr, size, SL_CONFIG_ERR_TOO_LARGE, "%s: %s is larger than %d bytes",
                    cfg->prog, origin, CONFIG_TEXT_MAX);
    char line[CONFIG_LINE_MAX + 1];
    size_t pos = 0;
    unsigned lineno = 0;
    while (pos < len) {
        lineno++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t llen = nl ? (size_t)(nl - (text + pos)) : len - pos;
        if (llen > CONFIG_LINE_MAX)
            return fail(errstr, size, SL_CONFIG_ERR_TOO_LARGE, "%s:%u: line longer than %d bytes",
                        origin, lineno, CONFIG_LINE_MAX);
        if (memchr(text + pos, '\0', llen))
            return fail(errstr, size, SL_CONFIG_ERR_SYNTAX, "%s:%u: NUL byte", origin, lineno);
        memcpy(line, text + pos, llen);
        line[llen] = '\0';
        pos += llen + (nl ? 1 : 0);

        char *s = line;
        while (blank(*s))
            s++;
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq)
            return fail(errstr, size, SL_CONFIG_ERR_SYNTAX, "%s:%u: expected name = value", origin,
                        lineno);
        char *kend = eq;
        while (kend > s && blank(kend[-1]))
            kend--;
        if (kend == s)
            return fail(errstr, size, SL_CONFIG_ERR_SYNTAX, "%s:%u: empty name", origin, lineno);
        char *v = eq + 1;
        while (blank(*v))
            v++;
        char *vend = v + strlen(v);
        while (vend > v && blank(vend[-1]))
            vend--;
        *vend = '\0';
        size_t klen = (size_t)(kend - s);
        sl_config_err_t err;
        if (find(cfg, s, klen) >= 0)
            err = set_len(cfg, s, klen, v, SL_CONFIG_SRC_FILE, errstr, size);
        else if (memchr(s, '.', klen))
            err = set_prop(cfg, s, klen, v, SL_CONFIG_SRC_FILE, errstr, size);
        else
            err = fail(errstr, size, SL_CONFIG_ERR_UNKNOWN, "unknown option '%.*s'",
                       (int)(klen > 200 ? 200 : klen), s);
        if (err) {
            /* Prefix the location to whatever the setter said. */
            char inner[512];
            snprintf(inner, sizeof inner, "%s", errstr && size ? errstr : "");
            return fail(errstr, size, err, "%s:%u: %s", origin, lineno, inner);
        }
    }
    return SL_CONFIG_ERR_OK;
}

/* The file others may read or write (mode): an error if it set a credential. */
static sl_config_err_t check_file_secrets(const sl_config_t *cfg, unsigned mode, char *errstr,
                                          size_t size) {
    const char *found = NULL, *ns = "";
    for (size_t i = 0; i < cfg->n && !found; i++)
        if (cfg->values[i].src == SL_CONFIG_SRC_FILE && sl_config_is_credential(cfg->opts[i].name))
            found = cfg->opts[i].name;
    for (size_t i = 0; i < cfg->n_props && !found; i++)
        if (cfg->props[i].src == SL_CONFIG_SRC_FILE && sl_config_is_credential(cfg->props[i].key)) {
            found = cfg->props[i].key;
            ns = cfg->props[i].ns;
        }
    if (!found)
        return SL_CONFIG_ERR_OK;
    return fail(errstr, size, SL_CONFIG_ERR_SECRET_FILE,
                "%s: %s holds a secret (%s%s%s) but is open to group or others (mode %04o); "
                "chmod 600 it",
                cfg->prog, cfg->file_path, ns, *ns ? "." : "", found, mode);
}

sl_config_err_t sl_config_load_file(sl_config_t *cfg, char *errstr, size_t size) {
    if (!cfg->file_path)
        return SL_CONFIG_ERR_OK;
    FILE *f = fopen(cfg->file_path, "rb");
    if (!f)
        return fail(errstr, size, SL_CONFIG_ERR_IO, "%s: cannot open %s: %s", cfg->prog,
                    cfg->file_path, strerror(errno));
    char *buf = malloc(CONFIG_TEXT_MAX + 1);
    if (!buf) {
        fclose(f);
        return fail(errstr, size, SL_CONFIG_ERR_NOMEM, "%s: out of memory", cfg->prog);
    }
    struct stat st;
    int have_mode = fstat(fileno(f), &st) == 0;
    size_t n = fread(buf, 1, CONFIG_TEXT_MAX + 1, f);
    int bad = ferror(f);
    fclose(f);
    sl_config_err_t err;
    if (bad)
        err = fail(errstr, size, SL_CONFIG_ERR_IO, "%s: cannot read %s", cfg->prog, cfg->file_path);
    else
        err = sl_config_load_text(cfg, buf, n, cfg->file_path, errstr, size);
    free(buf);
    if (!err && (!have_mode || (st.st_mode & (S_IRWXG | S_IRWXO))))
        err = check_file_secrets(cfg, have_mode ? (unsigned)(st.st_mode & 07777) : 0777, errstr,
                                 size);
    return err;
}

sl_config_err_t sl_config_load_all(sl_config_t *cfg, int argc, char **argv, char *errstr,
                                   size_t size) {
    sl_config_err_t err = sl_config_parse_args(cfg, argc, argv, errstr, size);
    if (!err)
        err = sl_config_load_env(cfg, getenv, errstr, size);
    if (!err)
        err = sl_config_load_file(cfg, errstr, size);
    return err;
}

const char *sl_config_list_ns(const sl_config_t *cfg) {
    return cfg->list_ns;
}

const char *sl_config_file_path(const sl_config_t *cfg) {
    return cfg->file_path;
}

static const value_t *get(const sl_config_t *cfg, const char *name, sl_opt_type_t type) {
    long idx = find(cfg, name, strlen(name));
    if (idx < 0 || cfg->opts[idx].type != type)
        return NULL;
    return &cfg->values[idx];
}

const char *sl_config_str(const sl_config_t *cfg, const char *name) {
    const value_t *v = get(cfg, name, SL_OPT_STR);
    return v ? v->text : "";
}

long long sl_config_int(const sl_config_t *cfg, const char *name) {
    const value_t *v = get(cfg, name, SL_OPT_INT);
    return v ? v->i : 0;
}

double sl_config_num(const sl_config_t *cfg, const char *name) {
    const value_t *v = get(cfg, name, SL_OPT_NUM);
    return v ? v->d : 0;
}

int sl_config_bool(const sl_config_t *cfg, const char *name) {
    const value_t *v = get(cfg, name, SL_OPT_BOOL);
    return v ? (int)v->i : 0;
}

sl_config_src_t sl_config_source(const sl_config_t *cfg, const char *name) {
    long idx = find(cfg, name, strlen(name));
    return idx < 0 ? SL_CONFIG_SRC_DEFAULT : cfg->values[idx].src;
}

int sl_config_props(const sl_config_t *cfg, const char *ns,
                    int (*fn)(const char *key, const char *value, void *opaque), void *opaque) {
    for (size_t i = 0; i < cfg->n_props; i++) {
        if (strcmp(cfg->props[i].ns, ns) != 0)
            continue;
        int r = fn(cfg->props[i].key, cfg->props[i].value, opaque);
        if (r)
            return r;
    }
    return 0;
}

static int contains_ci(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

int sl_config_is_credential(const char *name) {
    static const char *const words[] = {"password", "secret", "key.pem", "jaas.config",
                                        "oauthbearer.config"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (contains_ci(name, words[i]))
            return 1;
    return 0;
}

int sl_config_is_secret(const char *name) {
    if (sl_config_is_credential(name))
        return 1;
    /* sasl.* with or without a namespace in front ("kafka.sasl.username"). */
    const char *dot = strchr(name, '.');
    return strncasecmp(name, "sasl.", 5) == 0 || (dot && strncasecmp(dot + 1, "sasl.", 5) == 0);
}

static const char *const src_names[] = {"default", "file", "env", "flag"};

size_t sl_config_describe(const sl_config_t *cfg, char *buf, size_t cap) {
    sl_text_t o;
    sl_text_init(&o, buf, cap, 0);
    for (size_t i = 0; i < cfg->n; i++) {
        const value_t *v = &cfg->values[i];
        if (cfg->opts[i].type == SL_OPT_PROPS)
            continue;
        const char *shown = !v->text                                 ? "(unset)"
                            : sl_config_is_secret(cfg->opts[i].name) ? "***"
                                                                     : v->text;
        sl_text_printf(&o, "%s=%s (%s)\n", cfg->opts[i].name, shown, src_names[v->src]);
    }
    for (size_t i = 0; i < cfg->n_props; i++) {
        const prop_t *p = &cfg->props[i];
        sl_text_printf(&o, "%s.%s=%s (%s)\n", p->ns, p->key,
                       sl_config_is_secret(p->key) ? "***" : p->value, src_names[p->src]);
    }
    return o.len;
}

static const char *const type_names[] = {"text", "integer", "number", "boolean"};

/* Markdown cells must not contain a bare '|'. */
static void put_cell(sl_text_t *o, const char *s) {
    for (; s && *s; s++) {
        if (*s == '|')
            sl_text_printf(o, "\\|");
        else
            sl_text_printf(o, "%c", *s);
    }
}

size_t sl_config_markdown(const sl_config_opt_t *opts, size_t n, char *buf, size_t cap) {
    sl_text_t o;
    sl_text_init(&o, buf, cap, 0);
    sl_text_printf(&o, "| option | environment | type | default | description |\n");
    sl_text_printf(&o, "|---|---|---|---|---|\n");
    char var[128];
    for (size_t i = 0; i < n; i++) {
        if (opts[i].type == SL_OPT_PROPS) {
            sl_text_printf(&o, "| `-X %s.%s` |  | text |  | ", opts[i].name, opts[i].arg);
            put_cell(&o, opts[i].help);
            sl_text_printf(&o, " (also `%s.PROP = VALUE` in the file) |\n", opts[i].name);
            continue;
        }
        env_name(opts[i].name, var, sizeof var);
        sl_text_printf(&o, "| ");
        if (opts[i].short_flag)
            sl_text_printf(&o, "`-%c`, ", opts[i].short_flag);
        sl_text_printf(&o, "`--%s%s%s` | `%s` | %s", opts[i].name, opts[i].arg ? " " : "",
                       opts[i].arg ? opts[i].arg : "", var, type_names[opts[i].type]);
        if (opts[i].min <= opts[i].max && opts[i].type != SL_OPT_STR && opts[i].type != SL_OPT_BOOL)
            sl_text_printf(&o, opts[i].type == SL_OPT_INT ? " (%.0f..%.0f)" : " (%g..%g)",
                           opts[i].min, opts[i].max);
        sl_text_printf(&o, " | ");
        if (opts[i].def && *opts[i].def) {
            sl_text_printf(&o, "`");
            put_cell(&o, opts[i].def);
            sl_text_printf(&o, "`");
        }
        sl_text_printf(&o, " | ");
        put_cell(&o, opts[i].help);
        sl_text_printf(&o, " |\n");
    }
    sl_text_printf(&o, "| `-F`, `--config PATH` | `SLUICE_CONFIG` | text |  | config file of "
                       "`name = value` lines (`#` comments) |\n");
    sl_text_printf(&o, "| `-X kafka.PROP=VALUE` |  | text |  | a librdkafka property (also "
                       "`kafka.PROP = VALUE` in the file) |\n");
    sl_text_printf(&o, "| `-X cql.PROP=VALUE` |  | text |  | a CQL client property (also "
                       "`cql.PROP = VALUE` in the file) |\n");
    return o.len;
}

/* Width of the flag column of the usage text: help starts after it, at column 29. */
#define USAGE_FLAG_WIDTH 26

/* One usage row: the flag, then its help at the help column; a flag wider than its column
 * gets a line of its own and the help goes on the next one, at the same column (as GNU
 * tools do), so that every help text starts at one column. */
static void usage_row(sl_text_t *o, const char *flag, const char *help, const char *def) {
    if (strlen(flag) > USAGE_FLAG_WIDTH)
        sl_text_printf(o, "  %s\n  %-*s %s", flag, USAGE_FLAG_WIDTH, "", help);
    else
        sl_text_printf(o, "  %-*s %s", USAGE_FLAG_WIDTH, flag, help);
    if (def && *def)
        sl_text_printf(o, " (default %s)", def);
    sl_text_printf(o, "\n");
}

size_t sl_config_usage(const sl_config_opt_t *opts, size_t n, char *buf, size_t cap) {
    sl_text_t o;
    sl_text_init(&o, buf, cap, 0);
    for (size_t i = 0; i < n; i++) {
        char flag[160];
        if (opts[i].type == SL_OPT_PROPS) {
            snprintf(flag, sizeof flag, "-X %s.%s", opts[i].name, opts[i].arg);
            usage_row(&o, flag, opts[i].help, NULL);
            continue;
        }
        char shortf[8] = "    ";
        if (opts[i].short_flag)
            snprintf(shortf, sizeof shortf, "-%c, ", opts[i].short_flag);
        snprintf(flag, sizeof flag, "%s--%s%s%s", shortf, opts[i].name, opts[i].arg ? " " : "",
                 opts[i].arg ? opts[i].arg : "");
        usage_row(&o, flag, opts[i].help, opts[i].def);
    }
    usage_row(&o, "-F, --config PATH", "config file of name = value lines", NULL);
    usage_row(&o, "-X kafka.PROP=VALUE", "librdkafka property (repeatable)", NULL);
    usage_row(&o, "-X cql.PROP=VALUE", "CQL client property (repeatable)", NULL);
    usage_row(&o, "-X list", "the CQL client's and librdkafka's properties", NULL);
    usage_row(&o, "-h, --help", "this text", NULL);
    sl_text_printf(&o, "\nSecrets (passwords, keys: kafka.sasl.password, kafka.ssl.key.password, "
                       "cql.password, ...)\nare refused on the command line: put them in the -F "
                       "file (mode 0600) or set\nSLUICE_KAFKA_SASL_PASSWORD, SLUICE_CQL_PASSWORD, "
                       "SLUICE_REGISTRY_PASSWORD (docs/security.md).\n");
    return o.len;
}
