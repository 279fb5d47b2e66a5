/*
 * Serving the embedded page files, and the login page: a fixed HTML form posted to /login
 * (no script needed), with one of three fixed messages and never anything from the
 * request in it.
 */
#include "sl_console_int.h"

#include <string.h>

#include "sl_console_assets.h"

static const sl_console_asset_t *find(const char *path) {
    for (size_t i = 0; i < sl_console_assets_count; i++)
        if (strcmp(sl_console_assets_table[i].path, path) == 0)
            return &sl_console_assets_table[i];
    return NULL;
}

int sl_console_page_serve(const char *path, sl_http_response_t *resp) {
    const sl_console_asset_t *a = find(path);
    /* login.html is served by /login only, with its message filled in */
    if (!a || strcmp(path, "/login.html") == 0)
        return 0;
    sl_http_response_content_type(resp, a->content_type);
    sl_http_response_append(resp, a->data, a->len);
    return 1;
}

void sl_console_page_login(sl_http_response_t *resp, int status, int message) {
    static const char *const messages[] = {
        "",
        "<p class=\"error\">That is not the token.</p>",
        "<p class=\"error\">Too many failed logins: wait a minute.</p>",
    };
    static const char mark[] = "<!--MESSAGE-->";
    const sl_console_asset_t *a = find("/login.html");
    sl_http_response_status(resp, status);
    sl_http_response_content_type(resp, "text/html; charset=utf-8");
    if (!a) {
        sl_http_response_printf(resp, "login page missing from this build\n");
        return;
    }
    const char *text = (const char *)a->data;
    const char *at = strstr(text, mark);
    if (message < 0 || message > 2)
        message = 0;
    if (!at) {
        sl_http_response_append(resp, a->data, a->len);
        return;
    }
    sl_http_response_append(resp, text, (size_t)(at - text));
    sl_http_response_append(resp, messages[message], strlen(messages[message]));
    size_t rest = (size_t)(at - text) + sizeof mark - 1;
    sl_http_response_append(resp, text + rest, a->len - rest);
}
