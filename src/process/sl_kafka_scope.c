/* librdkafka property scopes read from the library's own table; see sl_kafka_scope.h. */
#include "sl_kafka_scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The table's rows are "name<spaces>|  C  | range | ...": the first cell the name, the
 * second one of "*", "C", "P". Topic-level properties have rows of their own in the same
 * format (a global conf takes them too). */
static sl_kafka_scope_t scope_in(const char *table, const char *name) {
    size_t n = strlen(name);
    for (const char *line = table; line && *line;) {
        const char *nl = strchr(line, '\n');
        if (strncmp(line, name, n) == 0 && (line[n] == ' ' || line[n] == '|')) {
            const char *bar = memchr(line, '|', nl ? (size_t)(nl - line) : strlen(line));
            if (bar) {
                const char *c = bar + 1;
                while (*c == ' ')
                    c++;
                if (*c == 'C' || *c == 'P')
                    return (sl_kafka_scope_t)*c;
                if (*c == '*')
                    return SL_KAFKA_SCOPE_BOTH;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return SL_KAFKA_SCOPE_BOTH;
}

sl_kafka_scope_t sl_kafka_scope_of(const char *name) {
    char *table = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&table, &len);
    if (!f)
        return SL_KAFKA_SCOPE_BOTH;
    rd_kafka_conf_properties_show(f);
    sl_kafka_scope_t s = fclose(f) == 0 && table ? scope_in(table, name) : SL_KAFKA_SCOPE_BOTH;
    free(table);
    return s;
}

int sl_kafka_scope_applies(const char *name, rd_kafka_type_t type) {
    sl_kafka_scope_t s = sl_kafka_scope_of(name);
    return s == SL_KAFKA_SCOPE_BOTH ||
           s == (type == RD_KAFKA_CONSUMER ? SL_KAFKA_SCOPE_CONSUMER : SL_KAFKA_SCOPE_PRODUCER);
}
