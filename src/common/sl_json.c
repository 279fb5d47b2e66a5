/* The JSON string escaper; see sl_json.h. */
#include "sl_json.h"

size_t sl_json_escape(char *out, size_t cap, const char *s, size_t n, unsigned flags) {
    static const char hex[] = "0123456789abcdef";
    size_t at = 0;
    if (!cap)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int u = c < 0x20 || (c >= 0x7f && (flags & SL_JSON_ASCII));
        size_t need = u ? 6 : c == '"' || c == '\\' ? 2 : 1;
        if (at + need >= cap)
            break;
        if (u) {
            const char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            for (int k = 0; k < 6; k++)
                out[at++] = e[k];
        } else {
            if (need == 2)
                out[at++] = '\\';
            out[at++] = (char)c;
        }
    }
    out[at] = '\0';
    return at;
}
