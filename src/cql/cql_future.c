/*
 * cql_future — the outcome of one request: error, server error details, result or
 * prepared statement, an optional completion callback, and a blocking wait that drives
 * the owning connection or session until the outcome is there.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cql_int.h"

/* Freed futures are kept for reuse, per thread and bounded, so that a steady stream of
 * requests allocates none. A thread's pool goes with the thread: a pthread key whose
 * destructor empties it, set when the pool gets its first future (without it, every
 * thread that used the library and exited left up to FUTURE_POOL_MAX futures behind). */
#define FUTURE_POOL_MAX 1024
static _Thread_local cql_future_t *pool;
static _Thread_local size_t pool_n;
static pthread_key_t pool_key;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static bool pool_key_ok;

/* Runs in the exiting thread, before its thread-local storage goes. */
static void pool_drain(void *unused) {
    (void)unused;
    while (pool) {
        cql_future_t *f = pool;
        pool = f->link;
        free(f);
    }
    pool_n = 0;
}

static void pool_key_init(void) {
    pool_key_ok = pthread_key_create(&pool_key, pool_drain) == 0;
}

/* Whether this thread may keep f in its pool. */
static bool pool_accepts(void) {
    if (!CQL_POOLING || pool_n >= FUTURE_POOL_MAX)
        return false;
    if (pool_n > 0)
        return true;
    pthread_once(&pool_once, pool_key_init);
    return pool_key_ok && pthread_setspecific(pool_key, &pool) == 0;
}

cql_future_t *cql_future_new(void *owner, cql_drive_fn drive) {
    cql_future_t *f = pool;
    if (f) {
        pool = f->link;
        pool_n--;
        memset(f, 0, sizeof *f);
    } else if (!(f = calloc(1, sizeof *f))) {
        return NULL;
    }
    f->err = CQL_ERR_PENDING;
    f->owner = owner;
    f->drive = drive;
    return f;
}

static void future_destroy(cql_future_t *f) {
    free(f->errmsg);
    cql_server_error_clear(&f->server);
    cql_result_free(f->result);
    cql_prepared_free(f->prepared);
    if (pool_accepts()) {
        f->link = pool;
        pool = f;
        pool_n++;
        return;
    }
    free(f);
}

void cql_future_complete(cql_future_t *f, cql_err_t err, const char *msg, cql_result_t *result) {
    if (f->done) {
        cql_result_free(result);
        return;
    }
    f->done = true;
    f->err = err;
    f->result = result;
    f->owner = NULL;
    if (msg && !f->errmsg)
        f->errmsg = cql_strndup(msg, strlen(msg));
    if (f->abandoned) {
        future_destroy(f);
        return;
    }
    if (f->cb)
        f->cb(f, f->cb_opaque);
}

void cql_future_fail_server(cql_future_t *f, cql_err_t err, cql_server_error_owned_t *e) {
    if (f->done) {
        cql_server_error_clear(e);
        return;
    }
    f->server = *e;
    memset(e, 0, sizeof *e);
    f->has_server = true;
    cql_future_complete(f, err, NULL, NULL);
}

bool cql_future_ready(const cql_future_t *f) {
    return f->done;
}

cql_err_t cql_future_wait(cql_future_t *f, int64_t timeout_ms) {
    int64_t deadline = timeout_ms < 0 ? -1 : cql_now_ms() + timeout_ms;
    while (!f->done) {
        if (!f->owner || !f->drive)
            return CQL_ERR_PENDING;
        int64_t left = -1;
        if (deadline >= 0) {
            left = deadline - cql_now_ms();
            if (left <= 0)
                return CQL_ERR_PENDING;
        }
        /* slices keep the loop responsive to request deadlines */
        f->drive(f->owner, left < 0 || left > 100 ? 100 : left);
    }
    return f->err;
}

void cql_future_set_callback(cql_future_t *f, cql_future_cb_t cb, void *opaque) {
    f->cb = cb;
    f->cb_opaque = opaque;
    if (f->done && cb)
        cb(f, opaque);
}

cql_err_t cql_future_error(const cql_future_t *f) {
    return f->done ? f->err : CQL_ERR_PENDING;
}

const char *cql_future_error_message(const cql_future_t *f) {
    if (!f->done)
        return cql_err_str(CQL_ERR_PENDING);
    if (f->has_server && f->server.message)
        return f->server.message;
    if (f->errmsg)
        return f->errmsg;
    return cql_err_str(f->err);
}

const cql_server_error_t *cql_future_server_error(const cql_future_t *f) {
    return f->done && f->has_server ? &f->server.e : NULL;
}

cql_result_t *cql_future_result(cql_future_t *f) {
    return f->done ? f->result : NULL;
}

cql_result_t *cql_future_take_result(cql_future_t *f) {
    if (!f->done)
        return NULL;
    cql_result_t *r = f->result;
    f->result = NULL;
    return r;
}

cql_prepared_t *cql_future_prepared(cql_future_t *f) {
    if (!f->done || !f->prepared)
        return NULL;
    cql_prepared_ref(f->prepared);
    return f->prepared;
}

void cql_future_free(cql_future_t *f) {
    if (!f)
        return;
    if (!f->done) {
        f->abandoned = true;
        f->cb = NULL;
        return;
    }
    future_destroy(f);
}

void cql_future_complete_from(cql_future_t *dst, cql_future_t *src) {
    if (dst->done)
        return;
    dst->server = src->server;
    dst->has_server = src->has_server;
    memset(&src->server, 0, sizeof src->server);
    src->has_server = false;
    dst->prepared = src->prepared;
    src->prepared = NULL;
    if (src->errmsg && !dst->errmsg) {
        dst->errmsg = src->errmsg;
        src->errmsg = NULL;
    }
    cql_result_t *r = src->result;
    src->result = NULL;
    cql_future_complete(dst, src->err, NULL, r);
}
