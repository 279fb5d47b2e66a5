/* The first-contact check of the commands' Kafka settings; see cmd_kafka.h. */
#include "cmd_kafka.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "commands.h"
#include "sl_log.h"
#include "sl_time.h"

/* What the client's callbacks saw, read by the waiting loop. */
typedef struct {
    pthread_mutex_t lock;
    int err;          /* first refusal's rd_kafka_resp_err_t, or the last other error */
    int refused;      /* err is a refusal */
    int down;         /* every broker is down for another reason */
    int x509_error;   /* first certificate verification error, 0 for none */
    char text[512];   /* librdkafka's text of err */
    char broker[256]; /* broker of the first failed verification */
} probe_t;

static const char *x509_cause(int e) {
    switch (e) {
    case X509_V_ERR_CERT_HAS_EXPIRED: return "the broker's certificate has expired";
    case X509_V_ERR_CERT_NOT_YET_VALID: return "the broker's certificate is not valid yet";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return "the broker's certificate does not name the address connected to";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        return "the broker's certificate is not signed by a CA in kafka.ssl.ca.location";
    default: return NULL;
    }
}

/* librdkafka's text without its "(after 5ms in state ...)" tail. */
static void cut_tail(char *s) {
    char *t = strstr(s, " (after ");
    if (t)
        *t = '\0';
}

int cmd_kafka_refusal(int err, const char *text, int x509_error, char *out, size_t out_size) {
    const char *s;
    if (x509_error && (err == RD_KAFKA_RESP_ERR__SSL || err == RD_KAFKA_RESP_ERR__TRANSPORT)) {
        const char *c = x509_cause(x509_error);
        if (c)
            snprintf(out, out_size, "TLS: %s", c);
        else
            snprintf(out, out_size, "TLS: certificate verification failed: %s",
                     X509_verify_cert_error_string(x509_error));
        return 1;
    }
    if (err == RD_KAFKA_RESP_ERR__SSL) {
        s = strstr(text, "SSL handshake failed: ");
        snprintf(out, out_size, "TLS handshake failed: %s",
                 s ? s + strlen("SSL handshake failed: ") : text);
        cut_tail(out);
        return 1;
    }
    if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION) {
        s = strstr(text, "SASL authentication error: ");
        snprintf(out, out_size,
                 "SASL authentication failed (check kafka.sasl.username and "
                 "kafka.sasl.password): %s",
                 s ? s + strlen("SASL authentication error: ") : text);
        cut_tail(out);
        return 1;
    }
    if (err == RD_KAFKA_RESP_ERR__TRANSPORT &&
        (strstr(text, "incorrect security.protocol") || strstr(text, "require SASL"))) {
        snprintf(out, out_size,
                 "the listener closed the connection: it wants another security protocol than "
                 "this client's kafka.security.protocol (SASL_SSL, SSL or SASL_PLAINTEXT?)");
        return 1;
    }
    return 0;
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
    (void)rk;
    probe_t *p = opaque;
    char cause[64];
    pthread_mutex_lock(&p->lock);
    if (!p->refused) {
        p->refused = cmd_kafka_refusal(err, reason, p->x509_error, cause, sizeof cause);
        if (p->refused || err != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
            p->err = err;
            snprintf(p->text, sizeof p->text, "%s", reason);
        }
        if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
            p->down = 1;
    }
    pthread_mutex_unlock(&p->lock);
}

static int on_verify(rd_kafka_t *rk, const char *broker_name, int32_t broker_id, int *x509_error,
                     int depth, const char *buf, size_t size, char *errstr, size_t errstr_size,
                     void *opaque) {
    (void)rk, (void)broker_id, (void)depth, (void)buf, (void)size;
    probe_t *p = opaque;
    if (*x509_error == 0)
        return 1;
    pthread_mutex_lock(&p->lock);
    if (!p->x509_error) {
        p->x509_error = *x509_error;
        snprintf(p->broker, sizeof p->broker, "%s", broker_name);
    }
    pthread_mutex_unlock(&p->lock);
    snprintf(errstr, errstr_size, "%s", X509_verify_cert_error_string(*x509_error));
    return 0;
}

/* The probe says nothing itself: the one line is the check's. librdkafka reports a listener
 * that closes on a client of another security protocol in its log only (and only from the
 * second time on, as a FAIL line), so the log is read for that. */
static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
    (void)level;
    if (strcmp(fac, "FAIL") == 0)
        on_error((rd_kafka_t *)rk, RD_KAFKA_RESP_ERR__TRANSPORT, buf, rd_kafka_opaque(rk));
}

/* "127.0.0.1:9092" out of librdkafka's "sasl_ssl://127.0.0.1:9092/bootstrap: ..." or a
 * broker name "sasl_ssl://127.0.0.1:9092/1"; the brokers setting when there is none. */
static void broker_of(const char *text, const char *brokers, char *out, size_t out_size) {
    const char *s = strstr(text, "://");
    if (s) {
        s += 3;
        size_t n = strcspn(s, "/: ");
        if (s[n] == ':')
            n += 1 + strcspn(s + n + 1, "/: ");
        snprintf(out, out_size, "%.*s", (int)n, s);
        return;
    }
    snprintf(out, out_size, "%s", brokers);
}

static rd_kafka_t *probe_new(const char *who, const char *brokers, const cmd_props_t *props,
                             probe_t *p, int *exit_code) {
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    *exit_code = SL_EXIT_USAGE;
    if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, err, sizeof err) != RD_KAFKA_CONF_OK)
        goto bad;
    for (size_t i = 0; i < props->n; i++)
        if (rd_kafka_conf_set(conf, props->kv[2 * i], props->kv[2 * i + 1], err, sizeof err) !=
            RD_KAFKA_CONF_OK)
            goto bad;
    /* One refusal is enough; no reconnection storm while we wait. */
    rd_kafka_conf_set(conf, "reconnect.backoff.ms", "500", NULL, 0);
    rd_kafka_conf_set_opaque(conf, p);
    rd_kafka_conf_set_error_cb(conf, on_error);
    rd_kafka_conf_set_log_cb(conf, on_log);
    /* Only meaningful with TLS; librdkafka refuses it when built without. */
    char proto[32] = "";
    size_t plen = sizeof proto;
    rd_kafka_conf_get(conf, "security.protocol", proto, &plen);
    if (!strncasecmp(proto, "ssl", 3) || !strncasecmp(proto, "sasl_ssl", 8))
        rd_kafka_conf_set_ssl_cert_verify_cb(conf, on_verify);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (rk)
        return rk;
    sl_log(SL_LOG_ERROR, who, "Kafka %s: %s", brokers, err);
    return NULL;
bad:
    rd_kafka_conf_destroy(conf);
    sl_log(SL_LOG_ERROR, who, "Kafka property: %s", err);
    return NULL;
}

int cmd_kafka_check(const char *who, const char *brokers, const cmd_props_t *props) {
    probe_t p;
    memset(&p, 0, sizeof p);
    pthread_mutex_init(&p.lock, NULL);
    int code = 0;
    rd_kafka_t *rk = probe_new(who, brokers, props, &p, &code);
    if (!rk) {
        pthread_mutex_destroy(&p.lock);
        return code;
    }
    code = 0;
    int64_t deadline = sl_now_ms() + CMD_KAFKA_CHECK_MS, down_at = 0;
    for (;;) {
        const struct rd_kafka_metadata *md = NULL;
        if (rd_kafka_metadata(rk, 0, NULL, &md, 500) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            rd_kafka_metadata_destroy(md);
            break;
        }
        rd_kafka_poll(rk, 0);
        pthread_mutex_lock(&p.lock);
        int refused = p.refused, down = p.down;
        pthread_mutex_unlock(&p.lock);
        if (refused) {
            char cause[512], broker[256];
            cmd_kafka_refusal(p.err, p.text, p.x509_error, cause, sizeof cause);
            broker_of(p.broker[0] ? p.broker : p.text, brokers, broker, sizeof broker);
            sl_log(SL_LOG_ERROR, who, "Kafka %s: %s", broker, cause);
            code = SL_EXIT_FAIL;
            break;
        }
        /* Every broker down may still turn out to be a refusal, which the log tells a
         * moment later; give it a few reconnections. */
        int64_t now = sl_now_ms();
        if (down && !down_at)
            down_at = now;
        if ((down_at && now - down_at >= 2000) || now >= deadline)
            break;
    }
    rd_kafka_destroy(rk);
    pthread_mutex_destroy(&p.lock);
    return code;
}
