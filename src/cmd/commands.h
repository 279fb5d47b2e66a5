/*
 * The subcommands of the sluice binary. Each lives in src/cmd/cmd_<name>.c, turns argv into
 * a config, calls into its module and returns an exit code:
 *   0 success, 1 runtime failure (something was not delivered), 2 usage or configuration error.
 * Only code in src/cmd may end the process.
 */
#ifndef SLUICE_COMMANDS_H
#define SLUICE_COMMANDS_H

enum { SL_EXIT_OK = 0, SL_EXIT_FAIL = 1, SL_EXIT_USAGE = 2 };

typedef struct sl_command_s {
    const char *name;
    const char *summary;               /* one line for `sluice --help` */
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
} sl_command_t;

int cmd_check(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_mock_api(int argc, char **argv);
int cmd_process(int argc, char **argv);
int cmd_schema(int argc, char **argv);

#endif
