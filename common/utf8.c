/*  utf8: validity checks and escaping for text from outside.  */
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

size_t
utf8_seq (const unsigned char *s, size_t avail)
{
    unsigned c = s [0];
    size_t n;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    else if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (avail < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s [k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s [k] & 0x3F);
    }
    if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
        return 0;               //  overlong or a surrogate
    if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))
        return 0;
    return n;
}

size_t
utf8_invalid_at (const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint64_t word;
        if (i + 8 <= len) {     //  mostly ASCII: skip it a word at a time
            memcpy (&word, s + i, 8);
            if (!(word & 0x8080808080808080ULL)) {
                i += 8;
                continue;
            }
        }
        size_t n = utf8_seq (s + i, len - i);
        if (!n)
            return i;
        i += n;
    }
    return len;
}

static bool
s_control (unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
}

bool
utf8_clean (const char *text)
{
    const unsigned char *s = (const unsigned char *) text;
    size_t len = strlen (text);
    for (size_t i = 0; i < len;) {
        if (s_control (s [i]))
            return false;
        size_t n = utf8_seq (s + i, len - i);
        if (!n)
            return false;
        i += n;
    }
    return true;
}

char *
utf8_escape (const char *s, size_t len, char *out, size_t outlen)
{
    const unsigned char *u = (const unsigned char *) s;
    size_t o = 0;
    if (!outlen)
        return out;
    for (size_t i = 0; i < len;) {
        size_t n = u [i] && !s_control (u [i]) ? utf8_seq (u + i, len - i) : 0;
        size_t need = n ? n : 4;
        if (o + need + 4 > outlen) {        //  room for "..." and the NUL
            memcpy (out + o, "...", outlen - o > 3 ? 3 : 0);
            o += outlen - o > 3 ? 3 : 0;
            break;
        }
        if (n)
            memcpy (out + o, s + i, n);
        else
            snprintf (out + o, 5, "\\x%02X", u [i]);
        o += need;
        i += n ? n : 1;
    }
    out [o < outlen ? o : outlen - 1] = '\0';
    return out;
}
