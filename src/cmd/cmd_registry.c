/*
 * The registry options, client, subject and decode hook of the commands (cmd_registry.h).
 */
#include "cmd_registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cmd_util.h"
#include "commands.h"
#include "sl_avro.h"
#include "sl_log.h"

int cmd_registry_configured(const sl_config_t *cfg) {
    const char *url = sl_config_str(cfg, "registry");
    return url && *url;
}

int cmd_registry_check_argv(const sl_config_t *cfg, const char *prog) {
    for (int i = 0; i < 2; i++) {
        const char *name = i ? "registry-password" : "registry-username";
        if (sl_config_source(cfg, name) == SL_CONFIG_SRC_FLAG) {
            fprintf(stderr,
                    "%s: --%s is not taken on the command line; set SLUICE_%s or put it in the "
                    "config file\n",
                    prog, name, i ? "REGISTRY_PASSWORD" : "REGISTRY_USERNAME");
            return SL_EXIT_USAGE;
        }
    }
    return 0;
}

int cmd_registry_open(const sl_config_t *cfg, const char *prog, long timeout_ms, unsigned attempts,
                      volatile sig_atomic_t *stop, sl_registry_t **out) {
    *out = NULL;
    int code = cmd_registry_check_argv(cfg, prog);
    if (code != 0)
        return code;
    sl_registry_conf_t rc;
    sl_registry_conf_defaults(&rc);
    rc.url = sl_config_str(cfg, "registry");
    rc.username = sl_config_str(cfg, "registry-username");
    rc.password = sl_config_str(cfg, "registry-password");
    rc.ca_file = sl_config_str(cfg, "registry-ca");
    if (timeout_ms > 0 && timeout_ms < rc.timeout_ms)
        rc.timeout_ms = timeout_ms;
    if (attempts)
        rc.attempts = attempts;
    rc.stop = stop;
    rc.log = cmd_log_line;
    rc.log_opaque = (void *)"registry";
    char err[512];
    *out = sl_registry_new(&rc, err, sizeof err);
    if (!*out) {
        fprintf(stderr, "%s: --registry: %s\n", prog, err);
        return SL_EXIT_USAGE;
    }
    return 0;
}

int cmd_registry_subject(sl_registry_t *reg, const char *who, const char *topic, const char *level,
                         int always_register, int32_t *id) {
    char subject[600];
    snprintf(subject, sizeof subject, "%s-value", topic);
    sl_registry_detail_t d;
    sl_registry_err_t e = SL_REGISTRY_ERR_SUBJECT_NOT_FOUND;
    if (!always_register)
        e = sl_registry_lookup(reg, subject, sl_avro_schema(), sl_avro_schema_len(), id, NULL, &d);
    int registered = 0;
    if (e == SL_REGISTRY_ERR_SUBJECT_NOT_FOUND || e == SL_REGISTRY_ERR_SCHEMA_NOT_FOUND) {
        e = sl_registry_register(reg, subject, sl_avro_schema(), sl_avro_schema_len(), id, &d);
        registered = e == SL_REGISTRY_OK;
        if (registered)
            e = sl_registry_set_compatibility(reg, subject, level, &d);
    }
    if (e != SL_REGISTRY_OK) {
        sl_log(SL_LOG_ERROR, who, "registry %s: %s (%s)", sl_registry_url(reg), d.message,
               sl_registry_err_str(e));
        return e == SL_REGISTRY_ERR_INVALID_COMPATIBILITY ? SL_EXIT_USAGE : SL_EXIT_FAIL;
    }
    if (registered)
        sl_log(SL_LOG_INFO, who, "Avro schema registered as %s, id %d, compatibility %s", subject,
               (int)*id, level);
    else
        sl_log(SL_LOG_INFO, who, "Avro schema found as %s, id %d", subject, (int)*id);
    return 0;
}

void cmd_registry_decoder_free(sl_registry_t *reg, sl_registry_decode_t *dec) {
    sl_registry_decode_free(dec);
    sl_registry_free(reg);
    curl_global_cleanup();
}

int cmd_registry_decoder(const sl_config_t *cfg, const char *prog, volatile sig_atomic_t *stop,
                         sl_registry_t **reg, sl_registry_decode_t **dec) {
    *reg = NULL;
    *dec = NULL;
    if (!cmd_registry_configured(cfg))
        return cmd_registry_check_argv(cfg, prog);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "%s: libcurl could not start\n", prog);
        return SL_EXIT_FAIL;
    }
    int code = cmd_registry_open(cfg, prog, 5000, 1, stop, reg);
    char err[256];
    sl_registry_decode_conf_t dc;
    sl_registry_decode_conf_defaults(&dc);
    dc.lost_wait_ms = (int64_t)(sl_config_num(cfg, "registry-lost-wait") * 1000);
    if (code == 0 && !(*dec = sl_registry_decode_new(*reg, &dc, err, sizeof err))) {
        fprintf(stderr, "%s: %s\n", prog, err);
        code = SL_EXIT_FAIL;
    }
    if (code != 0) {
        cmd_registry_decoder_free(*reg, NULL);
        *reg = NULL;
        return code;
    }
    sl_log(SL_LOG_INFO, "registry", "Avro values decoded through %s", sl_registry_url(*reg));
    return 0;
}

sl_processor_decode_t cmd_registry_decode(void *opaque, const void *value, size_t len,
                                          sl_record_t *out, char *scratch, size_t scratch_size,
                                          sl_reject_t *reject, sl_field_t *field, char *errstr,
                                          size_t errstr_size) {
    switch (sl_registry_decode_message(opaque, value, len, out, scratch, scratch_size, reject,
                                       field, errstr, errstr_size)) {
    case SL_REGISTRY_DECODE_OK: return SL_PROCESSOR_DECODE_OK;
    case SL_REGISTRY_DECODE_REJECT: return SL_PROCESSOR_DECODE_REJECT;
    case SL_REGISTRY_DECODE_WAIT: return SL_PROCESSOR_DECODE_WAIT;
    case SL_REGISTRY_DECODE_FATAL: break;
    }
    return SL_PROCESSOR_DECODE_FATAL;
}
