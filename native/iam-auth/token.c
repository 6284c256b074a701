/* See token.h. As src/gateway/first-command.ts's tokenUser: `/?` after a non-empty host,
 * `Action=connect` and an `X-Amz-Signature=` parameter, and a non-empty User. */
#include "token.h"

#include <string.h>
#include <strings.h>

static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes [s, s+len) into out (as URLSearchParams does, '+' is a space). */
static int decode(const char *s, size_t len, char *out, size_t outlen) {
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= len) return -1;
            int h = hex(s[i + 1]), l = hex(s[i + 2]);
            if (h < 0 || l < 0) return -1;
            c = (char)(h * 16 + l);
            i += 2;
        }
        if (c == '\0' || o + 1 >= outlen) return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

int token_user(const char *s, size_t len, char *out, size_t outlen) {
    const char *q = NULL;
    for (size_t i = 1; i + 1 < len; i++) {
        if (s[i] == '/' && s[i + 1] == '?') { q = s + i + 2; break; }
    }
    if (!q) return -1;
    const char *end = s + len;
    int action = 0, signature = 0, user = -1, seen_user = 0;
    for (const char *p = q; p < end;) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (eq) {
            size_t klen = (size_t)(eq - p), vlen = (size_t)(stop - eq - 1);
            if (klen == 6 && strncasecmp(p, "Action", 6) == 0 && vlen == 7 && strncasecmp(eq + 1, "connect", 7) == 0) action = 1;
            else if (klen == 15 && strncmp(p, "X-Amz-Signature", 15) == 0) signature = 1;
            else if (klen == 4 && strncmp(p, "User", 4) == 0 && !seen_user) { /* the first one, as URLSearchParams.get */
                seen_user = 1;
                user = vlen > 0 ? decode(eq + 1, vlen, out, outlen) : -1;
            }
        }
        p = stop + 1;
    }
    return action && signature && user == 0 ? 0 : -1;
}
