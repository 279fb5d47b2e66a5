/*
 * sl_console_assets — the page's files (HTML, CSS, script) embedded in the binary. The
 * table is generated at build time from src/console/assets/ by embed.cmake, so the console
 * serves exactly the files in the source tree and needs nothing at run time.
 */
#ifndef SL_CONSOLE_ASSETS_H
#define SL_CONSOLE_ASSETS_H

#include <stddef.h>

typedef struct {
    const char *path; /* "/app.js" */
    const char *content_type;
    const unsigned char *data;
    size_t len;
} sl_console_asset_t;

extern const sl_console_asset_t sl_console_assets_table[];
extern const size_t sl_console_assets_count;

#endif
