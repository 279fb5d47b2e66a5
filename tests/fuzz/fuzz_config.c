/* Fuzz target for the config file parser: any bytes must load or fail cleanly, and a
 * loaded config must render without reading out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const sl_config_opt_t opts[] = {
    {"brokers", 'b', SL_OPT_STR, "127.0.0.1:9092", 0, -1, "LIST", "brokers"},
    {"batch", 0, SL_OPT_INT, "500", 1, 5000, "N", "users per request"},
    {"max-body", 0, SL_OPT_INT, "64M", 1, 1e12, "BYTES", "body cap"},
    {"rate", 0, SL_OPT_NUM, "0", 0, 1e9, "R", "rate"},
    {"dry-run", 0, SL_OPT_BOOL, "false", 0, -1, NULL, "flag"},
    {"password", 0, SL_OPT_STR, NULL, 0, -1, "PW", "secret"},
};

static int count_prop(const char *key, const char *value, void *opaque) {
    (void)key;
    (void)value;
    (*(size_t *)opaque)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sl_config_t *cfg = sl_config_new("fuzz", opts, sizeof opts / sizeof opts[0]);
    if (!cfg)
        abort();
    char err[256];
    sl_config_load_text(cfg, (const char *)data, size, "fuzz", err, sizeof err);
    char out[512];
    size_t need = sl_config_describe(cfg, out, sizeof out);
    if (need < sizeof out && strlen(out) != need)
        abort();
    size_t n = 0;
    sl_config_props(cfg, "kafka", count_prop, &n);
    sl_config_props(cfg, "cql", count_prop, &n);
    (void)sl_config_int(cfg, "batch");
    sl_config_free(cfg);
    return 0;
}
