/*
 * The console's registry hooks (sl_console_registry_t) over the project's registry client:
 * the schemas view from sl_registry (subjects, versions, the latest version, compatibility),
 * Avro values decoded by sl_registry_decode (writer schema by id, cached and bounded, the
 * processor's decoder) and rendered as the record's JSON, and the overview's reachability
 * through a client of its own (with the configured credentials). The console library calls
 * the hooks from several threads; the clients are single-threaded, so calls are serialised
 * here.
 */
#ifndef SLUICE_CMD_CONSOLE_REGISTRY_H
#define SLUICE_CMD_CONSOLE_REGISTRY_H

#include <signal.h>

#include "sl_config.h"
#include "sl_console.h"

typedef struct cmd_console_registry_s cmd_console_registry_t;

/*
 * Opens the configured registry (curl_global_init() must have run) with timeout_ms per
 * request and one try (a page must not wait on retries), and fills *hooks. Returns 0 with
 * *out set (NULL and *hooks zeroed when no registry is configured), or an exit code after
 * printing why (credentials on the command line, a URL the client refuses). *out must be
 * freed with cmd_console_registry_free() after the console is stopped.
 */
int cmd_console_registry_open(const sl_config_t *cfg, long timeout_ms, volatile sig_atomic_t *stop,
                              cmd_console_registry_t **out, sl_console_registry_t *hooks);

/* NULL is a no-op. */
void cmd_console_registry_free(cmd_console_registry_t *r);

#endif
